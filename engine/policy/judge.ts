/**
 * The judgement: combines the engine's layer results with what pipesim adds (KMS grants, key
 * state, session-ARN resource policies) by one table (engine/policy/combine.ts), and names the
 * deciding statements, the missing allows, the category and the AccessDenied message.
 */
import { categorize } from './categorize.js';
import { combine, type Arm } from './combine.js';
import { accessDeniedMessage, type DenialReason, type DenyingPolicyType } from './denial-message.js';
import { explain } from './explain.js';
import { grantLabel } from './kms.js';
import { FULL_AWS_ACCESS_NAME } from './org-policies.js';
import { layersOf, type Analysis, type Layers, type StatementAnalysis } from './analysis-layers.js';
import type { Plan, Refusal } from './request-plan.js';
import type { DecidingStatement, Evaluation, PolicyKind } from '../types.js';

/** Decides a planned request from the engine's analysis: decision, deciding statements, missing allows, category, message. */
export function judge(plan: Plan, a: Analysis): Evaluation {
  const layers = layersOf(plan, a);
  const usable = plan.grants[0];
  const combined = combine({
    engine: a.result,
    unresolved: false,
    ...layers,
    sameAccount: plan.sameAccount,
    keyDisabled: plan.key !== undefined && !plan.key.enabled,
    grant: usable?.kind === 'match' ? 'principal' : usable?.kind === 'account' ? 'account' : 'none',
    resourceNamesSession: namesSession(plan, a),
  });
  const missingAllow = combined.decision === 'ImplicitlyDenied' && combined.arm !== 'key-disabled' ? missingAllows(plan, layers) : [];
  const statements = decidingStatements(plan, a, combined.arm);
  const category = categorize({
    arm: combined.arm,
    operation: plan.call.operation,
    callerKind: plan.callerKind,
    missingAllow,
    awsManagedKeyOtherAccount: plan.awsManagedKey && !plan.sameAccount,
    unresolved: undefined,
  });
  const reason = denialReason(plan, a, combined.arm, missingAllow);
  // S3 Block Public Access (RestrictPublicBuckets) denies cross-account use of a public bucket
  // policy without any Deny statement; AWS reports it as an explicit deny in a resource-based
  // policy ("Access denied due to Block Public Access settings", troubleshoot-403-errors.html).
  const blockedPublic = combined.arm === 'explicit-deny' && statements.length === 0 && (a.blockedBy ?? []).includes('s3-bpa');
  return {
    decision: combined.decision,
    statements,
    missingAllow,
    explanation: blockedPublic
      ? `the bucket policy of \`${plan.resourcePolicy?.name ?? plan.resource}\` grants public access, and S3 Block Public Access (\`RestrictPublicBuckets\`) limits such a bucket to its own account and AWS services`
      : explain(plan, a, combined.arm, layers, missingAllow, statements),
    ...(blockedPublic ? { category: 'BUCKET_POLICY' as const } : category ? { category } : {}),
    ...(reason ? { message: accessDeniedMessage(subjectOf(plan), reason) } : {}),
    context: plan.context,
    errors: plan.errors,
  };
}

/** The denial of a request AWS refuses whatever the policies say (engine/policy/request-plan.ts `refusalOf`). */
export function refusedEvaluation(plan: Plan, r: Refusal): Evaluation {
  return { decision: 'ImplicitlyDenied', statements: [], missingAllow: [], explanation: r.text, category: r.category, message: r.message, context: plan.context, errors: plan.errors };
}

/** The denial of a request whose resource (key, bucket, role) is not in the world. */
export function unresolvedEvaluation(plan: Plan, u: NonNullable<Plan['unresolved']>): Evaluation {
  const category = categorize({ arm: 'unresolved', operation: plan.call.operation, callerKind: plan.callerKind, missingAllow: [], awsManagedKeyOtherAccount: false, unresolved: u.reason });
  return {
    decision: 'ImplicitlyDenied',
    statements: [],
    missingAllow: [],
    explanation: u.text,
    ...(category ? { category } : {}),
    message: accessDeniedMessage(subjectOf(plan), { kind: 'not-found', what: u.what }),
    context: plan.context,
    errors: plan.errors,
  };
}

/** The denial of a request the engine could not evaluate (a STRUCTURE problem, with why). */
export function failedEvaluation(plan: Plan, why: string): Evaluation {
  return {
    decision: 'ImplicitlyDenied',
    statements: [],
    missingAllow: [],
    explanation: why,
    category: 'STRUCTURE',
    message: accessDeniedMessage(subjectOf(plan), { kind: 'implicit', policyType: 'identity' }),
    context: plan.context,
    errors: [...plan.errors, why],
  };
}

function subjectOf(plan: Plan) {
  return { principal: plan.principal, operation: plan.call.operation, resource: plan.resource, sameAccountOrOrganization: plan.sameOrganization };
}

/** Whether an Allow of the resource policy names the caller's session ARN itself. */
function namesSession(plan: Plan, a: Analysis): boolean {
  if (plan.call.caller.kind !== 'role') return false;
  const session = plan.call.caller.sessionArn;
  return (a.resourceAnalysis?.allowStatements ?? []).some((s) => [s.explain.principals ?? []].flat().some((p) => p.principal === session && p.matches === 'Match'));
}

const SYNTHETIC_ALLOWS = new Set([FULL_AWS_ACCESS_NAME, 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess']);

function statementOf(kind: PolicyKind, policy: string, s: StatementAnalysis): DecidingStatement {
  const sid = s.statement.sid();
  return { policyKind: kind, policy, ...(sid ? { sid } : {}), index: s.statement.index() - 1, effect: s.statement.effect() === 'Deny' ? 'Deny' : 'Allow' };
}

/** The layers of an analysis, each with its kind and a statement → policy-name mapping. */
function layerStatements(plan: Plan, a: Analysis, pick: 'allowStatements' | 'denyStatements'): DecidingStatement[] {
  const out: DecidingStatement[] = [];
  const resourceKind = plan.resourcePolicy?.kind ?? 'bucket';
  const resourceName = plan.resourcePolicy?.name ?? plan.resource;
  for (const s of a.scpAnalysis?.ouAnalysis.flatMap((l) => l[pick]) ?? []) if (!SYNTHETIC_ALLOWS.has(s.policyId)) out.push(statementOf('scp', s.policyId, s));
  for (const s of a.rcpAnalysis?.ouAnalysis.flatMap((l) => l[pick]) ?? []) if (!SYNTHETIC_ALLOWS.has(s.policyId)) out.push(statementOf('rcp', s.policyId, s));
  for (const s of a.resourceAnalysis?.[pick] ?? []) out.push(statementOf(resourceKind, resourceName, s));
  for (const s of a.identityAnalysis?.[pick] ?? []) out.push(statementOf('identity', s.policyId, s));
  for (const s of a.permissionBoundaryAnalysis?.[pick] ?? []) out.push(statementOf('boundary', plan.boundary?.name ?? s.policyId, s));
  for (const s of a.sessionAnalysis?.[pick] ?? []) out.push(statementOf('session', plan.session?.name ?? 'session policy', s));
  return out;
}

function decidingStatements(plan: Plan, a: Analysis, arm: Arm): DecidingStatement[] {
  switch (arm) {
    case 'explicit-deny':
      return layerStatements(plan, a, 'denyStatements');
    case 'engine-allow':
      return layerStatements(plan, a, 'allowStatements');
    case 'kms-grant': {
      const g = plan.grants[0];
      const grant: DecidingStatement[] = g ? [{ policyKind: 'grant', policy: grantLabel(g.grant, g.index), index: g.index, effect: 'Allow' }] : [];
      const idAllows = g?.kind === 'account' ? layerStatements(plan, a, 'allowStatements').filter((s) => s.policyKind === 'identity') : [];
      return [...grant, ...idAllows];
    }
    case 'session-arn-resource':
      return layerStatements(plan, a, 'allowStatements').filter((s) => s.policyKind === plan.resourcePolicy?.kind);
    case 'unresolved':
    case 'guardrail':
    case 'key-disabled':
    case 'missing-allow':
      return [];
  }
}

/** Which documents lacked an allow: SCP, RCP, then the core policies, then boundary and session. */
function missingAllows(plan: Plan, l: Layers): PolicyKind[] {
  const out: PolicyKind[] = [];
  if (l.scp === 'ImplicitlyDenied') out.push('scp');
  if (l.rcp === 'ImplicitlyDenied') out.push('rcp');
  const rk = plan.resourcePolicy?.kind ?? defaultResourceKind(plan.call.operation);
  const idOk = l.identity === 'Allowed';
  const direct = l.resource === 'Allowed';
  const forAccount = l.resource === 'AllowedForAccount';
  if (plan.callerKind === 'service') {
    if (!direct && rk) out.push(rk);
  } else if (plan.explicitTrust) {
    // Trust and key policies are always required; IAM counts where they name the account, and
    // across accounts IAM must allow as well. A KMS grant to the account stands for the key side.
    const accountGrant = plan.grants[0]?.kind === 'account';
    if (!direct && !forAccount && !accountGrant && rk) out.push(rk);
    if (!idOk && (forAccount || accountGrant || !plan.sameAccount)) out.push('identity');
  } else if (plan.sameAccount) {
    // Same account: identity OR resource policy.
    if (!idOk && !direct && !forAccount) {
      out.push('identity');
      if (plan.resourcePolicy && rk) out.push(rk);
    }
  } else {
    // Across accounts: resource policy AND identity.
    if (!direct && !forAccount && rk) out.push(rk);
    if (!idOk) out.push('identity');
  }
  if (l.boundary === 'ImplicitlyDenied') out.push('boundary');
  if (l.session === 'ImplicitlyDenied') out.push('session');
  return out;
}

function defaultResourceKind(operation: string): PolicyKind | undefined {
  const service = operation.split(':')[0]?.toLowerCase();
  if (service === 's3') return 'bucket';
  if (service === 'sns') return 'topic';
  if (service === 'lambda') return 'function';
  return undefined;
}

function denyingType(kind: PolicyKind): DenyingPolicyType {
  switch (kind) {
    case 'scp':
      return 'scp';
    case 'rcp':
      return 'rcp';
    case 'trust':
      return 'trust';
    case 'key':
    case 'aws-managed-key':
    case 'bucket':
    case 'topic':
    case 'function':
    case 'grant':
      return 'resource';
    case 'identity':
      return 'identity';
    case 'boundary':
      return 'boundary';
    case 'session':
      return 'session';
    case 'endpoint':
      return 'endpoint';
  }
}

/** The reason the message states: AWS names one policy type, in its evaluation order. */
function denialReason(plan: Plan, a: Analysis, arm: Arm, missing: readonly PolicyKind[]): DenialReason | undefined {
  switch (arm) {
    case 'engine-allow':
    case 'kms-grant':
    case 'session-arn-resource':
    case 'unresolved':
      return undefined;
    case 'key-disabled':
      return { kind: 'key-disabled', keyArn: plan.resource };
    case 'explicit-deny': {
      const first = layerStatements(plan, a, 'denyStatements')[0];
      return { kind: 'explicit', policyType: first ? denyingType(first.policyKind) : 'resource' };
    }
    case 'guardrail':
    case 'missing-allow': {
      const first = missing[0];
      return { kind: 'implicit', policyType: first ? denyingType(first) : 'identity' };
    }
  }
}

