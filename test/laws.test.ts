// The project's own laws (STYLE §31) as fast-check properties over the reference, every bundled
// scenario and generated topologies, with their policy mutations and single faults. One memo is
// shared by every run, so repeated documents are evaluated once. `npm run test:deep` runs more.
// A failing case is kept under test/regressions/ (see test/regressions.test.ts).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import { simulate } from '../engine/execution/simulate.js';
import {
  addedDenies,
  anyBase,
  faultCase,
  LAWS,
  loadBundled,
  mutatedCase,
  relaxations,
  renamedCase,
  restrictingRemovals,
  RUNS,
  scenarioOf,
  TIMEOUT,
  topologyBase,
  unrelatedCase,
  type LawCase,
  type LawName,
} from './laws-support.js';

let ids: readonly string[] = [];
beforeAll(async () => {
  ids = await loadBundled();
});

const check = (name: LawName, cases: () => fc.Arbitrary<LawCase>, title: string = name, numRuns = RUNS) =>
  it(`${title} (${numRuns} runs)`, async () => {
    await fc.assert(fc.asyncProperty(cases(), (c) => LAWS[name](c)), { numRuns });
  }, TIMEOUT);

describe('laws', () => {
  check('determinism', () => mutatedCase(anyBase(ids)), 'determinism: the same input gives deep-equal results');
  check('inputsUnchanged', () => mutatedCase(anyBase(ids)), 'the scenario and the options are never mutated');
  check('jsonRoundTrip', () => mutatedCase(anyBase(ids)), 'JSON round trip: JSON.parse(JSON.stringify(result)) deep-equals result');
  check('firstDenialPointsAtFirstDenyingEvent', () => mutatedCase(anyBase(ids)), 'the outcome points at the first denying event');
  check('greenTopologySucceeds', () => topologyBase.map((base): LawCase => ({ base, patches: [] })), 'a green-by-construction topology succeeds with exactly the calls of its model');
  check('singleFaultSurfaces', () => faultCase, 'a single injected fault surfaces as its category at its step');
  check('restrictingNeverSucceeds', () => restrictingRemovals(ids), 'removing an Allow never turns a failure into a success');
  check('restrictingNeverSucceeds', () => addedDenies(ids), 'adding a Deny never turns a failure into a success');
  check('relaxingNeverFails', () => relaxations(ids), 'removing or narrowing a Deny never turns a success into a failure');
  check('unrelatedChangesNothing', () => unrelatedCase(ids), 'a statement naming nothing in the world changes nothing');
  check('renamingChangesOnlyNames', () => renamedCase, 'renaming account ids, role names and regions changes nothing but the names');

  // The memo is an optimisation only: a fresh evaluation gives the same result. Costly (every
  // call evaluated anew), hence few runs.
  it(`memoised and fresh evaluation agree (${RUNS >= 1000 ? 50 : 4} runs)`, async () => {
    const shared = createMemo();
    await fc.assert(
      fc.asyncProperty(mutatedCase(anyBase(ids)), async (c) => {
        const s = scenarioOf(c);
        await simulate(s, { memo: shared });
        expect(await simulate(s, { memo: shared })).toStrictEqual(await simulate(structuredClone(s)));
      }),
      { numRuns: RUNS >= 1000 ? 50 : 4 },
    );
  }, TIMEOUT);
});
