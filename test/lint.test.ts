// pipesim lint: each rule has a scenario that triggers it and one that does not; the reference
// topology is lint-clean; --run proofs; text, JSON and SARIF output; the CLI's exit codes.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { beforeAll, describe, expect, it } from 'vitest';
import { failsAt, lint, lintSarif, nameSaysProduction, RULE_IDS, RULES, type Finding, type RuleId } from '../engine/lint/index.js';
import { formatLintText } from '../tui/format/lint.js';
import { simulate } from '../engine/execution/simulate.js';
import { Scenario } from '../model/schema.js';
import { loadScenarioFile } from '../model/source.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REFERENCE_ID = 'reference/four-accounts-two-regions';
const TRAPS = 'test/fixtures/lint/traps.yaml';

let reference: Scenario;
let referenceLocate: (path: string) => { line: number; column: number } | undefined;

beforeAll(async () => {
  const loaded = await loadScenarioFile(REFERENCE_ID);
  if (!loaded.success) throw new Error(`the reference does not load: ${loaded.issues.map((i) => i.message).join('; ')}`);
  reference = loaded.data;
  referenceLocate = loaded.locate;
});

// ---------------------------------------------------------------------------
// Helpers: JSON-patched copies of the reference, found by ARN rather than by index
// ---------------------------------------------------------------------------

const A = {
  tooling: '111111111111',
  pipelineRole: 'arn:aws:iam::111111111111:role/PipelineServiceRole',
  releaseManager: 'arn:aws:iam::111111111111:role/ReleaseManager',
  devDeploy: 'arn:aws:iam::222222222222:role/DevDeployRole',
  devCfn: 'arn:aws:iam::222222222222:role/DevCfnExecutionRole',
  primaryKey: 'arn:aws:kms:us-east-1:111111111111:key/mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80',
  replicaKey: 'arn:aws:kms:eu-west-1:111111111111:key/mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80',
  homeBucket: 'codepipeline-artifacts-111111111111-us-east-1',
  store: '/pipeline/pipeline/artifactStores/us-east-1',
} as const;

const role = (arn: string) => `/roles/${reference.roles.findIndex((r) => r.arn === arn)}`;
const key = (arn: string) => `/keys/${reference.keys.findIndex((k) => k.arn === arn)}`;
const bucket = (name: string) => `/buckets/${reference.buckets.findIndex((b) => b.name === name)}`;
const stage = (name: string) => `/pipeline/pipeline/stages/${reference.pipeline.pipeline.stages.findIndex((s) => s.name === name)}`;

/** A copy of the reference with a JSON Patch applied, defaults filled again. */
function patched(ops: readonly Operation[]): Scenario {
  const doc = jsonpatch.applyPatch(structuredClone(reference), [...ops], true, false).newDocument;
  return Scenario.parse(doc);
}

const ruleIds = (findings: readonly Finding[]) => findings.map((f) => f.ruleId);
const of = (findings: readonly Finding[], id: RuleId) => findings.filter((f) => f.ruleId === id);

// ---------------------------------------------------------------------------
// The rules table
// ---------------------------------------------------------------------------

describe('the rules table', () => {
  it('every rule has a title, severity, help, one-line fix, guide item and AWS page', () => {
    expect(RULE_IDS.length).toBeGreaterThanOrEqual(17);
    for (const id of RULE_IDS) {
      const r = RULES[id];
      expect(id).toMatch(/^PS\d{3}$/);
      expect(r.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning', 'note']).toContain(r.severity);
      expect(r.fix).not.toMatch(/\n|\.$/);
      expect(r.helpUri).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(r.title.length && r.help.length && r.guideItem.length).toBeTruthy();
    }
  });
});

// ---------------------------------------------------------------------------
// The reference topology is lint-clean
// ---------------------------------------------------------------------------

describe('the reference topology', () => {
  it('has no finding at warning or above; its one note is the two-region StackSet to prod (PS016)', () => {
    const findings = lint(reference, { locate: referenceLocate });
    expect(failsAt(findings, 'warning')).toBe(false);
    expect(ruleIds(findings)).toEqual(['PS016']);
    expect(findings[0]).toMatchObject({ severity: 'note', path: 'pipeline.pipeline.stages[6].actions[0].configuration.DeploymentTargets' });
    expect(findings[0]!.line).toBeGreaterThan(1);
  });

  it('proves nothing with a run: the run succeeds and no finding is proven', async () => {
    const result = await simulate(reference);
    expect(result.status).toBe('Succeeded');
    const findings = lint(reference, { result });
    expect(findings.filter((f) => f.proven)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Each rule: a scenario that triggers it and one that does not
// ---------------------------------------------------------------------------

interface RuleCase {
  readonly rule: RuleId;
  readonly what: string;
  readonly trigger: () => readonly Operation[];
  /** A near miss that must not trigger the rule; the reference itself when absent. */
  readonly clean?: () => readonly Operation[];
  /** The path the finding points at. */
  readonly path?: () => string;
  /** Text the message must contain (the reason). */
  readonly says?: string;
}

const CASES: readonly RuleCase[] = [
  {
    rule: 'PS001',
    what: 'the prod approval moved after the prod deploy',
    trigger: () => [{ op: 'move', from: stage('ApproveProd'), path: '/pipeline/pipeline/stages/6' }],
    path: () => 'pipeline.pipeline.stages[6].actions[0]',
    says: 'runs after the production deploy `DeployProd/DeployStackSet` (account `444444444444`, tagged `environment: prod`), so it gates nothing',
  },
  {
    rule: 'PS001',
    what: 'no approval anywhere before the prod deploy',
    trigger: () => [{ op: 'remove', path: stage('ApproveProd') }, { op: 'remove', path: stage('Approve') }],
    says: 'no manual approval runs before the production deploy',
  },
  {
    rule: 'PS002',
    what: 'the tooling account tagged production',
    trigger: () => [{ op: 'add', path: '/accounts/0/tags/Environment', value: 'production' }],
    clean: () => [{ op: 'add', path: '/accounts/0/tags/Environment', value: 'preprod' }],
    path: () => 'pipeline.metadata.pipelineArn',
  },
  {
    rule: 'PS002',
    what: 'the tooling account moved into the Prod OU',
    trigger: () => [{ op: 'replace', path: '/accounts/0/ou', value: 'ou-prod' }],
    says: 'in OU `Prod`',
  },
  {
    rule: 'PS003',
    what: 'the home store without encryptionKey',
    trigger: () => [{ op: 'remove', path: `${A.store}/encryptionKey` }],
    path: () => 'pipeline.pipeline.artifactStores.us-east-1',
    says: '`aws/s3`',
  },
  {
    rule: 'PS003',
    what: 'the home store encrypted with alias/aws/s3',
    trigger: () => [{ op: 'replace', path: `${A.store}/encryptionKey/id`, value: 'alias/aws/s3' }],
    clean: () => [{ op: 'replace', path: `${A.store}/encryptionKey/id`, value: A.primaryKey }],
  },
  {
    rule: 'PS004',
    what: 'the home bucket without DenyUnEncryptedObjectUploads',
    trigger: () => [{ op: 'remove', path: `${bucket(A.homeBucket)}/policy/Statement/0` }],
    clean: () => [{ op: 'replace', path: `${bucket(A.homeBucket)}/policy/Statement/0/Condition`, value: { Null: { 's3:x-amz-server-side-encryption': 'true' } } }],
    path: () => 'buckets[0].policy',
  },
  {
    rule: 'PS005',
    what: 'the home bucket without DenyInsecureConnections',
    trigger: () => [{ op: 'remove', path: `${bucket(A.homeBucket)}/policy/Statement/1` }],
    clean: () => [{ op: 'replace', path: `${bucket(A.homeBucket)}/policy/Statement/1/Condition`, value: { Bool: { 'aws:SecureTransport': false } } }],
  },
  {
    rule: 'PS006',
    what: 'the home bucket with versioning suspended',
    trigger: () => [{ op: 'replace', path: `${bucket(A.homeBucket)}/versioning`, value: 'Suspended' }],
    path: () => 'buckets[0].versioning',
  },
  {
    rule: 'PS007',
    what: 'DevDeployRole trusting the tooling account root',
    trigger: () => [{ op: 'replace', path: `${role(A.devDeploy)}/trustPolicy/Statement/0/Principal/AWS`, value: 'arn:aws:iam::111111111111:root' }],
    clean: () => [
      { op: 'replace', path: `${role(A.devDeploy)}/trustPolicy/Statement/0/Principal/AWS`, value: 'arn:aws:iam::111111111111:root' },
      { op: 'add', path: `${role(A.devDeploy)}/trustPolicy/Statement/0/Condition`, value: { ArnEquals: { 'aws:PrincipalArn': A.pipelineRole } } },
    ],
    says: 'admits `arn:aws:iam::111111111111:root`',
  },
  {
    rule: 'PS007',
    what: 'DevDeployRole trusting a bare account id',
    trigger: () => [{ op: 'replace', path: `${role(A.devDeploy)}/trustPolicy/Statement/0/Principal/AWS`, value: '111111111111' }],
  },
  {
    rule: 'PS008',
    what: 'the home bucket granting s3:GetObject to *',
    trigger: () => [{ op: 'add', path: `${bucket(A.homeBucket)}/policy/Statement/-`, value: { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${A.homeBucket}/*` } }],
    clean: () => [
      { op: 'add', path: `${bucket(A.homeBucket)}/policy/Statement/-`, value: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${A.homeBucket}/*`, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } } },
    ],
    says: 'in statement `Everyone`',
  },
  {
    rule: 'PS008',
    what: 'the primary key granting kms:Decrypt to { AWS: * }',
    trigger: () => [{ op: 'add', path: `${key(A.primaryKey)}/policy/Statement/-`, value: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' } }],
    clean: () => [{ op: 'add', path: `${key(A.primaryKey)}/policy/Statement/-`, value: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '222222222222' } } } }],
  },
  {
    rule: 'PS009',
    what: 'the primary key granting kms:* to the workload deploy roles',
    trigger: () => [{ op: 'replace', path: `${key(A.primaryKey)}/policy/Statement/1/Action`, value: 'kms:*' }],
    path: () => 'keys[0].policy.Statement[1].Action',
    says: '`arn:aws:iam::222222222222:role/DevDeployRole`, `arn:aws:iam::333333333333:role/StagingDeployRole`',
  },
  {
    rule: 'PS009',
    what: 'kms:* to another account root (the reference grants kms:* only to its own account)',
    trigger: () => [{ op: 'add', path: `${key(A.primaryKey)}/policy/Statement/-`, value: { Effect: 'Allow', Principal: { AWS: '444444444444' }, Action: '*', Resource: '*' } }],
  },
  {
    rule: 'PS010',
    what: 'the primary key with rotation off',
    trigger: () => [{ op: 'replace', path: `${key(A.primaryKey)}/rotation`, value: false }],
    // A multi-Region replica follows its primary's rotation.
    clean: () => [{ op: 'replace', path: `${key(A.replicaKey)}/rotation`, value: false }],
    path: () => 'keys[0].rotation',
  },
  {
    rule: 'PS011',
    what: 'the home store naming its key by alias while dev and staging use it',
    trigger: () => [{ op: 'replace', path: `${A.store}/encryptionKey/id`, value: 'alias/checkout-pipeline-artifacts' }],
    path: () => 'pipeline.pipeline.artifactStores.us-east-1.encryptionKey.id',
    says: 'accounts `222222222222`, `333333333333` use the store',
  },
  {
    rule: 'PS011',
    what: 'the eu-west-1 store naming its key by alias ARN while staging uses it',
    trigger: () => [{ op: 'replace', path: '/pipeline/pipeline/artifactStores/eu-west-1/encryptionKey/id', value: 'arn:aws:kms:eu-west-1:111111111111:alias/checkout-pipeline-artifacts' }],
  },
  {
    rule: 'PS012',
    what: 'the reference as a V1 pipeline (QUEUED, two regions, variables)',
    trigger: () => [{ op: 'replace', path: '/pipeline/pipeline/pipelineType', value: 'V1' }],
    says: 'runs in `QUEUED` mode, deploys to 2 regions, passes variables between actions',
  },
  {
    rule: 'PS013',
    what: 'the release manager authored the change',
    trigger: () => [{ op: 'add', path: '/run/commit/author', value: A.releaseManager }],
    // The author is a role that PutApprovalResult does not allow: the design working.
    clean: () => [{ op: 'add', path: '/run/commit/author', value: A.devDeploy }],
    path: () => 'run.approvals[0].approver',
    says: 'the author of the change',
  },
  {
    rule: 'PS013',
    what: 'a developer role that can push to the source and approve without a tag condition',
    trigger: () => [
      {
        op: 'add',
        path: '/roles/-',
        value: {
          arn: 'arn:aws:iam::111111111111:role/Developer',
          trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: A.releaseManager }, Action: 'sts:AssumeRole' }] },
          inlinePolicies: {
            Develop: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['codecommit:GitPush', 'codecommit:GitPull'], Resource: 'arn:aws:codecommit:us-east-1:111111111111:checkout' },
                { Effect: 'Allow', Action: 'codepipeline:PutApprovalResult', Resource: 'arn:aws:codepipeline:us-east-1:111111111111:checkout-pipeline/*' },
              ],
            },
          },
        },
      },
    ],
    // The same developer, attached only to the tag-conditioned approver policy: its tags keep it out.
    clean: () => [
      {
        op: 'add',
        path: '/roles/-',
        value: {
          arn: 'arn:aws:iam::111111111111:role/Developer',
          trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: A.releaseManager }, Action: 'sts:AssumeRole' }] },
          inlinePolicies: { Develop: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codecommit:GitPush', Resource: 'arn:aws:codecommit:us-east-1:111111111111:checkout' }] } },
          managedPolicies: ['arn:aws:iam::111111111111:policy/CheckoutReleaseApprover'],
          tags: { Role: 'Developer' },
        },
      },
    ],
    says: 'can both push to the source `checkout` and approve',
  },
  {
    rule: 'PS014',
    what: 'the dev execution role also trusting the pipeline service role',
    trigger: () => [{ op: 'add', path: `${role(A.devCfn)}/trustPolicy/Statement/0/Principal/AWS`, value: A.pipelineRole }],
    says: 'also trusts `arn:aws:iam::111111111111:role/PipelineServiceRole`',
  },
  {
    rule: 'PS014',
    what: 'the dev execution role trusting codepipeline.amazonaws.com instead',
    trigger: () => [{ op: 'replace', path: `${role(A.devCfn)}/trustPolicy/Statement/0/Principal/Service`, value: 'codepipeline.amazonaws.com' }],
    says: 'does not trust `cloudformation.amazonaws.com`',
  },
  {
    rule: 'PS015',
    what: 'DevDeployRole allowed its CloudFormation calls on every resource',
    trigger: () => [{ op: 'replace', path: `${role(A.devDeploy)}/inlinePolicies/CheckoutDeploy/Statement/2/Resource`, value: '*' }],
    // Reads on every resource are not flagged.
    clean: () => [{ op: 'add', path: `${role(A.devDeploy)}/inlinePolicies/CheckoutDeploy/Statement/-`, value: { Effect: 'Allow', Action: ['cloudformation:DescribeStackEvents', 's3:List*'], Resource: '*' } }],
    path: () => 'roles[4].inlinePolicies.CheckoutDeploy.Statement[2].Resource',
    says: 'allows `cloudformation:CreateStack`, `cloudformation:UpdateStack` on every resource',
  },
  {
    rule: 'PS015',
    what: 'DevDeployRole allowed s3:*',
    trigger: () => [{ op: 'replace', path: `${role(A.devDeploy)}/inlinePolicies/CheckoutDeploy/Statement/0/Action`, value: 's3:*' }],
    says: 'allows `s3:*`',
  },
  {
    rule: 'PS016',
    what: 'the reference itself: a StackSet to two regions of the prod account',
    trigger: () => [],
    clean: () => [{ op: 'replace', path: `${stage('DeployProd')}/actions/0/configuration/DeploymentTargets`, value: '333333333333,444444444444' }],
  },
  {
    rule: 'PS017',
    what: 'six identical per-region staging actions',
    trigger: () => {
      const base = reference.pipeline.pipeline.stages.find((s) => s.name === 'DeployStaging')!.actions[0]!;
      const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
      return [{ op: 'replace', path: `${stage('DeployStaging')}/actions`, value: regions.map((region) => ({ ...base, name: `Deploy-${region}`, region })) }];
    },
    says: '6 CloudFormation actions deploy stack `checkout-staging` with identical configuration to 6 account/region pairs',
  },
  {
    rule: 'PS018',
    what: 'the CodeBuild project names no encryption key, and dev, staging and prod read its output',
    trigger: () => [{ op: 'remove', path: '/codeBuildProjects/0/encryptionKey' }],
    // The reference's project names the store's key: no finding.
    path: () => 'codeBuildProjects[0]',
    says: 'names no encryptionKey, so CodeBuild encrypts the output of `Build/Build` with the AWS managed `aws/s3` key of account 111111111111',
  },
  {
    rule: 'PS019',
    what: 'DevDeployRole (dev) passes an execution role of the tooling account',
    trigger: () => [{ op: 'replace', path: `${stage('DeployDev')}/actions/0/configuration/RoleArn`, value: 'arn:aws:iam::111111111111:role/DevCfnExecutionRole' }],
    // The reference's execution roles live in the accounts their action roles deploy in: no finding.
    path: () => `pipeline.pipeline.stages[${reference.pipeline.pipeline.stages.findIndex((s) => s.name === 'DeployDev')}].actions[0].configuration.RoleArn`,
    says: 'passes `arn:aws:iam::111111111111:role/DevCfnExecutionRole` of account 111111111111: IAM refuses a cross-account pass role',
  },
];

describe('each rule triggers on its trap and not on a near miss', () => {
  it('every rule has at least one case', () => {
    expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set(RULE_IDS));
  });

  for (const c of CASES) {
    it(`${c.rule} (${RULES[c.rule].name}): ${c.what}`, () => {
      // Given a patched copy of the reference
      const findings = lint(patched(c.trigger()));
      // Then the rule fires, with the rule's severity and fix, for the reason given
      const hits = of(findings, c.rule);
      expect(hits.length, JSON.stringify(findings, null, 2)).toBeGreaterThan(0);
      for (const f of hits) expect(f).toMatchObject({ severity: RULES[c.rule].severity, fix: RULES[c.rule].fix });
      if (c.path) expect(hits.map((f) => f.path)).toContain(c.path());
      if (c.says) expect(hits.map((f) => f.message).join('\n')).toContain(c.says);
      // And the near miss does not fire it
      const clean = lint(patched(c.clean?.() ?? []));
      expect(of(clean, c.rule)).toEqual([]);
    });
  }
});

describe('a single-account V1 pipeline', () => {
  it('is clean, even with the AWS managed key on its store or its key named by alias', async () => {
    const loaded = await loadScenarioFile('test/fixtures/lint/single-account.yaml');
    if (!loaded.success) throw new Error(`fixture does not load: ${loaded.issues.map((i) => i.message).join('; ')}`);
    // Given one account and one region: no other account uses the store
    expect(lint(loaded.data)).toEqual([]);
    // When the store names no key (aws/s3), nothing crosses an account either
    const noKey = Scenario.parse(jsonpatch.applyPatch(structuredClone(loaded.data), [{ op: 'remove', path: '/pipeline/pipeline/artifactStore/encryptionKey' }], true, false).newDocument);
    expect(lint(noKey)).toEqual([]);
  });
});

describe('what production means', () => {
  it('a word prod/production/prd, not preprod or nonprod', () => {
    for (const yes of ['prod', 'Prod', 'production', 'workloads-prod', 'ProdEU', 'prd-eu-west-1', 'app_production']) expect(nameSaysProduction(yes), yes).toBe(true);
    for (const no of ['preprod', 'pre-prod', 'nonprod', 'non-prod', 'product', 'staging', 'tooling', 'NonProd']) expect(nameSaysProduction(no), no).toBe(false);
  });

  it('an Environment tag decides before the name', () => {
    const s = patched([
      { op: 'replace', path: '/accounts/3/name', value: 'workloads' },
      { op: 'replace', path: '/accounts/3/tags', value: { Environment: 'Production' } },
      { op: 'remove', path: stage('ApproveProd') },
      { op: 'remove', path: stage('Approve') },
    ]);
    expect(ruleIds(lint(s))).toContain('PS001');
    const staging = patched([{ op: 'replace', path: '/accounts/0/name', value: 'prod-tooling' }, { op: 'replace', path: '/accounts/0/tags', value: { environment: 'tooling' } }]);
    expect(ruleIds(lint(staging))).not.toContain('PS002');
  });

  it('creating a change set is not a production deploy; executing it is', () => {
    // Given staging tagged prod, no approval before it, and its first action only creating a change set
    const ops = (mode: string): Operation[] => [
      { op: 'replace', path: '/accounts/2/tags', value: { environment: 'prod' } },
      { op: 'replace', path: `${stage('DeployStaging')}/actions/0/configuration/ActionMode`, value: mode },
      { op: 'add', path: `${stage('DeployStaging')}/actions/0/configuration/ChangeSetName`, value: 'release' },
      { op: 'remove', path: `${stage('DeployStaging')}/actions/1` },
      { op: 'remove', path: stage('Approve') },
    ];
    // Then the first production change is the StackSet after ApproveProd: no finding
    expect(ruleIds(lint(patched(ops('CHANGE_SET_REPLACE'))))).not.toContain('PS001');
    // But a CREATE_UPDATE there deploys to production with no approval before it
    const f = of(lint(patched(ops('CREATE_UPDATE'))), 'PS001');
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining('no manual approval runs before the production deploy `DeployStaging/Deploy-us-east-1` (account `333333333333`, tagged `environment: prod`)')]);
  });
});

// ---------------------------------------------------------------------------
// --run: findings the simulation proves
// ---------------------------------------------------------------------------

describe('--run marks the findings a simulation proves', () => {
  const proofs: readonly { readonly rule: RuleId; readonly what: string; readonly ops: () => readonly Operation[]; readonly says: string }[] = [
    {
      rule: 'PS001',
      what: 'the trace shows the prod deploy before the approval',
      ops: () => [{ op: 'move', from: stage('ApproveProd'), path: '/pipeline/pipeline/stages/6' }],
      says: 'the run deployed before the approval was requested',
    },
    {
      rule: 'PS007',
      what: 'only the pipeline role assumes a role whose trust admits the whole tooling account',
      ops: () => [{ op: 'replace', path: `${role(A.devDeploy)}/trustPolicy/Statement/0/Principal/AWS`, value: 'arn:aws:iam::111111111111:root' }],
      says: `the run shows only \`${A.pipelineRole}\` assumes it`,
    },
    {
      rule: 'PS013',
      what: 'the author approves',
      ops: () => [{ op: 'add', path: '/run/commit/author', value: A.releaseManager }],
      says: 'the run shows the author approving',
    },
    {
      rule: 'PS014',
      what: 'only CloudFormation assumes the execution role that also trusts the pipeline role',
      ops: () => [{ op: 'add', path: `${role(A.devCfn)}/trustPolicy/Statement/0/Principal/AWS`, value: A.pipelineRole }],
      says: 'the run shows only `cloudformation.amazonaws.com` assumes it',
    },
    {
      rule: 'PS009',
      what: 'the other accounts use only kms:Decrypt of a kms:* grant',
      ops: () => [{ op: 'replace', path: `${key(A.primaryKey)}/policy/Statement/1/Action`, value: 'kms:*' }],
      says: 'the run uses only `kms:Decrypt` through it',
    },
    {
      rule: 'PS015',
      what: 'the action role uses only its own stack operations of a `*` resource grant',
      ops: () => [{ op: 'replace', path: `${role(A.devDeploy)}/inlinePolicies/CheckoutDeploy/Statement/2/Resource`, value: '*' }],
      says: 'the run uses only `cloudformation:DescribeStacks`, `cloudformation:UpdateStack` through it',
    },
    {
      rule: 'PS003',
      what: 'the run is denied on the AWS managed key',
      // The build writes with the project's own key: without it, BuildOutput is under aws/s3 too.
      ops: () => [{ op: 'remove', path: `${A.store}/encryptionKey` }, { op: 'remove', path: '/codeBuildProjects/0/encryptionKey' }],
      says: 'the run was denied on it',
    },
    {
      rule: 'PS014',
      what: 'CloudFormation is denied on an execution role that does not trust it',
      ops: () => [{ op: 'replace', path: `${role(A.devCfn)}/trustPolicy/Statement/0/Principal/Service`, value: 'codepipeline.amazonaws.com' }],
      says: 'the run shows CloudFormation denied',
    },
  ];

  for (const p of proofs) {
    it(`${p.rule}: ${p.what}`, async () => {
      const scenario = patched(p.ops());
      // Without a run nothing is proven
      expect(of(lint(scenario), p.rule).some((f) => f.proven)).toBe(false);
      // With one, the finding is proven, and the message says how
      const result = await simulate(scenario);
      const hits = of(lint(scenario, { result }), p.rule).filter((f) => f.proven);
      expect(hits.length, `${result.status} ${JSON.stringify(result.firstDenial)}`).toBeGreaterThan(0);
      expect(hits.map((f) => f.message).join('\n')).toContain(p.says);
    });
  }

  it('a trust policy naming a role that the run never assumes is not proven', async () => {
    // Given DevDeployRole trusting the root, and a run that stops before DeployDev (the build fails)
    const scenario = patched([
      { op: 'replace', path: `${role(A.devDeploy)}/trustPolicy/Statement/0/Principal/AWS`, value: 'arn:aws:iam::111111111111:root' },
      { op: 'add', path: '/run/failures/-', value: 'Build/Build' },
    ]);
    const result = await simulate(scenario);
    expect(result.status).toBe('Failed');
    const f = of(lint(scenario, { result }), 'PS007');
    expect(f).toHaveLength(1);
    expect(f[0]!.proven).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------

describe('output', () => {
  it('text: file:line:column: severity ruleId: message (fix: …), then a count', async () => {
    const loaded = await loadScenarioFile(TRAPS);
    if (!loaded.success) throw new Error('traps fixture does not load');
    const findings = lint(loaded.data, { locate: loaded.locate });
    const lines = formatLintText(loaded.file, findings).trimEnd().split('\n');
    expect(lines).toHaveLength(findings.length + 1);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^test\/fixtures\/lint\/traps\.yaml:\d+:\d+: (error|warning|note) PS\d{3}: [^\n]+ \(fix: [^\n]+\)$/);
    expect(lines.at(-1)).toMatch(/^\d+ findings: \d+ error, \d+ warning, \d+ note$/);
    // Sorted by position in the file
    const positions = findings.map((f) => f.line! * 10_000 + f.column!);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('the traps fixture triggers most rules, each pointing into the file', async () => {
    const loaded = await loadScenarioFile(TRAPS);
    if (!loaded.success) throw new Error('traps fixture does not load');
    const findings = lint(loaded.data, { locate: loaded.locate });
    expect(new Set(ruleIds(findings))).toEqual(new Set(['PS001', 'PS003', 'PS004', 'PS005', 'PS006', 'PS007', 'PS008', 'PS009', 'PS010', 'PS012', 'PS013', 'PS015']));
    const text = readFileSync(join(ROOT, TRAPS), 'utf8').split('\n');
    // PS007 points at the trust policy's Principal value.
    const trust = findings.find((f) => f.ruleId === 'PS007')!;
    expect(text[trust.line! - 1]!.slice(trust.column! - 1)).toMatch(/^AWS: arn:aws:iam::111111111111:root/);
  });

  it('SARIF of the traps fixture validates against the SARIF 2.1.0 schema', async () => {
    const loaded = await loadScenarioFile(TRAPS);
    if (!loaded.success) throw new Error('traps fixture does not load');
    const result = await simulate(loaded.data);
    const findings = lint(loaded.data, { locate: loaded.locate, result });
    const sarif = lintSarif(findings, { uri: 'test/fixtures/lint/traps.yaml', toolVersion: '0.1.0' });
    const validate = sarifValidator();
    const valid = validate(JSON.parse(JSON.stringify(sarif)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // What code scanning reads
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULE_IDS);
    for (const r of run.tool.driver.rules) {
      expect(r).toMatchObject({ shortDescription: { text: expect.any(String) }, fullDescription: { text: expect.any(String) }, help: { text: expect.any(String) }, defaultConfiguration: { level: expect.stringMatching(/^(error|warning|note)$/) }, helpUri: expect.stringMatching(/^https:/) });
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    }
    expect(run.results).toHaveLength(findings.length);
    for (const [i, r] of run.results.entries()) {
      const f = findings[i]!;
      expect(r).toMatchObject({ ruleId: f.ruleId, level: f.severity, ruleIndex: RULE_IDS.indexOf(f.ruleId) });
      expect(r.message.text).toContain(f.message);
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uri).toBe('test/fixtures/lint/traps.yaml');
      expect(loc.region).toEqual({ startLine: f.line, startColumn: f.column });
    }
    expect(run.results.some((r) => r.properties.proven)).toBe(true);
  });

  it('SARIF with no findings still validates', () => {
    const validate = sarifValidator();
    expect(validate(JSON.parse(JSON.stringify(lintSarif([], { uri: 'a b/c.yaml', toolVersion: '0.1.0' }))))).toBe(true);
  });
});

/** An ajv validator for the SARIF 2.1.0 schema that @microsoft/jest-sarif ships (draft-04). */
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const schemaFile = join(require.resolve('@microsoft/jest-sarif/package.json'), '..', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { $schema: string };
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  // The schema's language-tag pattern is not valid in Unicode mode: compile patterns without the u flag.
  const ajv = new Ajv04Module.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s));
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

// ---------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------

function cli(...args: string[]): { readonly status: number | null; readonly stdout: string; readonly stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tui/cli.ts', 'lint', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pipesim lint exit codes', () => {
  it('0 for the reference (a note only), 1 with --fail-on note', () => {
    const clean = cli(REFERENCE_ID);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/note PS016: /);
    expect(cli(REFERENCE_ID, '--fail-on', 'note').status).toBe(1);
  });

  it('1 for the traps fixture; its JSON lists the findings; SARIF names the relative file', () => {
    const json = cli(TRAPS, '--format', 'json');
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout) as { findings: Finding[] };
    expect(parsed.findings.length).toBeGreaterThan(5);
    expect(parsed.findings[0]).toMatchObject({ ruleId: expect.stringMatching(/^PS\d{3}$/), path: expect.any(String), line: expect.any(Number), column: expect.any(Number), fix: expect.any(String) });
    const sarif = cli(TRAPS, '--format', 'sarif', '--run');
    expect(sarif.status).toBe(1);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; properties: { proven: boolean } }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('test/fixtures/lint/traps.yaml');
    expect(log.runs[0]!.results.some((r) => r.properties.proven)).toBe(true);
  });

  it('2 for a document that does not load, and for a usage error', () => {
    const bad = cli('test/fixtures/lint/unloadable.yaml');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unloadable\.yaml:2:1: error: .*acounts/);
    expect(bad.stdout).toBe('');
    expect(cli(REFERENCE_ID, '--format', 'xml').status).toBe(2);
    expect(cli(REFERENCE_ID, '--fail-on', 'info').status).toBe(2);
  });
});
