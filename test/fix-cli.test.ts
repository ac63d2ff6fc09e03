/**
 * `pipesim diagnose`, `pipesim fix` and `pipesim whatif` through the real CLI (sources via tsx,
 * pipes only): exit codes, located patch errors, and `-o` never touching the input.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../engine/execution/simulate.js';
import { loadScenarioFile } from '../model/source.js';
import { PATCHES } from './fix-cases.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = join(ROOT, 'scenarios');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function pipesim(args: readonly string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'tui', 'cli.ts'), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'pipesim-fix-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A private copy of a bundled scenario file. */
function copyOf(id: string, name = `${id.replaceAll('/', '-')}.yaml`): string {
  const file = join(tmp, name);
  copyFileSync(join(SCENARIOS, `${id}.yaml`), file);
  return file;
}

async function statusOf(file: string): Promise<string> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.success) throw new Error(`${file}: ${loaded.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('; ')}`);
  return (await simulate(loaded.data)).status;
}

describe('pipesim diagnose', () => {
  it('exits 0 for a run that succeeds', async () => {
    const r = await pipesim(['diagnose', 'reference/four-accounts-two-regions']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('reference/four-accounts-two-regions: Succeeded — nothing to diagnose\n');
  });

  it('exits 1 with the denial, category, checklist item, explanation and verified fixes', async () => {
    const r = await pipesim(['diagnose', 'traps/1-key-policy-and-iam-must-agree']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('category     KEY_POLICY');
    expect(r.stdout).toContain('checklist    3. KMS key policy grants kms:Decrypt to the action role.');
    expect(r.stdout).toContain('3 verified fixes');
  });

  it('--json prints the diagnosis', async () => {
    const r = await pipesim(['diagnose', 'traps/2-cross-region-without-region-store', '--json']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ formatVersion: 1, status: 'Invalid', category: 'MISSING_REGION_ARTIFACT_STORE', guide: { item: 5 } });
    expect(d.fixes[0].patch.length).toBeGreaterThan(0);
  });

  it('exits 2 for a scenario that does not load', async () => {
    const r = await pipesim(['diagnose', 'no/such-scenario']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such file or bundled scenario/);
  });
});

describe('pipesim fix', () => {
  it('writes the fixed scenario to -o, green, and leaves the input untouched', async () => {
    const input = copyOf('traps/3-aws-managed-key');
    const before = hash(input);
    const out = join(tmp, 'fixed-aws-managed.yaml');
    const r = await pipesim(['fix', input, '-o', out]);
    expect(r.code).toBe(0);
    expect(hash(input)).toBe(before);
    expect(r.stdout).toContain('Failed → Succeeded after 1 fix');
    expect(r.stdout).toContain('"op": "add"');
    expect(r.stdout).toContain(`wrote ${out} (comments and layout kept)`);
    expect(readFileSync(out, 'utf8')).toContain('# yaml-language-server: $schema=../../schema/scenario.schema.json');
    expect(await statusOf(out)).toBe('Succeeded');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to replace an existing -o file without --force, and replaces it with --force', async () => {
    const input = copyOf('traps/1-key-policy-and-iam-must-agree');
    const out = join(tmp, 'existing.yaml');
    writeFileSync(out, 'keep me\n');
    const refused = await pipesim(['fix', input, '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('exists: use --force to replace it');
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    const forced = await pipesim(['fix', input, '-o', out, '--force']);
    expect(forced.code).toBe(0);
    expect(await statusOf(out)).toBe('Succeeded');
  });

  it('never writes the input through -o, even with --force; --in-place does', async () => {
    const input = copyOf('denials/pass-role');
    const before = hash(input);
    const refused = await pipesim(['fix', input, '-o', input, '--force']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is the input file: use --in-place');
    expect(hash(input)).toBe(before);
    const inPlace = await pipesim(['fix', input, '--in-place']);
    expect(inPlace.code).toBe(0);
    expect(hash(input)).not.toBe(before);
    expect(await statusOf(input)).toBe('Succeeded');
  });

  it('without -o writes nothing; --in-place needs a file; -o - writes the scenario to standard output', async () => {
    const dry = await pipesim(['fix', 'denials/identity-permission']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('nothing written: use -o <file> or --in-place');
    const bundled = await pipesim(['fix', 'denials/identity-permission', '--in-place']);
    expect(bundled.code).toBe(2);
    const piped = await pipesim(['fix', 'denials/identity-permission', '-o', '-']);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^# yaml-language-server/);
    expect(piped.stdout).toContain('AllowCodebuildBatchGetBuilds');
    expect(piped.stderr).toContain('Failed → Succeeded after 1 fix');
  });

  it('writes JSON for a .json output, and --json reports the rounds', async () => {
    const out = join(tmp, 'fixed.json');
    const r = await pipesim(['fix', 'checklist/5-artifact-store-in-every-region', '-o', out, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ formatVersion: 1, initialStatus: 'Invalid', status: 'Succeeded', stopped: 'green', output: { file: out } });
    expect(JSON.parse(readFileSync(out, 'utf8')).pipeline.pipeline.artifactStores['eu-west-1']).toBeDefined();
    expect(await statusOf(out)).toBe('Succeeded');
  });

  it('exits 0 with nothing to fix for a green run, and 1 when no fix is found', async () => {
    const green = await pipesim(['fix', 'reference/four-accounts-two-regions']);
    expect(green.code).toBe(0);
    expect(green.stdout).toBe('reference/four-accounts-two-regions: Succeeded — nothing to fix\n');
    const failing = readFileSync(join(SCENARIOS, 'reference/four-accounts-two-regions.yaml'), 'utf8').replace(/^run:\n/m, 'run:\n  failures: [Build/Build]\n');
    const file = join(tmp, 'injected-failure.yaml');
    writeFileSync(file, failing);
    const out = join(tmp, 'never-written.yaml');
    const r = await pipesim(['fix', file, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no call was denied');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 for a bad option', async () => {
    expect((await pipesim(['fix', 'denials/pass-role', '--max-rounds', 'many'])).code).toBe(2);
    expect((await pipesim(['fix', 'denials/pass-role', '--in-place', '-o', 'x.yaml'])).code).toBe(2);
  });
});

describe('pipesim whatif', () => {
  it('shows the changed calls; exits by the patched run', async () => {
    const r = await pipesim(['whatif', 'reference/four-accounts-two-regions', '--patch', join(PATCHES, 'remove-dev-key-statement.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('status       Succeeded → Failed');
    expect(r.stdout).toContain('calls that changed decision: 1');
  });

  it('--json prints the diff and both runs', async () => {
    const r = await pipesim(['whatif', 'reference/four-accounts-two-regions', '--patch', join(PATCHES, 'key-disabled.yaml'), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.diff.firstDenial.move).toBe('introduced');
    expect(j.after.firstDenial.category).toBe('KEY_STATE');
  });

  it('a fix patch from `fix --json`, given back to whatif, turns the run green (exit 0)', async () => {
    const fixed = JSON.parse((await pipesim(['fix', 'traps/4-execution-role-trusts-pipeline', '--json'])).stdout);
    const patch = join(tmp, 'fix-patch.json');
    writeFileSync(patch, JSON.stringify(fixed.patch));
    const r = await pipesim(['whatif', 'traps/4-execution-role-trusts-pipeline', '--patch', patch]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Failed → Succeeded');
  });

  it.each([
    ['bad-op.yaml', ':5:3: error: /1: unknown op `ad`'],
    ['missing-path.json', ':3:3: error: /1: cannot remove `/roles/42`: the path does not exist [invalid_patch]'],
    ['failing-test.json', ':2:3: error: /0: test failed'],
    ['invalid-result.yaml', ':2:3: error: roles[0].trustPolicy.Statement[0].Effect: after the patch (operation 0)'],
  ])('a bad patch (%s) is a located error, exit 2', async (name, where) => {
    const r = await pipesim(['whatif', 'reference/four-accounts-two-regions', '--patch', join(PATCHES, name)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${join(PATCHES, name)}${where}`);
  });

  it('a missing patch file or option is exit 2', async () => {
    expect((await pipesim(['whatif', 'reference/four-accounts-two-regions', '--patch', join(tmp, 'nope.json')])).code).toBe(2);
    expect((await pipesim(['whatif', 'reference/four-accounts-two-regions'])).code).toBe(2);
  });
});
