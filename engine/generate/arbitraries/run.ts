/**
 * Running mutated scenarios cheaply: the property-testing (and benchmark) workload. A mutation
 * is applied copy-on-write and the policies are interned, so a shared memo re-evaluates only
 * the calls the mutation can change.
 */
import type { Operation } from 'fast-json-patch';
import type { Scenario } from '../../../model/schema.js';
import type { Memo } from '../../policy/authorize.js';
import { simulate } from '../../execution/simulate.js';
import type { SimulationResult } from '../../types.js';
import { internPolicies } from './intern.js';
import { applyPatchShared } from './patch-shared.js';

/** Anything with a patch: a policy mutation, a single fault, a drill choice. */
export interface Patched {
  readonly patch: readonly Operation[];
  readonly label?: string;
}

/**
 * The scenario with a mutation applied (copy-on-write, policies interned). Pure. Throws when
 * the patch does not apply — mutations from this module always do; no schema validation is
 * made (use `applyPatch` for user input).
 */
export function applyMutation(scenario: Scenario, mutation: Patched): Scenario {
  const applied = applyPatchShared(scenario, mutation.patch);
  if (!applied.success) throw new Error(`mutation ${mutation.label ? `\`${mutation.label}\` ` : ''}does not apply: ${applied.issues.map((i) => i.message).join('; ')}`);
  return internPolicies(applied.data);
}

/** Simulates the scenario with a mutation applied, sharing `memo` across runs. Deterministic. */
export async function mutatedRun(scenario: Scenario, mutation: Patched, memo?: Memo): Promise<SimulationResult> {
  return simulate(applyMutation(scenario, mutation), memo ? { memo } : {});
}
