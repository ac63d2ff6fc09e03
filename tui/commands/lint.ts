/**
 * `pipesim lint <scenario> [--format text|json|sarif] [--run] [--fail-on error|warning|note]`:
 * static findings over a scenario; with `--run`, findings the simulation proves are marked.
 * Exit 1 when a finding is at or above `--fail-on` (default `error`), 0 otherwise, 2 for a
 * document that does not load or a usage error.
 */
import { isAbsolute, relative } from 'node:path';
import { type Command, Option } from 'commander';
import { EXIT, loadScenarioArgument, out } from '../cli-support.js';

const SEVERITIES = ['error', 'warning', 'note'] as const;
const FORMATS = ['text', 'json', 'sarif'] as const;

/** Options of `lint`. */
interface LintCommandOptions {
  readonly format: (typeof FORMATS)[number];
  readonly run?: boolean;
  readonly failOn: (typeof SEVERITIES)[number];
}

/** The scenario file as a SARIF artifact URI: relative to the working directory, forward slashes. */
function artifactUri(file: string, fileUri: (path: string) => string): string {
  if (file === '<stdin>') return 'stdin';
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  return fileUri(rel);
}

/** Registers `lint`. */
export function register(program: Command): void {
  program
    .command('lint')
    .description('report anti-patterns of a scenario: text, JSON or SARIF for code scanning')
    .argument('<scenario>', 'a path, - for standard input, or the id of a bundled scenario')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--run', 'simulate the scenario too, and mark the findings the run proves')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES).default('error'))
    .action(async (scenario: string, options: LintCommandOptions) => {
      const loaded = await loadScenarioArgument(scenario);
      if (!loaded) return;
      const [{ lint, failsAt, lintJson, lintSarif, fileUri }, { formatLintText }] = await Promise.all([import('../../engine/lint/index.js'), import('../format/lint.js')]);
      const result = options.run ? await (await import('../../engine/execution/simulate.js')).simulate(loaded.data) : undefined;
      const findings = lint(loaded.data, { locate: loaded.locate, ...(result ? { result } : {}) });
      if (options.format === 'json') out(JSON.stringify(lintJson(loaded.file, findings), null, 2));
      else if (options.format === 'sarif') {
        out(JSON.stringify(lintSarif(findings, { uri: artifactUri(loaded.file, fileUri), toolVersion: program.version() ?? '0.0.0' }), null, 2));
      } else process.stdout.write(formatLintText(loaded.file, findings));
      process.exitCode = failsAt(findings, options.failOn) ? EXIT.failed : EXIT.ok;
    });
}
