/**
 * What `pipesim` with no arguments does: on a terminal, a picker of the bundled scenarios that
 * replays the chosen one; otherwise the list of bundled scenarios and a hint.
 */
import { out } from '../cli-support.js';
import { interactiveTerminal } from './run.js';
import { formatScenarioTable } from './scenarios.js';

/** Opens the picker on a terminal; prints the bundled scenarios and how to go on elsewhere. */
export async function home(): Promise<void> {
  const { listBundledScenarios, loadScenarioFile } = await import('../../model/source.js');
  const scenarios = listBundledScenarios();
  if (interactiveTerminal() && scenarios.length > 0) {
    const [{ simulate }, { pickAndReplay }] = await Promise.all([import('../../engine/execution/simulate.js'), import('../interactive.js')]);
    await pickAndReplay(scenarios, async (id) => {
      const loaded = await loadScenarioFile(id);
      if (!loaded.success) return { error: `\`${id}\` does not load: ${loaded.issues[0]?.message ?? 'unknown problem'}` };
      return { result: await simulate(loaded.data), scenario: loaded.data };
    });
    return;
  }
  out('pipesim: offline simulator of cross-account AWS CodePipeline executions');
  out();
  out(formatScenarioTable(scenarios));
  out();
  out('try `pipesim run <scenario>` or `pipesim validate <scenario>` with a path, `-` or one of the ids above; `pipesim --help` lists every command');
}
