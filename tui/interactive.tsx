/**
 * The interactive sessions: the replay and the scenario picker, drawn by Ink on the terminal's
 * alternate screen and restored on the way out. Imported lazily (Ink and React load only here).
 */
import { render } from 'ink';
import { onAltScreen } from './alt-screen.js';
import { createMemo } from '../engine/policy/authorize.js';
import type { TraceFilter } from '../engine/trace.js';
import type { SimulationResult } from '../engine/types.js';
import type { Scenario } from '../model/schema.js';
import { Picker } from './picker/app.js';
import type { PickerItem } from './picker/reducer.js';
import { App } from './replay/app.js';

/** Draws one Ink app until it exits; resolves with the value passed to `exit`. */
async function runInk(node: Parameters<typeof render>[0]): Promise<unknown> {
  const instance = render(node, { exitOnCtrlC: false, patchConsole: true });
  try {
    return await instance.waitUntilExit();
  } finally {
    instance.cleanup();
  }
}

/**
 * Replays a result in the terminal until the user quits. What-if (`x`, space on a statement)
 * re-runs the scenario with one decision memo for the whole replay.
 */
export async function replayInTerminal(result: SimulationResult, scenario: Scenario, options: { readonly filter?: TraceFilter } = {}): Promise<void> {
  await onAltScreen(() => runInk(<App result={result} scenario={scenario} memo={createMemo()} {...(options.filter ? { filter: options.filter } : {})} />));
}

/** What the picker needs to replay a chosen scenario: load and simulate it, or say why not. */
export type PrepareReplay = (id: string) => Promise<{ readonly result: SimulationResult; readonly scenario: Scenario } | { readonly error: string }>;

/**
 * Shows the picker; each chosen scenario is replayed, then the picker comes back on it.
 * Resolves when the user quits the picker.
 */
export async function pickAndReplay(items: readonly PickerItem[], prepare: PrepareReplay): Promise<void> {
  await onAltScreen(async () => {
    let selectedId: string | undefined;
    let message: string | null = null;
    for (;;) {
      const chosen = (await runInk(<Picker items={items} {...(selectedId ? { selectedId } : {})} {...(message ? { actions: [{ type: 'set-message', message }] } : {})} />)) as { readonly id: string } | undefined;
      if (!chosen) return;
      selectedId = chosen.id;
      process.stdout.write(`\u001B[2J\u001B[Hsimulating ${chosen.id}…`);
      const prepared = await prepare(chosen.id);
      if ('error' in prepared) {
        message = prepared.error;
        continue;
      }
      message = null;
      const left = (await runInk(<App result={prepared.result} scenario={prepared.scenario} memo={createMemo()} />)) as { readonly interrupt?: boolean } | undefined;
      if (left?.interrupt) return;
    }
  });
}
