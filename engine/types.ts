/** Plain data types of calls, decisions, trace events and results. */
import type { Issue as ModelIssue } from '../model/issues.js';

/** The engine's own words for a decision. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Denial categories (DESIGN.md): code → what is missing. */
export const CATEGORIES = {
  TRUST_POLICY: "the target role's trust policy does not admit the caller",
  CALLER_ASSUME_PERMISSION: "the caller's identity policy lacks sts:AssumeRole on the target role",
  KEY_POLICY: 'the KMS key policy does not admit the principal',
  KEY_IDENTITY_PERMISSION: "the principal's identity policy lacks the KMS operation on the key",
  AWS_MANAGED_KEY: 'an AWS managed key (aws/s3) is used where another account must decrypt',
  KEY_ALIAS_CROSS_ACCOUNT: 'a key named by alias is resolved in the wrong account',
  BUCKET_POLICY: 'the bucket policy does not admit the principal, or denies it',
  BUCKET_IDENTITY_PERMISSION: "the principal's identity policy lacks the S3 operation",
  MISSING_REGION_ARTIFACT_STORE: "no artifact store is registered for an action's region",
  PASS_ROLE: 'the caller may not pass the role to the service',
  SERVICE_ROLE_TRUST: 'a service role does not trust its service',
  APPROVAL_PERMISSION: 'the approver may not call PutApprovalResult, or approves their own change',
  EXPLICIT_DENY: 'a Deny in an identity policy, SCP, RCP, boundary or resource policy decides it',
  ARTIFACT_ACCOUNT_BOUNDARY: 'an action in another account consumes an artifact it may not',
  IDENTITY_PERMISSION: "the principal's identity policy lacks the operation",
  RESOURCE_POLICY: 'the resource policy (topic, function) does not admit the principal',
  STRUCTURE: 'another structural rejection of the declaration',
  GUARDRAIL: 'an SCP, RCP, permissions boundary or session policy has no statement allowing the operation (no Deny: an allow is missing)',
  KEY_STATE: 'the KMS key is disabled',
  UNKNOWN_RESOURCE: 'the call names a key, alias, role or bucket the scenario does not have',
} as const;

/** A denial category code. */
export type Category = keyof typeof CATEGORIES;

/** Who makes a call. */
export type Caller =
  | {
      readonly kind: 'role';
      /** The role ARN (the principal behind the session). */
      readonly roleArn: string;
      /** The assumed-role session ARN. */
      readonly sessionArn: string;
      readonly sessionName: string;
    }
  | {
      readonly kind: 'service';
      /** The service principal, e.g. `codepipeline.amazonaws.com`. */
      readonly service: string;
      /** `aws:SourceArn` / `aws:SourceAccount` of the request, where the service sets them. */
      readonly sourceArn?: string;
      readonly sourceAccount?: string;
    };

/** Request facts beyond who, what and which. */
export interface RequestFacts {
  /** A service that makes the call on the caller's behalf (`s3.amazonaws.com` for SSE-KMS). */
  readonly viaService?: string;
  /** `s3:x-amz-server-side-encryption` sent with a PutObject. */
  readonly sseHeader?: string;
  /** `s3:x-amz-server-side-encryption-aws-kms-key-id` sent with a PutObject. */
  readonly sseKmsKeyId?: string;
  /** `s3:x-amz-acl`: the canned ACL sent with a PutObject or PutObjectAcl (`bucket-owner-full-control`). */
  readonly cannedAcl?: string;
  /** `kms:EncryptionContext:*` of the request. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly secureTransport?: boolean;
  readonly sourceVpce?: string;
  readonly sourceIp?: string;
  /** `iam:PassedToService` for iam:PassRole. */
  readonly passedToService?: string;
  readonly externalId?: string;
  readonly roleSessionName?: string;
  readonly sourceIdentity?: string;
}

/** One request to authorize. */
export interface Call {
  readonly caller: Caller;
  /** `service:Action`, e.g. `kms:Decrypt`. */
  readonly operation: string;
  /** The resource ARN. */
  readonly resource: string;
  /** The region the request is sent to. */
  readonly region: string;
  readonly facts?: RequestFacts;
}

/** The kind of policy a statement belongs to. */
export type PolicyKind =
  | 'identity'
  | 'trust'
  | 'key'
  | 'grant'
  | 'bucket'
  | 'topic'
  | 'function'
  | 'scp'
  | 'rcp'
  | 'boundary'
  | 'session'
  | 'aws-managed-key'
  | 'endpoint';

/** A statement that took part in a decision. */
export interface DecidingStatement {
  readonly policyKind: PolicyKind;
  /** The policy's name or ARN (inline policy name, managed policy ARN, key ARN, bucket name, SCP name). */
  readonly policy: string;
  readonly sid?: string;
  /** Zero-based index of the statement in the document. */
  readonly index: number;
  readonly effect: 'Allow' | 'Deny';
}

/** The verdict on one call, with why. */
export interface Evaluation {
  readonly decision: Decision;
  /** Statements that decided: the Deny for an explicit deny, the Allows for an allow. */
  readonly statements: readonly DecidingStatement[];
  /** Which documents lacked an allow, for an implicit deny. */
  readonly missingAllow: readonly PolicyKind[];
  /** One line saying why. */
  readonly explanation: string;
  /** For a denial: what is missing. */
  readonly category?: Category;
  /** The AWS access-denied message for a denial. */
  readonly message?: string;
  /** Context keys sent with the request. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** Problems met while evaluating (an erroring policy is skipped, not fatal). */
  readonly errors: readonly string[];
}

/** A structural problem of the declaration or the scenario: a model issue plus its denial category. */
export interface Issue extends ModelIssue {
  readonly category?: Category;
}

/** Status of an action, stage or execution. */
export type Status = 'Succeeded' | 'Failed' | 'Invalid';

/** Fields every trace event has. */
interface EventBase {
  readonly seq: number;
  readonly parentSeq: number | null;
  readonly stage?: string;
  readonly action?: string;
  /** Simulated clock (ISO 8601). */
  readonly time: string;
}

/** A recorded call with its decision. */
export interface CallEvaluatedEvent extends EventBase {
  readonly type: 'call.evaluated';
  readonly operation: string;
  /** Role (or service principal) behind the call. */
  readonly principal: string;
  readonly sessionArn?: string;
  readonly resource: string;
  readonly region: string;
  /** The account the caller belongs to. */
  readonly callerAccount: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  readonly decision: Decision;
  readonly statements: readonly DecidingStatement[];
  readonly missingAllow: readonly PolicyKind[];
  readonly explanation: string;
  readonly category?: Category;
  readonly message?: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** What the call is for, in words (`read input artifact BuildOutput`). */
  readonly purpose: string;
}

/** Any event in the trace. */
export type TraceEvent =
  | (EventBase & { readonly type: 'execution.started'; readonly pipeline: string; readonly executionId: string; readonly region: string; readonly account: string })
  | (EventBase & { readonly type: 'stage.started' })
  | (EventBase & { readonly type: 'action.started'; readonly provider: string; readonly account: string; readonly region: string; readonly roleArn: string; readonly runOrder: number })
  | CallEvaluatedEvent
  | (EventBase & { readonly type: 'artifact.replicated'; readonly artifact: string; readonly from: string; readonly to: string; readonly fromRegion: string; readonly toRegion: string })
  | (EventBase & { readonly type: 'variables.resolved'; readonly variables: Readonly<Record<string, string>> })
  | (EventBase & { readonly type: 'approval.requested'; readonly topic?: string; readonly reviewUrl?: string })
  | (EventBase & { readonly type: 'approval.answered'; readonly approver: string; readonly result: 'Approved' | 'Rejected'; readonly note?: string })
  | (EventBase & { readonly type: 'note.added'; readonly text: string })
  | (EventBase & { readonly type: 'stack-instance.started'; readonly account: string; readonly region: string })
  | (EventBase & { readonly type: 'stack-instance.finished'; readonly account: string; readonly region: string; readonly status: 'Succeeded' | 'Failed'; readonly message?: string })
  | (EventBase & { readonly type: 'rollback.started'; readonly scope: 'stage' | 'action'; readonly reason: string; readonly target?: string })
  | (EventBase & { readonly type: 'action.finished'; readonly status: 'Succeeded' | 'Failed'; readonly message?: string })
  | (EventBase & { readonly type: 'stage.finished'; readonly status: 'Succeeded' | 'Failed' })
  | (EventBase & { readonly type: 'execution.finished'; readonly status: Status });

/** The first denial, as the JSON contract names it. */
export interface FirstDenial {
  readonly seq: number;
  readonly stage: string | null;
  readonly action: string | null;
  readonly operation: string;
  readonly principal: string;
  readonly sessionArn: string | null;
  readonly resource: string;
  readonly decision: Decision;
  readonly category: Category;
  readonly message: string;
}

/**
 * A CloudTrail record (the fields pipesim fills), in CloudTrail's own field names
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 */
export interface CloudTrailRecord {
  readonly eventVersion: string;
  readonly userIdentity: Readonly<Record<string, unknown>>;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters: Readonly<Record<string, unknown>> | null;
  readonly responseElements: Readonly<Record<string, unknown>> | null;
  readonly requestID: string;
  readonly eventID: string;
  readonly readOnly?: boolean;
  readonly resources?: readonly { readonly ARN: string; readonly accountId?: string; readonly type?: string }[];
  readonly eventType: 'AwsApiCall';
  readonly managementEvent: boolean;
  readonly recipientAccountId: string;
  readonly sharedEventID?: string;
  readonly eventCategory: 'Management' | 'Data';
  /** The trace event that caused this record. */
  readonly seq: number;
}

/** An EventBridge event in CodePipeline's format. */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: 'aws.codepipeline';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
  /** The trace event that caused this event. */
  readonly seq: number;
}

/** What `simulate()` returns; the same object is `run --json`. */
export interface SimulationResult {
  readonly formatVersion: 1;
  readonly scenario: string;
  readonly status: Status;
  readonly firstDenial: FirstDenial | null;
  readonly issues: readonly Issue[];
  readonly events: readonly TraceEvent[];
  readonly cloudTrail: readonly CloudTrailRecord[];
  readonly eventBridge: readonly EventBridgeEvent[];
}
