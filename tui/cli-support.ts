/**
 * What every command of the CLI shares: exit codes, the program, issue formatting, loading a
 * scenario argument, and the handling of usage and internal errors. Keep heavy imports lazy.
 */
import { Command, CommanderError } from 'commander';
import type { Issue } from '../model/issues.js';

/** Exit codes (DESIGN.md, "CLI and JSON contract"). */
export const EXIT = {
  /** The run succeeded, or nothing was found. */
  ok: 0,
  /** The run failed, the declaration is `Invalid`, or findings were reported. */
  failed: 1,
  /** A document pipesim cannot load, or a usage error. */
  unloadable: 2,
  /** An internal error: a bug. */
  internal: 70,
} as const;

/** A command module: `tui/commands/<name>.ts` exports `register`, and `tui/cli.ts` lists it. */
export interface CommandModule {
  /** Adds the command to the program. */
  readonly register: (program: Command) => void;
}

/** The root `pipesim` program, with usage errors thrown rather than exiting 1. */
export function createProgram(version: string): Command {
  return new Command('pipesim')
    .description('offline simulator of cross-account AWS CodePipeline executions')
    .version(version, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: true });
}

/** Writes one line to standard output. */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Writes one line to standard error. */
export function err(line = ''): void {
  process.stderr.write(`${line}\n`);
}

/** `file:line:column: severity: path: message [code]`, the form editors and CI annotate. Pure. */
export function formatIssue(issue: Issue, fallbackFile = '<scenario>'): string {
  const where = `${issue.file ?? fallbackFile}:${issue.line ?? 1}:${issue.column ?? 1}`;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}: ${issue.severity ?? 'error'}: ${path}${issue.message} [${issue.code}]`;
}

/** The exit code for issues that stopped a load: 70 for a bug, 2 otherwise. Pure. */
export function loadExitCode(issues: readonly Issue[]): number {
  return issues.some((i) => i.code === 'internal_error') ? EXIT.internal : EXIT.unloadable;
}

/**
 * Loads the `<scenario>` argument of a command. On failure prints every issue to standard error
 * (or nothing, with `quiet`), sets the exit code and returns undefined; on success prints the
 * warnings to standard error and returns the result.
 */
export async function loadScenarioArgument(pathOrId: string, options: { readonly quiet?: boolean } = {}) {
  const { loadScenarioFile } = await import('../model/source.js');
  const result = await loadScenarioFile(pathOrId);
  if (!result.success) {
    if (!options.quiet) for (const issue of result.issues) err(formatIssue(issue, result.file));
    process.exitCode = loadExitCode(result.issues);
    return undefined;
  }
  if (!options.quiet) for (const warning of result.warnings) err(formatIssue(warning, result.file));
  return result;
}

/** Prints an unexpected exception as a bug report line; the stack only with `PIPESIM_DEBUG=1`. */
export function reportInternalError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  err(`internal error: ${message.split('\n')[0]} (this is a bug: please report it)`);
  if (process.env.PIPESIM_DEBUG === '1' && error instanceof Error && error.stack) err(error.stack);
}

/** Runs the program on `argv` and sets the exit code: commander's usage errors give 2, bugs 70. */
export async function runProgram(program: Command, argv: readonly string[], home: () => Promise<void>): Promise<void> {
  // A closed pipe (`pipesim scenarios | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  try {
    if (argv.length <= 2) await home();
    else await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" exit 0; every usage error exits 2 (commander would use 1).
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.unloadable;
      return;
    }
    reportInternalError(error);
    process.exitCode = EXIT.internal;
  }
}
