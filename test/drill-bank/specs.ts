/**
 * The drill bank, as specs: each names a bundled scenario as its topology, the change that
 * makes the drill's situation, the stem, the right choice and three wrong ones (each a JSON
 * Patch computed against the document), the explanation and the domain-guide item. Written in
 * the base scenarios' names (111111111111, PipelineServiceRole, checkout, us-east-1 …); the
 * builder re-skins every drill. See test/drill-bank/build.ts.
 */
import jsonpatch from 'fast-json-patch';
import { action, actionPtr, add, readBase, bucketIndex, clone, inlinePtr, inlineStatementPtr, keyIn, move, ptr, remove, replace, role, roleIndex, sidIndex, stageIndex, statements, type Doc, type Op } from './kit.js';

/** One choice: its text and its patch against the drill's document. */
export interface ChoiceSpec {
  readonly text: string;
  readonly patch: (doc: Doc) => Op[];
}

/** One drill of the bank. */
export interface DrillSpec {
  /** File name under scenarios/drills/ (without .yaml). */
  readonly name: string;
  /** The bundled scenario whose topology the drill uses. */
  readonly base: string;
  readonly skin: number;
  readonly title: string;
  readonly description: string;
  readonly references?: readonly string[];
  /** The change that makes the drill's situation (edits the document in place). */
  readonly mutate?: (doc: Doc) => void;
  readonly topic: string;
  readonly guideItem: string;
  readonly goal: Doc;
  readonly stem: string;
  readonly right: ChoiceSpec;
  readonly wrong: readonly [ChoiceSpec, ChoiceSpec, ChoiceSpec];
  /** Position of the right choice (0 = A … 3 = D). */
  readonly answerAt: 0 | 1 | 2 | 3;
  readonly explanation: string;
  /** What the unpatched run must show. */
  readonly expect: { readonly status: 'Succeeded' | 'Failed' | 'Invalid'; readonly category?: string; readonly principal?: string };
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

const T = '111111111111';
const DEV = '222222222222';
const STG = '333333333333';
const PRD = '444444444444';
const PIPELINE_ROLE = `arn:aws:iam::${T}:role/PipelineServiceRole`;
const SMALL_KEY = `arn:aws:kms:us-east-1:${T}:key/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03`;
const MRK = 'mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80';
const MRK_US = `arn:aws:kms:us-east-1:${T}:key/${MRK}`;
const MRK_EU = `arn:aws:kms:eu-west-1:${T}:key/${MRK}`;
const BUCKET_US = `codepipeline-artifacts-${T}-us-east-1`;
const BUCKET_EU = `codepipeline-artifacts-${T}-eu-west-1`;
const NEW_KEY_ID = 'c0ffee00-1111-4222-8333-444455556666';

/** An Allow statement. */
function allow(sid: string, actionNames: string | readonly string[], resource: string | readonly string[], condition?: Doc): Doc {
  return { Sid: sid, Effect: 'Allow', Action: actionNames, Resource: resource, ...(condition ? { Condition: condition } : {}) };
}

/** An Allow statement of a resource policy (with a principal). */
function grant(sid: string, principal: string | readonly string[], actionNames: string | readonly string[], resource: string | readonly string[], condition?: Doc): Doc {
  return { Sid: sid, Effect: 'Allow', Principal: { AWS: principal }, Action: actionNames, Resource: resource, ...(condition ? { Condition: condition } : {}) };
}

/** Ops appending a statement to a role's inline policy. */
function addToRole(doc: Doc, roleName: string, statement: Doc): Op[] {
  return [add(`${inlinePtr(doc, roleName).path}/Statement/-`, statement)];
}

/** Pointer to the policy of the key at `index`. */
const keyPolicy = (index: number) => ptr('keys', index, 'policy');
/** Pointer to the policy of a bucket. */
const bucketPolicy = (doc: Doc, name: string) => ptr('buckets', bucketIndex(doc, name), 'policy');

/** The small green topology: traps/trust-account-root with the trust naming the pipeline role. */
function smallGreen(doc: Doc): void {
  role(doc, 'ProdDeployRole').trustPolicy.Statement[0].Principal = { AWS: PIPELINE_ROLE };
}


/** Ops that add an artifact store in `region` (bucket, key, registration) with the grants replication and the readers need. */
function regionStoreOps(doc: Doc, o: { readonly region: string; readonly homeBucket: string; readonly homeKey: string; readonly keyArn: string; readonly readers: readonly string[]; readonly key?: Doc; readonly register?: boolean; readonly bucketGrant?: boolean; readonly keyGrant?: boolean; readonly replicationGrants?: boolean }): Op[] {
  const bucketName = o.homeBucket.replace(/us-east-1$/, o.region);
  const home = doc.buckets[bucketIndex(doc, o.homeBucket)];
  const readers = o.readers.map((r) => `arn:aws:iam::${r.split('/')[0]}:role/${r.split('/')[1]}`);
  const bucketStatements = statements(home.policy)
    .filter((st: Doc) => st.Effect === 'Deny')
    .map((st: Doc) => JSON.parse(JSON.stringify(st).replaceAll(o.homeBucket, bucketName)));
  if (o.bucketGrant !== false) bucketStatements.push(grant('AllowDeployRolesToReadArtifacts', readers.length === 1 ? readers[0]! : readers, 's3:GetObject', `arn:aws:s3:::${bucketName}/checkout-pipeline/*`));
  const bucket = { ...clone(home), name: bucketName, region: o.region, policy: { ...home.policy, Statement: bucketStatements }, encryption: { sseAlgorithm: 'aws:kms', kmsKeyId: o.keyArn, bucketKeyEnabled: false } };
  const keyStatements: Doc[] = [{ Sid: 'EnableIAMPoliciesInKeyAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${T}:root` }, Action: 'kms:*', Resource: '*' }];
  if (o.keyGrant !== false) keyStatements.push(grant('AllowDeployRolesToDecryptArtifacts', readers.length === 1 ? readers[0]! : readers, 'kms:Decrypt', '*', { StringEquals: { 'kms:ViaService': `s3.${o.region}.amazonaws.com` } }));
  const key = o.key ?? { arn: o.keyArn, keyManager: 'CUSTOMER', aliases: ['alias/checkout-pipeline-artifacts'], policy: { Version: '2012-10-17', Statement: keyStatements }, rotation: true };
  const ops: Op[] = [add('/buckets/-', bucket), add('/keys/-', key)];
  if (o.register !== false) ops.push(add(`/pipeline/pipeline/artifactStores/${o.region}`, { type: 'S3', location: bucketName, encryptionKey: { id: o.keyArn, type: 'KMS' } }));
  if (o.replicationGrants !== false) {
    ops.push(...addToRole(doc, 'PipelineServiceRole', allow('ReplicateArtifacts', ['s3:GetObject', 's3:PutObject'], [`arn:aws:s3:::${o.homeBucket}/checkout-pipeline/*`, `arn:aws:s3:::${bucketName}/checkout-pipeline/*`])));
    ops.push(...addToRole(doc, 'PipelineServiceRole', allow('UseArtifactKeysForReplication', ['kms:Decrypt', 'kms:GenerateDataKey'], [o.homeKey, o.keyArn])));
  }
  for (const r of o.readers) ops.push(...addToRole(doc, r.split('/')[1]!, allow(`ReadArtifacts${o.region.replaceAll('-', '')}`, ['s3:GetObject', 'kms:Decrypt'], [`arn:aws:s3:::${bucketName}/checkout-pipeline/*`, o.keyArn])));
  return ops;
}

/** The reference scenario as written (a source of resources to restore). */
function referenceDoc(): Doc {
  return readBase('reference/four-accounts-two-regions');
}

/** Applies patch operations to a document in place (authoring only). */
function applyOps(doc: Doc, ops: readonly Op[]): void {
  jsonpatch.applyPatch(doc, clone(ops) as jsonpatch.Operation[], true, true);
}

const FOUR_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'] as const;
const REGION_KEY_IDS: Readonly<Record<string, string>> = { 'us-west-2': '0a5e11e0-2b3c-4d4e-8f50-61728394a5b6', 'eu-west-1': '0b6f22f1-3c4d-4e5f-9061-728394a5b6c7', 'ap-southeast-2': '0c7033f2-4d5e-4f60-a172-8394a5b6c7d8' };

/** The small topology deploying one stack set to four Regions of the prod account, with an artifact store in each Region. */
function stackSetFourRegions(doc: Doc): void {
  smallGreen(doc);
  const ref = referenceDoc();
  const decl = doc.pipeline.pipeline;
  decl.artifactStores = { 'us-east-1': decl.artifactStore };
  delete decl.artifactStore;
  for (const region of FOUR_REGIONS.slice(1)) {
    const keyArn = `arn:aws:kms:${region}:${T}:key/${REGION_KEY_IDS[region]}`;
    const ops = regionStoreOps(doc, { region, homeBucket: BUCKET_US, homeKey: SMALL_KEY, keyArn, readers: [`${PRD}/ProdDeployRole`] }).map((op) => ('value' in op && op.value && typeof op.value === 'object' && 'Sid' in (op.value as Doc) ? { ...op, value: { ...(op.value as Doc), Sid: `${(op.value as Doc).Sid}${region.replaceAll('-', '')}` } } : op));
    applyOps(doc, ops as Op[]);
  }
  const stackArns = FOUR_REGIONS.map((r) => `arn:aws:cloudformation:${r}:${PRD}:stack/checkout-prod/*`);
  const ecsArns = FOUR_REGIONS.map((r) => `arn:aws:ecs:${r}:${PRD}:service/checkout-prod/checkout`);
  const deploy = inlinePtr(doc, 'ProdDeployRole').policy;
  deploy.Statement[sidIndex(deploy, 'DeployCheckoutStack')].Resource = stackArns;
  const exec = inlinePtr(doc, 'ProdCfnExecutionRole').policy;
  exec.Statement[0].Resource = ecsArns;
  const stack = doc.stacks[0];
  doc.stacks = FOUR_REGIONS.map((r) => ({ ...clone(stack), region: r, calls: stack.calls.map((c: Doc) => ({ ...c, resource: c.resource.replace('us-east-1', r) })) }));
  const admin = clone(ref.roles.find((r: Doc) => r.arn.endsWith('/AWSCloudFormationStackSetAdministrationRole')));
  const execRole = clone(ref.roles.find((r: Doc) => r.arn.endsWith('/AWSCloudFormationStackSetExecutionRole')));
  execRole.inlinePolicies.CheckoutStackResources.Statement[0].Resource = ecsArns;
  doc.roles.push(admin, execRole);
  const refPipeline = ref.roles.find((r: Doc) => r.arn === PIPELINE_ROLE).inlinePolicies.CheckoutPipeline;
  const pipelinePolicy = inlinePtr(doc, 'PipelineServiceRole').policy;
  for (const sid of ['DeployProdStackSet', 'PassStackSetAdministrationRole']) pipelinePolicy.Statement.push(clone(refPipeline.Statement[sidIndex(refPipeline, sid)]));
  const stackSet = clone(ref.pipeline.pipeline.stages.find((st: Doc) => st.name === 'DeployProd').actions[0]);
  stackSet.configuration.Regions = FOUR_REGIONS.join(',');
  stackSet.configuration.Description = 'checkout service, production, four Regions';
  doc.pipeline.pipeline.stages[stageIndex(doc, 'DeployProd')].actions = [stackSet];
}

/** One CloudFormation deploy action per Region, in parallel. */
function perRegionActions(): Doc[] {
  return FOUR_REGIONS.map((region) => ({
    name: `Deploy-${region}`,
    actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
    runOrder: 1,
    configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'checkout-prod', TemplatePath: 'BuildOutput::template.yaml', RoleArn: `arn:aws:iam::${PRD}:role/ProdCfnExecutionRole`, ParameterOverrides: '{"ImageUri":"#{BuildVariables.IMAGE_URI}","Environment":"prod"}' },
    outputArtifacts: [],
    inputArtifacts: [{ name: 'BuildOutput' }],
    roleArn: `arn:aws:iam::${PRD}:role/ProdDeployRole`,
    region,
  }));
}

/** The small topology with the pipeline and its tooling resources copied into the production account and used from there. */
function pipelineInProd(doc: Doc): void {
  smallGreen(doc);
  const toProd = <V>(v: V): V => JSON.parse(JSON.stringify(v).replaceAll(T, PRD)) as V;
  const toolingRoles = (doc.roles as Doc[]).filter((r) => String(r.arn).includes(`::${T}:`));
  doc.roles.push(...toolingRoles.map(toProd));
  doc.managedPolicies.push(...doc.managedPolicies.map(toProd));
  doc.keys.push(...doc.keys.map(toProd));
  doc.buckets.push(...doc.buckets.map(toProd));
  doc.codeBuildProjects.push(...doc.codeBuildProjects.map(toProd));
  doc.snsTopics.push(...doc.snsTopics.map(toProd));
  doc.codeCommitRepositories.push(...doc.codeCommitRepositories.map(toProd));
  role(doc, 'ProdDeployRole').trustPolicy.Statement[0].Principal = { AWS: [PIPELINE_ROLE, `arn:aws:iam::${PRD}:role/PipelineServiceRole`] };
  doc.pipeline.pipeline = toProd(doc.pipeline.pipeline);
  doc.pipeline.metadata = toProd(doc.pipeline.metadata);
  doc.run.approvals = toProd(doc.run.approvals);
}

export { allow, grant, statements };

// ---------------------------------------------------------------------------
// The specs
// ---------------------------------------------------------------------------

export const SPECS: readonly DrillSpec[] = [
  // -------------------------------------------------------------------------
  {
    name: 'trap-1-key-policy-and-iam-must-agree',
    base: 'traps/1-key-policy-and-iam-must-agree',
    skin: 0,
    title: 'Drill: kms:Decrypt allowed in IAM only',
    description: `
Domain guide, "Common Trap Patterns", trap one: granting kms:Decrypt only via IAM does not work across accounts.
The reference topology (tooling, dev, staging, prod; us-east-1 and eu-west-1) where the us-east-1 artifact key
policy names only the staging deploy role. DevDeployRole allows kms:Decrypt on the key in its own identity policy.`,
    topic: 'kms',
    guideItem: 'Common Trap Patterns: trap one (KMS key policy and IAM policy must agree)',
    goal: { kind: 'run-succeeds' },
    stem: `
A company runs CodePipeline in a tooling account (111111111111) and deploys with CloudFormation into a dev
account (222222222222) through the action role DevDeployRole. Artifacts are encrypted with a customer managed
KMS key in the tooling account. The DeployDev action fails with an AccessDenied error from AWS KMS. A DevOps
engineer confirms that DevDeployRole's identity policy already allows kms:Decrypt on the key's ARN.
Which change lets the deploy succeed?`,
    right: {
      text: "Add DevDeployRole's ARN as a principal allowed kms:Decrypt (through S3) in the artifact key's key policy.",
      patch: (doc) => {
        const k = keyIn(doc, 'us-east-1');
        const i = sidIndex(doc.keys[k].policy, 'AllowStagingDeployRoleToDecryptArtifacts');
        return [replace(`${keyPolicy(k)}/Statement/${i}/Principal/AWS`, [`arn:aws:iam::${STG}:role/StagingDeployRole`, `arn:aws:iam::${DEV}:role/DevDeployRole`])];
      },
    },
    wrong: [
      {
        text: "Add a second statement to DevDeployRole's identity policy that allows kms:* on every resource.",
        patch: (doc) => addToRole(doc, 'DevDeployRole', allow('UseAnyKmsKey', 'kms:*', '*')),
      },
      {
        text: 'Attach an SCP to the dev account that allows kms:Decrypt on the tooling artifact key.',
        patch: (doc) => [
          add('/organization/policies/-', {
            name: 'AllowArtifactDecrypt',
            type: 'SERVICE_CONTROL_POLICY',
            targets: [DEV],
            document: { Version: '2012-10-17', Statement: [allow('AllowArtifactDecrypt', 'kms:Decrypt', MRK_US)] },
          }),
        ],
      },
      {
        text: 'Add DevDeployRole to the artifact bucket policy with s3:GetObject and s3:GetObjectVersion on the pipeline prefix.',
        patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_US)}/Statement/-`, grant('DevDeployRoleReadsArtifacts', `arn:aws:iam::${DEV}:role/DevDeployRole`, ['s3:GetObject', 's3:GetObjectVersion'], `arn:aws:s3:::${BUCKET_US}/checkout-pipeline/*`))],
      },
    ],
    answerAt: 2,
    explanation: `
Across accounts a KMS call needs both sides: the key policy in the key's account (tooling) must admit the principal,
and the principal's identity policy in its own account (dev) must allow the operation. The identity side is already
there, so only the key policy statement is missing. Granting kms:* in IAM changes nothing on the key side; an SCP
never grants anything (it only limits what an account's identity policies can allow); and the bucket policy already
lets the role read the object - it is the decrypt through S3 that KMS refuses.
AWS: "Allowing users in other accounts to use a KMS key".`,
    expect: { status: 'Failed', category: 'KEY_POLICY', principal: `arn:aws:iam::${DEV}:role/DevDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'trap-2-cross-region-without-region-store',
    base: 'traps/2-cross-region-without-region-store',
    skin: 1,
    title: 'Drill: a cross-Region action without an artifact store in its Region',
    description: `
Domain guide, "Common Trap Patterns", trap two: CodePipeline does not stream artifacts across Regions. Tooling and prod
accounts; the prod deploy runs in us-east-1 and eu-west-1 in parallel, but only the us-east-1 artifact store exists.`,
    topic: 'regions',
    guideItem: 'Common Trap Patterns: trap two (no artifact bucket in the target Region)',
    goal: { kind: 'run-succeeds' },
    stem: `
A platform team extends its production stage with a second CloudFormation action in eu-west-1 that runs in parallel
with the us-east-1 action. The pipeline (home Region us-east-1) lives in the tooling account 111111111111 and uses
artifactStores with a single entry for us-east-1, encrypted with a customer managed key. After the change, the
pipeline can no longer be updated or started. What should the team do?`,
    right: {
      text: 'Create an S3 bucket and a customer managed KMS key in eu-west-1 in the tooling account, register them under artifactStores for eu-west-1, and grant the pipeline role (to copy artifacts) and ProdDeployRole (to read them) access.',
      patch: (doc) => regionStoreOps(doc, { region: 'eu-west-1', homeBucket: BUCKET_US, homeKey: SMALL_KEY, keyArn: `arn:aws:kms:eu-west-1:${T}:key/${NEW_KEY_ID}`, readers: [`${PRD}/ProdDeployRole`] }),
    },
    wrong: [
      {
        text: 'Give the eu-west-1 action runOrder 2, so that it runs after the us-east-1 action has produced the artifact in us-east-1.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployProd', 'Deploy-eu-west-1')}/runOrder`, 2)],
      },
      {
        text: 'Create a bucket and a key in eu-west-1 and turn on S3 Cross-Region Replication from the us-east-1 artifact bucket to it.',
        patch: (doc) => regionStoreOps(doc, { region: 'eu-west-1', homeBucket: BUCKET_US, homeKey: SMALL_KEY, keyArn: `arn:aws:kms:eu-west-1:${T}:key/${NEW_KEY_ID}`, readers: [`${PRD}/ProdDeployRole`], register: false }),
      },
      {
        text: 'Replace artifactStores with a single artifactStore in us-east-1; CodePipeline then serves every Region from it.',
        patch: (doc) => [remove('/pipeline/pipeline/artifactStores'), add('/pipeline/pipeline/artifactStore', doc.pipeline.pipeline.artifactStores['us-east-1'])],
      },
    ],
    answerAt: 0,
    explanation: `
CodePipeline copies each input artifact into an artifact store in the action's Region before the action runs, and it
rejects a declaration with a cross-Region action but no store registered for that Region ("There must be an artifact
store for the pipeline Region and for each cross-region action in the pipeline"). The store must be in the tooling
account and in that Region, registered in artifactStores; the pipeline role copies into it and the action role reads
from it, so both need access. runOrder does not change where the artifact lives; S3 replication that CodePipeline does
not know about is not a store; a single artifactStore cannot be used with cross-Region actions at all.`,
    expect: { status: 'Invalid', category: 'MISSING_REGION_ARTIFACT_STORE' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'trap-3-aws-managed-key',
    base: 'traps/3-aws-managed-key',
    skin: 2,
    title: 'Drill: the default aws/s3 key in a cross-account pipeline',
    description: `
Domain guide, "Common Trap Patterns", trap three: the AWS managed aws/s3 key cannot be shared across accounts. Tooling and
prod accounts; the artifact store names no encryption key, so artifacts are encrypted with aws/s3.`,
    topic: 'kms',
    guideItem: 'Common Trap Patterns: trap three (default aws/s3 key in a cross-account pipeline)',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline in account 111111111111 builds an application and deploys it with a CloudFormation action that assumes
ProdDeployRole in account 444444444444. The artifact bucket uses the default encryption that CodePipeline set up
when the pipeline was created in the console. Source and build succeed; the production deploy fails with a KMS
AccessDenied error although ProdDeployRole's identity policy allows kms:Decrypt on the key and the bucket policy
allows it s3:GetObject. What should a DevOps engineer do?`,
    right: {
      text: "Create a customer managed key in the tooling account whose key policy admits the pipeline role, the CodeBuild role and ProdDeployRole, set it as the encryptionKey of the artifact store and of the CodeBuild project, and allow ProdDeployRole kms:Decrypt on it.",
      patch: (doc) => {
        const keyArn = `arn:aws:kms:us-east-1:${T}:key/${NEW_KEY_ID}`;
        const key = {
          arn: keyArn,
          keyManager: 'CUSTOMER',
          aliases: ['alias/checkout-pipeline-artifacts'],
          policy: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'EnableIAMPoliciesInKeyAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${T}:root` }, Action: 'kms:*', Resource: '*' },
              grant('AllowPipelineAndBuildToUseTheKey', [PIPELINE_ROLE, `arn:aws:iam::${T}:role/CodeBuildServiceRole`], ['kms:Decrypt', 'kms:GenerateDataKey'], '*'),
              grant('AllowProdDeployRoleToDecrypt', `arn:aws:iam::${PRD}:role/ProdDeployRole`, 'kms:Decrypt', '*'),
            ],
          },
          rotation: true,
        };
        // CodeBuild ignores the store's key and encrypts with the project's, else aws/s3 (aws-cdk#4182).
        return [add('/keys/-', key), add('/pipeline/pipeline/artifactStore/encryptionKey', { id: keyArn, type: 'KMS' }), add('/codeBuildProjects/0/encryptionKey', keyArn), ...addToRole(doc, 'ProdDeployRole', allow('DecryptWithArtifactKey', 'kms:Decrypt', keyArn))];
      },
    },
    wrong: [
      {
        text: 'Edit the key policy of the aws/s3 key to allow ProdDeployRole kms:Decrypt.',
        patch: () => [add('/keys/0/policy', { Version: '2012-10-17', Statement: [grant('AllowProd', `arn:aws:iam::${PRD}:role/ProdDeployRole`, 'kms:Decrypt', '*')] })],
      },
      {
        text: "Switch the artifact bucket's default encryption to SSE-S3 (AES256) so that no KMS key is involved.",
        patch: (doc) => [replace(`/buckets/${bucketIndex(doc, BUCKET_US)}/encryption`, { sseAlgorithm: 'AES256', bucketKeyEnabled: false })],
      },
      {
        text: 'Allow ProdDeployRole kms:Decrypt and kms:DescribeKey on every key (Resource "*") in its identity policy.',
        patch: (doc) => addToRole(doc, 'ProdDeployRole', allow('DecryptAnyKey', ['kms:Decrypt', 'kms:DescribeKey'], '*')),
      },
    ],
    answerAt: 3,
    explanation: `
An artifact store without an encryptionKey is encrypted with the account's AWS managed key aws/s3. Its key policy is
fixed by AWS, cannot be edited, and admits only callers of its own account through S3 (kms:CallerAccount), so no
identity policy in the prod account can make it usable. The fix is a customer managed key whose key policy admits the
cross-account action role (and the tooling roles that write artifacts), registered as the store's encryptionKey;
across accounts the action role's identity policy must allow kms:Decrypt on that key too. Bucket default encryption
does not decide how CodePipeline encrypts artifacts: the store's encryptionKey does.
AWS: "Configure server-side encryption for artifacts stored in Amazon S3 for CodePipeline".`,
    expect: { status: 'Failed', category: 'AWS_MANAGED_KEY', principal: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'trap-4-execution-role-trusts-pipeline',
    base: 'traps/4-execution-role-trusts-pipeline',
    skin: 3,
    title: 'Drill: the CloudFormation execution role trusts the pipeline',
    description: `
Domain guide, "Common Trap Patterns", trap four (and the common exam trap "CloudFormation execution role conflated with
pipeline service role"). Reference topology; the dev execution role trusts CodePipeline and the pipeline role.`,
    topic: 'roles',
    guideItem: 'Common Trap Patterns: trap four / Common Exam Traps: execution role conflated with the pipeline service role',
    goal: { kind: 'run-succeeds' },
    stem: `
An action in the DeployDev stage assumes DevDeployRole in account 222222222222 and deploys a stack with CloudFormation,
passing DevCfnExecutionRole as the stack's service role. To "let the pipeline use it", an engineer set the trust policy of
DevCfnExecutionRole to allow codepipeline.amazonaws.com and the pipeline service role. The action now fails while the
stack is being updated. Which change fixes the deployment with the least privilege?`,
    right: {
      text: 'Make the trust policy of DevCfnExecutionRole allow only the service principal cloudformation.amazonaws.com.',
      patch: (doc) => [replace(`/roles/${roleIndex(doc, 'DevCfnExecutionRole')}/trustPolicy/Statement/0/Principal`, { Service: 'cloudformation.amazonaws.com' })],
    },
    wrong: [
      {
        text: "Add DevCfnExecutionRole to the resources of the pipeline service role's sts:AssumeRole statement.",
        patch: (doc) => {
          const p = inlineStatementPtr(doc, 'PipelineServiceRole', 'AssumeWorkloadDeployRoles');
          return [add(`${p}/Resource/-`, `arn:aws:iam::${DEV}:role/DevCfnExecutionRole`)];
        },
      },
      {
        text: 'Make DevCfnExecutionRole trust DevDeployRole, the action role that passes it to CloudFormation.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'DevCfnExecutionRole')}/trustPolicy/Statement/0/Principal`, { AWS: `arn:aws:iam::${DEV}:role/DevDeployRole` })],
      },
      {
        text: 'Remove RoleArn from the action configuration so that CloudFormation uses the action role itself.',
        patch: (doc) => [remove(`${actionPtr(doc, 'DeployDev', 'Deploy')}/configuration/RoleArn`)],
      },
    ],
    answerAt: 1,
    explanation: `
The execution role (the action's RoleArn) is passed to CloudFormation and assumed by the CloudFormation service, so its
trust policy must name cloudformation.amazonaws.com. The pipeline service role trusts codepipeline.amazonaws.com and
assumes the action role; the action role passes the execution role (iam:PassRole) but never assumes it. Letting the
pipeline role assume it, or trusting the action role, does not let CloudFormation in; and a CREATE_UPDATE action
without RoleArn is rejected by the declaration check.
AWS: "AWS CloudFormation service role", CloudFormation deploy action reference.`,
    expect: { status: 'Failed', category: 'SERVICE_ROLE_TRUST' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'trap-5-source-bucket-vs-artifact-key',
    base: 'traps/5-source-bucket-vs-artifact-key',
    skin: 4,
    title: 'Drill: cross-account access on the source bucket, not on the artifact key',
    description: `
Domain guide, "Common Trap Patterns", trap five. A source account shares its S3 source bucket and key with the pipeline
and the prod deploy role; the tooling artifact key does not admit the prod deploy role.`,
    topic: 'kms',
    guideItem: 'Common Trap Patterns: trap five (source bucket shared, artifact key not)',
    goal: { kind: 'run-succeeds' },
    stem: `
Release bundles are published to a versioned, KMS-encrypted S3 bucket in a source account (222222222222). The pipeline in
account 111111111111 uses an S3 source action, and the source account's bucket policy and key policy grant access to both
the pipeline service role and ProdDeployRole in the production account (444444444444). Source and build succeed. The
production CloudFormation action fails with an access denied error from AWS KMS. What should the team change?`,
    right: {
      text: "Allow ProdDeployRole kms:Decrypt in the key policy of the tooling account's artifact store key.",
      patch: (doc) => [add(`${keyPolicy(keyIn(doc, 'us-east-1', '1f0c3a52'))}/Statement/-`, grant('AllowProdDeployRoleToDecryptArtifacts', `arn:aws:iam::${PRD}:role/ProdDeployRole`, 'kms:Decrypt', '*'))],
    },
    wrong: [
      {
        text: "Allow ProdDeployRole kms:Decrypt and kms:DescribeKey in the key policy of the source account's bucket key.",
        patch: (doc) => [add(`${keyPolicy(keyIn(doc, 'us-east-1', '7a9e4c21'))}/Statement/-`, grant('AllowProdDeployRoleToDecryptBundles', `arn:aws:iam::${PRD}:role/ProdDeployRole`, ['kms:Decrypt', 'kms:DescribeKey'], '*'))],
      },
      {
        text: 'Grant ProdDeployRole s3:GetObject and s3:GetObjectVersion on the source bucket objects in the source bucket policy.',
        patch: (doc) => [add(`${bucketPolicy(doc, 'checkout-source-')}/Statement/-`, grant('AllowProdDeployRoleToReadVersions', `arn:aws:iam::${PRD}:role/ProdDeployRole`, ['s3:GetObject', 's3:GetObjectVersion'], `arn:aws:s3:::checkout-source-${DEV}-us-east-1/*`))],
      },
      {
        text: "Allow the pipeline service role kms:Decrypt on the tooling artifact key in the key policy, so it can hand decrypted artifacts to the deploy action.",
        patch: (doc) => [add(`${keyPolicy(keyIn(doc, 'us-east-1', '1f0c3a52'))}/Statement/-`, grant('AllowPipelineRoleToDecrypt', PIPELINE_ROLE, 'kms:Decrypt', '*'))],
      },
    ],
    answerAt: 2,
    explanation: `
The source bucket and the artifact bucket are different things. CodePipeline copies the source object into its own
artifact store and re-encrypts it with the store's key; every later action reads artifacts from that store. Grants on
the source bucket and the source key matter only to the source action. The production action role must be admitted by
the artifact store key's key policy (and its identity policy, which already allows the decrypt). CodePipeline never
hands decrypted artifacts to an action: each action reads and decrypts them itself.`,
    expect: { status: 'Failed', category: 'KEY_POLICY', principal: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'alias-in-another-account',
    base: 'traps/key-alias-in-another-account',
    skin: 5,
    title: 'Drill: the artifact key named by alias',
    description: `
Domain guide, "KMS Key Policy and Cross-Account Decryption", and the AWS note on the artifact store's encryption key:
aliases are recognised only in the key's account. The prod deploy writes an output artifact; the store names its key by
alias.`,
    topic: 'kms',
    guideItem: 'KMS Key Policy and Cross-Account Decryption: an alias names a key only in its own account',
    goal: { kind: 'run-succeeds' },
    stem: `
A CloudFormation action in account 444444444444 deploys a stack and writes the stack outputs as an output artifact
(OutputFileName) for later stages. The pipeline's artifact store in account 111111111111 specifies its encryption key as
alias/checkout-pipeline-artifacts. The key policy and the action role allow kms:Decrypt and kms:GenerateDataKey, and
reading the input artifact works, but writing the output artifact fails. Which change fixes it?`,
    right: {
      text: "Set the artifact store's encryptionKey id to the full key ARN of the tooling account's key.",
      patch: () => [replace('/pipeline/pipeline/artifactStore/encryptionKey/id', SMALL_KEY)],
    },
    wrong: [
      {
        text: "Set the artifact store's encryptionKey id to the key's id (the UUID) instead of the alias.",
        patch: () => [replace('/pipeline/pipeline/artifactStore/encryptionKey/id', SMALL_KEY.split('/').pop())],
      },
      {
        text: 'Allow ProdDeployRole kms:* on every resource in its identity policy.',
        patch: (doc) => addToRole(doc, 'ProdDeployRole', allow('UseAnyKey', 'kms:*', '*')),
      },
      {
        text: 'Grant the prod account root kms:GenerateDataKey and kms:Decrypt in the key policy.',
        patch: (doc) => [add(`${keyPolicy(0)}/Statement/-`, grant('AllowProdAccount', `arn:aws:iam::${PRD}:root`, ['kms:GenerateDataKey', 'kms:Decrypt'], '*'))],
      },
    ],
    answerAt: 1,
    explanation: `
An alias (and a bare key id) is resolved in the account of the caller. The prod action role writes the output artifact,
so S3 resolves alias/checkout-pipeline-artifacts in the prod account, where no such alias exists. AWS: "Aliases are
recognized only in the account that created the KMS key. For cross-account actions, you can only use the key ID or key
ARN" - and a key id, like an alias, then resolves in the other account; the key ARN is the only reference that names
the tooling key from everywhere. More permissions do not help: the request never reaches the right key.
AWS: CodePipeline API reference, EncryptionKey.`,
    expect: { status: 'Failed', category: 'KEY_ALIAS_CROSS_ACCOUNT', principal: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'checklist-1-action-role-trusts-pipeline-role',
    base: 'checklist/1-action-role-trusts-pipeline-role',
    skin: 6,
    title: 'Drill: the action role trusts the CodePipeline service principal',
    description: `
Domain guide, the five pieces to verify, item 1: the action role exists in the target account and trusts the pipeline
service role's ARN. Reference topology; the staging action role trusts codepipeline.amazonaws.com.`,
    topic: 'trust',
    guideItem: 'Checklist item 1: the action role trusts the pipeline service role ARN',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline in account 111111111111 deploys to a staging account (333333333333) in two Regions. The staging deploy fails
with "User: arn:aws:sts::111111111111:assumed-role/PipelineServiceRole/... is not authorized to perform: sts:AssumeRole
on resource: arn:aws:iam::333333333333:role/StagingDeployRole". StagingDeployRole's trust policy was copied from the
pipeline service role and names the service principal codepipeline.amazonaws.com. What is the MOST secure fix?`,
    right: {
      text: "Change StagingDeployRole's trust policy to allow sts:AssumeRole by the pipeline service role's ARN.",
      patch: (doc) => [replace(`/roles/${roleIndex(doc, 'StagingDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: PIPELINE_ROLE })],
    },
    wrong: [
      {
        text: "Add StagingDeployRole's ARN to the sts:AssumeRole statement of the pipeline service role's policy.",
        patch: (doc) => [replace(`${inlineStatementPtr(doc, 'PipelineServiceRole', 'AssumeWorkloadDeployRoles')}/Resource`, [`arn:aws:iam::${DEV}:role/DevDeployRole`, `arn:aws:iam::${STG}:role/StagingDeployRole`, `arn:aws:iam::${STG}:role/StagingDeployRole`])],
      },
      {
        text: "Change StagingDeployRole's trust policy to allow the staging account root (arn:aws:iam::333333333333:root).",
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'StagingDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: `arn:aws:iam::${STG}:root` })],
      },
      {
        text: 'Keep the service principal and add an aws:SourceAccount condition for the tooling account to the trust policy.',
        patch: (doc) => [add(`/roles/${roleIndex(doc, 'StagingDeployRole')}/trustPolicy/Statement/0/Condition`, { StringEquals: { 'aws:SourceAccount': T } })],
      },
    ],
    answerAt: 3,
    explanation: `
CodePipeline assumes the pipeline service role as the service; every action role is then assumed by that role's
session, not by codepipeline.amazonaws.com. So the action role's trust policy must admit the pipeline service role
(naming its ARN keeps the decision in the target account, which is tighter than trusting the tooling account root). The
identity side is already in place; trusting the staging account's own root admits principals of the wrong account; and a
condition cannot make a service principal match a role session.`,
    expect: { status: 'Failed', category: 'TRUST_POLICY', principal: PIPELINE_ROLE },
  },
  // -------------------------------------------------------------------------
  {
    name: 'checklist-2-pipeline-role-may-assume-action-role',
    base: 'checklist/2-pipeline-role-may-assume-action-role',
    skin: 7,
    title: 'Drill: the pipeline role may not assume the new action role',
    description: `
Domain guide, the five pieces to verify, item 2: the pipeline service role can sts:AssumeRole the action role's ARN.
Reference topology; the pipeline role's policy lists the dev action role only.`,
    topic: 'trust',
    guideItem: "Checklist item 2: the pipeline service role may sts:AssumeRole the action role",
    goal: { kind: 'run-succeeds' },
    stem: `
A team added a staging stage to an existing pipeline. The new action role StagingDeployRole in account 333333333333
trusts the pipeline service role ARN arn:aws:iam::111111111111:role/PipelineServiceRole. The dev stage still deploys,
but every staging action fails with an AccessDenied error on sts:AssumeRole. What should the team change?`,
    right: {
      text: "Allow sts:AssumeRole on StagingDeployRole's ARN in the pipeline service role's identity policy.",
      patch: (doc) => [replace(`${inlineStatementPtr(doc, 'PipelineServiceRole', 'AssumeWorkloadDeployRoles')}/Resource`, [`arn:aws:iam::${DEV}:role/DevDeployRole`, `arn:aws:iam::${STG}:role/StagingDeployRole`])],
    },
    wrong: [
      {
        text: 'Add the tooling account root (arn:aws:iam::111111111111:root) to the trust policy of StagingDeployRole.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'StagingDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: [PIPELINE_ROLE, `arn:aws:iam::${T}:root`] })],
      },
      {
        text: 'Allow sts:AssumeRole on its own ARN in the identity policy of StagingDeployRole.',
        patch: (doc) => addToRole(doc, 'StagingDeployRole', allow('AssumeSelf', 'sts:AssumeRole', `arn:aws:iam::${STG}:role/StagingDeployRole`)),
      },
      {
        text: 'Add codepipeline.amazonaws.com as a second principal in the trust policy of StagingDeployRole.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'StagingDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: PIPELINE_ROLE, Service: 'codepipeline.amazonaws.com' })],
      },
    ],
    answerAt: 0,
    explanation: `
A cross-account AssumeRole is allowed only when both sides allow it: the target role's trust policy (already naming the
pipeline role) and the caller's identity policy in its own account. The pipeline role's policy lists only DevDeployRole.
Widening the trust policy changes nothing on the caller's side, and the target role's own permissions never govern who
may assume it.`,
    expect: { status: 'Failed', category: 'CALLER_ASSUME_PERMISSION', principal: PIPELINE_ROLE },
  },
  // -------------------------------------------------------------------------
  {
    name: 'checklist-3-key-policy-grants-action-role',
    base: 'checklist/3-key-policy-grants-action-role',
    skin: 8,
    title: 'Drill: the replica key policy does not grant the action role',
    description: `
Domain guide, the five pieces to verify, item 3: the KMS key policy grants kms:Decrypt to the action role. Reference
topology; the eu-west-1 replica of the multi-Region artifact key keeps only its default statement.`,
    topic: 'kms',
    guideItem: 'Checklist item 3: the KMS key policy grants kms:Decrypt to the action role',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline encrypts artifacts with a multi-Region customer managed key: the primary in us-east-1 and a replica in
eu-west-1 back the two artifact stores. The staging deploy in us-east-1 succeeds; the parallel deploy in eu-west-1 fails
with an AccessDenied error for kms:Decrypt by StagingDeployRole. The engineer who set up the keys added StagingDeployRole
to the primary key's policy. Which change fixes the eu-west-1 deploy?`,
    right: {
      text: 'Add a statement to the key policy of the eu-west-1 replica that allows StagingDeployRole kms:Decrypt through S3 in eu-west-1.',
      patch: (doc) => [add(`${keyPolicy(keyIn(doc, 'eu-west-1'))}/Statement/-`, grant('AllowStagingDeployRoleToDecryptArtifacts', `arn:aws:iam::${STG}:role/StagingDeployRole`, 'kms:Decrypt', '*', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }))],
    },
    wrong: [
      {
        text: "Update the primary key's policy again: multi-Region keys synchronise their key policy to the replicas.",
        patch: (doc) => {
          const k = keyIn(doc, 'us-east-1');
          return [add(`${keyPolicy(k)}/Statement/-`, grant('AllowStagingDeployRoleEverywhere', `arn:aws:iam::${STG}:role/StagingDeployRole`, 'kms:Decrypt', '*'))];
        },
      },
      {
        text: 'Add a statement to the replica key policy for StagingDeployRole with kms:ViaService s3.us-east-1.amazonaws.com, copied from the primary.',
        patch: (doc) => [add(`${keyPolicy(keyIn(doc, 'eu-west-1'))}/Statement/-`, grant('AllowStagingDeployRoleCopied', `arn:aws:iam::${STG}:role/StagingDeployRole`, 'kms:Decrypt', '*', { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }))],
      },
      {
        text: "Allow kms:Decrypt on the replica's ARN in StagingDeployRole's identity policy.",
        patch: (doc) => addToRole(doc, 'StagingDeployRole', allow('DecryptReplica', 'kms:Decrypt', MRK_EU)),
      },
    ],
    answerAt: 2,
    explanation: `
Each multi-Region key (the primary and every replica) is its own KMS resource with its own ARN and its own key policy;
AWS KMS shares the key material and key id, not the policy ("Control access to multi-Region keys"). The guide's "write
the key policy once" is not how KMS behaves - here the AWS documentation wins. The replica's policy must admit the role,
and the kms:ViaService condition must name S3 in the replica's Region. The identity policy already allows the decrypt.`,
    expect: { status: 'Failed', category: 'KEY_POLICY', principal: `arn:aws:iam::${STG}:role/StagingDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'checklist-4-bucket-policy-grants-action-role',
    base: 'checklist/4-bucket-policy-grants-action-role',
    skin: 9,
    title: 'Drill: the regional artifact bucket does not grant the action role',
    description: `
Domain guide, the five pieces to verify, item 4: the artifact bucket policy grants s3:GetObject to the action role.
Reference topology; the eu-west-1 artifact bucket lost its grant to the staging action role.`,
    topic: 's3',
    guideItem: 'Checklist item 4: the artifact bucket policy grants s3:GetObject to the action role',
    goal: { kind: 'run-succeeds' },
    stem: `
After a security review re-applied "standard" bucket policies, a pipeline's eu-west-1 staging action fails right after
CodePipeline copies the build artifact into the eu-west-1 artifact bucket. The error names s3:GetObject and
StagingDeployRole (account 333333333333). The us-east-1 action of the same stage succeeds. What should be restored?`,
    right: {
      text: 'A statement in the eu-west-1 artifact bucket policy that allows StagingDeployRole s3:GetObject on the pipeline\'s objects.',
      patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_EU)}/Statement/-`, grant('AllowStagingDeployRoleToReadArtifacts', `arn:aws:iam::${STG}:role/StagingDeployRole`, 's3:GetObject', `arn:aws:s3:::${BUCKET_EU}/checkout-pipeline/*`))],
    },
    wrong: [
      {
        text: "A statement in StagingDeployRole's identity policy that allows s3:GetObject on the eu-west-1 bucket's objects.",
        patch: (doc) => addToRole(doc, 'StagingDeployRole', allow('ReadEuArtifacts', 's3:GetObject', `arn:aws:s3:::${BUCKET_EU}/*`)),
      },
      {
        text: 'A statement in the eu-west-1 artifact bucket policy that allows StagingDeployRole s3:GetObject on the bucket ARN.',
        patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_EU)}/Statement/-`, grant('AllowStagingDeployRoleOnBucket', `arn:aws:iam::${STG}:role/StagingDeployRole`, 's3:GetObject', `arn:aws:s3:::${BUCKET_EU}`))],
      },
      {
        text: 'Removing the DenyInsecureConnections statement from the eu-west-1 artifact bucket policy.',
        patch: (doc) => {
          const b = bucketIndex(doc, BUCKET_EU);
          return [remove(`/buckets/${b}/policy/Statement/${sidIndex(doc.buckets[b].policy, 'DenyInsecureConnections')}`)];
        },
      },
    ],
    answerAt: 1,
    explanation: `
Across accounts S3 needs both sides: the bucket policy in tooling and the identity policy in staging (which already
allows the read). s3:GetObject acts on object ARNs (bucket/key), so a statement on the bucket ARN alone never matches a
read. The TLS-only Deny does not apply to CodePipeline's HTTPS requests; removing it only weakens the bucket.`,
    expect: { status: 'Failed', category: 'BUCKET_POLICY', principal: `arn:aws:iam::${STG}:role/StagingDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'checklist-5-artifact-store-in-every-region',
    base: 'checklist/5-artifact-store-in-every-region',
    skin: 10,
    title: 'Drill: no artifact store for the second Region',
    description: `
Domain guide, the five pieces to verify, item 5: for cross-Region actions an artifact bucket exists in each target
Region and is registered in artifactStores. Reference topology without the eu-west-1 store, bucket and replica key.`,
    topic: 'regions',
    guideItem: 'Checklist item 5: an artifact store in every target Region, registered in artifactStores',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline whose home Region is us-east-1 deploys to staging in us-east-1 and eu-west-1 with parallel CloudFormation
actions. Its artifacts are encrypted with a multi-Region key (primary in us-east-1). The pipeline definition is rejected:
"There must be an artifact store for the pipeline Region and for each cross-region action in the pipeline". The roles
already carry statements for an eu-west-1 bucket and key. Which change makes the pipeline deploy?`,
    right: {
      text: 'Create the eu-west-1 artifact bucket (granting StagingDeployRole read access) and a replica of the multi-Region key in eu-west-1 whose key policy admits StagingDeployRole, and register both under artifactStores for eu-west-1.',
      patch: () => {
        const ref = referenceDoc();
        const key = ref.keys.find((k: Doc) => k.arn === MRK_EU);
        const bucket = ref.buckets.find((b: Doc) => b.name === BUCKET_EU);
        return [add('/keys/-', key), add('/buckets/-', bucket), add('/pipeline/pipeline/artifactStores/eu-west-1', ref.pipeline.pipeline.artifactStores['eu-west-1'])];
      },
    },
    wrong: [
      {
        text: 'Create the eu-west-1 bucket and the replica key, and let CodePipeline discover the bucket by its name.',
        patch: () => {
          const ref = referenceDoc();
          return [add('/keys/-', ref.keys.find((k: Doc) => k.arn === MRK_EU)), add('/buckets/-', ref.buckets.find((b: Doc) => b.name === BUCKET_EU))];
        },
      },
      {
        text: 'Create and register the eu-west-1 bucket and a replica key that keeps the default key policy (the key policy of a multi-Region key is shared).',
        patch: () => {
          const ref = referenceDoc();
          const key = clone(ref.keys.find((k: Doc) => k.arn === MRK_EU));
          key.policy.Statement = key.policy.Statement.slice(0, 1);
          return [add('/keys/-', key), add('/buckets/-', ref.buckets.find((b: Doc) => b.name === BUCKET_EU)), add('/pipeline/pipeline/artifactStores/eu-west-1', ref.pipeline.pipeline.artifactStores['eu-west-1'])];
        },
      },
      {
        text: 'Create and register the eu-west-1 bucket with the default CodePipeline bucket policy (deny unencrypted uploads and plain HTTP) and the replica key.',
        patch: () => {
          const ref = referenceDoc();
          const bucket = clone(ref.buckets.find((b: Doc) => b.name === BUCKET_EU));
          bucket.policy.Statement = bucket.policy.Statement.filter((st: Doc) => st.Effect === 'Deny');
          return [add('/keys/-', ref.keys.find((k: Doc) => k.arn === MRK_EU)), add('/buckets/-', bucket), add('/pipeline/pipeline/artifactStores/eu-west-1', ref.pipeline.pipeline.artifactStores['eu-west-1'])];
        },
      },
    ],
    answerAt: 3,
    explanation: `
Every Region a pipeline acts in needs an artifact store in the tooling account, registered in artifactStores: bucket
and key in that Region. CodePipeline does not discover buckets by name. The store then has to work for the action role
on both resources: its bucket policy must grant the cross-account read, and the replica key's own key policy must admit
the role - replicas do not inherit the primary's key policy (AWS KMS, "Control access to multi-Region keys").`,
    expect: { status: 'Invalid', category: 'MISSING_REGION_ARTIFACT_STORE' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'source-bucket-vs-artifact-bucket',
    base: 'providers/s3-source',
    skin: 11,
    title: 'Drill: the source bucket is not the artifact bucket',
    description: `
Domain guide, "Common Trap Patterns": the source bucket and the artifact bucket are different things; cross-account
permissions on the source bucket do not propagate to the artifact bucket. S3 source topology; the artifact bucket
policy lost its grant to the prod deploy role, which was granted on the source bucket instead.`,
    mutate: (doc) => {
      const artifact = doc.buckets[bucketIndex(doc, BUCKET_US)];
      artifact.policy.Statement = artifact.policy.Statement.filter((st: Doc) => st.Sid !== 'AllowProdDeployRoleToReadArtifacts');
      const source = doc.buckets[bucketIndex(doc, 'checkout-source-')];
      source.policy.Statement.push(grant('AllowProdDeployRoleToReadBundles', `arn:aws:iam::${PRD}:role/ProdDeployRole`, 's3:GetObject', `arn:aws:s3:::${source.name}/*`));
    },
    topic: 's3',
    guideItem: 'Common Trap Patterns: the S3 source bucket vs the artifact bucket',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline in account 111111111111 starts from an S3 source action on a versioned bucket of release bundles. To let the
production account (444444444444) deploy, an engineer added ProdDeployRole to the source bucket's policy. The production
CloudFormation action still fails: s3:GetObject by ProdDeployRole is denied. Which change fixes it?`,
    right: {
      text: "Grant ProdDeployRole s3:GetObject on the pipeline's objects in the artifact bucket's policy.",
      patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_US)}/Statement/-`, grant('AllowProdDeployRoleToReadArtifacts', `arn:aws:iam::${PRD}:role/ProdDeployRole`, 's3:GetObject', `arn:aws:s3:::${BUCKET_US}/checkout-pipeline/*`))],
    },
    wrong: [
      {
        text: 'Grant ProdDeployRole s3:GetObjectVersion as well on the source bucket, because the source bucket is versioned.',
        patch: (doc) => {
          const b = bucketIndex(doc, 'checkout-source-');
          return [add(`/buckets/${b}/policy/Statement/-`, grant('AllowProdDeployRoleToReadVersions', `arn:aws:iam::${PRD}:role/ProdDeployRole`, 's3:GetObjectVersion', `arn:aws:s3:::${doc.buckets[b].name}/*`))];
        },
      },
      {
        text: 'Allow ProdDeployRole kms:Decrypt on the source bucket key in that key\'s policy.',
        patch: (doc) => [add(`${keyPolicy(keyIn(doc, 'us-east-1', '3b6d2f8a'))}/Statement/-`, grant('AllowProdDeployRoleToDecryptBundles', `arn:aws:iam::${PRD}:role/ProdDeployRole`, 'kms:Decrypt', '*'))],
      },
      {
        text: "Set the artifact bucket's object ownership to BucketOwnerPreferred so that cross-account readers get access to the objects.",
        patch: (doc) => [replace(`/buckets/${bucketIndex(doc, BUCKET_US)}/objectOwnership`, 'BucketOwnerPreferred')],
      },
    ],
    answerAt: 1,
    explanation: `
The source bucket is upstream of the pipeline: only the source action reads it. CodePipeline stores the source output,
and every later artifact, in its artifact bucket, and actions read from there - so the cross-account read has to be
granted on the artifact bucket (the role's identity policy already allows it). Permissions on the source bucket or its
key never propagate to the artifact store, and object ownership settings do not grant access.`,
    expect: { status: 'Failed', category: 'BUCKET_POLICY', principal: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'aws-managed-vs-customer-managed-key',
    base: 'providers/manual-approval',
    skin: 1,
    title: 'Drill: AWS managed key or customer managed key',
    description: `
Domain guide, "KMS Key Policy and Cross-Account Decryption": the default aws/s3 AWS managed key cannot be shared across
accounts; cross-account pipelines must use a customer managed key. The artifact store and the build project name the
aws/s3 key explicitly, although a customer managed key exists.`,
    mutate: (doc) => {
      doc.keys.push({ arn: `arn:aws:kms:us-east-1:${T}:key/5e8f3a2b-91c4-4d6e-8f1a-2b3c4d5e6f70`, keyManager: 'AWS', aliases: ['alias/aws/s3'], rotation: true });
      doc.pipeline.pipeline.artifactStore.encryptionKey.id = `arn:aws:kms:us-east-1:${T}:alias/aws/s3`;
      doc.codeBuildProjects[0].encryptionKey = `arn:aws:kms:us-east-1:${T}:alias/aws/s3`;
    },
    topic: 'kms',
    guideItem: 'KMS Key Policy and Cross-Account Decryption: AWS managed (aws/s3) vs customer managed key',
    goal: { kind: 'run-succeeds' },
    stem: `
To "simplify key management", a team switched its pipeline's artifact store and CodeBuild project to the AWS managed
key alias/aws/s3 in account 111111111111. The production deploy, which assumes ProdDeployRole in account 444444444444,
now fails on kms:Decrypt although ProdDeployRole's policy allows kms:Decrypt on "the artifact key". The original customer
managed key still exists and its key policy admits ProdDeployRole. What should the team do?`,
    right: {
      text: 'Point the artifact store and the CodeBuild project back at the customer managed key by its key ARN.',
      patch: () => [replace('/pipeline/pipeline/artifactStore/encryptionKey/id', SMALL_KEY), replace('/codeBuildProjects/0/encryptionKey', SMALL_KEY)],
    },
    wrong: [
      {
        text: 'Allow ProdDeployRole kms:Decrypt on the aws/s3 key ARN in its identity policy.',
        patch: (doc) => addToRole(doc, 'ProdDeployRole', allow('DecryptAwsManagedKey', 'kms:Decrypt', `arn:aws:kms:us-east-1:${T}:key/5e8f3a2b-91c4-4d6e-8f1a-2b3c4d5e6f70`)),
      },
      {
        text: "Use the production account's own aws/s3 key (arn:aws:kms:us-east-1:444444444444:alias/aws/s3) for the artifact store, so the deploy role decrypts with a key of its own account.",
        patch: () => [replace('/pipeline/pipeline/artifactStore/encryptionKey/id', `arn:aws:kms:us-east-1:${PRD}:alias/aws/s3`), replace('/codeBuildProjects/0/encryptionKey', `arn:aws:kms:us-east-1:${PRD}:alias/aws/s3`)],
      },
      {
        text: 'Name the key as alias/aws/s3 (the alias name) rather than by alias ARN, so each account resolves its own aws/s3 key.',
        patch: () => [replace('/pipeline/pipeline/artifactStore/encryptionKey/id', 'alias/aws/s3'), replace(`/codeBuildProjects/0/encryptionKey`, 'alias/aws/s3')],
      },
    ],
    answerAt: 2,
    explanation: `
An AWS managed key's key policy is written by AWS, cannot be changed, and admits only principals of its own account
using it through S3; identity policies in another account cannot open it. That holds for the production account's
aws/s3 key too: the tooling roles that write artifacts could not use it. A customer managed key's key policy can admit the
production action role, so cross-account pipelines must use one (named by key ARN). An alias name resolves in each
caller's account - the opposite of sharing.
AWS: "AWS managed keys", "Configure server-side encryption for artifacts stored in Amazon S3 for CodePipeline".`,
    expect: { status: 'Failed', category: 'AWS_MANAGED_KEY', principal: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'multi-region-keys-cut-overhead',
    base: 'reference/four-accounts-two-regions',
    skin: 2,
    title: 'Drill: multi-Region keys for the second artifact store',
    description: `
Domain guide, "Cross-Region Action Mechanics": multi-Region KMS keys reduce the operational overhead of one key per Region.
Reference topology whose eu-west-1 store names no key (aws/s3 of eu-west-1) and has no replica key.`,
    mutate: (doc) => {
      doc.keys = doc.keys.filter((k: Doc) => k.arn !== MRK_EU);
      delete doc.pipeline.pipeline.artifactStores['eu-west-1'].encryptionKey;
      delete doc.buckets[bucketIndex(doc, BUCKET_EU)].encryption.kmsKeyId;
    },
    topic: 'kms',
    guideItem: 'Cross-Region Action Mechanics: multi-Region KMS keys to cut operational overhead',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline encrypts its us-east-1 artifacts with a multi-Region customer managed key. Its eu-west-1 artifact store was
created without a key, so it uses aws/s3, and the eu-west-1 staging deploy (StagingDeployRole, account 333333333333)
fails on kms:Decrypt. The security team wants the same key material in both Regions with the LEAST operational
overhead. Which change meets the requirement and makes the deploy work?`,
    right: {
      text: 'Replicate the multi-Region primary key into eu-west-1, give the replica a key policy that admits StagingDeployRole through S3 in eu-west-1, and register it as the eu-west-1 store\'s key.',
      patch: () => {
        const ref = referenceDoc();
        return [add('/keys/-', ref.keys.find((k: Doc) => k.arn === MRK_EU)), add('/pipeline/pipeline/artifactStores/eu-west-1/encryptionKey', { id: MRK_EU, type: 'KMS' })];
      },
    },
    wrong: [
      {
        text: "Register the us-east-1 primary key's ARN as the eu-west-1 store's key: multi-Region keys share one key ID.",
        patch: () => [add('/pipeline/pipeline/artifactStores/eu-west-1/encryptionKey', { id: MRK_US, type: 'KMS' })],
      },
      {
        text: "Replicate the primary key into eu-west-1 with the primary's key policy copied unchanged, and register the replica.",
        patch: (doc) => {
          const ref = referenceDoc();
          const replica = clone(ref.keys.find((k: Doc) => k.arn === MRK_EU));
          replica.policy = clone(doc.keys[keyIn(doc, 'us-east-1')].policy);
          return [add('/keys/-', replica), add('/pipeline/pipeline/artifactStores/eu-west-1/encryptionKey', { id: MRK_EU, type: 'KMS' })];
        },
      },
      {
        text: "Replicate the primary key into eu-west-1 with only the default key policy, register it, and allow kms:Decrypt on it in StagingDeployRole's identity policy.",
        patch: (doc) => {
          const ref = referenceDoc();
          const replica = clone(ref.keys.find((k: Doc) => k.arn === MRK_EU));
          replica.policy.Statement = replica.policy.Statement.slice(0, 1);
          return [add('/keys/-', replica), add('/pipeline/pipeline/artifactStores/eu-west-1/encryptionKey', { id: MRK_EU, type: 'KMS' }), ...addToRole(doc, 'StagingDeployRole', allow('DecryptReplica', 'kms:Decrypt', MRK_EU))];
        },
      },
    ],
    answerAt: 0,
    explanation: `
A multi-Region replica shares the primary's key material and key id, so data and references line up across Regions -
that is the overhead it saves. But KMS keys are regional resources: S3 in eu-west-1 cannot use the us-east-1 key, and
each replica is an independent resource with its own key policy ("Control access to multi-Region keys"). The guide's
"write the key policy once" is where the AWS documentation wins: the replica's policy has to admit the action role, with
kms:ViaService naming S3 in eu-west-1. A copied policy names S3 in us-east-1, and an identity policy alone cannot open a
key in another account.`,
    expect: { status: 'Failed', category: 'AWS_MANAGED_KEY', principal: `arn:aws:iam::${STG}:role/StagingDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'approval-after-production-deploy',
    base: 'traps/trust-account-root',
    skin: 3,
    title: 'Drill: the approval runs after the production deploy',
    description: `
Domain guide, "Manual Approval Gates Between Stages" and the common exam trap "approval action placed after production
deploy". Tooling and prod accounts; the approval stage was moved after the production deploy stage.`,
    mutate: (doc) => {
      smallGreen(doc);
      const stages = doc.pipeline.pipeline.stages;
      const approve = stages.splice(stageIndex(doc, 'ApproveProd'), 1)[0];
      stages.push(approve);
    },
    topic: 'approvals',
    guideItem: 'Common Exam Traps: approval action placed after the production deploy (lint PS001)',
    goal: { kind: 'lint-clean', rule: 'PS001' },
    stem: `
A change-management policy requires a human review before any change reaches production. The pipeline has the stages
Source, Build, DeployProd and ApproveProd, in that order; the approval notifies the release managers through SNS. Auditors
report that releases reach production before anyone approves them. Which change satisfies the policy?`,
    right: {
      text: 'Move the ApproveProd stage so that it runs before the DeployProd stage.',
      patch: (doc) => [move(`/pipeline/pipeline/stages/${stageIndex(doc, 'ApproveProd')}`, `/pipeline/pipeline/stages/${stageIndex(doc, 'DeployProd')}`)],
    },
    wrong: [
      {
        text: 'Move the approval action into the DeployProd stage with the same runOrder as the deploy action, so both start together.',
        patch: (doc) => {
          const approval = clone(action(doc, 'ApproveProd', 'ApproveProductionRelease'));
          approval.runOrder = 1;
          return [add(`/pipeline/pipeline/stages/${stageIndex(doc, 'DeployProd')}/actions/-`, approval), remove(`/pipeline/pipeline/stages/${stageIndex(doc, 'ApproveProd')}`), replace('/run/approvals/0/action', 'DeployProd/ApproveProductionRelease')];
        },
      },
      {
        text: 'Remove the ApproveProd stage and rely on the SNS notification that CodePipeline sends for every production deploy.',
        patch: (doc) => [remove(`/pipeline/pipeline/stages/${stageIndex(doc, 'ApproveProd')}`), remove('/run/approvals/0')],
      },
      {
        text: 'Give the production deploy action runOrder 2 so that it waits for the approval.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployProd', 'Deploy')}/runOrder`, 2)],
      },
    ],
    answerAt: 1,
    explanation: `
Stages run in order and actions in a stage run by runOrder; an approval gates only what runs after it. Approval gates
belong before the production deploy, never after - an approval after the deploy reviews a change that is already live.
Actions with the same runOrder run in parallel, so an approval beside the deploy gates nothing, and runOrder orders
actions only within one stage. An SNS notification is not an approval.`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'deny-unencrypted-putobject',
    base: 'providers/codestar-connection',
    skin: 4,
    title: 'Drill: the artifact bucket accepts unencrypted uploads',
    description: `
Domain guide, "Encryption, Audit, and CloudTrail Visibility": apply a deny-on-unencrypted-PutObject bucket policy to the
artifact bucket. GitHub (CodeConnections) source topology whose artifact bucket lost its DenyUnEncryptedObjectUploads
statement.`,
    mutate: (doc) => {
      const b = doc.buckets[bucketIndex(doc, BUCKET_US)];
      b.policy.Statement = b.policy.Statement.filter((st: Doc) => st.Sid !== 'DenyUnEncryptedObjectUploads');
    },
    topic: 's3',
    guideItem: 'Encryption, Audit, and CloudTrail Visibility: deny-unencrypted PutObject on the artifact bucket (lint PS004)',
    goal: { kind: 'lint-clean', rule: 'PS004' },
    stem: `
A security audit of a CodePipeline artifact bucket in account 111111111111 finds that a principal could upload objects
without server-side encryption. The bucket has default SSE-KMS encryption with the pipeline's customer managed key and a
policy that denies plain-HTTP requests. Which change closes the finding without breaking the pipeline?`,
    right: {
      text: 'Add a bucket policy statement that denies s3:PutObject on the bucket\'s objects when s3:x-amz-server-side-encryption is not aws:kms.',
      patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_US)}/Statement/0`, { Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET_US}/*`, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } })],
    },
    wrong: [
      {
        text: 'Add a bucket policy statement that denies s3:PutObject when s3:x-amz-server-side-encryption equals aws:kms.',
        patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_US)}/Statement/0`, { Sid: 'DenyKmsUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET_US}/*`, Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } })],
      },
      {
        text: 'Turn on S3 Bucket Keys for the bucket\'s default encryption.',
        patch: (doc) => [replace(`/buckets/${bucketIndex(doc, BUCKET_US)}/encryption/bucketKeyEnabled`, true)],
      },
      {
        text: 'Add a statement that denies s3:PutObject when aws:SecureTransport is false.',
        patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_US)}/Statement/-`, { Sid: 'DenyPlainHttpUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET_US}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    ],
    answerAt: 3,
    explanation: `
Default encryption applies only to requests that do not ask for encryption themselves; it does not stop a client from
choosing another method. The bucket policy CodePipeline creates denies s3:PutObject unless the request carries
s3:x-amz-server-side-encryption = aws:kms (DenyUnEncryptedObjectUploads); CodePipeline sends that header, so the pipeline
keeps working. The inverted condition denies exactly the uploads CodePipeline makes; Bucket Keys reduce KMS calls; the
TLS condition is about transport, not encryption at rest.
AWS: "Configure server-side encryption for artifacts stored in Amazon S3 for CodePipeline".`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'artifact-bucket-versioning',
    base: 'providers/codebuild',
    skin: 5,
    title: 'Drill: the artifact bucket is not versioned',
    description: `
Domain guide, "Encryption, Audit, and CloudTrail Visibility": enable bucket versioning on the artifact bucket. Single
tooling account with a build and a test project; the artifact bucket's versioning is Suspended.`,
    mutate: (doc) => {
      doc.buckets[bucketIndex(doc, BUCKET_US)].versioning = 'Suspended';
    },
    topic: 's3',
    guideItem: 'Encryption, Audit, and CloudTrail Visibility: versioning on the artifact bucket (lint PS006)',
    goal: { kind: 'lint-clean', rule: 'PS006' },
    stem: `
An incident review found that a build artifact referenced by a past pipeline execution had been overwritten, so the team
could not prove which bundle was tested. The artifact bucket is encrypted with a customer managed key and denies
unencrypted and plain-HTTP uploads. Which change addresses the finding?`,
    right: {
      text: 'Enable versioning on the artifact bucket.',
      patch: (doc) => [replace(`/buckets/${bucketIndex(doc, BUCKET_US)}/versioning`, 'Enabled')],
    },
    wrong: [
      {
        text: 'Add a bucket policy statement that denies s3:DeleteObject to every principal.',
        patch: (doc) => [add(`${bucketPolicy(doc, BUCKET_US)}/Statement/-`, { Sid: 'DenyDeletes', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${BUCKET_US}/*` })],
      },
      {
        text: 'Turn on S3 Bucket Keys so that each object gets its own data key.',
        patch: (doc) => [replace(`/buckets/${bucketIndex(doc, BUCKET_US)}/encryption/bucketKeyEnabled`, true)],
      },
      {
        text: 'Set object ownership to BucketOwnerPreferred so that the bucket owner keeps every object version.',
        patch: (doc) => [replace(`/buckets/${bucketIndex(doc, BUCKET_US)}/objectOwnership`, 'BucketOwnerPreferred')],
      },
    ],
    answerAt: 0,
    explanation: `
Versioning keeps every version of an object, so an overwritten or deleted artifact can be recovered and an execution
traced to the exact object it used; the guide lists it with the customer managed key and the deny-unencrypted policy as
the artifact bucket baseline. Denying s3:DeleteObject does not stop overwrites (a PutObject to the same key replaces the
object); Bucket Keys and object ownership have nothing to do with keeping versions.`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'trust-account-root-vs-role-arn',
    base: 'traps/trust-account-root',
    skin: 6,
    title: 'Drill: the action role trusts the tooling account root',
    description: `
Domain guide, "Required IAM Roles and Their Boundaries" and the common exam trap "trust must list the pipeline service
role, not just the tooling account root". The prod deploy role trusts the tooling account root; a developer role in
tooling may assume roles in prod.`,
    mutate: (doc) => {
      doc.roles.push({
        arn: `arn:aws:iam::${T}:role/Developer`,
        trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${T}:saml-provider/CorpIdP` }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }] },
        inlinePolicies: { DeveloperAccess: { Version: '2012-10-17', Statement: [allow('AssumeProdRolesForTroubleshooting', 'sts:AssumeRole', `arn:aws:iam::${PRD}:role/*`)] } },
        tags: { Role: 'Developer' },
      });
    },
    topic: 'trust',
    guideItem: 'Common Exam Traps: trust to the account root vs the pipeline service role ARN',
    goal: {
      kind: 'denied',
      denied: { operation: 'sts:AssumeRole', principal: `arn:aws:iam::${T}:role/Developer`, resource: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
      allowed: { operation: 'sts:AssumeRole', principal: PIPELINE_ROLE, resource: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
    },
    stem: `
ProdDeployRole in the production account 444444444444 is the action role of a pipeline in the tooling account
111111111111; its trust policy allows arn:aws:iam::111111111111:root. A security review shows that the tooling account's
Developer role, whose policy allows sts:AssumeRole on arn:aws:iam::444444444444:role/*, can become ProdDeployRole. The
pipeline must keep deploying. Which change closes the gap?`,
    right: {
      text: "Replace the tooling account root in ProdDeployRole's trust policy with the ARN of the pipeline service role.",
      patch: (doc) => [replace(`/roles/${roleIndex(doc, 'ProdDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: PIPELINE_ROLE })],
    },
    wrong: [
      {
        text: 'Add an aws:PrincipalAccount condition equal to 111111111111 to the trust policy statement.',
        patch: (doc) => [add(`/roles/${roleIndex(doc, 'ProdDeployRole')}/trustPolicy/Statement/0/Condition`, { StringEquals: { 'aws:PrincipalAccount': T } })],
      },
      {
        text: "Add a statement to ProdDeployRole's own permissions policy that denies sts:AssumeRole.",
        patch: (doc) => [add(`${inlinePtr(doc, 'ProdDeployRole').path}/Statement/-`, { Sid: 'DenyAssumeRole', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' })],
      },
      {
        text: "Replace the tooling account root with the production account root (arn:aws:iam::444444444444:root).",
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'ProdDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: `arn:aws:iam::${PRD}:root` })],
      },
    ],
    answerAt: 2,
    explanation: `
An account principal in a trust policy delegates the decision to that account's IAM: any principal there whose identity
policy allows sts:AssumeRole on the role can assume it. Naming the pipeline service role's ARN admits exactly the
pipeline. Conditions on the account do not tell principals of one account apart; a role's own permissions policy is not
consulted when someone assumes it; and trusting the production account's root shuts the pipeline out.
AWS: "AWS JSON policy elements: Principal", "Cross-account policy evaluation logic".`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'stackset-action-providers',
    base: 'reference/four-accounts-two-regions',
    skin: 7,
    title: 'Drill: a StackSet deploy written with the CloudFormation provider',
    description: `
Domain guide, "CloudFormation StackSets vs Per-Region Deploy Actions": a StackSet action for a uniform deployment. The guide
names the provider "CloudFormation, action mode CREATE_UPDATE_STACK_SET"; CodePipeline's StackSet actions are the
providers CloudFormationStackSet and CloudFormationStackInstances. Reference topology whose prod deploy was written the
guide's way.`,
    mutate: (doc) => {
      const a = action(doc, 'DeployProd', 'DeployStackSet');
      a.actionTypeId.provider = 'CloudFormation';
      a.configuration = { ActionMode: 'CREATE_UPDATE_STACK_SET', StackName: 'checkout-prod', StackSetName: 'checkout-prod', TemplatePath: 'BuildOutput::template.yaml', RoleArn: `arn:aws:iam::${T}:role/AWSCloudFormationStackSetAdministrationRole`, DeploymentTargets: PRD, Regions: 'us-east-1,eu-west-1' };
    },
    topic: 'stacksets',
    guideItem: 'CloudFormation StackSets vs Per-Region Deploy Actions: the StackSet action providers',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline must deploy the same production template to every Region of the production account in one step, with a
self-managed stack set whose administration role lives in the tooling account. An engineer wrote the action as
provider CloudFormation with ActionMode CREATE_UPDATE_STACK_SET. Dev and staging deploy, then the production action
fails without calling CloudFormation. Which change makes the production deploy work?`,
    right: {
      text: 'Use the CloudFormationStackSet action provider, with StackSetName, TemplatePath, PermissionModel SELF_MANAGED, AdministrationRoleArn, DeploymentTargets and Regions.',
      patch: (doc) => {
        const ref = referenceDoc();
        const p = actionPtr(doc, 'DeployProd', 'DeployStackSet');
        const a = ref.pipeline.pipeline.stages.find((st: Doc) => st.name === 'DeployProd').actions[0];
        return [replace(`${p}/actionTypeId`, a.actionTypeId), replace(`${p}/configuration`, a.configuration)];
      },
    },
    wrong: [
      {
        text: 'Keep the CloudFormation provider and use ActionMode CREATE_UPDATE_STACK_INSTANCES instead.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployProd', 'DeployStackSet')}/configuration/ActionMode`, 'CREATE_UPDATE_STACK_INSTANCES')],
      },
      {
        text: "Allow cloudformation:* on the stack set in the pipeline service role's policy.",
        patch: (doc) => addToRole(doc, 'PipelineServiceRole', allow('ManageStackSets', 'cloudformation:*', `arn:aws:cloudformation:*:${T}:stackset/*`)),
      },
      {
        text: 'Use ActionMode CREATE_UPDATE with the StackSet execution role as RoleArn; CloudFormation deploys to the Regions listed in Regions.',
        patch: (doc) => {
          const p = actionPtr(doc, 'DeployProd', 'DeployStackSet');
          return [replace(`${p}/configuration/ActionMode`, 'CREATE_UPDATE'), replace(`${p}/configuration/RoleArn`, `arn:aws:iam::${PRD}:role/AWSCloudFormationStackSetExecutionRole`)];
        },
      },
    ],
    answerAt: 3,
    explanation: `
The StackSets actions of CodePipeline are their own providers: CloudFormationStackSet (creates or updates the stack set
and its instances) and CloudFormationStackInstances (adds instances to an existing stack set). The CloudFormation
provider has the action modes CREATE_UPDATE, DELETE_ONLY, REPLACE_ON_FAILURE, CHANGE_SET_REPLACE and CHANGE_SET_EXECUTE
only, so the guide's "CloudFormation provider, CREATE_UPDATE_STACK_SET" does not exist - the AWS documentation wins.
A plain CREATE_UPDATE deploys one stack in the action's own account and Region.
AWS: "AWS CloudFormation StackSets deploy action reference", "CloudFormation deploy action reference".`,
    expect: { status: 'Failed' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q1-parallel-regional-deploys',
    base: 'reference/four-accounts-two-regions',
    skin: 8,
    title: 'Drill (FAQ Q1): parallel deploys to two Regions',
    description: `
Domain guide, FAQ Q1: a single pipeline deploys to us-east-1 and eu-west-1 in parallel - both actions in one stage with the
same runOrder, an artifact store per Region. Reference topology where the eu-west-1 staging action got a second action role
of its own ("an action role per region"), which nothing else grants.`,
    mutate: (doc) => {
      const copy = clone(role(doc, 'StagingDeployRole'));
      copy.arn = `arn:aws:iam::${STG}:role/StagingDeployRoleEuWest1`;
      doc.roles.push(copy);
      action(doc, 'DeployStaging', 'Deploy-eu-west-1').roleArn = copy.arn;
    },
    topic: 'regions',
    guideItem: 'FAQ Q1: parallel deploys to us-east-1 and eu-west-1',
    goal: { kind: 'run-succeeds' },
    stem: `
A team deploys a staging stack to us-east-1 and eu-west-1 in parallel: two CloudFormation actions in the DeployStaging
stage with the same runOrder, and an artifact store registered for each Region. Following a blog post, they created a
separate action role per Region in the staging account (333333333333): StagingDeployRole for us-east-1 and
StagingDeployRoleEuWest1 (a copy of its policies) for eu-west-1. The us-east-1 action succeeds; the eu-west-1 action
fails. What is the SIMPLEST fix that keeps the deploys parallel?`,
    right: {
      text: 'Use StagingDeployRole as the action role of the eu-west-1 action too.',
      patch: (doc) => [replace(`${actionPtr(doc, 'DeployStaging', 'Deploy-eu-west-1')}/roleArn`, `arn:aws:iam::${STG}:role/StagingDeployRole`)],
    },
    wrong: [
      {
        text: 'Give the eu-west-1 action runOrder 2, so that it starts after the us-east-1 action has finished.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployStaging', 'Deploy-eu-west-1')}/runOrder`, 2)],
      },
      {
        text: "Allow sts:AssumeRole on StagingDeployRoleEuWest1 in the pipeline service role's policy.",
        patch: (doc) => [add(`${inlineStatementPtr(doc, 'PipelineServiceRole', 'AssumeWorkloadDeployRoles')}/Resource/-`, `arn:aws:iam::${STG}:role/StagingDeployRoleEuWest1`)],
      },
      {
        text: 'Move the eu-west-1 action into a new stage of its own right after DeployStaging.',
        patch: (doc) => {
          const a = clone(action(doc, 'DeployStaging', 'Deploy-eu-west-1'));
          const si = stageIndex(doc, 'DeployStaging');
          return [remove(actionPtr(doc, 'DeployStaging', 'Deploy-eu-west-1')), add(`/pipeline/pipeline/stages/${si + 1}`, { name: 'DeployStagingEu', actions: [a] })];
        },
      },
    ],
    answerAt: 3,
    explanation: `
Parallel Regional deploys need the actions in one stage with the same runOrder and an artifact store registered for each
Region. They do not need an action role per Region: IAM roles are global, so one action role in the target account
serves both Regions (the guide's "an action role per region" is not an AWS requirement - the AWS documentation wins).
Every extra role needs its own grants on every hop - the pipeline role's sts:AssumeRole, the eu-west-1 bucket policy and
the replica key policy - so allowing only the AssumeRole moves the failure to the next hop. runOrder and stages change
when the action runs, not who it runs as.`,
    expect: { status: 'Failed', category: 'CALLER_ASSUME_PERMISSION', principal: PIPELINE_ROLE },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q2-key-rotation',
    base: 'providers/cloudformation-change-sets',
    skin: 9,
    title: 'Drill (FAQ Q2): rotate the artifact key without breaking pipelines',
    description: `
Domain guide, FAQ Q2: enable automatic key rotation on the customer managed key; the key ARN stays the same. Change-set
topology whose artifact key has rotation off.`,
    mutate: (doc) => {
      doc.keys[keyIn(doc, 'us-east-1', '1f0c3a52')].rotation = false;
    },
    topic: 'kms',
    guideItem: 'FAQ Q2: rotate the customer managed key without breaking running pipelines (lint PS010)',
    goal: { kind: 'lint-clean', rule: 'PS010' },
    stem: `
A compliance rule requires the cryptographic material of every customer managed KMS key to rotate regularly. The
artifact store of a cross-account pipeline uses a customer managed key whose ARN is referenced by the store, the
CodeBuild project, IAM policies in two accounts and the bucket's default encryption. How should the team meet the rule
without breaking running pipelines?`,
    right: {
      text: 'Enable automatic key rotation on the existing customer managed key.',
      patch: (doc) => [replace(`/keys/${keyIn(doc, 'us-east-1', '1f0c3a52')}/rotation`, true)],
    },
    wrong: [
      {
        text: 'Create a new customer managed key with the same key policy and switch the artifact store and the build project to it.',
        patch: (doc) => {
          const k = clone(doc.keys[keyIn(doc, 'us-east-1', '1f0c3a52')]);
          k.arn = `arn:aws:kms:us-east-1:${T}:key/${NEW_KEY_ID}`;
          k.aliases = [];
          return [add('/keys/-', k), replace('/pipeline/pipeline/artifactStore/encryptionKey/id', k.arn), replace('/codeBuildProjects/0/encryptionKey', k.arn)];
        },
      },
      {
        text: "Switch the artifact store to the AWS managed key aws/s3, which AWS rotates automatically.",
        patch: () => [remove('/pipeline/pipeline/artifactStore/encryptionKey'), remove('/codeBuildProjects/0/encryptionKey')],
      },
      {
        text: 'Disable the key and enable it again every year, which makes KMS generate new key material.',
        patch: (doc) => [replace(`/keys/${keyIn(doc, 'us-east-1', '1f0c3a52')}/enabled`, false)],
      },
    ],
    answerAt: 0,
    explanation: `
With automatic rotation KMS creates new key material on a schedule and keeps the old material to decrypt what it
encrypted; the key id and ARN do not change, so the artifact store, key policy, bucket encryption and IAM policies keep
working. The guide says "annually"; AWS KMS now lets you choose a rotation period between 90 and 2560 days (365 by
default). A new key is manual rotation: every reference and policy must be moved first, and the new key starts with
rotation off again. aws/s3 cannot serve another account, and disabling a key only makes it unusable.
AWS: "Rotate AWS KMS keys".`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q3-source-action-role',
    base: 'providers/codecommit-cross-account',
    skin: 10,
    title: 'Drill (FAQ Q3): the source action role in the repository account',
    description: `
Domain guide, FAQ Q3: the source action role authorises the pipeline to read the repository; both the source action role
and the deploy action role can be cross-account and both need explicit trust policies. The CodeCommit repository lives in
a source account; its action role trusts the production deploy role instead of the pipeline service role.`,
    mutate: (doc) => {
      role(doc, 'CodeCommitSourceActionRole').trustPolicy.Statement[0].Principal = { AWS: `arn:aws:iam::${PRD}:role/ProdDeployRole` };
    },
    topic: 'trust',
    guideItem: 'FAQ Q3: source action role vs action role',
    goal: { kind: 'run-succeeds' },
    stem: `
A pipeline in account 111111111111 reads a CodeCommit repository in account 222222222222 through the source action role
CodeCommitSourceActionRole, and deploys to production through ProdDeployRole in account 444444444444. Thinking "the action
role does the work", an engineer set the source action role's trust policy to allow ProdDeployRole. Every execution now
fails in the Source stage. Which change fixes it?`,
    right: {
      text: "Make CodeCommitSourceActionRole trust the pipeline service role's ARN.",
      patch: (doc) => [replace(`/roles/${roleIndex(doc, 'CodeCommitSourceActionRole')}/trustPolicy/Statement/0/Principal`, { AWS: PIPELINE_ROLE })],
    },
    wrong: [
      {
        text: 'Remove roleArn from the source action so that the pipeline service role reads the repository itself.',
        patch: (doc) => [remove(`${actionPtr(doc, 'Source', 'Source')}/roleArn`)],
      },
      {
        text: 'Make CodeCommitSourceActionRole trust the service principal codecommit.amazonaws.com.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'CodeCommitSourceActionRole')}/trustPolicy/Statement/0/Principal`, { Service: 'codecommit.amazonaws.com' })],
      },
      {
        text: "Allow sts:AssumeRole on CodeCommitSourceActionRole in ProdDeployRole's policy.",
        patch: (doc) => addToRole(doc, 'ProdDeployRole', allow('AssumeSourceRole', 'sts:AssumeRole', `arn:aws:iam::${DEV}:role/CodeCommitSourceActionRole`)),
      },
    ],
    answerAt: 1,
    explanation: `
Every action role - the source action's and each deploy action's - is assumed by the pipeline service role's session, so
each must trust the pipeline service role (and the pipeline role's policy must allow sts:AssumeRole on it). The roles
differ in what they may do: the source action role reads the repository and writes the source artifact into the tooling
artifact store; a deploy action role reads artifacts and deploys. CodeCommit has no resource-based policy, so the tooling
account cannot read another account's repository without a role there; and CodeCommit never assumes the role.`,
    expect: { status: 'Failed', category: 'TRUST_POLICY', principal: PIPELINE_ROLE },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q4-v2-pipeline-variables',
    base: 'traps/trust-account-root',
    skin: 11,
    title: 'Drill (FAQ Q4): pipeline-level variables in a V1 pipeline',
    description: `
Domain guide, FAQ Q4: V2 pipelines support pipeline-level variables, which make parameter overrides across stages
cleaner. Tooling and prod accounts; the pipeline declares a pipeline-level variable used in the deploy's parameter
overrides, but is of type V1.`,
    mutate: (doc) => {
      smallGreen(doc);
      doc.pipeline.pipeline.pipelineType = 'V1';
      doc.pipeline.pipeline.variables = [{ name: 'ReleaseChannel', defaultValue: 'stable', description: 'release channel passed to the stack' }];
      action(doc, 'DeployProd', 'Deploy').configuration.ParameterOverrides = '{"ImageUri":"#{BuildVariables.IMAGE_URI}","Environment":"prod","Channel":"#{variables.ReleaseChannel}"}';
    },
    topic: 'variables',
    guideItem: 'FAQ Q4: CodePipeline V2 over V1 (pipeline-level variables)',
    goal: { kind: 'run-succeeds' },
    stem: `
A team wants to pass a release channel to its production CloudFormation stack and to set it per execution when starting
the pipeline. They added a pipeline-level variable ReleaseChannel (default "stable") and referenced it as
#{variables.ReleaseChannel} in the deploy action's ParameterOverrides. The pipeline update is rejected. What should they
do?`,
    right: {
      text: 'Change the pipeline type to V2.',
      patch: () => [replace('/pipeline/pipeline/pipelineType', 'V2')],
    },
    wrong: [
      {
        text: 'Reference the variable as #{pipeline.ReleaseChannel}.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployProd', 'Deploy')}/configuration/ParameterOverrides`, '{"ImageUri":"#{BuildVariables.IMAGE_URI}","Environment":"prod","Channel":"#{pipeline.ReleaseChannel}"}')],
      },
      {
        text: 'Remove the variables block; CodePipeline resolves #{variables.ReleaseChannel} from the start-execution request.',
        patch: () => [remove('/pipeline/pipeline/variables')],
      },
      {
        text: 'Set the pipeline execution mode to QUEUED so that each execution keeps its own variable values.',
        patch: () => [add('/pipeline/pipeline/executionMode', 'QUEUED')],
      },
    ],
    answerAt: 2,
    explanation: `
Pipeline-level variables (declared in the pipeline, set per execution, referenced as #{variables.NAME}) exist only in
V2 pipelines, like triggers, stage rollback and the QUEUED and PARALLEL execution modes; CodePipeline rejects them in a
V1 declaration. New pipelines should be V2 unless something depends on V1 behaviour. Without the declaration the
reference cannot be resolved when the action runs, and the #{pipeline.*} namespace does not exist.
AWS: "Pipeline types", "Variables reference".`,
    expect: { status: 'Invalid', category: 'STRUCTURE' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q5-self-approval',
    base: 'faq/q5-author-cannot-approve',
    skin: 0,
    title: 'Drill (FAQ Q5): a developer approves their own change',
    description: `
Domain guide, FAQ Q5: bind codepipeline:PutApprovalResult to a role distinct from the developer roles. Tooling and prod
accounts; the developer who pushed the change has codepipeline:* on the pipeline and approves the production release.`,
    mutate: (doc) => {
      const dev = role(doc, 'Developer');
      const st = dev.inlinePolicies.DeveloperAccess.Statement.find((x: Doc) => x.Sid === 'WatchCheckoutPipeline');
      st.Sid = 'OperateCheckoutPipeline';
      st.Action = 'codepipeline:*';
      st.Resource = [`arn:aws:codepipeline:us-east-1:${T}:checkout-pipeline`, `arn:aws:codepipeline:us-east-1:${T}:checkout-pipeline/*`];
    },
    topic: 'approvals',
    guideItem: 'FAQ Q5: prevent a developer from approving their own change',
    goal: {
      kind: 'denied',
      denied: { operation: 'codepipeline:PutApprovalResult', principal: `arn:aws:iam::${T}:role/Developer` },
      allowed: { operation: 'codepipeline:PutApprovalResult', principal: `arn:aws:iam::${T}:role/ReleaseManager`, sessionName: 'maria.garcia@example.com' },
    },
    stem: `
Developers in account 111111111111 use the Developer role (tag Role=Developer), whose policy allows codepipeline:* on the
pipeline so they can retry stages. A developer pushed a change and then approved its production release. Only release
managers (role ReleaseManager, tag Role=ReleaseManager) may answer approvals. Which change enforces that?`,
    right: {
      text: "Replace codepipeline:* in the Developer policy with the read, start and retry actions developers need, leaving out codepipeline:PutApprovalResult.",
      patch: (doc) => {
        const p = inlinePtr(doc, 'Developer');
        const i = sidIndex(p.policy, 'OperateCheckoutPipeline');
        return [replace(`${p.path}/Statement/${i}/Action`, ['codepipeline:GetPipeline', 'codepipeline:GetPipelineState', 'codepipeline:GetPipelineExecution', 'codepipeline:StartPipelineExecution', 'codepipeline:RetryStageExecution'])];
      },
    },
    wrong: [
      {
        text: 'Add a resource-based policy to the pipeline that allows codepipeline:PutApprovalResult only when aws:PrincipalTag/Role is ReleaseManager.',
        patch: () => [add('/pipeline/metadata/resourcePolicy', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'codepipeline:PutApprovalResult', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalTag/Role': 'ReleaseManager' } } }] })],
      },
      {
        text: 'Attach an SCP to the tooling account that denies codepipeline:PutApprovalResult.',
        patch: () => [add('/organization', { id: 'o-a1b2c3d4e5', policies: [{ name: 'FullAWSAccess', type: 'SERVICE_CONTROL_POLICY', targets: ['r-root'], document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }, { name: 'NoApprovals', type: 'SERVICE_CONTROL_POLICY', targets: [T], document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'codepipeline:PutApprovalResult', Resource: '*' }] } }] })],
      },
      {
        text: 'Write "the approver must not be the author of the change" into the approval action\'s CustomData.',
        patch: (doc) => [replace(`${actionPtr(doc, 'ApproveProd', 'ApproveProductionRelease')}/configuration/CustomData`, 'The approver must not be the author of the change.')],
      },
    ],
    answerAt: 3,
    explanation: `
CodePipeline authorises PutApprovalResult with IAM alone and does not compare the approver with the commit author, so
separation of duties comes from who holds the permission: grant it only to a distinct approver role (with an
aws:PrincipalTag/Role condition, as the release managers' policy has) and keep it out of developer roles. The guide
suggests enforcing the tag "in the action's resource policy", but CodePipeline does not support resource-based policies
("How AWS CodePipeline works with IAM") - the condition belongs in the identity policy. An SCP that denies the action
denies the release managers too, and CustomData is text shown to the approver.`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q6-cloudtrail-in-both-accounts',
    base: 'traps/trust-account-root',
    skin: 1,
    title: 'Drill (FAQ Q6): CloudTrail records of the cross-account AssumeRole',
    description: `
Domain guide, FAQ Q6: a cross-account sts:AssumeRole is logged in both accounts. Tooling and prod accounts; to "see who
assumed the role", the prod deploy role's trust policy now requires a source identity, which CodePipeline does not set.`,
    mutate: (doc) => {
      smallGreen(doc);
      role(doc, 'ProdDeployRole').trustPolicy.Statement[0].Condition = { StringLike: { 'sts:SourceIdentity': '*' } };
    },
    topic: 'audit',
    guideItem: 'FAQ Q6: CloudTrail captures the cross-account AssumeRole in both accounts',
    goal: { kind: 'trace-has', cloudTrail: { eventName: 'AssumeRole', accounts: [T, PRD] } },
    stem: `
Auditors require that every assumption of ProdDeployRole (account 444444444444) by the pipeline in account 111111111111 is
recorded in CloudTrail in both accounts, identifying the pipeline's role session. An engineer added a condition
requiring sts:SourceIdentity to ProdDeployRole's trust policy "so the source shows up in CloudTrail". Since then the
production deploy fails on sts:AssumeRole. Which change restores the deploy and gives the auditors their records?`,
    right: {
      text: "Remove the sts:SourceIdentity condition from ProdDeployRole's trust policy; CloudTrail already logs the AssumeRole in both accounts.",
      patch: (doc) => [remove(`/roles/${roleIndex(doc, 'ProdDeployRole')}/trustPolicy/Statement/0/Condition`)],
    },
    wrong: [
      {
        text: 'Add sts:SetSourceIdentity to the actions of the trust policy statement.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'ProdDeployRole')}/trustPolicy/Statement/0/Action`, ['sts:AssumeRole', 'sts:SetSourceIdentity'])],
      },
      {
        text: 'Replace the condition with aws:SourceAccount equal to 111111111111.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'ProdDeployRole')}/trustPolicy/Statement/0/Condition`, { StringEquals: { 'aws:SourceAccount': T } })],
      },
      {
        text: 'Keep the condition and create an organization trail that delivers both accounts\' events to a log archive account.',
        patch: () => [add('/accounts/-', { id: '555555555555', name: 'log-archive', tags: { purpose: 'log-archive' } })],
      },
    ],
    answerAt: 0,
    explanation: `
A cross-account AssumeRole is logged twice with a shared event id: in the caller's account (the pipeline role's session
calling sts:AssumeRole) and in the role's account (the role being assumed, with the caller's identity). No condition is
needed for that. The guide says the source ARN is visible in userIdentity.sessionContext.sourceIdentity; per the AWS
documentation sourceIdentity is present only when the caller sets a source identity, which CodePipeline does not, so a
trust policy that requires one locks the pipeline out. aws:SourceAccount is set by AWS services acting on a resource's
behalf, not for role sessions; an organization trail aggregates records but does not create the missing ones.
AWS: "Logging IAM and AWS STS API calls with AWS CloudTrail", "Monitor and control actions taken with assumed roles".`,
    expect: { status: 'Failed', category: 'TRUST_POLICY', principal: PIPELINE_ROLE },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q7-approvals-through-vpc-endpoint',
    base: 'providers/manual-approval',
    skin: 2,
    title: 'Drill (FAQ Q7): approvals only through the corporate VPC endpoint',
    description: `
Domain guide, FAQ Q7: combine VPC endpoints with IAM condition keys such as aws:SourceVpce to restrict where approvals
come from. Manual-approval topology whose approver policy lost its aws:SourceVpce condition.`,
    mutate: (doc) => {
      delete doc.managedPolicies[0].document.Statement[0].Condition.StringEquals['aws:SourceVpce'];
    },
    topic: 'approvals',
    guideItem: 'FAQ Q7: restrict approvals to a VPC endpoint',
    goal: {
      kind: 'denied',
      denied: { operation: 'codepipeline:PutApprovalResult', principal: `arn:aws:iam::${T}:role/ReleaseManager`, sourceIp: '198.51.100.24' },
      allowed: { operation: 'codepipeline:PutApprovalResult', principal: `arn:aws:iam::${T}:role/ReleaseManager`, sourceVpce: 'vpce-0a1b2c3d4e5f67890' },
    },
    stem: `
Release managers approve production releases in account 111111111111 with the ReleaseManager role. Security requires that
approvals come only from the corporate network, which reaches CodePipeline through the interface VPC endpoint
vpce-0a1b2c3d4e5f67890. Today a release manager can also approve from a hotel network (198.51.100.24) over the public
endpoint. Which change enforces the requirement?`,
    right: {
      text: 'Add the condition aws:SourceVpce = vpce-0a1b2c3d4e5f67890 to the statement that allows codepipeline:PutApprovalResult.',
      patch: () => [add('/managedPolicies/0/document/Statement/0/Condition/StringEquals/aws:SourceVpce', 'vpce-0a1b2c3d4e5f67890')],
    },
    wrong: [
      {
        text: 'Add an IpAddress condition on aws:SourceIp for the corporate range 10.0.0.0/8 to that statement.',
        patch: () => [add('/managedPolicies/0/document/Statement/0/Condition/IpAddress', { 'aws:SourceIp': '10.0.0.0/8' })],
      },
      {
        text: 'Add the condition aws:SourceVpc = vpc-0c0ffee0 (the corporate VPC) to that statement.',
        patch: () => [add('/managedPolicies/0/document/Statement/0/Condition/StringEquals/aws:SourceVpc', 'vpc-0c0ffee0')],
      },
      {
        text: "Add the aws:SourceVpce condition to the approval topic's SNS topic policy.",
        patch: () => [add('/snsTopics/0/policy/Statement/0/Condition', { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f67890' } })],
      },
    ],
    answerAt: 1,
    explanation: `
Requests that arrive through an interface VPC endpoint carry aws:SourceVpce (and aws:SourceVpc); requests over the public
endpoint do not, so an Allow conditioned on aws:SourceVpce admits only the corporate path. Through a VPC endpoint the
public aws:SourceIp is not available, so a corporate-range aws:SourceIp condition denies the legitimate approvals too, and
the corporate VPC id in the scenario is not the one the endpoint reports. The SNS topic only carries the notification; it
does not decide who may answer the approval.
AWS: "Use CodePipeline with Amazon VPC", "AWS global condition context keys".`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'faq-q8-partial-regional-failure',
    base: 'reference/four-accounts-two-regions',
    skin: 3,
    title: 'Drill (FAQ Q8): one Region deploys, the other fails',
    description: `
Domain guide, FAQ Q8: us-east-1 deploys but eu-west-1 fails. Reference topology (V2) where the eu-west-1 staging stack
fails; CloudFormation rolls that stack back, but the us-east-1 stack keeps the new version.`,
    mutate: (doc) => {
      doc.run.failures = ['DeployStaging/Deploy-eu-west-1'];
      doc.run.previousExecutions = [{ id: '7e3f2a91-0b6c-4d58-9a1e-5c4b3a2f1e0d', status: 'Succeeded', commitId: '9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a' }];
    },
    topic: 'rollback',
    guideItem: 'FAQ Q8: partial Regional failure and rollback',
    goal: { kind: 'trace-has', event: { type: 'rollback.started', stage: 'DeployStaging', scope: 'stage' } },
    stem: `
A V2 pipeline deploys a staging stack to us-east-1 and eu-west-1 with parallel CloudFormation actions. In the last
execution us-east-1 succeeded and eu-west-1 failed; CloudFormation rolled the eu-west-1 stack back, so the two Regions now
run different versions. The team wants the whole stage returned to the last successful release automatically, with the
least custom tooling. What should they configure?`,
    right: {
      text: 'Set the DeployStaging stage\'s onFailure result to ROLLBACK.',
      patch: (doc) => [add(`/pipeline/pipeline/stages/${stageIndex(doc, 'DeployStaging')}/onFailure`, { result: 'ROLLBACK' })],
    },
    wrong: [
      {
        text: "Set the DeployStaging stage's onFailure result to RETRY.",
        patch: (doc) => [add(`/pipeline/pipeline/stages/${stageIndex(doc, 'DeployStaging')}/onFailure`, { result: 'RETRY' })],
      },
      {
        text: "Set the onFailure result of the DeployProd stage to ROLLBACK.",
        patch: (doc) => [add(`/pipeline/pipeline/stages/${stageIndex(doc, 'DeployProd')}/onFailure`, { result: 'ROLLBACK' })],
      },
      {
        text: 'Give the eu-west-1 action runOrder 2, so that it only runs after us-east-1 succeeded.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployStaging', 'Deploy-eu-west-1')}/runOrder`, 2)],
      },
    ],
    answerAt: 2,
    explanation: `
CloudFormation's own rollback (action level) returns only the failed Region's stack; the Region that succeeded keeps the
new version. A V2 stage with onFailure ROLLBACK rolls the whole failed stage back to the last successful execution as a
new rollback execution, with no custom tooling - the simple, native option the guide says the exam favours. The guide's
alternative (an EventBridge rule starting a Step Functions workflow that rolls back the other Region) works but is more to
build and run. RETRY re-runs the failed actions, ROLLBACK on another stage does nothing for this one, and runOrder only
changes the order (us-east-1 would still keep the new version).
AWS: "Configure stage rollback", "Configure a stage for automatic rollback".`,
    expect: { status: 'Failed' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'pipeline-variables-parameter-overrides',
    base: 'traps/trust-account-root',
    skin: 4,
    title: 'Drill: passing the image URI from the build to the deploy',
    description: `
Domain guide, "Pipeline Variables, Source Action Outputs, and Parameter Overrides": the build exports IMAGE_URI and the
deploy action references it as #{BuildVariables.IMAGE_URI} in ParameterOverrides. Tooling and prod accounts; the build
action has no namespace.`,
    mutate: (doc) => {
      smallGreen(doc);
      delete action(doc, 'Build', 'Build').namespace;
      action(doc, 'ApproveProd', 'ApproveProductionRelease').configuration.CustomData = 'Approve the production release. Commit #{SourceVariables.CommitId}.';
    },
    topic: 'variables',
    guideItem: 'Pipeline Variables and Parameter Overrides: #{BuildVariables.IMAGE_URI}',
    goal: { kind: 'run-succeeds' },
    stem: `
A CodeBuild action builds a container image and its buildspec exports IMAGE_URI (exported-variables). The production
CloudFormation action passes ParameterOverrides {"ImageUri":"#{BuildVariables.IMAGE_URI}"}. Source, build and approval
succeed, then the production action fails before calling CloudFormation because the variable cannot be resolved. What
should the engineer change?`,
    right: {
      text: 'Set the namespace of the build action to BuildVariables.',
      patch: (doc) => [add(`${actionPtr(doc, 'Build', 'Build')}/namespace`, 'BuildVariables')],
    },
    wrong: [
      {
        text: 'Rename the source action\'s namespace to BuildVariables, since the source action starts the build.',
        patch: (doc) => [replace(`${actionPtr(doc, 'Source', 'Source')}/namespace`, 'BuildVariables')],
      },
      {
        text: 'Reference the variable by the action name, as #{Build.IMAGE_URI}.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployProd', 'Deploy')}/configuration/ParameterOverrides`, '{"ImageUri":"#{Build.IMAGE_URI}","Environment":"prod"}')],
      },
      {
        text: 'Export IMAGE_URI again from the CodeBuild project so that CodePipeline picks it up.',
        patch: () => [replace('/codeBuildProjects/0/exportedVariables', { IMAGE_URI: `${T}.dkr.ecr.us-east-1.amazonaws.com/checkout:4c1e9a7` })],
      },
    ],
    answerAt: 3,
    explanation: `
An action's output variables are published under the namespace the action declares, and later actions reference them as
#{Namespace.NAME}; a build action without a namespace publishes nothing that can be referenced. The value is resolved
when the consuming action runs, from what the build exported. The guide says variables are "evaluated at pipeline
configuration time, not runtime"; the AWS documentation says they are resolved at run time when the action runs - what
holds is that CodePipeline does not evaluate dynamic SSM lookups inside #{...} expressions.
AWS: "Variables reference", "Working with variables".`,
    expect: { status: 'Failed' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'stacksets-four-regions-one-account',
    base: 'traps/trust-account-root',
    skin: 5,
    title: 'Drill: a stack set for four Regions of one account',
    description: `
Domain guide, "CloudFormation StackSets vs Per-Region Deploy Actions", the boundary case: four Regions in one account with
identical templates - StackSets is overkill, four actions in parallel are cleaner. Tooling and prod accounts; the prod
deploy is a self-managed stack set with one instance in each of four Regions; an artifact store exists in each Region.`,
    mutate: stackSetFourRegions,
    topic: 'stacksets',
    guideItem: 'CloudFormation StackSets vs Per-Region Deploy Actions: four Regions, one account (lint PS016)',
    goal: { kind: 'lint-clean', rule: 'PS016' },
    stem: `
A pipeline deploys the same production template to us-east-1, us-west-2, eu-west-1 and ap-southeast-2 - all in the single
production account 444444444444 - through a self-managed CloudFormation stack set. Operators find the administration and
execution roles hard to maintain and want each Region's result visible on its own in the pipeline. The pipeline already
has an artifact store in each of the four Regions. What is the SIMPLEST design that keeps the deployment working?`,
    right: {
      text: 'Replace the stack set action with four CloudFormation deploy actions, one per Region, in the same stage with the same runOrder.',
      patch: (doc) => [replace(`/pipeline/pipeline/stages/${stageIndex(doc, 'DeployProd')}/actions`, perRegionActions())],
    },
    wrong: [
      {
        text: 'Switch the stack set to the SERVICE_MANAGED permission model so that CloudFormation manages the roles.',
        patch: (doc) => [replace(`${actionPtr(doc, 'DeployProd', 'DeployStackSet')}/configuration/PermissionModel`, 'SERVICE_MANAGED'), remove(`${actionPtr(doc, 'DeployProd', 'DeployStackSet')}/configuration/AdministrationRoleArn`), remove(`${actionPtr(doc, 'DeployProd', 'DeployStackSet')}/configuration/ExecutionRoleName`)],
      },
      {
        text: 'Split the stack set into two stack set actions of two Regions each, so that each action reports fewer Regions.',
        patch: (doc) => {
          const a = clone(action(doc, 'DeployProd', 'DeployStackSet'));
          const east = { ...clone(a), name: 'DeployStackSet-Americas', configuration: { ...a.configuration, StackSetName: 'checkout-prod-americas', Regions: 'us-east-1,us-west-2' } };
          const west = { ...clone(a), name: 'DeployStackSet-EmeaApac', configuration: { ...a.configuration, StackSetName: 'checkout-prod-emea-apac', Regions: 'eu-west-1,ap-southeast-2' } };
          delete west.namespace;
          return [replace(`/pipeline/pipeline/stages/${stageIndex(doc, 'DeployProd')}/actions`, [east, west])];
        },
      },
      {
        text: 'Keep one action but use the CloudFormation provider with ActionMode CREATE_UPDATE_STACK_SET, which needs no separate stack set roles.',
        patch: (doc) => {
          const p = actionPtr(doc, 'DeployProd', 'DeployStackSet');
          return [replace(`${p}/actionTypeId/provider`, 'CloudFormation'), replace(`${p}/configuration`, { ActionMode: 'CREATE_UPDATE_STACK_SET', StackName: 'checkout-prod', TemplatePath: 'BuildOutput::template.yaml', RoleArn: `arn:aws:iam::${PRD}:role/ProdCfnExecutionRole`, Regions: FOUR_REGIONS.join(',') })];
        },
      },
    ],
    answerAt: 1,
    explanation: `
StackSets pay off when one template goes uniformly to many accounts and Regions, ideally an OU that grows. For a few
Regions of one account, parallel per-Region CloudFormation actions in one stage are simpler: no administration and
execution roles, one result per Region in the pipeline, and room for Region-specific parameters. Service-managed
permissions target OUs through Organizations and do not change the shape; splitting the stack set keeps it; and the
CloudFormation provider has no CREATE_UPDATE_STACK_SET action mode - the StackSet actions are the providers
CloudFormationStackSet and CloudFormationStackInstances (the AWS documentation wins over the guide here).
AWS: "StackSets concepts", "AWS CloudFormation StackSets deploy action reference".`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'pipeline-in-production-account',
    base: 'traps/trust-account-root',
    skin: 6,
    title: 'Drill: the pipeline lives in the production account',
    description: `
Domain guide, "Tooling Account vs Target Account Topology": putting CodePipeline in the production account is wrong as soon
as the scenario mentions compliance or separation of duties. The pipeline, its roles, bucket, key, build project,
repository and topic exist in both the tooling and the production account; the declaration uses the production copies.`,
    mutate: pipelineInProd,
    topic: 'accounts',
    guideItem: 'Tooling Account vs Target Account Topology: the pipeline in the production account (lint PS002)',
    goal: { kind: 'lint-clean', rule: 'PS002' },
    stem: `
A payments company runs its release pipeline, build project and artifact bucket in the production account 444444444444.
A new SOC 2 control requires separation of duties between the team that runs the pipelines and the production
environment. The platform team has already provisioned the pipeline service role, the artifact bucket and key, the build
project, the repository and the approval topic in the tooling account 111111111111, and ProdDeployRole in production
trusts the tooling pipeline role. Which change meets the control?`,
    right: {
      text: "Run the pipeline from the tooling account (its ARN, service role and artifact store), keep deploying through ProdDeployRole, and have the tooling account's release managers approve.",
      patch: (doc) => [
        replace('/pipeline/metadata/pipelineArn', `arn:aws:codepipeline:us-east-1:${T}:checkout-pipeline`),
        replace('/pipeline/pipeline/roleArn', PIPELINE_ROLE),
        replace('/pipeline/pipeline/artifactStore', { type: 'S3', location: BUCKET_US, encryptionKey: { id: SMALL_KEY, type: 'KMS' } }),
        replace('/run/approvals/0/approver', `arn:aws:iam::${T}:role/ReleaseManager`),
        replace(`${actionPtr(doc, 'ApproveProd', 'ApproveProductionRelease')}/configuration/NotificationArn`, `arn:aws:sns:us-east-1:${T}:checkout-release-approvals`),
      ],
    },
    wrong: [
      {
        text: 'Keep the pipeline in production but move its artifact bucket and key to the tooling account.',
        patch: () => [replace('/pipeline/pipeline/artifactStore', { type: 'S3', location: BUCKET_US, encryptionKey: { id: SMALL_KEY, type: 'KMS' } })],
      },
      {
        text: "Keep the pipeline in production but let only the tooling account's release managers approve its releases.",
        patch: () => [replace('/run/approvals/0/approver', `arn:aws:iam::${T}:role/ReleaseManager`)],
      },
      {
        text: 'Run the pipeline from the tooling account and let the tooling pipeline role deploy the stack directly, without an action role.',
        patch: (doc) => [
          replace('/pipeline/metadata/pipelineArn', `arn:aws:codepipeline:us-east-1:${T}:checkout-pipeline`),
          replace('/pipeline/pipeline/roleArn', PIPELINE_ROLE),
          replace('/pipeline/pipeline/artifactStore', { type: 'S3', location: BUCKET_US, encryptionKey: { id: SMALL_KEY, type: 'KMS' } }),
          replace('/run/approvals/0/approver', `arn:aws:iam::${T}:role/ReleaseManager`),
          replace(`${actionPtr(doc, 'ApproveProd', 'ApproveProductionRelease')}/configuration/NotificationArn`, `arn:aws:sns:us-east-1:${T}:checkout-release-approvals`),
          remove(`${actionPtr(doc, 'DeployProd', 'Deploy')}/roleArn`),
        ],
      },
    ],
    answerAt: 0,
    explanation: `
The pipeline, its service role, artifact store and build belong in a tooling (CI/CD) account that deploys into production
through a cross-account action role: production keeps the final say in ProdDeployRole's trust and permissions, and the
pipeline team has no standing access to production. Moving only the bucket leaves the pipeline and its role in production;
CodePipeline has no resource-based policy, so principals of another account cannot answer its approvals; and without an action role the tooling role would deploy into the tooling
account itself (an action runs in its role's account).
AWS: "Create a pipeline in CodePipeline that uses resources from another AWS account".`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'trust-account-root-lint',
    base: 'reference/four-accounts-two-regions',
    skin: 7,
    title: 'Drill: an action role that trusts a whole account',
    description: `
Domain guide, checklist item 1 and the common exam trap "trust must list the pipeline service role, not just the tooling
account root". Reference topology whose dev action role trusts the tooling account root: it works, and lint flags it.`,
    mutate: (doc) => {
      role(doc, 'DevDeployRole').trustPolicy.Statement[0].Principal = { AWS: `arn:aws:iam::${T}:root` };
    },
    topic: 'trust',
    guideItem: 'Checklist item 1 / Common Exam Traps: trust the pipeline service role ARN, not the account root (lint PS007)',
    goal: { kind: 'lint-clean', rule: 'PS007' },
    stem: `
A pipeline in the tooling account 111111111111 deploys to a dev account through DevDeployRole, whose trust policy allows
arn:aws:iam::111111111111:root. Deployments work. A least-privilege review asks that only the pipeline be able to assume
the role. Which trust policy change meets the requirement and keeps the pipeline working?`,
    right: {
      text: "Replace the tooling account root with the pipeline service role's ARN.",
      patch: (doc) => [replace(`/roles/${roleIndex(doc, 'DevDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: PIPELINE_ROLE })],
    },
    wrong: [
      {
        text: 'Replace the principal with "*" and add an aws:PrincipalAccount condition for 111111111111.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'DevDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: '*' }), add(`/roles/${roleIndex(doc, 'DevDeployRole')}/trustPolicy/Statement/0/Condition`, { StringEquals: { 'aws:PrincipalAccount': T } })],
      },
      {
        text: 'Require an sts:ExternalId known only to the pipeline team in the trust policy.',
        patch: (doc) => [add(`/roles/${roleIndex(doc, 'DevDeployRole')}/trustPolicy/Statement/0/Condition`, { StringEquals: { 'sts:ExternalId': 'checkout-pipeline-7f3a' } })],
      },
      {
        text: 'Replace the tooling account root with the dev account root, so that only the dev account decides.',
        patch: (doc) => [replace(`/roles/${roleIndex(doc, 'DevDeployRole')}/trustPolicy/Statement/0/Principal`, { AWS: `arn:aws:iam::${DEV}:root` })],
      },
    ],
    answerAt: 3,
    explanation: `
An account principal delegates to that account's IAM: every principal there allowed sts:AssumeRole on the role can become
it. Naming the pipeline service role's ARN admits exactly the pipeline. "*" with an account condition is the same breadth
again; CodePipeline does not pass an external id when it assumes action roles, so the pipeline would be locked out; and the
dev account's root does not admit the tooling pipeline at all.
AWS: "AWS JSON policy elements: Principal".`,
    expect: { status: 'Succeeded' },
  },
  // -------------------------------------------------------------------------
  {
    name: 'pass-role-to-cloudformation',
    base: 'denials/pass-role',
    skin: 8,
    title: 'Drill: the action role may not pass the execution role to CloudFormation',
    description: `
Domain guide, "Required IAM Roles and Their Boundaries": the action role carries iam:PassRole for the role it hands to the
deploying service. Tooling and prod accounts; the PassRole statement was copied from an ECS policy.`,
    topic: 'roles',
    guideItem: 'Required IAM Roles and Their Boundaries: the action role passes the execution role (iam:PassRole)',
    goal: { kind: 'run-succeeds' },
    stem: `
The production CloudFormation action assumes ProdDeployRole in account 444444444444 and names ProdCfnExecutionRole as the
stack's service role. ProdDeployRole's policy allows iam:PassRole on ProdCfnExecutionRole with the condition
iam:PassedToService = ecs-tasks.amazonaws.com. The action fails before CloudFormation starts. Which change fixes it with
the least privilege?`,
    right: {
      text: 'Change the condition to iam:PassedToService = cloudformation.amazonaws.com.',
      patch: (doc) => [replace(`${inlineStatementPtr(doc, 'ProdDeployRole', 'PassExecutionRoleToCloudFormation')}/Condition/StringEquals/iam:PassedToService`, 'cloudformation.amazonaws.com')],
    },
    wrong: [
      {
        text: "Allow iam:PassRole on ProdCfnExecutionRole in the execution role's own policy.",
        patch: (doc) => addToRole(doc, 'ProdCfnExecutionRole', allow('PassSelf', 'iam:PassRole', `arn:aws:iam::${PRD}:role/ProdCfnExecutionRole`)),
      },
      {
        text: 'Make ProdCfnExecutionRole trust ProdDeployRole in addition to cloudformation.amazonaws.com.',
        patch: (doc) => [add(`/roles/${roleIndex(doc, 'ProdCfnExecutionRole')}/trustPolicy/Statement/-`, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PRD}:role/ProdDeployRole` }, Action: 'sts:AssumeRole' })],
      },
      {
        text: "Allow iam:PassRole on ProdCfnExecutionRole in the pipeline service role's policy in the tooling account.",
        patch: (doc) => addToRole(doc, 'PipelineServiceRole', allow('PassProdExecutionRole', 'iam:PassRole', `arn:aws:iam::${PRD}:role/ProdCfnExecutionRole`, { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } })),
      },
    ],
    answerAt: 2,
    explanation: `
The principal that calls CloudFormation with a RoleArn - the action role - must be allowed iam:PassRole on that role, and
iam:PassedToService names the service receiving it: cloudformation.amazonaws.com here. The role being passed needs no
PassRole of its own, trusting the action role does not help the pass, and the pipeline service role does not make the
CloudFormation call once the action role is assumed.
AWS: "Grant a user permissions to pass a role to an AWS service".`,
    expect: { status: 'Failed', category: 'PASS_ROLE', principal: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
  },
  // -------------------------------------------------------------------------
  {
    name: 'scp-change-freeze',
    base: 'denials/scp-change-freeze',
    skin: 9,
    title: 'Drill: an SCP change freeze outlives the freeze',
    description: `
Domain guide, "Why Cross-Account Cross-Region Pipelines Dominate DOP-C02" and "Tooling Account vs Target Account Topology":
organisations enforce separation of duties across accounts with guardrails. An SCP on the prod OU still denies
CloudFormation to every principal but the break-glass role after the freeze ended.`,
    topic: 'guardrails',
    guideItem: 'Tooling Account vs Target Account Topology: guardrails across accounts (an SCP explicit deny)',
    goal: { kind: 'run-succeeds' },
    stem: `
For a year-end change freeze, the platform team attached an SCP to the production OU that denies cloudformation:* unless
aws:PrincipalARN matches the BreakGlassAdministrator role. The freeze has ended, but the production deploy of the pipeline
(action role ProdDeployRole, account 444444444444) still fails on cloudformation:DescribeStacks with an explicit deny.
What should the team do?`,
    right: {
      text: 'Detach the change-freeze SCP from the production OU.',
      patch: (doc) => [remove(`/organization/policies/${(doc.organization.policies as Doc[]).findIndex((x) => x.name === 'ProdChangeFreeze')}`)],
    },
    wrong: [
      {
        text: "Allow cloudformation:* on the stack in ProdDeployRole's identity policy.",
        patch: (doc) => addToRole(doc, 'ProdDeployRole', allow('AllowAllCloudFormation', 'cloudformation:*', `arn:aws:cloudformation:us-east-1:${PRD}:stack/checkout-prod/*`)),
      },
      {
        text: 'Attach a second SCP to the production OU that allows cloudformation:*.',
        patch: (doc) => [add('/organization/policies/-', { name: 'AllowCloudFormation', type: 'SERVICE_CONTROL_POLICY', targets: ['ou-prod'], document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudformation:*', Resource: '*' }] } })],
      },
      {
        text: "Add the pipeline service role's ARN to the SCP's aws:PrincipalARN exception.",
        patch: (doc) => {
          const i = (doc.organization.policies as Doc[]).findIndex((x) => x.name === 'ProdChangeFreeze');
          return [replace(`/organization/policies/${i}/document/Statement/0/Condition/ArnNotLike/aws:PrincipalARN`, ['arn:aws:iam::*:role/BreakGlassAdministrator', PIPELINE_ROLE])];
        },
      },
    ],
    answerAt: 1,
    explanation: `
An explicit Deny in any SCP on the account's path decides the request, whatever identity policies or other SCPs allow; an
SCP never grants permissions. The denied caller is the action role in production (the pipeline role only assumed it), so
an exception for the tooling pipeline role does not apply. Once the freeze is over, the Deny has to go.
AWS: "SCP evaluation", "Service control policies".`,
    expect: { status: 'Failed', category: 'EXPLICIT_DENY', principal: `arn:aws:iam::${PRD}:role/ProdDeployRole` },
  },
];
