/**
 * `pipesim fix <scenario> [-o out.yaml] [--in-place] [--force] [--json] [--max-rounds <n>]`:
 * diagnose, apply the first verified fix, and repeat until the run is green or no fix is found
 * (at most 25 rounds by default); every change is printed as a JSON Patch and in words.
 *
 * Writing the fixed scenario:
 * - nothing is written without `-o` or `--in-place` (the report says what would change);
 * - `-o <file>` never names the input file (that takes `--in-place`) and never replaces an
 *   existing file unless `--force` is given; `-o -` writes to standard output (the report then
 *   goes to standard error);
 * - the file is written atomically: a temporary file in the same directory, then a hard link
 *   that fails if the target appeared meanwhile (or, with `--force`/`--in-place`, a rename);
 * - `.json` gets JSON; anything else YAML, keeping the source's comments and layout.
 * Exit codes: 0 the run is green, 1 it is not, 2 a document that does not load or a usage error
 * (a refused output included), 70 a bug.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../atomic-write.js';
import { EXIT, err, formatIssue, loadExitCode, out } from '../cli-support.js';

/** Options of `fix`. */
interface FixCommandOptions {
  readonly output?: string;
  readonly inPlace?: boolean;
  readonly force?: boolean;
  readonly json?: boolean;
  readonly maxRounds: string;
}

/** A usage error: one line on standard error, exit 2. */
function refuse(message: string): void {
  err(`pipesim fix: ${message}`);
  process.exitCode = EXIT.unloadable;
}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether two paths name the same existing file. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

/** Registers `fix`. */
export function register(program: Command): void {
  program
    .command('fix')
    .description('apply verified least-privilege fixes until the run is green')
    .argument('<scenario>', 'a path, - for standard input, or the id of a bundled scenario')
    .option('-o, --output <file>', 'write the fixed scenario here (- for standard output); never the input, never over an existing file without --force')
    .option('--in-place', 'rewrite the input file itself')
    .option('--force', 'let -o replace an existing file')
    .option('--json', 'print the rounds, the patch and the outcome as JSON')
    .option('--max-rounds <n>', 'stop after this many fixes', '25')
    .action(async (scenario: string, options: FixCommandOptions) => {
      const maxRounds = Number(options.maxRounds);
      if (!Number.isInteger(maxRounds) || maxRounds < 0) return refuse(`--max-rounds expects a whole number, got \`${options.maxRounds}\``);
      if (options.inPlace && options.output !== undefined) return refuse('choose either --in-place or -o, not both');

      // The source: its text (to keep its layout) and where it lives.
      const { loadScenarioFile, bundledScenarioFile } = await import('../../model/source.js');
      let text: string;
      let sourcePath: string | undefined;
      let loaded;
      if (scenario === '-') {
        if (options.inPlace) return refuse('--in-place needs a file, not standard input');
        text = await readAll(process.stdin);
        loaded = await loadScenarioFile('-', { stdin: text });
      } else {
        const info = await stat(scenario).catch(() => undefined);
        sourcePath = info?.isFile() ? resolve(scenario) : bundledScenarioFile(scenario);
        if (options.inPlace && !info?.isFile()) return refuse(`--in-place needs a file path: \`${scenario}\` is ${sourcePath ? 'a bundled scenario' : 'not a file'}`);
        loaded = await loadScenarioFile(scenario);
        text = loaded.success && sourcePath ? await readFile(sourcePath, 'utf8') : '';
      }
      if (!loaded.success) {
        for (const issue of loaded.issues) err(formatIssue(issue, loaded.file));
        process.exitCode = loadExitCode(loaded.issues);
        return;
      }
      for (const warning of loaded.warnings) err(formatIssue(warning, loaded.file));

      // Where the fixed scenario goes, checked before any work.
      const target = options.inPlace ? sourcePath : options.output;
      const toStdout = target === '-';
      if (target !== undefined && !toStdout) {
        if (!options.inPlace && sourcePath && (resolve(target) === sourcePath || (await sameFile(target, sourcePath)))) return refuse(`-o \`${target}\` is the input file: use --in-place to rewrite it`);
        if (!options.inPlace && !options.force && (await stat(target).catch(() => undefined))) return refuse(`\`${target}\` exists: use --force to replace it`);
        if (!(await stat(dirname(resolve(target))).catch(() => undefined))?.isDirectory()) return refuse(`cannot write \`${target}\`: its folder does not exist`);
      }

      const { fixScenario } = await import('../../engine/analysis/fix.js');
      const run = await fixScenario(loaded.data, { maxRounds });

      let written: { readonly file: string; readonly preserved: boolean } | null = null;
      if (target !== undefined && run.rounds.length > 0) {
        const { patchScenarioText } = await import('../../engine/analysis/fix-output.js');
        const format = /\.json$/i.test(toStdout ? loaded.file : target) ? 'json' : 'yaml';
        const rendered = patchScenarioText(text, loaded.data, run.patch, { format, file: loaded.file });
        if (!rendered.success) throw new Error(`cannot write the fixed scenario: ${rendered.message}`);
        if (toStdout) process.stdout.write(rendered.text);
        else {
          const mode = options.inPlace && sourcePath ? (await stat(sourcePath)).mode & 0o777 : undefined;
          try {
            writeFileAtomic(target, rendered.text, { replace: options.inPlace === true || options.force === true, ...(mode !== undefined ? { mode } : {}) });
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') return refuse(`\`${target}\` exists: use --force to replace it`);
            throw error;
          }
        }
        written = { file: toStdout ? '-' : target, preserved: rendered.preserved };
      }

      const report = toStdout ? err : out;
      if (options.json) {
        report(
          JSON.stringify(
            {
              formatVersion: 1,
              scenario: run.scenario,
              initialStatus: run.initialStatus,
              status: run.status,
              stopped: run.stopped,
              rounds: run.rounds,
              patch: run.patch,
              output: written,
              remaining: run.remaining,
            },
            null,
            2,
          ),
        );
      } else {
        const { formatFixRun } = await import('../format/diagnose.js');
        const lines = formatFixRun(run).replace(/\n$/, '');
        report(lines);
        if (written && !toStdout) report(`\nwrote ${written.file}${written.preserved ? ' (comments and layout kept)' : ''}`);
        else if (target === undefined && run.rounds.length > 0) report('\nnothing written: use -o <file> or --in-place to save the fixed scenario');
      }
      process.exitCode = run.status === 'Succeeded' ? EXIT.ok : EXIT.failed;
    });
}
