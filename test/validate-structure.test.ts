/**
 * `validate` finds what `run` would call Invalid (issue 20, item 2): the plan's structural checks
 * run on a scenario that loads, located at the node they name, exit 1 as `run` exits for Invalid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './helpers/cli.js';

let cli: string;
let cleanup: () => void;
beforeAll(() => {
  ({ cli, cleanup } = buildCli());
}, 120_000);
afterAll(() => cleanup());

describe('validate runs the structural checks', () => {
  it('a missing Region store is reported at the action, exit 1, like run', async () => {
    const v = await runCli(cli, ['validate', 'traps/2-cross-region-without-region-store']);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/traps\/2-cross-region-without-region-store\.yaml:\d+:\d+: error: pipeline\.pipeline\.stages\[\d+\]\.actions\[\d+\]\.region: .*no artifact store for region `eu-west-1` \[(missing_region_artifact_store|cross_region_requires_artifact_stores)\]/);
    expect(v.stdout).toMatch(/invalid: CodePipeline would reject the pipeline/);
    const r = await runCli(cli, ['run', 'traps/2-cross-region-without-region-store', '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { status: string }).status).toBe('Invalid');
  });

  it('--json says valid: false with the located issue; a sound scenario stays valid, exit 0', async () => {
    const j = await runCli(cli, ['validate', '--json', 'field/store-bucket-other-region']);
    expect(j.code).toBe(1);
    const body = JSON.parse(j.stdout) as { valid: boolean; issues: { code: string; line: number; severity: string }[] };
    expect(body.valid).toBe(false);
    expect(body.issues[0]).toMatchObject({ code: 'artifact_store_bucket_region', severity: 'error' });
    expect(body.issues[0]?.line).toBeGreaterThan(1);
    const ok = await runCli(cli, ['validate', 'reference/four-accounts-two-regions']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/: valid/);
  });
});
