/** Missing allows: add what each document that must allow lacks, least privilege first, each way a document can be satisfied a candidate. Pure. */
import { parseArn, roleName } from '../../../model/arn.js';
import { asList } from '../../../model/policy-document.js';
import type { PolicyStatement } from '../../../model/schema.js';
import { findRole } from '../../../model/world.js';
import {
  addIdentityStatement,
  appendStatement,
  identityStatement,
  locatePolicy,
  pushOps,
  resourceStatement,
  roleIndex,
  shortName,
  sidFor,
  startDraft,
  statementList,
  type Condition,
  type Draft,
} from '../fix-statements.js';
import { policyChain } from '../../policy/org-policies.js';
import { pointer } from '../patch.js';
import type { PolicyKind } from '../../types.js';
import {
  principalOf,
  principalValues,
  requestCondition,
  scopedResource,
  serviceCondition,
  statementCovers,
  who,
  type DenialContext,
  type FixCandidate,
  type FixTarget,
} from './kit.js';

/** The documents that grant: identity and resource policies. */
const CORE_KINDS: ReadonlySet<PolicyKind> = new Set(['identity', 'trust', 'key', 'aws-managed-key', 'bucket', 'topic', 'function']);
/** The documents that only limit: organization policies, boundaries and session policies. */
const GUARD_KINDS: ReadonlySet<PolicyKind> = new Set(['scp', 'rcp', 'boundary', 'session']);

/** One way to satisfy one document that must allow. */
interface Alternative {
  readonly id: string;
  readonly target: FixTarget;
  /** Kinds this alternative satisfies (a grant to the role stands for key policy and IAM). */
  readonly covers: readonly PolicyKind[];
  /** Kinds it needs besides (root delegation needs the identity policy). */
  readonly requires?: readonly PolicyKind[];
  readonly warning?: string;
  /** Applies it to a draft; the words describing it, or undefined when it does not apply. */
  readonly apply: (draft: Draft) => string | undefined;
}

/** One candidate per way of satisfying every document that lacked an allow (the either-side choice of one account first). */
export function missingAllowCandidates(dc: DenialContext): FixCandidate[] {
  const kinds = dc.ev.missingAllow;
  const core = kinds.filter((k) => CORE_KINDS.has(k));
  const guards = kinds.filter((k) => GUARD_KINDS.has(k));
  if (core.length === 0 && guards.length === 0) return [];
  const rk = core.find((k) => k !== 'identity');
  // Same account, and a resource policy that is not required: either side alone is enough.
  let options: PolicyKind[][] = [core];
  if (dc.sameAccount && rk && (rk === 'bucket' || rk === 'topic' || rk === 'function') && core.includes('identity')) {
    const resourceFirst = !dc.options.preferIdentity && (dc.category === 'BUCKET_POLICY' || dc.category === 'RESOURCE_POLICY');
    options = resourceFirst ? [[rk], ['identity']] : [['identity'], [rk]];
  }
  const out: FixCandidate[] = [];
  for (const required of options) {
    const primary = required.find((k) => k !== 'identity') ?? required[0];
    const primaries = primary ? alternativesFor(primary, dc) : [];
    // Only guardrails are missing: the guardrail alternatives are the fix.
    const heads = primaries.length > 0 ? primaries : guards.length > 0 ? [undefined] : [];
    for (const head of heads) {
      const draft = startDraft(dc.scenario);
      const words: string[] = [];
      const warnings: string[] = [];
      let ok = true;
      const covered = new Set<PolicyKind>();
      const use = (alt: Alternative | undefined) => {
        if (!ok) return;
        if (!alt) {
          ok = false;
          return;
        }
        const w = alt.apply(draft);
        if (w === undefined) {
          ok = false;
          return;
        }
        words.push(w);
        if (alt.warning) warnings.push(alt.warning);
        for (const k of alt.covers) covered.add(k);
      };
      if (head) use(head);
      const needed = [...required, ...(head?.requires ?? [])];
      for (const k of needed) if (!covered.has(k)) use(alternativesFor(k, dc)[0]);
      for (const g of guards) if (!covered.has(g)) use(alternativesFor(g, dc)[0]);
      if (!ok || draft.ops.length === 0) continue;
      out.push({
        id: head?.id ?? 'guardrail',
        group: `${required.join('+')}:${head?.id.replace(/-(bare|with-identity)$/, '') ?? 'guardrail'}`,
        target: head?.target ?? 'guardrail',
        description: words.join('; '),
        patch: draft.ops,
        ...(warnings.length ? { warning: warnings.join('; ') } : {}),
      });
    }
  }
  return out;
}

/** The ways to satisfy one kind of document, best first. */
function alternativesFor(kind: PolicyKind, dc: DenialContext): Alternative[] {
  const op = dc.ev.operation;
  const res = scopedResource(dc.scenario, op, dc.resource);
  const cond = requestCondition(dc);
  const principal = principalOf(dc);
  const who_ = who(dc);
  const viaWords = (c: Condition | undefined) => {
    const v = c?.['StringEquals']?.['kms:ViaService'] ?? c?.['StringEquals']?.['iam:PassedToService'];
    return v ? ` (only ${c?.['StringEquals']?.['kms:ViaService'] ? 'through' : 'passed to'} \`${String(v)}\`)` : '';
  };
  const withAndWithout = (c: Condition | undefined) => (c ? [c, undefined] : [undefined]);
  switch (kind) {
    case 'identity': {
      const role = dc.callerRole;
      if (!role) return [];
      return withAndWithout(cond).map((c, i) => ({
        id: i === 0 ? 'identity-policy' : 'identity-policy-bare',
        target: 'identity-policy' as const,
        covers: ['identity'],
        apply: (draft: Draft) => {
          const sid = addIdentityStatement(draft, role.arn, identityStatement(sidFor('Allow', op), op, res, c));
          return sid ? `identity policy of \`${roleName(role.arn)}\`: allow \`${op}\` on \`${res}\`${viaWords(c)}` : undefined;
        },
      }));
    }
    case 'trust': {
      const target = findRole(dc.world, dc.resource);
      if (!target || !principal) return [];
      const conds = dc.service ? withAndWithout(serviceCondition(dc)) : [undefined];
      return conds.map((c, i) => ({
        id: i === 0 ? 'trust-policy' : 'trust-policy-bare',
        target: 'trust-policy' as const,
        covers: ['trust'],
        apply: (draft: Draft) => {
          const i2 = roleIndex(draft.scenario, target.arn);
          const sid = appendStatement(draft, pointer('roles', i2, 'trustPolicy'), resourceStatement(sidFor('Trust', dc.callerRole ? roleName(dc.callerRole.arn) : dc.service ?? 'caller'), principal, op, undefined, c));
          const limits = c ? ` (for requests from account \`${String(c['StringEquals']?.['aws:SourceAccount'] ?? '')}\` and \`${String(c['ArnLike']?.['aws:SourceArn'] ?? '')}\`)` : '';
          return sid ? `trust policy of \`${roleName(target.arn)}\`: allow ${who_} to \`${op}\`${limits}` : undefined;
        },
      }));
    }
    case 'key': {
      const key = dc.key;
      if (!key || !principal || key.keyManager === 'AWS') return [];
      const k = dc.scenario.keys.findIndex((x) => x.arn === key.arn);
      if (k < 0) return [];
      const keyStatement = (p: { readonly AWS: string } | { readonly Service: string }, c: Condition | undefined, sid: string) => (draft: Draft) =>
        appendStatement(draft, pointer('keys', k, 'policy'), resourceStatement(sid, p, op, key.arn, c));
      const out: Alternative[] = withAndWithout(cond).map((c, i) => ({
        id: i === 0 ? 'key-policy' : 'key-policy-bare',
        target: 'key-policy' as const,
        covers: ['key'],
        apply: (draft: Draft) => (keyStatement(principal, c, sidFor('Allow', shortName(dc.ev.principal), op))(draft) ? `key policy of \`${key.arn}\`: allow ${who_} to \`${op}\`${viaWords(c)}` : undefined),
      }));
      if (dc.callerRole) {
        const role = dc.callerRole;
        const opName = op.split(':')[1] ?? op;
        out.push({
          id: 'key-grant',
          target: 'key-grant',
          covers: ['key', 'identity'],
          apply: (draft) => {
            const grant = { name: `${roleName(role.arn)}-${opName}`, granteePrincipal: role.arn, operations: [opName] };
            return pushOps(draft, { op: 'add', path: pointer('keys', k, 'grants', '-'), value: grant }) ? `grant on key \`${key.arn}\`: \`${role.arn}\` may \`${opName}\` (no key-policy or IAM change)` : undefined;
          },
        });
        const account = parseArn(role.arn)?.account ?? '';
        const root = `arn:aws:iam::${account}:root`;
        const delegates = statementList(key.policy).some((s) => s.Effect === 'Allow' && asList(principalValues(s)).includes(root));
        if (!delegates) {
          for (const withIdentity of dc.sameAccount && !dc.ev.missingAllow.includes('identity') ? [false, true] : [true]) {
            out.push({
              id: withIdentity ? 'key-root-delegation-with-identity' : 'key-root-delegation-bare',
              target: 'key-policy',
              covers: ['key'],
              ...(withIdentity ? { requires: ['identity' as const] } : {}),
              apply: (draft) =>
                keyStatement({ AWS: root }, cond, sidFor('Delegate', account, op))(draft)
                  ? `key policy of \`${key.arn}\`: delegate \`${op}\`${viaWords(cond)} to account \`${account}\`, whose IAM policies then decide`
                  : undefined,
            });
          }
        }
      }
      return out;
    }
    case 'bucket':
    case 'topic':
    case 'function': {
      if (!principal) return [];
      const bucketName = kind === 'bucket' ? (parseArn(dc.resource)?.resource.split('/')[0] ?? '') : '';
      const loc = locatePolicy(dc.scenario, kind, kind === 'bucket' ? bucketName : dc.resource);
      if (!loc) return [];
      return [
        {
          id: kind === 'bucket' ? 'bucket-policy' : 'resource-policy',
          target: kind === 'bucket' ? 'bucket-policy' : 'resource-policy',
          covers: [kind],
          apply: (draft) => (appendStatement(draft, loc.pointer, resourceStatement(sidFor('Allow', shortName(dc.ev.principal), op), principal, op, res)) ? `${loc.label.replace(/^the /, '')}: allow ${who_} to \`${op}\` on \`${res}\`` : undefined),
        },
      ];
    }
    case 'boundary':
    case 'session': {
      const role = dc.callerRole;
      if (!role) return [];
      const loc = kind === 'boundary' ? (role.permissionsBoundary ? locatePolicy(dc.scenario, 'boundary', role.permissionsBoundary) : undefined) : locatePolicy(dc.scenario, 'session', '', role.arn);
      if (!loc) return [];
      return [
        {
          id: kind === 'boundary' ? 'permissions-boundary' : 'session-policy',
          target: 'guardrail',
          covers: [kind],
          ...(kind === 'boundary' ? { warning: `the permissions boundary \`${role.permissionsBoundary ?? ''}\` is a managed policy: it now leaves room for \`${op}\` on \`${res}\` to every role it bounds` } : {}),
          apply: (draft) => (appendStatement(draft, loc.pointer, identityStatement(sidFor('Allow', op), op, res, cond)) ? `${loc.label.replace(/^the /, '')}: allow \`${op}\` on \`${res}\`` : undefined),
        },
      ];
    }
    case 'scp': {
      const role = dc.callerRole;
      if (!role) return [];
      const levels = policyChain(dc.world, dc.ev.callerAccount, 'SERVICE_CONTROL_POLICY');
      const lacking = levels.filter((l) => !l.policies.some((p) => statementList(p.document).some((s) => s.Effect === 'Allow' && statementCovers(s, op, dc.resource))));
      if (lacking.length === 0) return [];
      const byCondition = { ArnEquals: { 'aws:PrincipalArn': role.arn } };
      return [byCondition, undefined].map((c, i) => ({
        id: i === 0 ? 'scp-allow' : 'scp-allow-bare',
        target: 'guardrail' as const,
        covers: ['scp'],
        warning: `changes a service control policy: ${lacking.map((l) => `\`${l.target}\``).join(', ')} now allow \`${op}\` on \`${res}\`${c ? ` for \`${role.arn}\`` : ' for every principal below'}`,
        apply: (draft: Draft) => {
          const names: string[] = [];
          for (const level of lacking) {
            const policy = level.policies.find((p) => statementList(p.document).some((s) => s.Effect === 'Allow'));
            if (!policy) return undefined;
            const loc = locatePolicy(draft.scenario, 'scp', policy.name);
            if (!loc || !appendStatement(draft, loc.pointer, { ...identityStatement(sidFor('Allow', roleName(role.arn), op), op, res), ...(c ? { Condition: c as PolicyStatement['Condition'] } : {}) })) return undefined;
            names.push(`\`${policy.name}\``);
          }
          return `SCP ${names.join(', ')}: allow \`${op}\` on \`${res}\`${c ? ` for \`${role.arn}\`` : ''}`;
        },
      }));
    }
    case 'aws-managed-key':
    case 'rcp':
    case 'grant':
    case 'endpoint':
      return [];
  }
}
