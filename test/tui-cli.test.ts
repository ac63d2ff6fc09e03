/**
 * `pipesim run` and `pipesim` (no arguments) through the real CLI, as a pipe sees them: the
 * JSON contract byte for byte, the plain trace, the exit codes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../engine/execution/simulate.js';
import { formatTrace } from '../engine/trace.js';
import { loadScenarioFile } from '../model/source.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAILING = 'traps/1-key-policy-and-iam-must-agree';
const REFERENCE = 'scenarios/reference/four-accounts-two-regions.yaml';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pipesim …` from the sources (tsx), with pipes for every stream: never a TTY. */
function pipesim(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'tui', 'cli.ts'), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

async function simulated(pathOrId: string) {
  const loaded = await loadScenarioFile(pathOrId);
  if (!loaded.success) throw new Error(`${pathOrId} does not load`);
  return simulate(loaded.data);
}

const tmp = mkdtempSync(join(tmpdir(), 'pipesim-tui-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pipesim run', () => {
  it('--json prints exactly JSON.stringify(result, null, 2) and exits 1 for a failing run', async () => {
    const run = await pipesim('run', FAILING, '--json');
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['formatVersion', 'scenario', 'status', 'firstDenial', 'issues', 'events', 'cloudTrail', 'eventBridge']);
    expect(json['formatVersion']).toBe(1);
    expect(json['status']).toBe('Failed');
    expect(json['firstDenial']).toMatchObject({ operation: 'kms:Decrypt', category: 'KEY_POLICY', principal: 'arn:aws:iam::222222222222:role/DevDeployRole' });
    expect(run.stdout).toBe(`${JSON.stringify(await simulated(FAILING), null, 2)}\n`);
  });

  it('exits 0 for the reference scenario, which succeeds', async () => {
    const run = await pipesim('run', REFERENCE, '--json');
    const json = JSON.parse(run.stdout) as { readonly status: string; readonly firstDenial: unknown };
    expect({ status: json.status, firstDenial: json.firstDenial, code: run.code }).toEqual({ status: 'Succeeded', firstDenial: null, code: 0 });
  });

  it('--plain prints the plain trace; so does a pipe without --plain', async () => {
    const result = await simulated(FAILING);
    const plain = await pipesim('run', FAILING, '--plain');
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe(formatTrace(result));
    expect(plain.stdout).toContain('◀ first denial');
    const piped = await pipesim('run', FAILING, '--filter', 'fails');
    expect(piped.code).toBe(1);
    expect(piped.stdout).toBe(formatTrace(result, 'fails'));
  });

  it('reports a scenario it cannot load as file:line:column and exits 2', async () => {
    const file = join(tmp, 'typo.yaml');
    writeFileSync(file, 'accounts:\n  - id: "111111111111"\n    name: tooling\npipline: {}\n');
    const run = await pipesim('run', file, '--json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `, 'm'));
  });

  it('exits 2 on usage errors', async () => {
    expect((await pipesim('run', FAILING, '--json', '--plain')).code).toBe(2);
    expect((await pipesim('run', FAILING, '--filter', 'everything')).code).toBe(2);
    expect((await pipesim('run')).code).toBe(2);
  });
});

describe('pipesim with no arguments, without a terminal', () => {
  it('lists the bundled scenarios and says how to go on', async () => {
    const run = await pipesim();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('reference/four-accounts-two-regions');
    expect(run.stdout).toContain('pipesim run <scenario>');
  });
});
