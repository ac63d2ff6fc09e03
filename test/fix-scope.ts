/**
 * Test helpers for fixes: every policy statement of a scenario (to remove one), the Allow
 * statements and grants a patch adds (with the principal each applies to), and scope checks:
 * no wildcard where a name will do, and "within the scope of a removed statement".
 */
import type { PolicyStatement, Scenario } from '../model/schema.js';
import { globCovers, statementList } from '../engine/analysis/fix-statements.js';
import { asList as listOf } from '../model/policy-document.js';
import { pointer, pointerSegments, type JsonPatch } from '../engine/analysis/patch.js';

/** A statement of the scenario: where it is, and who it applies to when it has no Principal. */
export interface StatementSite {
  readonly pointer: string;
  readonly label: string;
  readonly statement: PolicyStatement;
  /** For identity-side statements: the roles they apply to. */
  readonly holders: readonly string[];
}

/** Every statement of every role, managed, key, bucket and topic policy. */
export function statementSites(scenario: Scenario): StatementSite[] {
  const out: StatementSite[] = [];
  const add = (base: string, label: string, doc: Parameters<typeof statementList>[0], holders: readonly string[]) => {
    const list = statementList(doc);
    const single = doc !== undefined && !Array.isArray(doc.Statement);
    list.forEach((statement, j) => out.push({ pointer: single ? `${base}/Statement` : `${base}/Statement/${j}`, label: `${label}#${statement.Sid ?? j}`, statement, holders }));
  };
  scenario.roles.forEach((r, i) => {
    add(pointer('roles', i, 'trustPolicy'), `trust ${r.arn}`, r.trustPolicy, []);
    for (const [name, doc] of Object.entries(r.inlinePolicies)) add(pointer('roles', i, 'inlinePolicies', name), `inline ${r.arn}/${name}`, doc, [r.arn]);
  });
  scenario.managedPolicies.forEach((p, i) => add(pointer('managedPolicies', i, 'document'), `managed ${p.arn}`, p.document, scenario.roles.filter((r) => r.managedPolicies.includes(p.arn)).map((r) => r.arn)));
  scenario.keys.forEach((k, i) => add(pointer('keys', i, 'policy'), `key ${k.arn}`, k.policy, []));
  scenario.buckets.forEach((b, i) => add(pointer('buckets', i, 'policy'), `bucket ${b.name}`, b.policy, []));
  scenario.snsTopics.forEach((t, i) => add(pointer('snsTopics', i, 'policy'), `topic ${t.arn}`, t.policy, []));
  return out;
}

/** An allowance a patch adds: actions on resources for principals (a statement or a grant). */
export interface Allowance {
  readonly at: string;
  readonly actions: readonly string[];
  /** Empty for a trust policy statement (no Resource). */
  readonly resources: readonly string[];
  readonly principals: readonly string[];
  readonly statement: unknown;
}

/** The role a pointer into `roles[i]` belongs to, for identity statements without Principal. */
function holderOf(scenario: Scenario, path: string): string[] {
  const s = pointerSegments(path);
  if (s[0] === 'roles' && s[2] !== 'trustPolicy') {
    const role = scenario.roles[Number(s[1])];
    return role ? [role.arn] : [];
  }
  if (s[0] === 'managedPolicies') {
    const p = scenario.managedPolicies[Number(s[1])];
    return p ? scenario.roles.filter((r) => r.managedPolicies.includes(p.arn)).map((r) => r.arn) : [];
  }
  return [];
}

function principalsOf(s: PolicyStatement): string[] {
  if (s.Principal === undefined) return [];
  if (s.Principal === '*') return ['*'];
  return Object.values(s.Principal).flatMap((v) => listOf(v));
}

/**
 * Every Allow statement and grant the patch's values hold (walking nested values: a new role's
 * trust policy, a new key's policy), with the principals they apply to. `scenario` is the
 * scenario the patch applies to (for identity statements of existing roles).
 */
export function addedAllowances(scenario: Scenario, patch: JsonPatch): Allowance[] {
  const out: Allowance[] = [];
  const walk = (value: unknown, path: string, holders: readonly string[]) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}/${i}`, holders));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    if (typeof o.granteePrincipal === 'string' && Array.isArray(o.operations)) {
      out.push({ at: path, actions: (o.operations as string[]).map((x) => `kms:${x}`), resources: [], principals: [o.granteePrincipal], statement: o });
      return;
    }
    if (o.Effect === 'Allow') {
      const s = o as PolicyStatement;
      const own = principalsOf(s);
      out.push({ at: path, actions: listOf(s.Action), resources: listOf(s.Resource), principals: own.length ? own : [...holders], statement: s });
      return;
    }
    // A new role: its inline policies apply to it.
    const holdersHere = typeof o.arn === 'string' && o.trustPolicy !== undefined ? [o.arn] : holders;
    for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`, k === 'trustPolicy' ? [] : holdersHere);
  };
  for (const op of patch) {
    if (op.op !== 'add' && op.op !== 'replace') continue;
    walk(op.value, op.path, holderOf(scenario, op.path));
  }
  return out;
}

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SERVICE = /^[a-z0-9.-]+\.amazonaws\.com$/;
/** An artifact's objects: `arn:aws:s3:::<bucket>/<pipeline>/<artifact>/*`. */
const ARTIFACT_OBJECTS = /^arn:aws:s3:::[^*/]+\/[^*/]+\/[^*/]+\/\*$/;
/** A CloudFormation stack or stack set id suffix (`stackset/name:*` is not added by fixes, but tolerated as exact-name). */

/** Problems with an allowance: a wildcard where a name will do, a principal that is not a role or a service. */
export function wideningProblems(a: Allowance): string[] {
  const problems: string[] = [];
  for (const p of a.principals) if (!ROLE_ARN.test(p) && !SERVICE.test(p)) problems.push(`principal \`${p}\` is not a role ARN or a service principal`);
  for (const x of a.actions) if (x.includes('*') || x.includes('?')) problems.push(`action \`${x}\` has a wildcard`);
  for (const r of a.resources) if ((r.includes('*') || r.includes('?')) && !ARTIFACT_OBJECTS.test(r)) problems.push(`resource \`${r}\` has a wildcard`);
  return problems;
}

/** A principal pattern covers another: by pattern, or an account root covers the account's roles. */
function principalCovers(outer: string, inner: string): boolean {
  if (globCovers(outer, inner)) return true;
  const root = /^arn:aws:iam::(\d{12}):root$/.exec(outer);
  return root !== null && inner.startsWith(`arn:aws:iam::${root[1]}:`);
}

/** Whether an allowance stays within a removed statement's actions, resources and principals. */
export function withinScope(a: Allowance, removed: StatementSite): string[] {
  const r = removed.statement;
  const problems: string[] = [];
  const actions = listOf(r.Action);
  for (const x of a.actions) if (!actions.some((p) => globCovers(p, x, true))) problems.push(`action \`${x}\` is not among \`${actions.join(', ')}\``);
  const resources = r.Resource === undefined ? ['*'] : listOf(r.Resource);
  for (const x of a.resources) if (!resources.some((p) => globCovers(p, x))) problems.push(`resource \`${x}\` is outside \`${resources.join(', ')}\``);
  const principals = principalsOf(r).length ? principalsOf(r) : [...removed.holders];
  for (const x of a.principals) if (!principals.some((p) => principalCovers(p, x))) problems.push(`principal \`${x}\` is outside \`${principals.join(', ')}\``);
  return problems;
}
