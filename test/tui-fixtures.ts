/**
 * Hand-made scenarios and results for the TUI tests: a two-stage pipeline whose deploy is
 * denied by a bucket policy's explicit Deny, and the same run succeeding. The results are
 * written by hand (not simulated), so the views are tested apart from the engine.
 */
import type { CallEvaluatedEvent, CloudTrailRecord, SimulationResult, TraceEvent } from '../engine/types.js';
import { Scenario } from '../model/schema.js';

const TOOLING = '111111111111';
const PROD = '444444444444';
const PIPELINE_ROLE = `arn:aws:iam::${TOOLING}:role/PipelineServiceRole`;
const DEPLOY_ROLE = `arn:aws:iam::${PROD}:role/ProdDeployRole`;
const BUCKET = 'artifacts-111111111111-us-east-1';
const KEY = `arn:aws:kms:us-east-1:${TOOLING}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SESSION = (role: string) => `arn:aws:sts::${role.split(':')[4]}:assumed-role/${role.split('/').pop()}/codepipeline-00000000`;

/** The scenario both results belong to. */
export const fixtureScenario: Scenario = Scenario.parse({
  id: 'fixture/bucket-deny',
  title: 'fixture: a bucket policy denies the prod deploy role',
  accounts: [
    { id: TOOLING, name: 'tooling' },
    { id: PROD, name: 'prod' },
  ],
  roles: [
    {
      arn: PIPELINE_ROLE,
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: {
        PipelinePolicy: { Version: '2012-10-17', Statement: [{ Sid: 'AssumeDeploy', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: DEPLOY_ROLE }, { Sid: 'Artifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${BUCKET}/*` }] },
      },
    },
    {
      arn: DEPLOY_ROLE,
      trustPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'TrustPipelineRole', Effect: 'Allow', Principal: { AWS: PIPELINE_ROLE }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: { DeployPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'ReadArtifacts', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] } },
    },
  ],
  keys: [
    {
      arn: KEY,
      policy: { Version: '2012-10-17', Statement: [{ Sid: 'EnableIAM', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TOOLING}:root` }, Action: 'kms:*', Resource: '*' }] },
    },
  ],
  buckets: [
    {
      name: BUCKET,
      account: TOOLING,
      region: 'us-east-1',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowProdRead', Effect: 'Allow', Principal: { AWS: DEPLOY_ROLE }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
          { Sid: 'DenyProdReads', Effect: 'Deny', Principal: { AWS: DEPLOY_ROLE }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
        ],
      },
    },
  ],
  pipeline: {
    pipeline: {
      name: 'fixture-pipeline',
      roleArn: PIPELINE_ROLE,
      artifactStore: { type: 'S3', location: BUCKET, encryptionKey: { id: KEY, type: 'KMS' } },
      pipelineType: 'V2',
      stages: [
        { name: 'Source', actions: [{ name: 'Fetch', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, outputArtifacts: [{ name: 'Src' }] }] },
        {
          name: 'DeployProd',
          onFailure: { result: 'ROLLBACK' },
          actions: [
            { name: 'Deploy', roleArn: DEPLOY_ROLE, actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' }, inputArtifacts: [{ name: 'Src' }] },
            { name: 'Smoke', region: 'eu-west-1', actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' }, runOrder: 2 },
          ],
        },
      ],
    },
    metadata: { pipelineArn: `arn:aws:codepipeline:us-east-1:${TOOLING}:fixture-pipeline` },
  },
});

const time = (seq: number) => `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`;

function call(seq: number, parentSeq: number, fields: Partial<CallEvaluatedEvent> & Pick<CallEvaluatedEvent, 'operation' | 'principal' | 'resource' | 'decision'>): CallEvaluatedEvent {
  const callerAccount = fields.principal.split(':')[4] ?? '';
  return {
    type: 'call.evaluated',
    seq,
    parentSeq,
    time: time(seq),
    region: 'us-east-1',
    callerAccount,
    resourceAccount: TOOLING,
    statements: [],
    missingAllow: [],
    explanation: `${fields.decision.toLowerCase()} by the fixture`,
    context: { 'aws:SecureTransport': 'true' },
    purpose: 'fixture call',
    ...(fields.principal.startsWith('arn:aws:iam') ? { sessionArn: SESSION(fields.principal) } : {}),
    ...fields,
  };
}

const DENY_MESSAGE = `User: ${SESSION(DEPLOY_ROLE)} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::${BUCKET}/fixture/Src.zip with an explicit deny in a resource-based policy`;

function events(deny: boolean): readonly TraceEvent[] {
  const where = { stage: 'DeployProd', action: 'Deploy' };
  const get = call(11, 9, {
    ...where,
    operation: 's3:GetObject',
    principal: DEPLOY_ROLE,
    resource: `arn:aws:s3:::${BUCKET}/fixture/Src.zip`,
    purpose: 'read input artifact Src',
    ...(deny
      ? {
          decision: 'ExplicitlyDenied',
          statements: [{ policyKind: 'bucket', policy: BUCKET, sid: 'DenyProdReads', index: 1, effect: 'Deny' }],
          explanation: `statement \`DenyProdReads\` of the bucket policy of \`${BUCKET}\` denies it`,
          category: 'EXPLICIT_DENY',
          message: DENY_MESSAGE,
        }
      : {
          decision: 'Allowed',
          statements: [
            { policyKind: 'identity', policy: 'DeployPolicy', sid: 'ReadArtifacts', index: 0, effect: 'Allow' },
            { policyKind: 'bucket', policy: BUCKET, sid: 'AllowProdRead', index: 0, effect: 'Allow' },
          ],
        }),
  });
  const tail: TraceEvent[] = deny
    ? [
        { type: 'action.finished', seq: 12, parentSeq: 9, time: time(12), ...where, status: 'Failed', message: DENY_MESSAGE },
        { type: 'rollback.started', seq: 13, parentSeq: 8, time: time(13), stage: 'DeployProd', scope: 'stage', reason: 'stage failed with onFailure ROLLBACK' },
        { type: 'note.added', seq: 14, parentSeq: 8, time: time(14), stage: 'DeployProd', text: 'no earlier successful execution: nothing to roll back to' },
        { type: 'stage.finished', seq: 15, parentSeq: 8, time: time(15), stage: 'DeployProd', status: 'Failed' },
        { type: 'execution.finished', seq: 16, parentSeq: 0, time: time(16), status: 'Failed' },
      ]
    : [
        { type: 'action.finished', seq: 12, parentSeq: 9, time: time(12), ...where, status: 'Succeeded' },
        { type: 'action.started', seq: 13, parentSeq: 8, time: time(13), stage: 'DeployProd', action: 'Smoke', provider: 'Lambda', account: TOOLING, region: 'eu-west-1', roleArn: PIPELINE_ROLE, runOrder: 2 },
        { type: 'action.finished', seq: 14, parentSeq: 13, time: time(14), stage: 'DeployProd', action: 'Smoke', status: 'Succeeded' },
        { type: 'stage.finished', seq: 15, parentSeq: 8, time: time(15), stage: 'DeployProd', status: 'Succeeded' },
        { type: 'execution.finished', seq: 16, parentSeq: 0, time: time(16), status: 'Succeeded' },
      ];
  return [
    { type: 'execution.started', seq: 0, parentSeq: null, time: time(0), pipeline: 'fixture-pipeline', executionId: '00000000-0000-4000-8000-000000000001', region: 'us-east-1', account: TOOLING },
    call(1, 0, { operation: 'sts:AssumeRole', principal: 'codepipeline.amazonaws.com', resource: PIPELINE_ROLE, decision: 'Allowed', statements: [{ policyKind: 'trust', policy: PIPELINE_ROLE, index: 0, effect: 'Allow' }], purpose: 'CodePipeline assumes the pipeline service role' }),
    { type: 'stage.started', seq: 2, parentSeq: 0, time: time(2), stage: 'Source' },
    { type: 'action.started', seq: 3, parentSeq: 2, time: time(3), stage: 'Source', action: 'Fetch', provider: 'S3', account: TOOLING, region: 'us-east-1', roleArn: PIPELINE_ROLE, runOrder: 1 },
    call(4, 3, { stage: 'Source', action: 'Fetch', operation: 's3:PutObject', principal: PIPELINE_ROLE, resource: `arn:aws:s3:::${BUCKET}/fixture/Src.zip`, decision: 'Allowed', statements: [{ policyKind: 'identity', policy: 'PipelinePolicy', sid: 'Artifacts', index: 1, effect: 'Allow' }] }),
    { type: 'variables.resolved', seq: 5, parentSeq: 3, time: time(5), stage: 'Source', action: 'Fetch', variables: { '#{SourceVariables.VersionId}': 'v1' } },
    { type: 'action.finished', seq: 6, parentSeq: 3, time: time(6), stage: 'Source', action: 'Fetch', status: 'Succeeded' },
    { type: 'stage.finished', seq: 7, parentSeq: 2, time: time(7), stage: 'Source', status: 'Succeeded' },
    { type: 'stage.started', seq: 8, parentSeq: 0, time: time(8), stage: 'DeployProd' },
    { type: 'action.started', seq: 9, parentSeq: 8, time: time(9), ...where, provider: 'CloudFormation', account: PROD, region: 'us-east-1', roleArn: DEPLOY_ROLE, runOrder: 1 },
    call(10, 9, { ...where, operation: 'sts:AssumeRole', principal: PIPELINE_ROLE, resource: DEPLOY_ROLE, resourceAccount: PROD, decision: 'Allowed', statements: [{ policyKind: 'identity', policy: 'PipelinePolicy', sid: 'AssumeDeploy', index: 0, effect: 'Allow' }, { policyKind: 'trust', policy: DEPLOY_ROLE, sid: 'TrustPipelineRole', index: 0, effect: 'Allow' }] }),
    get,
    ...tail,
  ];
}

function trail(seq: number, denied: boolean): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    eventID: `0000000${seq}-aaaa-4bbb-8ccc-dddddddddddd`,
    eventTime: time(seq),
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    recipientAccountId: TOOLING,
    userIdentity: { type: 'AssumedRole', arn: SESSION(DEPLOY_ROLE) },
    sourceIPAddress: 'codepipeline.amazonaws.com',
    userAgent: 'codepipeline.amazonaws.com',
    requestParameters: { bucketName: BUCKET, key: 'fixture/Src.zip' },
    responseElements: null,
    requestID: `REQ${seq}`,
    ...(denied ? { errorCode: 'AccessDenied', errorMessage: 'Access Denied' } : {}),
    eventType: 'AwsApiCall',
    managementEvent: false,
    eventCategory: 'Data',
    seq,
  };
}

/** The failing run: the bucket policy's `DenyProdReads` (statement 1) denies the deploy role at #11. */
export const failingResult: SimulationResult = {
  formatVersion: 1,
  scenario: 'fixture/bucket-deny',
  status: 'Failed',
  firstDenial: {
    seq: 11,
    stage: 'DeployProd',
    action: 'Deploy',
    operation: 's3:GetObject',
    principal: DEPLOY_ROLE,
    sessionArn: SESSION(DEPLOY_ROLE),
    resource: `arn:aws:s3:::${BUCKET}/fixture/Src.zip`,
    decision: 'ExplicitlyDenied',
    category: 'EXPLICIT_DENY',
    message: DENY_MESSAGE,
  },
  issues: [],
  events: events(true),
  cloudTrail: [trail(11, true)],
  eventBridge: [],
};

/** The same run succeeding. */
export const succeedingResult: SimulationResult = {
  formatVersion: 1,
  scenario: 'fixture/bucket-deny',
  status: 'Succeeded',
  firstDenial: null,
  issues: [],
  events: events(false),
  cloudTrail: [trail(11, false)],
  eventBridge: [],
};

/** A run rejected before it started. */
export const invalidResult: SimulationResult = {
  formatVersion: 1,
  scenario: 'fixture/bucket-deny',
  status: 'Invalid',
  firstDenial: null,
  issues: [{ code: 'missing_region_artifact_store', path: 'pipeline.pipeline.stages[1].actions[1].region', message: 'no artifact store for region `eu-west-1`', category: 'MISSING_REGION_ARTIFACT_STORE' }],
  events: [],
  cloudTrail: [],
  eventBridge: [],
};

/** The ids the fixture's denial carries, for assertions. */
export const FIXTURE = { TOOLING, PROD, PIPELINE_ROLE, DEPLOY_ROLE, BUCKET, KEY, DENY_MESSAGE } as const;
