/**
 * The policy layer's entry: decides one call against the world's policies, with why.
 *
 * pipesim derives everything the engine takes on trust — which policies take part, the request
 * context, resource ownership — from the world (request-plan.ts), closes the engine's known traps
 * (docs/upstream.md; policy-rewrite.ts), calls the engine (evaluate.ts, its only runtime
 * importer), adds what it lacks (KMS grants, AWS managed keys, key state) and combines the layers
 * by one table (combine.ts, judge.ts); explain.ts words the result.
 */
import type { World } from '../../model/world.js';
import { evaluatePlan } from './evaluate.js';
import { memoKey, planRequest } from './request-plan.js';
import type { Call, Evaluation } from '../types.js';

/** A memo of decisions, keyed on the request and the identity of every policy document involved. */
export interface Memo {
  readonly results: Map<string, Promise<Evaluation>>;
}

/** Creates an empty decision memo (share one across runs of mutated scenarios). */
export function createMemo(): Memo {
  return { results: new Map() };
}

/**
 * Decides one call against the world's policies and says why. Deterministic: the same world
 * and call give the same evaluation. With a memo, identical requests over the same policy
 * document objects are evaluated once; an edited policy is a new object and misses the memo.
 *
 * INVARIANT: policy documents in a world are never mutated in place (edits make new objects).
 */
export async function authorize(world: World, call: Call, memo?: Memo): Promise<Evaluation> {
  const plan = planRequest(world, call);
  if (!memo) return evaluatePlan(plan);
  const key = memoKey(plan);
  const hit = memo.results.get(key);
  if (hit) return hit;
  const evaluation = evaluatePlan(plan);
  memo.results.set(key, evaluation);
  return evaluation;
}
