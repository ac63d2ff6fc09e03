/**
 * `fixScenario`: diagnose, apply the first verified fix, and repeat until the run is green, no
 * fix is found, or the round limit is reached. Every round's change is a JSON Patch against the
 * scenario as the previous round left it; concatenated, they patch the original. Deterministic;
 * pure apart from awaiting the policy engine.
 */
import type { Scenario } from '../../model/schema.js';
import { createMemo, type Memo } from '../policy/authorize.js';
import { describeFailure, firstVerifiedFix, runOutcome, type Diagnosis, type RunOutcome, type VerifiedFix } from './diagnose.js';
import type { JsonPatch } from './patch.js';
import { simulate } from '../execution/simulate.js';
import type { SimulationResult, Status } from '../types.js';

/** One round of `fixScenario`: what stopped the run, and the fix applied. */
export interface FixRound {
  readonly round: number;
  /** Where the run stopped before this round's fix. */
  readonly before: RunOutcome;
  readonly fix: VerifiedFix;
}

/** Why `fixScenario` stopped. */
export type FixStop = 'green' | 'no-fix' | 'round-limit';

/** What `fixScenario` returns. */
export interface FixRun {
  readonly scenario: string;
  /** Status before any fix. */
  readonly initialStatus: Status;
  readonly rounds: readonly FixRound[];
  /** Every round's operations in order: the original scenario plus this patch is `fixed`. */
  readonly patch: JsonPatch;
  /** The scenario with every fix applied. */
  readonly fixed: Scenario;
  /** The run of `fixed`. */
  readonly result: SimulationResult;
  readonly status: Status;
  readonly stopped: FixStop;
  /** The diagnosis of where the last run stops, when it is not green. */
  readonly remaining: Diagnosis | null;
}

/** Options of `fixScenario`. */
export interface FixOptions {
  /** At most this many fixes (default 25). */
  readonly maxRounds?: number;
  readonly memo?: Memo;
}

/** The default bound on rounds. */
export const DEFAULT_MAX_ROUNDS = 25;

/** Applies verified fixes one at a time until the run is green (or no fix is found). */
export async function fixScenario(scenario: Scenario, options: FixOptions = {}): Promise<FixRun> {
  const memo = options.memo ?? createMemo();
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const initial = await simulate(scenario, { memo });
  let current = scenario;
  let result = initial;
  const rounds: FixRound[] = [];
  const patch: JsonPatch[number][] = [];
  let stopped: FixStop = 'green';
  while (result.status !== 'Succeeded') {
    if (rounds.length >= maxRounds) {
      stopped = 'round-limit';
      break;
    }
    const applied = await firstVerifiedFix(current, result, memo);
    if (!applied) {
      stopped = 'no-fix';
      break;
    }
    rounds.push({ round: rounds.length + 1, before: runOutcome(result), fix: applied.fix });
    patch.push(...applied.fix.patch);
    current = applied.scenario;
    result = applied.result;
  }
  return {
    scenario: initial.scenario,
    initialStatus: initial.status,
    rounds,
    patch,
    fixed: current,
    result,
    status: result.status,
    stopped: result.status === 'Succeeded' ? 'green' : stopped,
    remaining: result.status === 'Succeeded' ? null : describeFailure(result, []),
  };
}
