/**
 * The category of a denial (DESIGN.md, "The first denial, classified"): which piece is missing.
 * Pure.
 */
import type { Arm } from './combine.js';
import type { Category, PolicyKind } from '../types.js';

/** What the classifier needs about a denial. */
export interface DenialFacts {
  readonly arm: Arm;
  readonly operation: string;
  readonly callerKind: 'role' | 'service';
  /** Documents that lacked an allow, in AWS's evaluation order (SCP, RCP, core policies, boundary, session). */
  readonly missingAllow: readonly PolicyKind[];
  /** The key is AWS managed and the caller belongs to another account. */
  readonly awsManagedKeyOtherAccount: boolean;
  /** Why the call's resource did not resolve, when it did not. */
  readonly unresolved: 'alias-other-account' | 'unknown' | undefined;
}

const RESOURCE_KINDS: ReadonlySet<PolicyKind> = new Set(['trust', 'key', 'aws-managed-key', 'bucket', 'topic', 'function']);
const GUARDRAIL_KINDS: ReadonlySet<PolicyKind> = new Set(['scp', 'rcp', 'boundary', 'session']);

/** Classifies a denial; undefined for an allowed request. Pure. */
export function categorize(f: DenialFacts): Category | undefined {
  // The first core policy lacking an allow, in the order the regime lists them (resource side
  // first where it is required, identity first within one account).
  const core = f.missingAllow.find((k) => !GUARDRAIL_KINDS.has(k));
  const service = f.operation.split(':')[0]?.toLowerCase();
  const op = f.operation.toLowerCase();
  switch (f.arm) {
    case 'engine-allow':
    case 'kms-grant':
    case 'session-arn-resource':
      return undefined;
    case 'unresolved':
      return f.unresolved === 'alias-other-account' ? 'KEY_ALIAS_CROSS_ACCOUNT' : 'UNKNOWN_RESOURCE';
    case 'explicit-deny':
      return 'EXPLICIT_DENY';
    case 'key-disabled':
      return 'KEY_STATE';
    case 'guardrail':
    case 'missing-allow':
      break;
  }
  // The core policies first: fixing a guardrail alone would not let the call through.
  if (op === 'sts:assumerole') {
    if (f.callerKind === 'service' && core) return 'SERVICE_ROLE_TRUST';
    if (core === 'trust') return 'TRUST_POLICY';
    if (core === 'identity') return 'CALLER_ASSUME_PERMISSION';
  } else if (service === 'kms') {
    if (f.awsManagedKeyOtherAccount) return 'AWS_MANAGED_KEY';
    if (core === 'key' || core === 'aws-managed-key') return 'KEY_POLICY';
    if (core === 'identity') return 'KEY_IDENTITY_PERMISSION';
  } else if (service === 's3') {
    if (core === 'bucket') return 'BUCKET_POLICY';
    if (core === 'identity') return 'BUCKET_IDENTITY_PERMISSION';
  } else if (op === 'iam:passrole') {
    // Identity is the only policy that can allow passing a role (there is no resource side).
    if (!onlyGuardrails(f.missingAllow)) return 'PASS_ROLE';
  } else if (op === 'codepipeline:putapprovalresult') {
    if (!onlyGuardrails(f.missingAllow)) return 'APPROVAL_PERMISSION';
  } else {
    if (core && RESOURCE_KINDS.has(core)) return 'RESOURCE_POLICY';
    if (core === 'identity') return 'IDENTITY_PERMISSION';
  }
  if (f.missingAllow.some((k) => GUARDRAIL_KINDS.has(k))) return 'GUARDRAIL';
  // Nothing named (e.g. a cross-account call to a service without resource policies).
  if (service === 'kms') return 'KEY_POLICY';
  if (service === 's3') return 'BUCKET_POLICY';
  return 'IDENTITY_PERMISSION';
}

function onlyGuardrails(missing: readonly PolicyKind[]): boolean {
  return missing.length > 0 && missing.every((k) => GUARDRAIL_KINDS.has(k));
}
