/** What `pipesim` with no arguments shows: for now the bundled scenarios and a hint (the TUI picker replaces it). */
import { out } from '../cli-support.js';
import { formatScenarioTable } from './scenarios.js';

/** Prints the bundled scenarios and how to go on. */
export async function home(): Promise<void> {
  const { listBundledScenarios } = await import('../../model/source.js');
  out('pipesim: offline simulator of cross-account AWS CodePipeline executions');
  out();
  out(formatScenarioTable(listBundledScenarios()));
  out();
  out('try `pipesim validate <scenario>` with a path, `-` or one of the ids above; `pipesim --help` lists every command');
}
