/**
 * Runs the real CLI as a user would: `node <compiled>/tui/cli.js …`. The CLI's own import
 * closure is compiled with tsc into a private folder under node_modules/.cache, so the test
 * neither depends on a fresh `dist/` nor on the rest of the tree compiling.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Compiles tui/cli.ts and what it imports into a fresh folder; returns the path of cli.js and a cleanup. */
export function buildCli(): { readonly cli: string; readonly cleanup: () => void } {
  const out = join(ROOT, 'node_modules', '.cache', `pipesim-cli-test-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const config = join(out, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: ROOT, noEmit: false, incremental: false, declaration: false, sourceMap: false, noEmitOnError: false },
      files: [join(ROOT, 'tui', 'cli.ts')],
      include: [],
    }),
  );
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    // Type errors elsewhere still emit JavaScript; only a missing output is fatal.
    if (!existsSync(join(out, 'tui', 'cli.js'))) throw error;
  }
  return { cli: join(out, 'tui', 'cli.js'), cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

/** Runs the compiled CLI with arguments (and optional standard input). */
export function runCli(cli: string, args: readonly string[], options: { readonly stdin?: string; readonly env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { cwd: ROOT, env: { ...process.env, ...options.env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    else child.stdin?.end();
  });
}

/** Runs tasks with at most `limit` at a time (the machine's cores are shared). */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
