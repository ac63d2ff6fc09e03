/**
 * What evaluations of many drills share: the decision memo, and a table of policy documents by
 * content. The memo is keyed on the identity of policy documents, so two scenarios that hold
 * equal documents (a drill and its fixed variant, two drills over one topology) evaluate a call
 * once only if they hold the *same* objects: interning gives them that.
 */
import { createMemo, type Memo } from '../authorize.js';
import type { Scenario } from '../../model/schema.js';

/** Shared state of drill evaluations (one per test run, CLI session or generator loop). */
export interface DrillContext {
  readonly memo: Memo;
  /** JSON text → the one document object with that content. */
  readonly documents: Map<string, object>;
}

/** Creates an empty drill context. */
export function createDrillContext(): DrillContext {
  return { memo: createMemo(), documents: new Map() };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The scenario with every policy document (an object with a `Statement`) replaced by the
 * context's object of equal content; containers are copied only where something changed.
 *
 * INVARIANT: interned documents are never mutated (every edit in pipesim makes new objects).
 */
export function internDocuments(scenario: Scenario, context: DrillContext): Scenario {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      let changed = false;
      const out = node.map((item: unknown) => {
        const next = walk(item);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : node;
    }
    if (!isObject(node)) return node;
    if ('Statement' in node) {
      const key = JSON.stringify(node);
      const known = context.documents.get(key);
      if (known) return known;
      context.documents.set(key, node);
      return node;
    }
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const next = walk(v);
      if (next !== v) changed = true;
      out[k] = next;
    }
    return changed ? out : node;
  };
  return walk(scenario) as Scenario;
}
