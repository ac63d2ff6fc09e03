/**
 * The audit trail a trace implies: the CloudTrail records AWS writes for every evaluated call and
 * the EventBridge events CodePipeline emits for pipeline, stage and action state changes. Derived
 * from the trace after the run, each record linked by `seq` to the event that caused it; pure.
 *
 * CloudTrail, as AWS documents it:
 * - record fields: "CloudTrail record contents for management, data, and network activity events"
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
 *   `eventID` is unique per record, `sharedEventID` is the same in the copies of one request that
 *   CloudTrail delivers to different accounts.
 * - AssumeRole across accounts: IAM User Guide, "Logging IAM and AWS STS API calls with AWS
 *   CloudTrail", section "Example cross-account AWS STS API events in CloudTrail log files"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailexample):
 *   the caller's account gets the caller's identity; the role's account gets
 *   `userIdentity: { type: "AWSAccount", principalId, accountId }`; both carry the same
 *   `requestParameters` (`roleArn`, `roleSessionName`, `sourceIdentity` where set),
 *   `responseElements.assumedRoleUser`, `resources` (`AWS::IAM::Role`) and `sharedEventID`.
 *   The table in "Logging sign-in events for temporary credentials" of the same page: for a
 *   service principal the role's account records the AWS service principal. (That page's caller
 *   example prints the role's account as its `recipientAccountId`; pipesim writes the account
 *   that receives the record, as "record contents" defines the field.)
 * - KMS: "Logging AWS KMS API calls with AWS CloudTrail" — operations on KMS keys in other accounts
 *   are logged in both the caller account and the KMS key owner account
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html); record
 *   shape from "Decrypt" (https://docs.aws.amazon.com/kms/latest/developerguide/ct-decrypt.html):
 *   `encryptionAlgorithm`, `keyId`, `encryptionContext`, `readOnly`, `AWS::KMS::Key`.
 * - S3 object operations are data events ("Amazon S3 CloudTrail events",
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html): they
 *   are written only where a trail logs data events; pipesim writes them as if the requester's and
 *   the bucket owner's trails both do.
 * - `iam:PassRole`, `codecommit:UploadArchive`, `codecommit:GetUploadArchiveStatus` and
 *   `codestar-connections:UseConnection` are permissions, not API operations: no record.
 * - The guide (FAQ Q6) says the role's account shows the caller in
 *   `userIdentity.sessionContext.sourceIdentity`; the IAM page above shows no `sessionContext` in
 *   the role account's record and `sourceIdentity` only where the caller set one (CodePipeline
 *   sets none). The AWS documentation wins.
 *
 * EventBridge: "Monitoring CodePipeline events"
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html):
 * `detail-type` "CodePipeline Pipeline|Stage|Action Execution State Change", `source`
 * `aws.codepipeline`, `resources` the pipeline ARN, `detail` with `pipeline`, `execution-id`,
 * `stage`, `action`, `state`, `version` (the pipeline structure version),
 * `pipeline-execution-attempt`, and for actions `region` and `type: { owner, category, provider,
 * version }`. A failed action adds `execution-result` with the summary
 * (ActionExecutionResult.externalExecutionSummary) and the failure type (FailureDetails.type,
 * CodePipeline API Reference).
 *
 * Longer than 400 lines on purpose: most of it is the documented field mapping of each record
 * kind, kept beside the sources it cites.
 */
import { fnv1a32, FNV_PRIME } from '../../model/hash.js';
import { parseArn, roleName } from '../../model/arn.js';
import type { World } from '../../model/world.js';
import type { Plan } from './plan.js';
import type { CallEvaluatedEvent, CloudTrailRecord, EventBridgeEvent, TraceEvent } from '../types.js';

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** An unsigned 32-bit number as 8 hex digits. */
function hex8(n: number): string {
  return HEX_BYTE[n >>> 24]! + HEX_BYTE[(n >>> 16) & 255]! + HEX_BYTE[(n >>> 8) & 255]! + HEX_BYTE[n & 255]!;
}

/** Ids already computed, by seed text: a run derives the same ids as the one before (an optimisation only). */
const idCache = new Map<string, string>();
const uniqueIdCache = new Map<string, string>();
/** Past this many entries a cache starts afresh. */
const MAX_CACHED_IDS = 100_000;

function remember(cache: Map<string, string>, text: string, id: string): string {
  if (cache.size >= MAX_CACHED_IDS) cache.clear();
  cache.set(text, id);
  return id;
}

/** A deterministic UUID-shaped id from a seed. Pure. */
export function stableId(...parts: readonly (string | number)[]): string {
  const text = parts.join('|');
  return idCache.get(text) ?? remember(idCache, text, idOfText(text));
}

function idOfText(text: string): string {
  // Two FNV-1a lanes (the standard prime and a second one) mixed into 128 bits.
  const h1 = fnv1a32(text);
  const h2 = fnv1a32(text, FNV_PRIME, 2246822519);
  const a = hex8(h1);
  const b = hex8(h2);
  const c = hex8(Math.imul(h1 ^ h2, 2654435761) >>> 0);
  const d = hex8(Math.imul(h2 + 0x9e3779b9, h1 | 1) >>> 0);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** An AWS-style unique identifier (`AROA…`, `ASIA…`): a prefix and upper-case letters and digits. Pure. */
export function awsUniqueId(prefix: string, length: number, ...seed: readonly (string | number)[]): string {
  const text = `${prefix}\u0000${length}\u0000${seed.join('|')}`;
  const known = uniqueIdCache.get(text);
  if (known !== undefined) return known;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const hex = `${stableId(...seed)}${stableId('more', ...seed)}`.replaceAll('-', '');
  let out = prefix;
  for (let i = 0; out.length < length; i++) out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 32];
  return remember(uniqueIdCache, text, out);
}

/** The CloudTrail records and EventBridge events of a trace. Pure. */
export function auditRecords(events: readonly TraceEvent[], world: World, plan: Plan, executionId: string): { readonly cloudTrail: readonly CloudTrailRecord[]; readonly eventBridge: readonly EventBridgeEvent[] } {
  const sessions = sessionFacts(events);
  const cloudTrail: CloudTrailRecord[] = [];
  const eventBridge: EventBridgeEvent[] = [];
  const started = new Map<string, Extract<TraceEvent, { type: 'action.started' }>>();
  // Actions that failed on a denied call report PermissionError (CodePipeline's error code for permissions).
  const denied = new Set(events.flatMap((e) => (e.type === 'call.evaluated' && e.decision !== 'Allowed' ? [`${e.stage}/${e.action}`] : [])));
  for (const e of events) {
    if (e.type === 'call.evaluated') cloudTrail.push(...trailFor(e, world, sessions));
    if (e.type === 'action.started') started.set(`${e.stage}/${e.action}`, e);
    const bridged = bridgeFor(e, plan, world.scenario.pipeline.pipeline.version ?? 1, executionId, started, denied);
    if (bridged) eventBridge.push(bridged);
  }
  return { cloudTrail, eventBridge };
}

// ---------------------------------------------------------------------------
// CloudTrail
// ---------------------------------------------------------------------------

/** Permission-only actions: evaluated by IAM, but no API operation CloudTrail records. */
const PERMISSION_ONLY: ReadonlySet<string> = new Set([
  'iam:passrole',
  'codecommit:uploadarchive',
  'codecommit:getuploadarchivestatus',
  'codestar-connections:useconnection',
  'codeconnections:useconnection',
  // S3 authorizes GetObject with a versionId against s3:GetObjectVersion: one GetObject record.
  's3:getobjectversion',
]);

/** IAM action → the API operation CloudTrail names, where they differ. */
const EVENT_NAMES: Readonly<Record<string, string>> = {
  'lambda:invokefunction': 'Invoke',
};

/** Operations CloudTrail records as data events. */
const DATA_EVENTS: ReadonlySet<string> = new Set(['s3:getobject', 's3:putobject', 'lambda:invokefunction']);

/** What the audit needs about role sessions: the session name each AssumeRole produced, and when. */
interface SessionFacts {
  /** seq of an sts:AssumeRole → the session name of the session it created. */
  readonly nameBySeq: ReadonlyMap<number, string>;
  /** session ARN → time of the AssumeRole that created it (the session's creationDate). */
  readonly createdAt: ReadonlyMap<string, string>;
}

function sessionFacts(events: readonly TraceEvent[]): SessionFacts {
  const calls = events.filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated');
  // For each AssumeRole, the session the role next appears with in the trace: one backward pass
  // keeping, per role (case-insensitive), the session of its nearest later call.
  const laterSession = new Map<number, string | undefined>();
  const nearest = new Map<string, string>();
  for (let i = calls.length - 1; i >= 0; i -= 1) {
    const e = calls[i]!;
    if (e.operation === 'sts:AssumeRole') laterSession.set(i, nearest.get(e.resource.toLowerCase()));
    if (e.sessionArn) nearest.set(e.principal.toLowerCase(), e.sessionArn);
  }
  const nameBySeq = new Map<number, string>();
  const createdAt = new Map<string, string>();
  calls.forEach((e, i) => {
    if (e.operation !== 'sts:AssumeRole') return;
    const requested = firstOf(e.context['sts:RoleSessionName']);
    // Otherwise the session name the role next appears with in the trace.
    const name = requested ?? laterSession.get(i)?.split('/').pop() ?? 'session';
    nameBySeq.set(e.seq, name);
    if (e.decision === 'Allowed') {
      const session = sessionArnOf(e.resource, name);
      if (!createdAt.has(session)) createdAt.set(session, e.time);
    }
  });
  return { nameBySeq, createdAt };
}

function sessionArnOf(roleArn: string, sessionName: string): string {
  const account = parseArn(roleArn)?.account ?? '';
  return `arn:aws:sts::${account}:assumed-role/${roleName(roleArn)}/${sessionName}`;
}

function firstOf(v: string | readonly string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : (v as string | undefined);
}

const roleIds = new Map<string, string>();
const sessionKeyIds = new Map<string, string>();

/** The role id (`AROA…`) IAM would have given a role. */
function roleId(roleArn: string): string {
  return roleIds.get(roleArn) ?? remember(roleIds, roleArn, awsUniqueId('AROA', 21, 'role', roleArn.toLowerCase()));
}

/** The access key id (`ASIA…`) of a role session. */
function sessionKeyId(sessionArn: string): string {
  return sessionKeyIds.get(sessionArn) ?? remember(sessionKeyIds, sessionArn, awsUniqueId('ASIA', 20, 'key', sessionArn));
}

/** The service that makes a call on a session's behalf, from the session name pipesim gives it. */
function sessionService(sessionName: string): string | undefined {
  if (sessionName.startsWith('codepipeline-')) return 'codepipeline.amazonaws.com';
  if (sessionName.startsWith('AWSCodeBuild-')) return 'codebuild.amazonaws.com';
  if (sessionName.startsWith('AWSCloudFormation')) return 'cloudformation.amazonaws.com';
  if (sessionName.startsWith('CodeDeploy-')) return 'codedeploy.amazonaws.com';
  return undefined;
}

/** The caller as the caller's own account records it. */
function userIdentity(e: CallEvaluatedEvent, sessions: SessionFacts): Record<string, unknown> {
  if (!e.sessionArn) return { type: 'AWSService', invokedBy: e.principal };
  const roleArn = e.principal;
  const account = parseArn(roleArn)?.account ?? '';
  const sessionName = e.sessionArn.split('/').pop() ?? '';
  const via = viaServiceOf(e) ?? sessionService(sessionName);
  const identity: Record<string, unknown> = {
    type: 'AssumedRole',
    principalId: `${roleId(roleArn)}:${sessionName}`,
    arn: e.sessionArn,
    accountId: account,
    accessKeyId: sessionKeyId(e.sessionArn),
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: roleId(roleArn), arn: roleArn, accountId: account, userName: roleName(roleArn) },
      attributes: { creationDate: sessions.createdAt.get(e.sessionArn) ?? e.time, mfaAuthenticated: 'false' },
    },
  };
  if (via) identity['invokedBy'] = via;
  return identity;
}

/** The service a call came through (`kms:ViaService`, `aws:CalledVia`), as its global name. */
function viaServiceOf(e: CallEvaluatedEvent): string | undefined {
  const calledVia = firstOf(e.context['aws:CalledVia']);
  if (calledVia) return calledVia;
  const kmsVia = firstOf(e.context['kms:ViaService']);
  if (kmsVia) return kmsVia.replace(/^([a-z0-9-]+)\.[a-z0-9-]+\.amazonaws\.com$/, '$1.amazonaws.com');
  return undefined;
}

/** The error CloudTrail records for a denied call. */
function errorOf(e: CallEvaluatedEvent): { readonly errorCode: string; readonly errorMessage: string } {
  const service = e.operation.split(':')[0];
  const message = e.message ?? e.explanation;
  if (e.category === 'KEY_STATE') return { errorCode: 'DisabledException', errorMessage: message };
  if (e.category === 'UNKNOWN_RESOURCE' && service === 'kms') return { errorCode: 'NotFoundException', errorMessage: message };
  if (e.category === 'UNKNOWN_RESOURCE' && service === 's3') return { errorCode: 'NoSuchBucket', errorMessage: message };
  return { errorCode: 'AccessDenied', errorMessage: message };
}

/** The accounts that receive a record of a call (in this order: the caller's, then the owner's). */
function recipients(e: CallEvaluatedEvent, world: World): readonly string[] {
  const owner = e.resourceAccount || e.callerAccount;
  const known = (a: string) => a !== '' && world.accounts.has(a);
  // A service principal belongs to no account: only the resource owner records its call.
  if (!e.sessionArn) return known(owner) ? [owner] : [owner].filter(Boolean);
  if (e.operation === 'sts:AssumeRole' && e.decision !== 'Allowed') {
    // A request the caller's own account refuses, or for a role that does not exist, never
    // reaches the role's account.
    const callerSide = e.category === 'CALLER_ASSUME_PERMISSION' || e.category === 'UNKNOWN_RESOURCE' || e.category === 'GUARDRAIL' || e.statements.some((s) => s.policyKind !== 'trust' && s.effect === 'Deny');
    if (callerSide) return [e.callerAccount];
  }
  const accounts = [...new Set([e.callerAccount, owner])].filter(known);
  return accounts.length ? accounts : [owner];
}

/** The CloudTrail records one call yields. */
function trailFor(e: CallEvaluatedEvent, world: World, sessions: SessionFacts): CloudTrailRecord[] {
  const op = e.operation.toLowerCase();
  if (PERMISSION_ONLY.has(op)) return [];
  const colon = e.operation.indexOf(':');
  const service = colon < 0 ? e.operation : e.operation.slice(0, colon);
  const name = EVENT_NAMES[op] ?? (colon < 0 ? '' : e.operation.split(':')[1] ?? '');
  const denied = e.decision !== 'Allowed';
  const data = DATA_EVENTS.has(op);
  const identity = userIdentity(e, sessions);
  const origin = e.sessionArn ? ((identity['invokedBy'] as string | undefined) ?? 'AWS Internal') : e.principal;
  const accounts = recipients(e, world);
  const shared = accounts.length > 1 ? stableId('shared', e.seq) : undefined;
  const sessionName = e.operation === 'sts:AssumeRole' ? sessions.nameBySeq.get(e.seq) ?? 'session' : undefined;
  const error = denied ? errorOf(e) : undefined;
  const requestParams = requestParameters(e, sessionName);
  const response = denied ? null : responseElements(e, sessionName);
  const requestID = stableId('request', e.seq);
  const readOnly = readOnlyOf(op, name);
  const resources = resourcesOf(e, world);
  const eventSource = `${service}.amazonaws.com`;
  return accounts.map((account) => {
    // Fields in the order CloudTrail writes them (the JSON contract keeps this order).
    const record: Record<string, unknown> = {
      eventVersion: '1.11',
      // The role's account sees the caller of a cross-account AssumeRole as an account and principal id.
      userIdentity: e.operation === 'sts:AssumeRole' && e.sessionArn && account !== e.callerAccount ? { type: 'AWSAccount', principalId: identity['principalId'], accountId: e.callerAccount } : identity,
      eventTime: e.time,
      eventSource,
      eventName: name,
      awsRegion: e.region,
      sourceIPAddress: origin,
      userAgent: origin,
    };
    if (error) {
      record['errorCode'] = error.errorCode;
      record['errorMessage'] = error.errorMessage;
    }
    record['requestParameters'] = requestParams;
    record['responseElements'] = response;
    record['requestID'] = requestID;
    if (readOnly !== undefined) record['readOnly'] = readOnly;
    if (resources) record['resources'] = resources;
    record['eventType'] = 'AwsApiCall';
    record['managementEvent'] = !data;
    record['eventCategory'] = data ? 'Data' : 'Management';
    record['seq'] = e.seq;
    record['eventID'] = accounts.length > 1 ? stableId('ct', e.seq, account) : stableId('ct', e.seq);
    record['recipientAccountId'] = account;
    if (shared) record['sharedEventID'] = shared;
    return record as unknown as CloudTrailRecord;
  });
}

function readOnlyOf(op: string, name: string): boolean | undefined {
  const service = op.slice(0, op.indexOf(':'));
  if (service === 'kms') return name === 'Decrypt' || name.startsWith('GenerateDataKey') || name.startsWith('Describe') || name.startsWith('Get') || name.startsWith('List');
  if (service === 's3') return name.startsWith('Get') || name.startsWith('List') || name.startsWith('Head');
  if (/^(Get|Describe|List|BatchGet)/.test(name)) return true;
  return undefined;
}

function requestParameters(e: CallEvaluatedEvent, sessionName: string | undefined): Record<string, unknown> | null {
  const arn = parseArn(e.resource);
  switch (e.operation) {
    case 'codepipeline:PutJobSuccessResult':
    case 'codepipeline:PutJobFailureResult':
      return { jobId: stableId('job', e.stage ?? '', e.action ?? '') };
    case 'sts:AssumeRole': {
      const sourceIdentity = firstOf(e.context['sts:SourceIdentity']);
      const params: Record<string, unknown> = { roleArn: e.resource, roleSessionName: sessionName ?? 'session' };
      if (sourceIdentity) params['sourceIdentity'] = sourceIdentity;
      return params;
    }
    case 'kms:Decrypt':
      return { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: e.resource, encryptionContext: encryptionContextOf(e) };
    case 'kms:GenerateDataKey':
      return { keyId: e.resource, encryptionContext: encryptionContextOf(e), keySpec: 'AES_256' };
    case 's3:GetObject':
    case 's3:PutObject': {
      const [bucketName = '', ...key] = (arn?.resource ?? '').split('/');
      const sse = e.operation === 's3:PutObject' ? firstOf(e.context['s3:x-amz-server-side-encryption']) : undefined;
      const sseKey = e.operation === 's3:PutObject' ? firstOf(e.context['s3:x-amz-server-side-encryption-aws-kms-key-id']) : undefined;
      const params: Record<string, unknown> = { bucketName, Host: `${bucketName}.s3.${e.region}.amazonaws.com`, key: key.join('/') };
      if (sse) params['x-amz-server-side-encryption'] = sse;
      if (sseKey) params['x-amz-server-side-encryption-aws-kms-key-id'] = sseKey;
      return params;
    }
    case 'lambda:InvokeFunction':
      return { functionName: e.resource };
    case 'sns:Publish':
      return { topicArn: e.resource };
    default:
      // A request on `*` names no resource pipesim could print as a parameter.
      return e.resource === '*' ? null : { resource: e.resource };
  }
}

function encryptionContextOf(e: CallEvaluatedEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.context)) {
    if (k.startsWith('kms:EncryptionContext:')) out[k.slice('kms:EncryptionContext:'.length)] = firstOf(v) ?? '';
  }
  return out;
}

function responseElements(e: CallEvaluatedEvent, sessionName: string | undefined): Record<string, unknown> | null {
  if (e.operation !== 'sts:AssumeRole') return null;
  const name = sessionName ?? 'session';
  const expiry = new Date(Date.parse(e.time) + 3600_000).toISOString().replace('.000Z', 'Z');
  return {
    credentials: { accessKeyId: sessionKeyId(sessionArnOf(e.resource, name)), sessionToken: '<encoded session token blob>', expiration: expiry },
    assumedRoleUser: { assumedRoleId: `${roleId(e.resource)}:${name}`, arn: sessionArnOf(e.resource, name) },
  };
}

function resourcesOf(e: CallEvaluatedEvent, world: World): CloudTrailRecord['resources'] {
  if (e.resource === '*') return undefined;
  const owner = e.resourceAccount || undefined;
  const service = e.operation.split(':')[0];
  if (e.operation === 'sts:AssumeRole') return [{ ARN: e.resource, accountId: parseArn(e.resource)?.account ?? '', type: 'AWS::IAM::Role' }];
  if (service === 'kms') return [{ accountId: owner ?? '', type: 'AWS::KMS::Key', ARN: e.resource }];
  if (service === 's3') {
    const bucket = (parseArn(e.resource)?.resource ?? '').split('/')[0] ?? '';
    const bucketOwner = world.buckets.get(bucket)?.account;
    return [
      { type: 'AWS::S3::Object', ARN: e.resource },
      bucketOwner ? { accountId: bucketOwner, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` } : { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ];
  }
  return [owner ? { ARN: e.resource, accountId: owner } : { ARN: e.resource }];
}

// ---------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------

const STATE: Readonly<Record<'Succeeded' | 'Failed' | 'Invalid', string>> = { Succeeded: 'SUCCEEDED', Failed: 'FAILED', Invalid: 'FAILED' };

const BRIDGED: ReadonlySet<TraceEvent['type']> = new Set(['execution.started', 'execution.finished', 'stage.started', 'stage.finished', 'action.started', 'action.finished']);

/** The CodePipeline EventBridge event for a state change, if the trace event is one. */
function bridgeFor(
  e: TraceEvent,
  plan: Plan,
  pipelineVersion: number,
  executionId: string,
  started: ReadonlyMap<string, Extract<TraceEvent, { type: 'action.started' }>>,
  denied: ReadonlySet<string>,
): EventBridgeEvent | null {
  if (!BRIDGED.has(e.type)) return null;
  // Events are delivered in the pipeline's account and Region, for the pipeline resource.
  // Fields in the order EventBridge writes them (the JSON contract keeps this order).
  const event = (detailType: string, detail: Readonly<Record<string, unknown>>): EventBridgeEvent => ({
    version: '0',
    id: stableId('eb', e.seq),
    source: 'aws.codepipeline',
    account: plan.account,
    time: e.time,
    region: plan.region,
    resources: [plan.pipelineArn],
    seq: e.seq,
    'detail-type': detailType,
    detail,
  });
  const pipeline = 'CodePipeline Pipeline Execution State Change';
  const stage = 'CodePipeline Stage Execution State Change';
  const action = 'CodePipeline Action Execution State Change';
  // Every detail starts with the execution it belongs to.
  const execution = { pipeline: plan.pipelineName, 'execution-id': executionId, version: pipelineVersion, 'pipeline-execution-attempt': 1 };
  switch (e.type) {
    case 'execution.started':
      return event(pipeline, { ...execution, state: 'STARTED' });
    case 'execution.finished':
      return event(pipeline, { ...execution, state: STATE[e.status] });
    case 'stage.started':
      return event(stage, { ...execution, stage: e.stage, state: 'STARTED' });
    case 'stage.finished':
      return event(stage, { ...execution, stage: e.stage, state: STATE[e.status] });
    case 'action.started':
      return event(action, {
        ...execution,
        stage: e.stage,
        action: e.action,
        state: 'STARTED',
        region: e.region,
        type: actionType(plan, e.stage ?? '', e.action ?? ''),
      });
    case 'action.finished': {
      const start = started.get(`${e.stage}/${e.action}`);
      const detail: Record<string, unknown> = {
        ...execution,
        stage: e.stage,
        action: e.action,
        state: STATE[e.status],
        region: start?.region ?? plan.region,
        type: actionType(plan, e.stage ?? '', e.action ?? ''),
      };
      if (e.status === 'Failed') detail['execution-result'] = { 'external-execution-summary': e.message ?? 'the action failed', 'error-code': denied.has(`${e.stage}/${e.action}`) ? 'PermissionError' : 'JobFailed' };
      return event(action, detail);
    }
    default:
      return null;
  }
}

/** `type` of an action as the event prints it: the declaration's actionTypeId. */
function actionType(plan: Plan, stageName: string, actionName: string): Record<string, string> {
  const decl = plan.stages.find((s) => s.name === stageName)?.groups.flatMap((g) => g.actions).find((a) => a.declaration.name === actionName)?.declaration.actionTypeId;
  return { owner: decl?.owner ?? 'AWS', category: decl?.category ?? '', provider: decl?.provider ?? '', version: decl?.version ?? '1' };
}
