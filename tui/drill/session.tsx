/**
 * The interactive drill session: each drill drawn by Ink on the terminal's alternate screen,
 * one after another while the user asks for the next one. Imported lazily (Ink and React load
 * only here). The drills are evaluated by the caller before they are drawn.
 */
import { render } from 'ink';
import { onAltScreen } from '../alt-screen.js';
import type { DrillVerdicts } from '../../engine/drills/evaluate.js';
import { DrillApp, type DrillOutcome } from './app.js';
import type { DrillContextInfo } from './view.js';

/** One drill to show: its verdicts and what the header says. */
export interface SessionDrill {
  readonly verdicts: DrillVerdicts;
  readonly info: DrillContextInfo;
}

/**
 * Shows drills until the user quits: `first`, then whatever `next()` gives when the user asks for
 * the next one (undefined ends the session). `onAnswer` is called for every submitted answer.
 * Resolves with the outcomes in order.
 */
export async function drillSession(first: SessionDrill, next: () => Promise<SessionDrill | undefined>, onAnswer: (verdicts: DrillVerdicts, answer: string) => DrillContextInfo | void): Promise<DrillOutcome[]> {
  return onAltScreen(async () => {
    const outcomes: DrillOutcome[] = [];
    let current: SessionDrill | undefined = first;
    while (current) {
      const drill: SessionDrill = current;
      const instance = render(<DrillApp verdicts={drill.verdicts} info={drill.info} onAnswer={(answer) => onAnswer(drill.verdicts, answer)} />, { exitOnCtrlC: false, patchConsole: true });
      let outcome: DrillOutcome;
      try {
        outcome = ((await instance.waitUntilExit()) as DrillOutcome | undefined) ?? { answer: null, next: false };
      } finally {
        instance.cleanup();
      }
      outcomes.push(outcome);
      current = outcome.next ? await next() : undefined;
    }
    return outcomes;
  });
}
