/**
 * Finds the policy document a deciding statement belongs to, in the scenario, and draws it
 * with the deciding statements marked. Reads the scenario only; it never evaluates a policy.
 */
import { awsManagedKeyPolicy } from '../../engine/policy/kms.js';
import { FULL_AWS_ACCESS } from '../../engine/policy/org-policies.js';
import type { CallEvaluatedEvent, DecidingStatement, PolicyKind } from '../../engine/types.js';
import { statementsOf } from '../../model/policy-document.js';
import { parseArn, roleName } from '../../model/arn.js';
import type { Grant, KmsKey, PolicyDocument, Role, Scenario } from '../../model/schema.js';
import { span, truncate, wrapLine, type Line } from './lines.js';
import type { Tone } from './theme.js';

/** A policy document found in the scenario, or a grant (KMS grants are not documents). */
export interface FoundPolicy {
  readonly kind: PolicyKind;
  /** What the document is, in words (`key policy of arn:…`). */
  readonly title: string;
  readonly document?: PolicyDocument;
  readonly grant?: Grant;
  /** Why no document is shown, when none is. */
  readonly note?: string;
}

/** How each kind of policy is named in the detail pane. */
export const POLICY_KIND_NAMES: Readonly<Record<PolicyKind, string>> = {
  identity: 'identity policy',
  trust: 'trust policy',
  key: 'key policy',
  grant: 'KMS grant',
  bucket: 'bucket policy',
  topic: 'topic policy',
  function: 'function policy',
  scp: 'SCP',
  rcp: 'RCP',
  boundary: 'permissions boundary',
  session: 'session policy',
  'aws-managed-key': 'AWS managed key policy',
  endpoint: 'VPC endpoint policy',
};

const lower = (s: string) => s.toLowerCase();

function findRoleByArnOrName(scenario: Scenario, ref: string): Role | undefined {
  const l = lower(ref);
  return scenario.roles.find((r) => lower(r.arn) === l) ?? scenario.roles.find((r) => lower(roleName(r.arn)) === l);
}

function findKey(scenario: Scenario, ref: string): KmsKey | undefined {
  const direct = scenario.keys.find((k) => k.arn === ref);
  if (direct) return direct;
  const arn = parseArn(ref);
  const id = arn?.resource.startsWith('key/') ? arn.resource : ref.startsWith('key/') ? ref : `key/${ref}`;
  return (
    scenario.keys.find((k) => parseArn(k.arn)?.resource === id && (!arn || (parseArn(k.arn)?.account === arn.account && parseArn(k.arn)?.region === arn.region))) ??
    scenario.keys.find((k) => k.aliases.includes(ref) || (arn?.resource.startsWith('alias/') && k.aliases.includes(arn.resource)))
  );
}

function bucketOf(ref: string): string {
  const arn = parseArn(ref);
  return arn && arn.service === 's3' ? (arn.resource.split('/')[0] ?? '') : ref;
}

function keyPolicy(key: KmsKey | undefined, ref: string): FoundPolicy {
  if (key?.policy) return { kind: 'key', title: `key policy of ${key.arn}`, document: key.policy };
  // An AWS managed key (or a key the world added for a store without one) has AWS's fixed policy.
  const arn = key?.arn ?? ref;
  if ((key && key.keyManager === 'AWS') || (!key && parseArn(arn)?.service === 'kms')) {
    return { kind: 'aws-managed-key', title: `fixed key policy of the AWS managed key ${arn}`, document: awsManagedKeyPolicy(arn) };
  }
  return { kind: 'key', title: `key policy of ${arn}`, note: 'the key has no key policy in the scenario' };
}

/** The identity policies of a role: inline by name, then attached managed ones. */
function identityPolicies(scenario: Scenario, role: Role): readonly FoundPolicy[] {
  const inline = Object.entries(role.inlinePolicies).map(([name, document]): FoundPolicy => ({ kind: 'identity', title: `inline policy ${name} of ${role.arn}`, document }));
  const managed = role.managedPolicies.map((arn): FoundPolicy => {
    const document = scenario.managedPolicies.find((p) => p.arn === arn)?.document;
    return document ? { kind: 'identity', title: `managed policy ${arn}`, document } : { kind: 'identity', title: `managed policy ${arn}`, note: 'not in the scenario' };
  });
  return [...inline, ...managed];
}

/**
 * The document a deciding statement names (`policy` is the inline policy name or managed
 * policy ARN, the role, key, bucket, topic or function ARN or name, or the SCP/RCP name). Pure.
 */
export function findDecidingPolicy(scenario: Scenario, event: CallEvaluatedEvent, st: Pick<DecidingStatement, 'policyKind' | 'policy' | 'index'>): FoundPolicy {
  const name = st.policy;
  const kindName = POLICY_KIND_NAMES[st.policyKind];
  switch (st.policyKind) {
    case 'identity': {
      const caller = findRoleByArnOrName(scenario, event.principal);
      const roles = caller ? [caller, ...scenario.roles.filter((r) => r !== caller)] : scenario.roles;
      for (const role of roles) {
        // The engine may name an inline policy alone or prefixed with its role (`Role/Policy`, `arn…:role/Role:Policy`).
        for (const [inline, document] of Object.entries(role.inlinePolicies)) {
          const prefixed = (name.endsWith(`/${inline}`) || name.endsWith(`:${inline}`)) && lower(name).includes(lower(roleName(role.arn)));
          if (name === inline || prefixed) return { kind: 'identity', title: `inline policy ${inline} of ${role.arn}`, document };
        }
      }
      const managed = scenario.managedPolicies.find((p) => p.arn === name);
      if (managed) return { kind: 'identity', title: `managed policy ${name}`, document: managed.document };
      return { kind: 'identity', title: `${kindName} ${name}`, note: 'not in the scenario (an AWS managed policy?)' };
    }
    case 'boundary': {
      const managed = scenario.managedPolicies.find((p) => p.arn === name) ?? scenario.managedPolicies.find((p) => p.arn === findRoleByArnOrName(scenario, name)?.permissionsBoundary);
      return managed ? { kind: 'boundary', title: `permissions boundary ${managed.arn}`, document: managed.document } : { kind: 'boundary', title: `permissions boundary ${name}`, note: 'not in the scenario' };
    }
    case 'session': {
      const role = findRoleByArnOrName(scenario, name) ?? findRoleByArnOrName(scenario, event.principal);
      return role?.sessionPolicy ? { kind: 'session', title: `session policy of ${role.arn}`, document: role.sessionPolicy } : { kind: 'session', title: `session policy ${name}`, note: 'not in the scenario' };
    }
    case 'trust': {
      const role = findRoleByArnOrName(scenario, name) ?? findRoleByArnOrName(scenario, event.resource);
      return role ? { kind: 'trust', title: `trust policy of ${role.arn}`, document: role.trustPolicy } : { kind: 'trust', title: `trust policy of ${name}`, note: 'the role is not in the scenario' };
    }
    case 'key':
    case 'aws-managed-key': {
      const ref = parseArn(name)?.service === 'kms' ? name : event.resource;
      return keyPolicy(findKey(scenario, ref), ref);
    }
    case 'grant': {
      const key = findKey(scenario, parseArn(name)?.service === 'kms' ? name : event.resource);
      const grant = key?.grants.find((g) => g.name === name || g.grantId === name) ?? key?.grants[st.index];
      return grant && key ? { kind: 'grant', title: `grant ${grant.name ?? grant.grantId ?? `#${st.index}`} on ${key.arn}`, grant } : { kind: 'grant', title: `grant ${name}`, note: 'not in the scenario' };
    }
    case 'bucket': {
      const bucket = scenario.buckets.find((b) => b.name === bucketOf(name)) ?? scenario.buckets.find((b) => b.name === bucketOf(event.resource));
      return bucket?.policy ? { kind: 'bucket', title: `bucket policy of ${bucket.name}`, document: bucket.policy } : { kind: 'bucket', title: `bucket policy of ${bucket?.name ?? name}`, note: 'the bucket has no bucket policy' };
    }
    case 'topic': {
      const topic = scenario.snsTopics.find((t) => t.arn === name) ?? scenario.snsTopics.find((t) => t.arn === event.resource);
      return topic?.policy ? { kind: 'topic', title: `topic policy of ${topic.arn}`, document: topic.policy } : { kind: 'topic', title: `topic policy of ${topic?.arn ?? name}`, note: 'the topic has no topic policy (the default policy applies)' };
    }
    case 'function': {
      const fn = scenario.lambdaFunctions.find((f) => f.arn === name) ?? scenario.lambdaFunctions.find((f) => f.arn === event.resource);
      return fn?.policy ? { kind: 'function', title: `function policy of ${fn.arn}`, document: fn.policy } : { kind: 'function', title: `function policy of ${fn?.arn ?? name}`, note: 'the function has no resource policy' };
    }
    case 'scp':
    case 'rcp': {
      const policy = scenario.organization?.policies.find((p) => p.name === name);
      if (policy) return { kind: st.policyKind, title: `${kindName} ${policy.name}`, document: policy.document };
      if (name === FULL_AWS_ACCESS.name || name === 'FullAWSAccess') return { kind: st.policyKind, title: `${kindName} FullAWSAccess (attached by AWS)`, document: FULL_AWS_ACCESS.document };
      return { kind: st.policyKind, title: `${kindName} ${name}`, note: 'not in the scenario' };
    }
    case 'endpoint':
      return { kind: 'endpoint', title: `${kindName} ${name}`, note: 'VPC endpoint policies are not part of the scenario' };
  }
}

/** The documents a kind of policy would have to allow the call in, for an implicit denial. Pure. */
export function findMissingPolicies(scenario: Scenario, event: CallEvaluatedEvent, kind: PolicyKind): readonly FoundPolicy[] {
  switch (kind) {
    case 'identity': {
      const role = findRoleByArnOrName(scenario, event.principal);
      if (!role) return [{ kind, title: `identity policies of ${event.principal}`, note: 'the caller is not a role of the scenario' }];
      const found = identityPolicies(scenario, role);
      return found.length ? found : [{ kind, title: `identity policies of ${role.arn}`, note: 'the role has no identity policy' }];
    }
    case 'trust':
    case 'key':
    case 'aws-managed-key':
    case 'bucket':
    case 'topic':
    case 'function':
      return [findDecidingPolicy(scenario, event, { policyKind: kind, policy: event.resource, index: -1 })];
    case 'boundary':
    case 'session': {
      const role = findRoleByArnOrName(scenario, event.principal);
      return [findDecidingPolicy(scenario, event, { policyKind: kind, policy: kind === 'boundary' ? (role?.permissionsBoundary ?? event.principal) : event.principal, index: -1 })];
    }
    case 'grant':
    case 'scp':
    case 'rcp':
    case 'endpoint':
      return [];
  }
}

const MARK = '▶ ';
const NO_MARK = '  ';
const OFF_MARK = '- ';

/** A statement as a document view draws it: its place, its lines, and whether it is toggled off. */
export interface DrawnStatement {
  /** Its place among the drawn statements (toggled-off ones included). */
  readonly at: number;
  readonly statement: Record<string, unknown>;
  readonly off: boolean;
  /** First line, and the line after its last, in the view's lines. */
  readonly start: number;
  readonly end: number;
}

/** A statement toggled off, drawn struck at its place. */
export interface OffStatement {
  readonly at: number;
  readonly statement: unknown;
}

/** The statements as drawn: the live ones with the toggled-off ones put back at their places. Pure. */
export function drawnStatements(document: PolicyDocument, off: readonly OffStatement[] = []): readonly { readonly statement: Record<string, unknown>; readonly off: boolean }[] {
  const out: { statement: Record<string, unknown>; off: boolean }[] = statementsOf(document).map((statement) => ({ statement: statement as unknown as Record<string, unknown>, off: false }));
  for (const o of [...off].sort((a, b) => a.at - b.at)) out.splice(Math.min(o.at, out.length), 0, { statement: o.statement as Record<string, unknown>, off: true });
  return out;
}

/**
 * Draws a document as JSON, `width` columns wide: marked statements in full, each line
 * behind `▶` in their tone; the others folded to one line, so the document stays short;
 * statements toggled off folded, struck, behind `-`. Says which lines each statement took. Pure.
 */
export function documentView(document: PolicyDocument, marks: ReadonlyMap<number, Tone>, width: number, off: readonly OffStatement[] = []): { readonly lines: readonly Line[]; readonly statements: readonly DrawnStatement[] } {
  const lines: Line[] = [];
  const drawn: DrawnStatement[] = [];
  const plain = (text: string): Line => [span(NO_MARK), span(truncate(text, width - NO_MARK.length))];
  // The document's own keys share its first line, to keep the statements near the top.
  const head = Object.entries(document)
    .filter(([k]) => k !== 'Statement')
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}, `)
    .join('');
  lines.push(plain(`{ ${head}"Statement": [`));
  const statements = drawnStatements(document, off);
  // Marks are by live index (the engine's); a toggled-off statement is never a deciding one.
  let live = 0;
  statements.forEach(({ statement: st, off: isOff }, at) => {
    const start = lines.length;
    const comma = at < statements.length - 1 ? ',' : '';
    const tone = isOff ? undefined : marks.get(live);
    if (!isOff) live += 1;
    if (isOff) {
      const label = '  off ';
      lines.push([span(OFF_MARK, 'muted'), span(label, 'warn'), span(truncate(`${JSON.stringify(st)}${comma}`, width - OFF_MARK.length - label.length), 'muted', { strike: true })]);
    } else if (tone === undefined) {
      lines.push([span(NO_MARK), span(truncate(`  ${JSON.stringify(st)}${comma}`, width - NO_MARK.length), 'muted')]);
    } else {
      const json = `${JSON.stringify(st, null, 2)}${comma}`.split('\n');
      for (const text of json) {
        for (const piece of wrapLine([span(`  ${text}`, tone)], width - MARK.length, 6)) lines.push([span(MARK, tone, { bold: true }), ...piece]);
      }
    }
    drawn.push({ at, statement: st, off: isOff, start, end: lines.length });
  });
  lines.push(plain('] }'));
  return { lines, statements: drawn };
}

/** Puts the statement cursor (`›`, second column) on lines a document view drew. Pure. */
export function withCursor(line: Line): Line {
  const [first, ...rest] = line;
  const mark = [...(first?.text ?? '  ')][0] ?? ' ';
  return [span(mark, first?.tone, { ...(first?.bold ? { bold: true } : {}) }), span('›', 'accent', { bold: true }), ...rest];
}

/** Draws a KMS grant (in full, marked). Pure. */
export function renderGrant(grant: Grant, tone: Tone | undefined, width: number): readonly Line[] {
  return JSON.stringify(grant, null, 2)
    .split('\n')
    .flatMap((text) => wrapLine([span(text, tone)], width - MARK.length, 4).map((piece): Line => [tone ? span(MARK, tone, { bold: true }) : span(NO_MARK), ...piece]));
}
