// What-if: calls matched across runs by stage/action/operation/principal/resource (not seq), the
// first denial's move, the status change; the reverse patch restores the original outcome.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import { formatWhatIf } from '../tui/format/diagnose.js';
import { fixScenario } from '../engine/analysis/fix.js';
import { applyPatch, invertPatch } from '../engine/analysis/patch.js';
import { simulate } from '../engine/execution/simulate.js';
import { diffResults, whatIf } from '../engine/analysis/whatif.js';
import { fixturePatch, loadBundled, PATCHES, REFERENCE } from './fix-cases.js';

const memo = createMemo();

describe('diffResults', () => {
  it('is empty for a run compared with itself', async () => {
    const result = await simulate(await loadBundled(REFERENCE), { memo });
    const diff = diffResults(result, result);
    expect(diff).toEqual({
      status: { before: 'Succeeded', after: 'Succeeded', changed: false },
      firstDenial: { before: null, after: null, move: 'none' },
      changes: [],
      issues: { added: [], removed: [] },
    });
  });

  it('names the call that changed decision and where the denial came from', async () => {
    // Given: the reference, and the reference without the key statement for the workload roles
    const reference = await loadBundled(REFERENCE);
    // When
    const r = await whatIf(reference, fixturePatch('remove-dev-key-statement.json'), { memo });
    if (!r.success) throw new Error(r.issues[0]?.message);
    // Then
    expect(r.diff.status).toEqual({ before: 'Succeeded', after: 'Failed', changed: true });
    expect(r.diff.firstDenial.move).toBe('introduced');
    const decided = r.diff.changes.filter((c) => c.kind === 'decision');
    expect(decided).toEqual([
      expect.objectContaining({ stage: 'DeployDev', action: 'Deploy', operation: 'kms:Decrypt', principal: 'arn:aws:iam::222222222222:role/DevDeployRole', before: 'Allowed', after: 'ImplicitlyDenied', categoryAfter: 'KEY_POLICY' }),
    ]);
    expect(r.diff.changes.filter((c) => c.kind === 'reached')).toEqual([]);
    expect(r.diff.changes.filter((c) => c.kind === 'unreached').length).toBeGreaterThan(10);
  });

  it('matches calls by what they are, not by seq', async () => {
    // Without a notification topic the approval makes one call fewer: every later seq shifts.
    const reference = await loadBundled(REFERENCE);
    const stage = reference.pipeline.pipeline.stages.findIndex((s) => s.name === 'Approve');
    const r = await whatIf(reference, [{ op: 'remove', path: `/pipeline/pipeline/stages/${stage}/actions/0/configuration/NotificationArn` }], { memo });
    if (!r.success) throw new Error(r.issues[0]?.message);
    expect(r.diff.changes).toEqual([expect.objectContaining({ kind: 'unreached', stage: 'Approve', operation: 'sns:Publish', before: 'Allowed', after: 'NotReached' })]);
    expect(r.before.events.length).toBeGreaterThan(r.after.events.length);
  });

  it('says the denial moved later when a fix gets the run further', async () => {
    const scenario = await loadBundled('traps/2-cross-region-without-region-store');
    const run = await fixScenario(scenario, { memo, maxRounds: 2 });
    const first = applyPatch(scenario, run.rounds[0]!.fix.patch);
    const second = applyPatch(first.success ? first.data : scenario, run.rounds[1]!.fix.patch);
    if (!first.success || !second.success) throw new Error('patch');
    const diff = diffResults(await simulate(first.data, { memo }), await simulate(second.data, { memo }));
    expect(diff.firstDenial.move).toBe('later');
    expect(diff.changes.find((c) => c.kind === 'decision')).toMatchObject({ before: 'ImplicitlyDenied', after: 'Allowed' });
  });

  it('an Invalid run against a valid one lists the structural issue as gone', async () => {
    const scenario = await loadBundled('traps/2-cross-region-without-region-store');
    const run = await fixScenario(scenario, { memo, maxRounds: 1 });
    const r = await whatIf(scenario, run.patch, { memo });
    if (!r.success) throw new Error('patch');
    expect(r.diff.status).toMatchObject({ before: 'Invalid', changed: true });
    expect(r.diff.issues.removed.map((i) => i.code)).toEqual(['missing_region_artifact_store']);
    expect(formatWhatIf('traps/2', r.diff)).toContain('issue gone');
  });

  it('is pure: inputs unchanged, JSON-safe', async () => {
    const a = await simulate(await loadBundled('traps/1-key-policy-and-iam-must-agree'), { memo });
    const b = await simulate(await loadBundled(REFERENCE), { memo });
    const copies = [structuredClone(a), structuredClone(b)];
    const diff = diffResults(a, b);
    expect([a, b]).toEqual(copies);
    expect(JSON.parse(JSON.stringify(diff))).toEqual(diff);
    expect(diffResults(a, b)).toEqual(diff);
  });
});

describe('the reverse patch restores the original outcome', () => {
  const fixtures = readdirSync(PATCHES).filter((f) => !/^(bad-op|missing-path|failing-test|invalid-result)\./.test(f));

  it.each(fixtures)('%s', async (name) => {
    const reference = await loadBundled(REFERENCE);
    const patch = fixturePatch(name);
    const forward = await whatIf(reference, patch, { memo });
    if (!forward.success) throw new Error(forward.issues[0]?.message);
    const reverse = invertPatch(reference, patch);
    expect(reverse).toBeDefined();
    const back = await whatIf(forward.patched, reverse, { memo, before: forward.after });
    if (!back.success) throw new Error(back.issues[0]?.message);
    expect(back.patched).toEqual(reference);
    expect(diffResults(forward.before, back.after).changes).toEqual([]);
    expect(back.after.status).toBe(forward.before.status);
  });

  it.each(['traps/1-key-policy-and-iam-must-agree', 'traps/3-aws-managed-key', 'denials/artifact-account-boundary', 'denials/scp-change-freeze'])('%s: after the fixes, their reverse', async (id) => {
    const scenario = await loadBundled(id);
    const run = await fixScenario(scenario, { memo });
    const reverse = invertPatch(scenario, run.patch);
    if (!reverse) throw new Error('no reverse');
    const back = await whatIf(run.fixed, reverse, { memo, before: run.result });
    if (!back.success) throw new Error(back.issues[0]?.message);
    const original = await simulate(scenario, { memo });
    expect(back.after.status).toBe(original.status);
    expect(back.after.firstDenial).toEqual(original.firstDenial);
    expect(back.after.issues).toEqual(original.issues);
    expect(['resolved', 'none'].includes(diffResults(back.after, back.before).firstDenial.move)).toBe(true);
  });
});

describe('formatWhatIf', () => {
  it('prints the status change, the denial move and the changed calls', async () => {
    const r = await whatIf(await loadBundled(REFERENCE), fixturePatch('remove-dev-key-statement.json'), { memo });
    if (!r.success) throw new Error('patch');
    const text = formatWhatIf(REFERENCE, r.diff);
    expect(text).toContain('status       Succeeded → Failed');
    expect(text).toContain('first denial a call is denied that was not before');
    expect(text).toContain('calls that changed decision: 1');
    expect(text).toMatch(/✔→✖ DeployDev\/Deploy kms:Decrypt arn:aws:kms:us-east-1:111111111111:key\/mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80 by arn:aws:iam::222222222222:role\/DevDeployRole \(Allowed → ImplicitlyDenied KEY_POLICY\)/);
  });
});
