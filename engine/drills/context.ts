/**
 * What evaluations of many drills share: the decision memo, and a table of policy documents by
 * content. The memo is keyed on the identity of policy documents, so two scenarios that hold
 * equal documents (a drill and its fixed variant, two drills over one topology) evaluate a call
 * once only if they hold the *same* objects: interning (engine/generate/arbitraries/intern.ts) gives them that.
 */
import { createInternTable, internPolicies, type InternTable } from '../generate/arbitraries/intern.js';
import { createMemo, type Memo } from '../policy/authorize.js';
import type { Scenario } from '../../model/schema.js';

/** Shared state of drill evaluations (one per test run, CLI session or generator loop). */
export interface DrillContext {
  readonly memo: Memo;
  /** Policy documents by content: equal documents become one object. */
  readonly documents: InternTable;
}

/** Creates an empty drill context. */
export function createDrillContext(): DrillContext {
  return { memo: createMemo(), documents: createInternTable() };
}

/** The scenario with every policy document replaced by the context's object of equal content. Pure in result. */
export function internDocuments(scenario: Scenario, context: DrillContext): Scenario {
  return internPolicies(scenario, context.documents);
}
