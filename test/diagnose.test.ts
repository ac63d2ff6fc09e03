// diagnose: for every denial category a scenario, its category and checklist item, why, and
// verified least-privilege fixes; `fix` takes each to green without widening access.
import { describe, expect, it } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import { CATEGORY_GUIDE, describeFailure, diagnose, explainFailure, proposeFixes } from '../engine/analysis/diagnose.js';
import { formatDiagnosis } from '../tui/format/diagnose.js';
import { candidateFixes } from '../engine/analysis/candidates/index.js';
import { globCovers } from '../engine/analysis/fix-statements.js';
import { fixScenario } from '../engine/analysis/fix.js';
import { applyPatch } from '../engine/analysis/patch.js';
import { simulate } from '../engine/execution/simulate.js';
import { CATEGORIES, type Category } from '../engine/types.js';
import { CATEGORY_CASES, caseScenario, loadBundled, REFERENCE } from './fix-cases.js';
import { addedAllowances, wideningProblems } from './fix-scope.js';

const memo = createMemo();

describe('the category → checklist table', () => {
  it('names every category, and the five checklist items in the guide order', () => {
    expect(Object.keys(CATEGORY_GUIDE).sort()).toEqual(Object.keys(CATEGORIES).sort());
    const items = Object.values(CATEGORY_GUIDE).map((g) => g.item).filter((i) => i !== null);
    expect(new Set(items)).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(CATEGORY_GUIDE.TRUST_POLICY.text).toBe("Action role exists in target account and trusts the pipeline service role's ARN.");
    expect(CATEGORY_GUIDE.MISSING_REGION_ARTIFACT_STORE.text).toMatch(/registered in artifactStores/);
  });

  it('every category has a scenario in the case table', () => {
    const covered = new Set(CATEGORY_CASES.map((c) => c.category));
    expect([...Object.keys(CATEGORIES)].filter((c) => !covered.has(c as Category))).toEqual([]);
  });
});

describe('a scenario that succeeds', () => {
  it('has nothing to diagnose and no fix', async () => {
    const d = await diagnose(await loadBundled(REFERENCE), { memo });
    expect(d).toMatchObject({ status: 'Succeeded', denial: null, issue: null, category: null, fixes: [] });
    expect(d.explanation).toBe('the run succeeded: nothing to diagnose');
    expect(formatDiagnosis(d)).toBe('reference/four-accounts-two-regions: Succeeded — nothing to diagnose\n');
  });
});

describe.each(CATEGORY_CASES)('$category: $source', ({ category, source, item }) => {
  it('is diagnosed with its category, checklist item and verified fixes', async () => {
    // Given
    const scenario = await caseScenario(source);
    const before = await simulate(scenario, { memo });
    // When
    const d = await diagnose(scenario, { memo, result: before });
    // Then: the reason, not only the decision
    expect(d.category).toBe(category);
    expect(d.guide?.item ?? null).toBe(item);
    expect(d.categoryMeaning).toBe(CATEGORIES[category]);
    expect(d.fixes.length).toBeGreaterThan(0);
    if (before.status === 'Invalid') {
      expect(d.issue?.code).toBe(before.issues[0]?.code);
      expect(d.explanation).toMatch(/^CodePipeline rejects the declaration/);
    } else {
      expect(d.denial?.operation).toBe(before.firstDenial?.operation);
      expect(d.denial?.principal).toBe(before.firstDenial?.principal);
      expect(d.explanation).toContain(`\`${before.firstDenial?.operation}\``);
    }
    for (const fix of d.fixes) {
      // Each shown fix gets past the first denial: the same call is never still the first denial.
      expect(fix.outcome.firstDenial === null || fix.outcome.firstDenial.operation !== before.firstDenial?.operation || fix.outcome.firstDenial.principal !== before.firstDenial?.principal || fix.outcome.firstDenial.resource !== before.firstDenial?.resource || fix.outcome.firstDenial.category !== before.firstDenial?.category).toBe(true);
      expect(fix.description).not.toMatch(/\n/);
      expect(applyPatch(scenario, fix.patch).success).toBe(true);
    }
    if (category === 'EXPLICIT_DENY') expect(d.fixes.every((f) => f.warning?.startsWith('weakens a guardrail'))).toBe(true);
  });

  it('`fix` reaches green, and no added statement widens access', async () => {
    const scenario = await caseScenario(source);
    const run = await fixScenario(scenario, { memo });
    expect({ status: run.status, stopped: run.stopped }).toEqual({ status: 'Succeeded', stopped: 'green' });
    let current = scenario;
    for (const round of run.rounds) {
      const added = addedAllowances(current, round.fix.patch);
      expect(added.flatMap(wideningProblems), round.fix.description).toEqual([]);
      const applied = applyPatch(current, round.fix.patch);
      if (!applied.success) throw new Error(applied.issues[0]?.message);
      current = applied.data;
    }
    // The concatenated patch turns the original into the fixed scenario.
    const all = applyPatch(scenario, run.patch);
    expect(all.success && (await simulate(all.data, { memo })).status).toBe('Succeeded');
  });
});

describe('least privilege of a single-statement fix', () => {
  const simple: readonly string[] = ['checklist/1-action-role-trusts-pipeline-role', 'checklist/2-pipeline-role-may-assume-action-role', 'traps/1-key-policy-and-iam-must-agree', 'denials/key-identity-permission', 'checklist/4-bucket-policy-grants-action-role', 'denials/bucket-identity-permission', 'denials/pass-role', 'traps/4-execution-role-trusts-pipeline', 'denials/identity-permission', 'denials/topic-policy'];
  it.each(simple)('%s: the first fix allows exactly the denied operation, on the denied resource, to the denied principal', async (id) => {
    const scenario = await loadBundled(id);
    const result = await simulate(scenario, { memo });
    const d = result.firstDenial!;
    const [fix] = await proposeFixes(scenario, result, { memo });
    expect(fix).toBeDefined();
    const added = addedAllowances(scenario, fix!.patch);
    expect(added).toHaveLength(1);
    const a = added[0]!;
    expect(a.actions).toEqual([d.operation]);
    expect(a.principals).toEqual([d.principal]);
    // The resource names the call's own resource (an artifact's objects for an S3 object).
    for (const r of a.resources) expect(globCovers(r, d.resource) || d.resource.startsWith('alias/')).toBe(true);
    expect(a.resources.every((r) => r !== '*')).toBe(true);
  });
});

describe('the fixes of one category', () => {
  it('KEY_POLICY lists a key-policy statement, a grant, and root delegation with the identity statement', async () => {
    const scenario = await loadBundled('traps/1-key-policy-and-iam-must-agree');
    const d = await diagnose(scenario, { memo });
    expect(d.fixes.map((f) => f.id)).toEqual(['key-policy', 'key-grant', 'key-root-delegation-with-identity']);
    expect(d.fixes.map((f) => f.target)).toEqual(['key-policy', 'key-grant', 'key-policy']);
    expect(d.fixes[0]!.patch).toEqual([
      {
        op: 'add',
        path: '/keys/0/policy/Statement/-',
        value: {
          Sid: 'AllowDevDeployRoleKmsDecrypt',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:role/DevDeployRole' },
          Action: 'kms:Decrypt',
          Resource: 'arn:aws:kms:us-east-1:111111111111:key/mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80',
          Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
        },
      },
    ]);
    expect(d.fixes.every((f) => f.outcome.status === 'Succeeded')).toBe(true);
  });

  it('APPROVAL_PERMISSION for the author: another approver first; granting the author is flagged', async () => {
    const d = await diagnose(await loadBundled('faq/q5-author-cannot-approve'), { memo });
    expect(d.fixes[0]).toMatchObject({ id: 'other-approver', target: 'approval', patch: [{ op: 'replace', path: '/run/approvals/0/approver', value: 'arn:aws:iam::111111111111:role/ReleaseManager' }] });
    const grant = d.fixes.find((f) => f.id === 'identity-policy');
    expect(grant?.warning).toMatch(/author/);
  });

  it('APPROVAL_PERMISSION from outside the endpoint: answer through it, no policy change', async () => {
    const d = await diagnose(await loadBundled('denials/approval-outside-vpc-endpoint'), { memo });
    expect(d.fixes[0]).toMatchObject({ id: 'approve-from-allowed-network', patch: [{ op: 'add', path: '/run/approvals/0/sourceVpce', value: 'vpce-0a1b2c3d4e5f67890' }] });
  });

  it('EXPLICIT_DENY in an SCP: an exception for exactly the principal and resource, then the broader exemption', async () => {
    const d = await diagnose(await loadBundled('denials/scp-change-freeze'), { memo });
    expect(d.fixes.map((f) => f.id)).toEqual(['deny-exception', 'deny-exemption']);
    const [split] = d.fixes;
    expect(split!.patch[0]).toMatchObject({ op: 'replace', value: { Effect: 'Deny', Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::444444444444:role/ProdDeployRole'] } } } });
    expect(split!.patch[1]).toMatchObject({ op: 'add', value: { Effect: 'Deny', NotResource: [d.denial!.resource], Condition: { ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::444444444444:role/ProdDeployRole'] } } } });
  });

  it('MISSING_REGION_ARTIFACT_STORE reuses the multi-Region key by adding its replica', async () => {
    const d = await diagnose(await loadBundled('checklist/5-artifact-store-in-every-region'), { memo });
    const add = d.fixes[0]!.patch.find((o) => o.path === '/pipeline/pipeline/artifactStores/eu-west-1');
    expect(add).toMatchObject({ op: 'add', value: { type: 'S3', encryptionKey: { id: 'arn:aws:kms:eu-west-1:111111111111:key/mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80', type: 'KMS' } } });
    expect(d.fixes[0]!.outcome.status).toBe('Succeeded');
  });

  it('MISSING_REGION_ARTIFACT_STORE registers the bucket and key the world already has in that Region', async () => {
    const reference = await loadBundled(REFERENCE);
    const unregistered = applyPatch(reference, [{ op: 'remove', path: '/pipeline/pipeline/artifactStores/eu-west-1' }]);
    if (!unregistered.success) throw new Error('patch');
    const d = await diagnose(unregistered.data, { memo });
    expect(d.category).toBe('MISSING_REGION_ARTIFACT_STORE');
    expect(d.fixes[0]!.patch).toEqual([{ op: 'add', path: '/pipeline/pipeline/artifactStores/eu-west-1', value: reference.pipeline.pipeline.artifactStores!['eu-west-1'] }]);
    expect(d.fixes[0]!.outcome.status).toBe('Succeeded');
  });

  it('KEY_ALIAS_CROSS_ACCOUNT replaces the alias by the key ARN in the store', async () => {
    const d = await diagnose(await loadBundled('traps/key-alias-in-another-account'), { memo });
    expect(d.fixes[0]!.patch).toEqual([{ op: 'replace', path: '/pipeline/pipeline/artifactStore/encryptionKey/id', value: 'arn:aws:kms:us-east-1:111111111111:key/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03' }]);
  });
});

describe('diagnose is pure and serialisable', () => {
  it('leaves its input unchanged, gives the same answer twice, and survives a JSON round trip', async () => {
    const scenario = await loadBundled('traps/3-aws-managed-key');
    const copy = structuredClone(scenario);
    const a = await diagnose(scenario);
    const b = await diagnose(scenario, { memo });
    expect(scenario).toEqual(copy);
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('a failure without a denied call is explained, with no fix', async () => {
    const reference = await loadBundled(REFERENCE);
    const failing = applyPatch(reference, [{ op: 'add', path: '/run/failures/-', value: 'Build/Build' }]);
    if (!failing.success) throw new Error('patch');
    const result = await simulate(failing.data, { memo });
    expect(result.firstDenial).toBeNull();
    expect(candidateFixes(failing.data, result)).toEqual([]);
    const d = describeFailure(result, []);
    expect(d.category).toBeNull();
    expect(explainFailure(result, undefined, null)).toMatch(/^action `Build\/Build` failed.*no call was denied/);
    expect(formatDiagnosis(d)).toContain('no fix: the failure is not a permission or declaration problem');
  });
});

describe('formatDiagnosis', () => {
  it('prints who, what, which resource, the AWS message, category, checklist item, explanation and each fix with its patch and outcome', async () => {
    const text = formatDiagnosis(await diagnose(await loadBundled('traps/1-key-policy-and-iam-must-agree'), { memo }));
    const lines = text.split('\n');
    expect(lines[0]).toBe('traps/1-key-policy-and-iam-must-agree: Failed — first denial #29 in DeployDev/Deploy');
    expect(text).toContain('  who          arn:aws:iam::222222222222:role/DevDeployRole (account 222222222222)');
    expect(text).toContain('  what         kms:Decrypt — decrypt input artifact BuildOutput');
    expect(text).toMatch(/ {2}message {6}User: arn:aws:sts::222222222222:assumed-role\/DevDeployRole\/codepipeline-00000000 is not authorized to perform: kms:Decrypt/);
    expect(text).toContain('category     KEY_POLICY — the KMS key policy does not admit the principal');
    expect(text).toContain('checklist    3. KMS key policy grants kms:Decrypt to the action role.');
    expect(text).toContain('3 verified fixes (each applied to a copy and simulated), best first:');
    expect(text).toContain('        "path": "/keys/0/policy/Statement/-",');
    expect(text.match(/ {2}after {8}Succeeded/g)).toHaveLength(3);
  });
});
