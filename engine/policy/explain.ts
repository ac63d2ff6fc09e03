/** The explanation of a decision: one sentence that names the policy, the statement or the condition that decided it. */
import type { Arm } from './combine.js';
import { describeKind, describePolicy, describeStatement } from './describe.js';
import { grantLabel } from './kms.js';
import { originalConditionKey } from './policy-rewrite.js';
import type { PolicyUse } from './policy-use.js';
import type { Analysis, Layer, Layers, ResourceLayer } from './analysis-layers.js';
import type { Plan } from './request-plan.js';
import type { DecidingStatement, PolicyKind } from '../types.js';

/** Why the Allow statements of a layer that name the caller did not match: their unmet conditions. */
function nearMisses(layer: Layer | ResourceLayer | undefined): string | undefined {
  for (const s of layer?.unmatchedStatements ?? []) {
    if (s.statement.effect() !== 'Allow' || !s.actionMatch || !s.resourceMatch || s.principalMatch === 'NoMatch' || s.conditionMatch === 'Match') continue;
    const failed = (s.explain.conditions ?? []).filter((c) => !c.matches);
    if (failed.length === 0) continue;
    const sid = s.statement.sid();
    const conds = failed
      .map((c) => {
        const key = originalConditionKey(c.conditionKeyValue);
        return `\`${c.operator} ${key}\`${c.failedBecauseMissing ? ` (the request has no \`${key}\`)` : ''}`;
      })
      .join(', ');
    return `statement ${sid ? `\`${sid}\`` : `#${s.statement.index() - 1}`} would allow it, but its condition ${conds} is not met`;
  }
  return undefined;
}

/** The one-sentence explanation of a decision by the arm of the combination table that decided it. */
export function explain(plan: Plan, a: Analysis, arm: Arm, l: Layers, missing: readonly PolicyKind[], statements: readonly DecidingStatement[]): string {
  const op = `\`${plan.call.operation}\``;
  const who = `\`${plan.callerName}\``;
  const res = `\`${plan.resource}\``;
  switch (arm) {
    case 'unresolved':
      return plan.unresolved?.text ?? 'the resource is not in this scenario';
    case 'explicit-deny': {
      const [first, ...rest] = statements;
      if (!first) return `a Deny statement denies ${op} on ${res}`;
      return `${describeStatement(first)} denies ${op} on ${res}${rest.length ? ` (and ${rest.length} more Deny statement${rest.length > 1 ? 's' : ''})` : ''}`;
    }
    case 'key-disabled':
      return `the policies allow ${op}, but key ${res} is disabled`;
    case 'engine-allow':
    case 'session-arn-resource': {
      const core = statements.filter((s) => s.policyKind !== 'scp' && s.policyKind !== 'rcp');
      const shown = (core.length ? core : statements).slice(0, 3).map(describeStatement).join('; ');
      const extra = arm === 'session-arn-resource' ? ' (it names the session ARN, so the session policy does not limit it)' : '';
      return `allowed: ${shown || 'the policies allow it'}${extra}`;
    }
    case 'kms-grant': {
      const g = plan.grants[0];
      return `allowed by grant \`${g ? grantLabel(g.grant, g.index) : '?'}\` of ${res}${g?.kind === 'account' ? ` (granted to the account, and an identity policy of ${who} allows it)` : ''}; no key-policy statement allows it`;
    }
    case 'guardrail': {
      const kind = l.scp === 'ImplicitlyDenied' ? 'scp' : 'rcp';
      const levels = kind === 'scp' ? a.scpAnalysis?.ouAnalysis : a.rcpAnalysis?.ouAnalysis;
      const target = levels?.find((x) => x.result === 'ImplicitlyDenied')?.orgIdentifier ?? '?';
      const core = missing.filter((k) => k !== 'scp' && k !== 'rcp');
      return `no ${kind === 'scp' ? 'service control policy' : 'resource control policy'} attached to \`${target}\` allows ${op}${core.length ? `; the ${core.join(' and ')} ${core.length > 1 ? 'policies do' : 'policy does'} not allow it either` : ''}`;
    }
    case 'missing-allow':
      return explainMissing(plan, a, l, missing);
  }
}

function explainMissing(plan: Plan, a: Analysis, l: Layers, missing: readonly PolicyKind[]): string {
  const op = `\`${plan.call.operation}\``;
  const who = `\`${plan.callerName}\``;
  const res = `\`${plan.resource}\``;
  const core = missing.find((k) => k !== 'scp' && k !== 'rcp' && k !== 'boundary' && k !== 'session');
  const near = (text: string, layer: Parameters<typeof nearMisses>[0]) => {
    const n = nearMisses(layer);
    return n ? `${text}; ${n}` : text;
  };
  const grantNote = () => {
    const g = plan.grants.find((x) => x.kind === 'near');
    return g && g.kind === 'near' ? `; grant \`${grantLabel(g.grant, g.index)}\` names it, but ${g.why}` : '';
  };
  if (plan.awsManagedKey && !plan.sameAccount && plan.callerKind === 'role') {
    return `${res} is an AWS managed key: its fixed key policy serves only principals of account \`${plan.resourceAccount}\` through S3, so ${who} of account \`${plan.callerAccount ?? '?'}\` cannot use it (use a customer managed key)`;
  }
  if (plan.awsManagedKey && core === 'aws-managed-key') {
    const via = plan.context['kms:ViaService'];
    return via
      ? near(`the AWS managed key policy of ${res} allows its account only through S3 in its own region, and this call comes through \`${String(via)}\``, a.resourceAnalysis)
      : `the AWS managed key policy of ${res} allows its account only through S3 (\`kms:ViaService\`); this call is made directly, not through S3`;
  }
  switch (core) {
    case 'trust':
      if (plan.callerKind === 'service') return near(`the trust policy of ${res} does not trust \`${plan.principal}\``, a.resourceAnalysis);
      if (plan.resourcePolicyAbsent) return `${res} has no trust policy`;
      return near(`the trust policy of ${res} has no statement that allows ${who} to call ${op}`, a.resourceAnalysis);
    case 'key':
      if (plan.resourcePolicyAbsent) return `${res} has no key policy, and a key policy is always required`;
      return near(`the key policy of ${res} has no statement that allows ${who} to call ${op}${l.identity === 'Allowed' && plan.sameAccount ? ' (the identity policy allows it, but IAM policies count only where the key policy names the account)' : ''}`, a.resourceAnalysis) + grantNote();
    case 'bucket':
    case 'topic':
    case 'function': {
      const noun = core === 'bucket' ? 'bucket' : core === 'topic' ? 'topic' : 'function';
      if (!plan.resourcePolicy) return `${noun} ${res} has no ${noun === 'function' ? 'resource-based' : noun} policy, and across accounts it must allow ${who} as well as the identity policy`;
      return near(`${describeKind(core, plan.resourcePolicy.name)} has no statement that allows ${who} to call ${op}${plan.sameAccount ? '' : ', and across accounts both sides must allow'}`, a.resourceAnalysis);
    }
    case 'identity': {
      const delegated = l.resource === 'AllowedForAccount' && plan.resourcePolicy ? `${describePolicy(plan.resourcePolicy)} leaves ${op} to IAM in account \`${plan.callerAccount ?? '?'}\`, but ` : '';
      const cross = !delegated && !plan.sameAccount && l.resource === 'Allowed' ? `${describePolicy(plan.resourcePolicy as PolicyUse)} allows it, but across accounts ` : '';
      return near(`${delegated}${cross}no identity policy of ${who} allows ${op} on ${res}`, a.identityAnalysis) + (plan.key ? grantNote() : '');
    }
    case undefined:
      break;
    default:
      return `${describeKind(core, plan.resourcePolicy?.name ?? plan.resource)} does not allow ${op}`;
  }
  if (missing.includes('boundary')) return near(`the permissions boundary \`${plan.boundary?.name ?? '?'}\` of ${who} does not allow ${op} on ${res}`, a.permissionBoundaryAnalysis);
  if (missing.includes('session')) return near(`the session policy of \`${plan.principal}\` does not allow ${op} on ${res}`, a.sessionAnalysis);
  if (!plan.sameAccount) return `${op} on ${res} of account \`${plan.resourceAccount}\` cannot be granted to account \`${plan.callerAccount ?? '?'}\`: the resource has no resource-based policy, so only principals of its own account can call it`;
  return `nothing allows ${op} on ${res} for ${who}`;
}

