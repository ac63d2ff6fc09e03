/**
 * `pipesim run <scenario> [--json|--plain] [--filter full|fails|notes]`: simulate a scenario.
 * A terminal gets the replay; pipes and `--plain` the plain trace; `--json` the result.
 * Exit codes: 0 Succeeded, 1 Failed or Invalid, 2 load or usage error, 70 a bug.
 */
import { Option, type Command } from 'commander';
import type { TraceFilter } from '../../engine/trace.js';
import type { SimulationResult } from '../../engine/types.js';
import { EXIT, loadScenarioArgument, out } from '../cli-support.js';

/** Options of `run`. */
export interface RunOptions {
  readonly json?: boolean;
  readonly plain?: boolean;
  readonly filter: TraceFilter;
}

/** The exit code of a run: 0 when it succeeded, 1 when it failed or was rejected. Pure. */
export function runExitCode(result: Pick<SimulationResult, 'status'>): number {
  return result.status === 'Succeeded' ? EXIT.ok : EXIT.failed;
}

/** Whether the replay can be drawn: both ends of the terminal are a TTY. */
export function interactiveTerminal(): boolean {
  return process.stdout.isTTY === true && process.stdin.isTTY === true;
}

/** Registers `run`. */
export function register(program: Command): void {
  program
    .command('run')
    .description('simulate a scenario: a replay on a terminal, the plain trace otherwise')
    .argument('<scenario>', 'a path, - for standard input, or the id of a bundled scenario')
    .addOption(new Option('--json', 'print the SimulationResult as JSON').conflicts('plain'))
    .addOption(new Option('--plain', 'print the plain trace even on a terminal').conflicts('json'))
    .addOption(new Option('--filter <filter>', 'which events the trace shows').choices(['full', 'fails', 'notes']).default('full'))
    .action(async (scenario: string, options: RunOptions) => {
      const loaded = await loadScenarioArgument(scenario);
      if (!loaded) return;
      const { simulate } = await import('../../engine/execution/simulate.js');
      const result = await simulate(loaded.data);
      if (options.json) {
        out(JSON.stringify(result, null, 2));
      } else if (options.plain || !interactiveTerminal()) {
        const { formatTrace } = await import('../../engine/trace.js');
        process.stdout.write(formatTrace(result, options.filter));
      } else {
        const { replayInTerminal } = await import('../interactive.js');
        await replayInTerminal(result, loaded.data, { filter: options.filter });
      }
      process.exitCode = runExitCode(result);
    });
}
