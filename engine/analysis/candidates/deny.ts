/** Explicit denies: narrow the Deny for exactly this principal and resource (or exempt the principal), with a warning. Pure. */
import { roleName } from '../../../model/arn.js';
import { asList } from '../../../model/policy-document.js';
import type { PolicyStatement } from '../../../model/schema.js';
import { appendStatement, locatePolicy, pushOps, startDraft, statementList, type Draft } from '../fix-statements.js';
import type { PolicyKind } from '../../types.js';
import type { DenialContext, FixCandidate } from './kit.js';

/** Condition operators through which a Deny already exempts principals by `aws:PrincipalArn`. */
const PRINCIPAL_EXEMPTION_OPERATORS = ['ArnNotLike', 'ArnNotEquals', 'StringNotLike', 'StringNotEquals'];

/** Narrow every deciding Deny for the caller on this resource (an exception), then exempt the caller altogether (an exemption). */
export function denyCandidates(dc: DenialContext): FixCandidate[] {
  const role = dc.callerRole;
  if (!role) return [];
  const denies = dc.ev.statements.filter((s) => s.effect === 'Deny');
  if (denies.length === 0) return [];
  const out: FixCandidate[] = [];
  for (const broad of [false, true]) {
    const draft = startDraft(dc.scenario);
    const words: string[] = [];
    let ok = true;
    // Later statements first, so replacing one never shifts the index of another of the same document.
    for (const d of [...denies].sort((a, b) => b.index - a.index)) {
      const loc = locatePolicy(draft.scenario, d.policyKind, d.policy, role.arn);
      const statement = loc ? statementList(loc.document)[d.index] : undefined;
      if (!loc || !statement) {
        ok = false;
        break;
      }
      const w = narrowDeny(draft, loc.pointer, loc.label, d.index, statement, d.policyKind, role.arn, dc.ev.resource, broad);
      if (!w) {
        ok = false;
        break;
      }
      words.push(w);
    }
    if (!ok || draft.ops.length === 0) continue;
    const patch = draft.ops;
    if (out.some((c) => JSON.stringify(c.patch) === JSON.stringify(patch))) continue;
    out.push({
      id: broad ? 'deny-exemption' : 'deny-exception',
      group: broad ? 'deny-exemption' : 'deny-exception',
      target: 'deny',
      description: words.join('; '),
      patch,
      warning: `weakens a guardrail: ${broad ? `\`${role.arn}\` is exempt from the Deny altogether` : `the Deny no longer applies to \`${role.arn}\` on \`${dc.ev.resource}\``}; make sure that is intended`,
    });
  }
  return out;
}

/** Narrows one Deny statement in place; the words, or undefined when it cannot be narrowed. */
function narrowDeny(draft: Draft, docPointer: string, label: string, index: number, s: PolicyStatement, kind: PolicyKind, principalArn: string, resource: string, broad: boolean): string | undefined {
  const sid = s.Sid ? `\`${s.Sid}\`` : `#${index}`;
  const docValue = ((): unknown => {
    let node: unknown = draft.scenario;
    for (const raw of docPointer.split('/').slice(1)) node = (node as Record<string, unknown>)[raw.replaceAll('~1', '/').replaceAll('~0', '~')];
    return node;
  })() as { Statement: unknown };
  const isList = Array.isArray(docValue.Statement);
  const statementPointer = isList ? `${docPointer}/Statement/${index}` : `${docPointer}/Statement`;
  const ownPolicy = kind === 'identity' || kind === 'boundary' || kind === 'session';
  if (broad) {
    // Add the principal to an exemption the statement already has (`ArnNotLike aws:PrincipalArn`).
    if (ownPolicy) return undefined;
    for (const operator of PRINCIPAL_EXEMPTION_OPERATORS) {
      const block = s.Condition?.[operator];
      const keyName = block ? Object.keys(block).find((k) => k.toLowerCase() === 'aws:principalarn') : undefined;
      if (!block || !keyName) continue;
      const values = asList(block[keyName] as string | string[]);
      const next: PolicyStatement = { ...s, Condition: { ...s.Condition, [operator]: { ...block, [keyName]: [...values.map(String), principalArn] } } };
      return pushOps(draft, { op: 'replace', path: statementPointer, value: next }) ? `${label.replace(/^the /, '')}: exempt \`${principalArn}\` from Deny ${sid} (\`${operator} ${keyName}\`)` : undefined;
    }
    return undefined;
  }
  if (ownPolicy) {
    // The caller's own policy: carve the resource out of the Deny.
    if (s.Resource !== undefined && asList(s.Resource).every((r) => r === '*')) {
      const { Resource: _dropped, ...rest } = s;
      void _dropped;
      return pushOps(draft, { op: 'replace', path: statementPointer, value: { ...rest, NotResource: [resource] } }) ? `${label.replace(/^the /, '')}: Deny ${sid} no longer covers \`${resource}\`` : undefined;
    }
    if (s.NotResource !== undefined) {
      return pushOps(draft, { op: 'replace', path: statementPointer, value: { ...s, NotResource: [...asList(s.NotResource), resource] } }) ? `${label.replace(/^the /, '')}: Deny ${sid} no longer covers \`${resource}\`` : undefined;
    }
    return undefined;
  }
  // A resource policy or an organization policy: everyone else as before; this principal on every other resource as before.
  const addCondition = (st: PolicyStatement, operator: string, value: string): PolicyStatement => {
    const block = { ...(st.Condition?.[operator] ?? {}) } as Record<string, string | number | boolean | (string | number | boolean)[]>;
    const keyName = Object.keys(block).find((k) => k.toLowerCase() === 'aws:principalarn') ?? 'aws:PrincipalArn';
    block[keyName] = [...asList(block[keyName] as string | string[] | undefined).map(String), value];
    return { ...st, Condition: { ...(st.Condition ?? {}), [operator]: block } };
  };
  const others = addCondition(s, 'ArnNotEquals', principalArn);
  let mine: PolicyStatement | undefined;
  if (s.Resource !== undefined && asList(s.Resource).every((r) => r === '*')) {
    const { Resource: _dropped, ...rest } = s;
    void _dropped;
    mine = addCondition({ ...rest, NotResource: [resource] }, 'ArnEquals', principalArn);
  } else if (s.NotResource !== undefined) {
    mine = addCondition({ ...s, NotResource: [...asList(s.NotResource), resource] }, 'ArnEquals', principalArn);
  }
  if (!pushOps(draft, { op: 'replace', path: statementPointer, value: others })) return undefined;
  if (mine) {
    const base = { ...mine, Sid: `${s.Sid ?? 'Deny'}Except${roleName(principalArn)}` } as PolicyStatement & { Sid: string };
    if (!appendStatement(draft, docPointer, base)) return undefined;
    return `${label.replace(/^the /, '')}: Deny ${sid} no longer applies to \`${principalArn}\` on \`${resource}\` (split: everyone else as before; \`${roleName(principalArn)}\` everywhere else)`;
  }
  return `${label.replace(/^the /, '')}: Deny ${sid} no longer applies to \`${principalArn}\``;
}
