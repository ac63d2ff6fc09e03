/** Structural issues: a missing regional artifact store, an artifact crossing an account boundary, the pipeline's shape. Pure. */
import { parseArn } from '../../../model/arn.js';
import type { Scenario } from '../../../model/schema.js';
import { buildWorld, keyInRegion, resolveKey } from '../../../model/world.js';
import { pushOps, roleIndex, startDraft } from '../fix-statements.js';
import { pointer, type PatchOperation } from '../patch.js';
import type { Issue } from '../../types.js';
import { freeAlias, keyIdFor, type FixCandidate } from './kit.js';

/** Fixes for a run's first structural issue. */
export function structuralCandidates(scenario: Scenario, issue: Issue): FixCandidate[] {
  switch (issue.category) {
    case 'MISSING_REGION_ARTIFACT_STORE':
      return storeCandidates(scenario, issue);
    case 'ARTIFACT_ACCOUNT_BOUNDARY':
      return relayCandidates(scenario, issue);
    default:
      break;
  }
  switch (issue.code) {
    case 'v2_feature_in_v1':
      return [{ id: 'pipeline-type-v2', group: 'pipeline-type-v2', target: 'pipeline', description: 'make the pipeline type V2 (pipeline-level variables, triggers and stage rollback need it)', patch: [{ op: 'replace', path: pointer('pipeline', 'pipeline', 'pipelineType'), value: 'V2' }] }];
    case 'source_bucket_not_versioned': {
      const name = /`([^`]+)`/.exec(issue.message)?.[1];
      const b = scenario.buckets.findIndex((x) => x.name === name);
      return b < 0 ? [] : [{ id: 'bucket-versioning', group: 'bucket-versioning', target: 'bucket', description: `enable versioning on the source bucket \`${name}\` (an S3 source action needs it)`, patch: [{ op: 'replace', path: pointer('buckets', b, 'versioning'), value: 'Enabled' }] }];
    }
    default:
      return [];
  }
}

/** The segments of an engine issue path (`pipeline.pipeline.stages[3].actions[1].region`). */
function issueIndexes(path: string): { readonly stage?: number; readonly action?: number; readonly input?: number } {
  const stage = /stages\[(\d+)\]/.exec(path)?.[1];
  const action = /actions\[(\d+)\]/.exec(path)?.[1];
  const input = /inputArtifacts\[(\d+)\]/.exec(path)?.[1];
  return { ...(stage ? { stage: Number(stage) } : {}), ...(action ? { action: Number(action) } : {}), ...(input ? { input: Number(input) } : {}) };
}

/** The pipeline's own account and region, from its ARN. */
function pipelineHome(scenario: Scenario): { readonly account: string; readonly region: string } {
  const arn = parseArn(scenario.pipeline.metadata.pipelineArn);
  return { account: arn?.account ?? '', region: arn?.region ?? '' };
}

/** Register an artifact store for the region (with a bucket and key of that region, added when the world has none). */
function storeCandidates(scenario: Scenario, issue: Issue): FixCandidate[] {
  const decl = scenario.pipeline.pipeline;
  const { account, region: home } = pipelineHome(scenario);
  const at = issueIndexes(issue.path);
  const action = at.stage !== undefined && at.action !== undefined ? decl.stages[at.stage]?.actions[at.action] : undefined;
  const region = action?.region ?? (/region `([^`]+)`/.exec(issue.message)?.[1] ?? home);
  if (!region || decl.artifactStores?.[region]) return [];
  const world = buildWorld(scenario);
  const homeStore = decl.artifactStores?.[home] ?? decl.artifactStore;
  const homeKey = homeStore?.encryptionKey ? resolveKey(world, homeStore.encryptionKey.id, { account, region: home }).key : undefined;
  const draft = startDraft(scenario);
  const creates: string[] = [];
  let keyWords = '';
  let bucketWords = '';

  // The bucket: one of the pipeline account in that region that looks like an artifact bucket, else a new one.
  const bucket = scenario.buckets.find((b) => b.account === account && b.region === region && /artifact|codepipeline/i.test(b.name));
  let bucketName = bucket?.name;
  // The key: the bucket's own customer managed key, the home key's multi-Region replica, else a new one.
  let keyArn: string | undefined;
  if (bucket?.encryption?.kmsKeyId) {
    const k = resolveKey(world, bucket.encryption.kmsKeyId, { account, region }).key;
    if (k && k.keyManager === 'CUSTOMER') keyArn = k.arn;
  }
  if (!keyArn && homeKey) {
    const replica = keyInRegion(world, homeKey, region);
    if (replica && replica.keyManager === 'CUSTOMER') keyArn = replica.arn;
  }
  if (!keyArn) {
    const multi = homeKey?.multiRegion === true && homeKey.keyManager === 'CUSTOMER';
    const id = multi ? (parseArn(homeKey.arn)?.resource.replace(/^key\//, '') ?? '') : keyIdFor(`${account}/${region}/${decl.name}/artifacts`);
    keyArn = `arn:aws:kms:${region}:${account}:key/${id}`;
    if (scenario.keys.some((k) => k.arn === keyArn)) return [];
    const key = {
      arn: keyArn,
      keyManager: 'CUSTOMER',
      aliases: [freeAlias(scenario, account, region, `${decl.name}-artifacts`)],
      policy: { Version: '2012-10-17', Statement: [] },
      ...(multi ? { multiRegion: true, primaryArn: homeKey.primaryArn ?? homeKey.arn } : {}),
      rotation: true,
      tags: { pipeline: decl.name },
    };
    if (!pushOps(draft, { op: 'add', path: pointer('keys', '-'), value: key })) return [];
    keyWords = multi ? `new replica \`${keyArn}\` of the multi-Region key \`${homeKey.arn}\`` : `new customer managed key \`${keyArn}\``;
  }
  if (!bucket) {
    const base = homeStore && homeStore.location.includes(home) ? homeStore.location.replace(home, region) : `codepipeline-artifacts-${account}-${region}`;
    let name = base;
    for (let n = 2; scenario.buckets.some((b) => b.name === name); n += 1) name = `${base}-${n}`;
    bucketName = name;
    const newBucket = {
      name,
      account,
      region,
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${name}/*`, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
          { Sid: 'DenyInsecureConnections', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ],
      },
      encryption: { sseAlgorithm: 'aws:kms', kmsKeyId: keyArn, bucketKeyEnabled: false },
      versioning: 'Enabled',
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      tags: { pipeline: decl.name },
    };
    if (!pushOps(draft, { op: 'add', path: pointer('buckets', '-'), value: newBucket })) return [];
    bucketWords = `new bucket \`${name}\` (versioned, SSE-KMS, deny unencrypted uploads and insecure connections)`;
  }
  creates.push(bucketName ?? '', keyArn);
  const store = { type: 'S3', location: bucketName, encryptionKey: { id: keyArn, type: 'KMS' } };
  if (decl.artifactStores) {
    if (!pushOps(draft, { op: 'add', path: pointer('pipeline', 'pipeline', 'artifactStores', region), value: store })) return [];
  } else if (decl.artifactStore) {
    const stores = { [home]: decl.artifactStore, [region]: store };
    if (!pushOps(draft, { op: 'remove', path: pointer('pipeline', 'pipeline', 'artifactStore') }, { op: 'add', path: pointer('pipeline', 'pipeline', 'artifactStores'), value: stores })) return [];
  } else return [];
  return [
    {
      id: 'region-artifact-store',
      group: 'region-artifact-store',
      target: 'artifact-store',
      description: `register an artifact store for \`${region}\` in \`artifactStores\`: ${bucketWords || `bucket \`${bucketName}\``}, ${keyWords || `key \`${keyArn}\``}${decl.artifactStores ? '' : '; `artifactStore` becomes `artifactStores`'}`,
      patch: draft.ops,
      creates,
    },
  ];
}

/** Route an artifact through the pipeline account: a CodeBuild action there copies it for the consumer. */
function relayCandidates(scenario: Scenario, issue: Issue): FixCandidate[] {
  const decl = scenario.pipeline.pipeline;
  const { account, region } = pipelineHome(scenario);
  const at = issueIndexes(issue.path);
  if (at.stage === undefined || at.action === undefined || at.input === undefined) return [];
  const consumer = decl.stages[at.stage]?.actions[at.action];
  const artifact = consumer?.inputArtifacts[at.input]?.name;
  if (!consumer || !artifact) return [];
  let producerAt: { s: number; a: number } | undefined;
  decl.stages.forEach((st, s) => st.actions.forEach((ac, a) => {
    if (ac.outputArtifacts.some((o) => o.name === artifact)) producerAt = { s, a };
  }));
  if (!producerAt) return [];
  const producer = decl.stages[producerAt.s]!.actions[producerAt.a]!;
  const stage = decl.stages[producerAt.s]!;
  const safe = decl.name.replace(/[^\w-]/g, '-');
  const unique = (base: string, taken: (n: string) => boolean) => {
    let name = base;
    for (let n = 2; taken(name); n += 1) name = `${base}-${n}`;
    return name;
  };
  const projectName = unique(`${safe}-artifact-relay`.slice(0, 150), (n) => scenario.codeBuildProjects.some((p) => p.arn.endsWith(`:project/${n}`)));
  const projectArn = `arn:aws:codebuild:${producer.region ?? region}:${account}:project/${projectName}`;
  const roleArn = `arn:aws:iam::${account}:role/${unique(`${safe}-artifact-relay`.slice(0, 60), (n) => roleIndex(scenario, `arn:aws:iam::${account}:role/${n}`) >= 0)}`;
  const artifacts = new Set(decl.stages.flatMap((s) => s.actions.flatMap((x) => x.outputArtifacts.map((o) => o.name))));
  const relayed = unique(`${artifact}Relayed`, (n) => artifacts.has(n));
  const actionName = unique(`Relay${artifact}`.replace(/[^A-Za-z0-9.@\-_]/g, ''), (n) => stage.actions.some((x) => x.name === n));
  const draft = startDraft(scenario);
  const role = {
    arn: roleArn,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'TrustCodeBuildForTheRelayProject', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': projectArn } } }],
    },
    inlinePolicies: {},
    tags: { pipeline: decl.name },
  };
  const ops: PatchOperation[] = [
    { op: 'add', path: pointer('roles', '-'), value: role },
    { op: 'add', path: pointer('codeBuildProjects', '-'), value: { arn: projectArn, serviceRole: roleArn } },
  ];
  // Actions after the producer in its stage move one runOrder later; the relay takes the freed slot.
  stage.actions.forEach((x, i) => {
    if (x.runOrder > producer.runOrder) ops.push({ op: 'replace', path: pointer('pipeline', 'pipeline', 'stages', producerAt!.s, 'actions', i, 'runOrder'), value: x.runOrder + 1 });
  });
  ops.push({
    op: 'add',
    path: pointer('pipeline', 'pipeline', 'stages', producerAt.s, 'actions', '-'),
    value: {
      name: actionName,
      actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
      runOrder: producer.runOrder + 1,
      configuration: { ProjectName: projectName },
      inputArtifacts: [{ name: artifact }],
      outputArtifacts: [{ name: relayed }],
      ...(producer.region && producer.region !== region ? { region: producer.region } : {}),
    },
  });
  ops.push({ op: 'replace', path: pointer('pipeline', 'pipeline', 'stages', at.stage, 'actions', at.action, 'inputArtifacts', at.input, 'name'), value: relayed });
  for (const [k, v] of Object.entries(consumer.configuration)) {
    if (v.includes(`${artifact}::`)) ops.push({ op: 'replace', path: pointer('pipeline', 'pipeline', 'stages', at.stage, 'actions', at.action, 'configuration', k), value: v.replaceAll(`${artifact}::`, `${relayed}::`) });
  }
  for (const op of ops) if (!pushOps(draft, op)) return [];
  return [
    {
      id: 'relay-through-pipeline-account',
      group: 'relay-through-pipeline-account',
      target: 'pipeline',
      description: `route \`${artifact}\` through the pipeline account: CodeBuild action \`${stage.name}/${actionName}\` (project \`${projectName}\`, role \`${roleArn}\`) copies it to \`${relayed}\`, which \`${decl.stages[at.stage]!.name}/${consumer.name}\` consumes instead`,
      patch: draft.ops,
      warning: `the relay project's buildspec must copy its input to its output unchanged`,
      creates: [roleArn, projectArn],
    },
  ];
}
