/**
 * Interning of policy documents: equal documents become the very same (frozen) object, so the
 * decision memo — keyed on document identity — hits across scenarios that share policies
 * (mutants of one scenario, variants of the reference, generated topologies).
 */
import type { PolicyDocument, Scenario } from '../../../model/schema.js';

/** Canonical documents by their JSON text. */
export interface InternTable {
  readonly byText: Map<string, PolicyDocument>;
  /** Documents already interned (or canonical), to skip serialising them again. */
  readonly seen: WeakMap<object, PolicyDocument>;
}

/** Past this many documents the table starts afresh (interning is an optimisation only). */
const MAX_DOCUMENTS = 50_000;

/** Creates an empty intern table. */
export function createInternTable(): InternTable {
  return { byText: new Map(), seen: new WeakMap() };
}

const shared = createInternTable();

/** Freezes a value and everything under it. Returns the value. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function intern(doc: PolicyDocument, table: InternTable): PolicyDocument {
  const known = table.seen.get(doc);
  if (known) return known;
  const text = JSON.stringify(doc);
  let canonical = table.byText.get(text);
  if (!canonical) {
    if (table.byText.size >= MAX_DOCUMENTS) table.byText.clear();
    canonical = deepFreeze(structuredClone(doc));
    table.byText.set(text, canonical);
    table.seen.set(canonical, canonical);
  }
  table.seen.set(doc, canonical);
  return canonical;
}

function mapList<T>(items: readonly T[], f: (t: T) => T): T[] | readonly T[] {
  let changed = false;
  const out = items.map((t) => {
    const u = f(t);
    if (u !== t) changed = true;
    return u;
  });
  return changed ? out : items;
}

/**
 * The scenario with every policy document replaced by the canonical equal document of the
 * table (deep-frozen). Containers along changed paths are copied; nothing is mutated. Pure in
 * result (the table only caches).
 */
export function internPolicies(scenario: Scenario, table: InternTable = shared): Scenario {
  const doc = (d: PolicyDocument) => intern(d, table);
  const opt = (d: PolicyDocument | undefined) => (d ? doc(d) : d);
  const roles = mapList(scenario.roles, (r) => {
    const trustPolicy = doc(r.trustPolicy);
    const sessionPolicy = opt(r.sessionPolicy);
    let inlineChanged = false;
    const inline: Record<string, PolicyDocument> = {};
    for (const [name, d] of Object.entries(r.inlinePolicies)) {
      inline[name] = doc(d);
      if (inline[name] !== d) inlineChanged = true;
    }
    if (trustPolicy === r.trustPolicy && sessionPolicy === r.sessionPolicy && !inlineChanged) return r;
    return { ...r, trustPolicy, ...(sessionPolicy ? { sessionPolicy } : {}), inlinePolicies: inlineChanged ? inline : r.inlinePolicies };
  });
  const managedPolicies = mapList(scenario.managedPolicies, (p) => (doc(p.document) === p.document ? p : { ...p, document: doc(p.document) }));
  const keys = mapList(scenario.keys, (k) => (k.policy && doc(k.policy) !== k.policy ? { ...k, policy: doc(k.policy) } : k));
  const buckets = mapList(scenario.buckets, (b) => (b.policy && doc(b.policy) !== b.policy ? { ...b, policy: doc(b.policy) } : b));
  const snsTopics = mapList(scenario.snsTopics, (t) => (t.policy && doc(t.policy) !== t.policy ? { ...t, policy: doc(t.policy) } : t));
  const lambdaFunctions = mapList(scenario.lambdaFunctions, (f) => (f.policy && doc(f.policy) !== f.policy ? { ...f, policy: doc(f.policy) } : f));
  const org = scenario.organization;
  const orgPolicies = org ? mapList(org.policies, (p) => (doc(p.document) === p.document ? p : { ...p, document: doc(p.document) })) : undefined;
  const organization = org && orgPolicies !== org.policies ? { ...org, policies: [...(orgPolicies ?? [])] } : org;
  if (
    roles === scenario.roles &&
    managedPolicies === scenario.managedPolicies &&
    keys === scenario.keys &&
    buckets === scenario.buckets &&
    snsTopics === scenario.snsTopics &&
    lambdaFunctions === scenario.lambdaFunctions &&
    organization === scenario.organization
  ) {
    return scenario;
  }
  return {
    ...scenario,
    roles: [...roles],
    managedPolicies: [...managedPolicies],
    keys: [...keys],
    buckets: [...buckets],
    snsTopics: [...snsTopics],
    lambdaFunctions: [...lambdaFunctions],
    ...(organization ? { organization } : {}),
  };
}
