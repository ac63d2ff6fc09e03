/**
 * The audit trail a trace implies: CloudTrail records for every evaluated call and CodePipeline
 * EventBridge state-change events. Derived from the events after the run; pure.
 *
 * CloudTrail: cross-account calls are logged in both accounts, with a shared event id
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#cloudtrail-integration_examples-sts-api).
 * EventBridge: https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import { parseArn } from '../model/arn.js';
import type { World } from '../model/world.js';
import type { Plan } from './plan.js';
import type { CallEvaluatedEvent, CloudTrailRecord, EventBridgeEvent, TraceEvent } from './types.js';

/** A deterministic UUID-shaped id from a seed. */
export function stableId(...parts: readonly (string | number)[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const text = parts.join('|');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c, 2246822519) >>> 0;
  }
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const a = hex(h1);
  const b = hex(h2);
  const c = hex(Math.imul(h1 ^ h2, 2654435761) >>> 0);
  const d = hex(Math.imul(h2 + 0x9e3779b9, h1 | 1) >>> 0);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** The CloudTrail records and EventBridge events of a trace. Pure. */
export function auditRecords(events: readonly TraceEvent[], world: World, plan: Plan, executionId: string): { readonly cloudTrail: readonly CloudTrailRecord[]; readonly eventBridge: readonly EventBridgeEvent[] } {
  const cloudTrail: CloudTrailRecord[] = [];
  const eventBridge: EventBridgeEvent[] = [];
  for (const e of events) {
    if (e.type === 'call.evaluated') cloudTrail.push(...trailFor(e, world));
    const bridged = bridgeFor(e, plan, executionId);
    if (bridged) eventBridge.push(bridged);
  }
  return { cloudTrail, eventBridge };
}

function userIdentity(e: CallEvaluatedEvent): Record<string, unknown> {
  if (!e.sessionArn) return { type: 'AWSService', invokedBy: e.principal };
  const roleArn = e.principal;
  const account = parseArn(roleArn)?.account ?? '';
  return {
    type: 'AssumedRole',
    principalId: `AROA${account.slice(0, 8)}:${e.sessionArn.split('/').pop()}`,
    arn: e.sessionArn,
    accountId: account,
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId: account, userName: roleArn.split('/').pop() } },
    ...(e.context['aws:ViaAWSService'] === 'true' || e.context['aws:CalledVia'] ? { invokedBy: firstOf(e.context['aws:CalledVia']) } : {}),
  };
}

function firstOf(v: string | readonly string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : (v as string | undefined);
}

/** The CloudTrail records one call yields: in the owner's account, and the caller's when they differ. */
function trailFor(e: CallEvaluatedEvent, world: World): CloudTrailRecord[] {
  const [service = '', name = ''] = e.operation.split(':');
  const eventID = stableId('ct', e.seq);
  const denied = e.decision !== 'Allowed';
  const owner = e.resourceAccount || e.callerAccount;
  const base = {
    eventVersion: '1.08' as const,
    eventTime: e.time,
    eventSource: `${service}.amazonaws.com`,
    eventName: name,
    awsRegion: e.region,
    userIdentity: userIdentity(e),
    requestParameters: requestParameters(e),
    resources: [{ ARN: e.resource, accountId: owner }],
    eventType: 'AwsApiCall' as const,
    seq: e.seq,
    ...(denied ? { errorCode: e.operation.startsWith('kms:') ? 'AccessDeniedException' : 'AccessDenied', errorMessage: e.message ?? e.explanation } : {}),
  };
  const accounts = [...new Set([e.callerAccount, owner].filter((a) => a && world.accounts.has(a)))];
  if (accounts.length <= 1) return [{ ...base, eventID, recipientAccountId: accounts[0] ?? owner }];
  const shared = stableId('shared', e.seq);
  return accounts.map((acct) => ({ ...base, eventID: stableId('ct', e.seq, acct), recipientAccountId: acct, sharedEventID: shared }));
}

function requestParameters(e: CallEvaluatedEvent): Record<string, unknown> {
  switch (e.operation) {
    case 'sts:AssumeRole':
      return { roleArn: e.resource, roleSessionName: e.sessionArn?.split('/').pop() ?? firstOf(e.context['sts:RoleSessionName']) ?? 'session' };
    case 'kms:Decrypt':
    case 'kms:GenerateDataKey':
      return { keyId: e.resource, encryptionContext: { 'aws:s3:arn': firstOf(e.context['kms:EncryptionContext:aws:s3:arn']) } };
    case 's3:GetObject':
    case 's3:PutObject': {
      const [bucketName, ...key] = e.resource.replace('arn:aws:s3:::', '').split('/');
      return { bucketName, key: key.join('/') };
    }
    default:
      return { resource: e.resource };
  }
}

/** The CodePipeline EventBridge event for a state change, if the event is one. */
function bridgeFor(e: TraceEvent, plan: Plan, executionId: string): EventBridgeEvent | null {
  const common = { version: '0' as const, source: 'aws.codepipeline' as const, account: plan.account, time: e.time, region: plan.region, resources: [plan.pipelineArn], seq: e.seq };
  const id = stableId('eb', e.seq);
  const detail = { pipeline: plan.pipelineName, version: 1, 'execution-id': executionId };
  switch (e.type) {
    case 'execution.started':
      return { ...common, id, 'detail-type': 'CodePipeline Pipeline Execution State Change', detail: { ...detail, state: 'STARTED' } };
    case 'execution.finished':
      return { ...common, id, 'detail-type': 'CodePipeline Pipeline Execution State Change', detail: { ...detail, state: e.status === 'Succeeded' ? 'SUCCEEDED' : 'FAILED' } };
    case 'stage.started':
      return { ...common, id, 'detail-type': 'CodePipeline Stage Execution State Change', detail: { ...detail, stage: e.stage, state: 'STARTED' } };
    case 'stage.finished':
      return { ...common, id, 'detail-type': 'CodePipeline Stage Execution State Change', detail: { ...detail, stage: e.stage, state: e.status === 'Succeeded' ? 'SUCCEEDED' : 'FAILED' } };
    case 'action.started':
      return { ...common, id, 'detail-type': 'CodePipeline Action Execution State Change', region: e.region, detail: { ...detail, stage: e.stage, action: e.action, state: 'STARTED', region: e.region, type: { owner: 'AWS', provider: e.provider, category: '', version: '1' } } };
    case 'action.finished':
      return { ...common, id, 'detail-type': 'CodePipeline Action Execution State Change', detail: { ...detail, stage: e.stage, action: e.action, state: e.status === 'Succeeded' ? 'SUCCEEDED' : 'FAILED' } };
    default:
      return null;
  }
}
