/**
 * The property-testing workload: random single policy mutations of a scenario (the library's
 * arbitraries), each applied with the public `applyPatch`, fully simulated with a shared memo
 * and checked (the outcome points at a denying event, or the run succeeded).
 */
import fc from 'fast-check';
import { internPolicies, policyMutation } from '../engine/generate/arbitraries/index.js';
import { createMemo } from '../engine/policy/authorize.js';
import { applyPatch } from '../engine/analysis/patch.js';
import { simulate } from '../engine/execution/simulate.js';
import type { Scenario } from '../model/schema.js';

/** Mutations not timed: they warm the JIT, the policy engine's data and the memo. */
const WARM_UP = 20;

/** A prepared workload: `warmUp` runs the untimed mutations, `run` the timed ones and returns its milliseconds. */
export interface MutationWorkload {
  readonly runs: number;
  readonly warmUp: () => Promise<void>;
  readonly run: () => Promise<number>;
}

/** Prepares `runs` mutated simulations (after a short warm-up) of a scenario. */
export function prepareMutationWorkload(scenario: Scenario, options: { readonly runs: number; readonly seed: number }): MutationWorkload {
  const base = internPolicies(scenario);
  const memo = createMemo();
  const mutations = fc.sample(policyMutation(base), { numRuns: options.runs + WARM_UP, seed: options.seed });
  const one = async (patch: readonly unknown[]) => {
    const patched = applyPatch(base, patch);
    if (!patched.success) throw new Error(`a mutation did not apply: ${patched.issues[0]?.message}`);
    const result = await simulate(internPolicies(patched.data), { memo });
    // The check a property test makes: a failure points at a denying call, a success at none.
    const denial = result.firstDenial;
    if (denial) {
      const ev = result.events.find((e) => e.seq === denial.seq);
      if (!ev || ev.type !== 'call.evaluated' || ev.decision === 'Allowed') throw new Error('the first denial does not point at a denied call');
    } else if (result.status === 'Failed' && !result.events.some((e) => e.type === 'action.finished' && e.status === 'Failed')) {
      throw new Error('a failed run without a failed action');
    }
  };
  return {
    runs: options.runs,
    warmUp: async () => {
      for (const m of mutations.slice(0, WARM_UP)) await one(m.patch);
    },
    run: async () => {
      const t = performance.now();
      for (const m of mutations.slice(WARM_UP)) await one(m.patch);
      return performance.now() - t;
    },
  };
}

/** Runs `runs` mutated simulations after a short warm-up; returns runs per second. */
export async function mutationWorkload(scenario: Scenario, options: { readonly runs: number; readonly seed: number }): Promise<number> {
  const w = prepareMutationWorkload(scenario, options);
  await w.warmUp();
  return (w.runs * 1000) / (await w.run());
}
