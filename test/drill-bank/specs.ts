/**
 * The drill bank, as specs: each names a bundled scenario as its topology, the change that
 * makes the drill's situation, the stem, the right choice and three wrong ones (each a JSON
 * Patch computed against the document), the explanation and the domain-guide item. Written in
 * the base scenarios' names (111111111111, PipelineServiceRole, checkout, us-east-1 …); the
 * builder re-skins every drill. See test/drill-bank/build.ts.
 */
import { action, actionPtr, add, bucketIndex, clone, inlinePtr, inlineStatementPtr, keyIn, move, ptr, remove, replace, role, roleArn, roleIndex, sidIndex, stageIndex, statements, type Doc, type Op } from './kit.js';

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
      text: "Create a customer managed key in the tooling account whose key policy admits the pipeline role, the CodeBuild role and ProdDeployRole, set it as the artifact store's encryptionKey, and allow ProdDeployRole kms:Decrypt on it.",
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
        return [add('/keys/-', key), add('/pipeline/pipeline/artifactStore/encryptionKey', { id: keyArn, type: 'KMS' }), ...addToRole(doc, 'ProdDeployRole', allow('DecryptWithArtifactKey', 'kms:Decrypt', keyArn))];
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
];
