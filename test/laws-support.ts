/**
 * The project's laws as checks over small case descriptors (a base scenario by reference plus
 * labelled patches), so a counterexample prints compactly and a failing case can be kept as a
 * JSON file under test/regressions/ and replayed.
 */
import fc from 'fast-check';
import type { Operation } from 'fast-json-patch';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import {
  applyMutation,
  deepFreeze,
  faultSites,
  internPolicies,
  policyMutation,
  renameDeep,
  renameScenario,
  renamingFor,
  singleFault,
  unrelatedStatement,
  verdicts,
  type MutationKind,
} from '../engine/generate/arbitraries/index.js';
import { simulate } from '../engine/execution/simulate.js';
import { buildTopology, expectedResourceMatches as resourceMatches, topologyParams, type Topology, type TopologyParams } from '../engine/generate/topology.js';
import type { SimulationResult } from '../engine/types.js';
import type { Scenario } from '../model/schema.js';
import { listBundledScenarios, loadScenarioFile } from '../model/source.js';

/** Runs per property: ≥ 200 in `npm test`, more with PIPESIM_DEEP (`npm run test:deep`). */
export const RUNS = process.env['PIPESIM_DEEP'] ? Number(process.env['PIPESIM_DEEP_RUNS'] ?? 2000) : 200;

/** Per-test timeout: the tests are bounded by their run counts, not by time (a loaded machine is slow, not wrong). */
export const TIMEOUT = process.env['PIPESIM_DEEP'] ? 3_600_000 : 600_000;

/** One memo for every run of every law: repeated documents are evaluated once. */
export const memo = createMemo();

/** The reference scenario's id. */
export const REFERENCE = 'reference/four-accounts-two-regions';

/** A base scenario: a bundled one by id, or a generated topology by its parameters. */
export type BaseRef = { readonly bundled: string } | { readonly topology: TopologyParams };

/** A labelled patch. */
export interface LabelledPatch {
  readonly label: string;
  readonly patch: readonly Operation[];
}

/** A case: a base, patches applied in order, and what a law needs besides. */
export interface LawCase {
  readonly base: BaseRef;
  readonly patches: readonly LabelledPatch[];
  /** The renaming variant (renaming law). */
  readonly variant?: number;
  /** The label of the injected fault (single-fault law). */
  readonly fault?: string;
}

const bundled = new Map<string, Scenario>();
const topologies = new Map<string, Topology>();

/** Loads every bundled scenario once (interned: equal policies are shared objects). */
export async function loadBundled(): Promise<readonly string[]> {
  if (bundled.size === 0) {
    for (const entry of listBundledScenarios()) {
      const loaded = await loadScenarioFile(entry.file);
      if (loaded.success) bundled.set(entry.id, deepFreeze(internPolicies(loaded.data)));
    }
  }
  return [...bundled.keys()];
}

/** The topology of some parameters (built once). */
export function topologyOf(params: TopologyParams): Topology {
  const key = JSON.stringify(params);
  let t = topologies.get(key);
  if (!t) {
    t = buildTopology(params);
    if (topologies.size > 5000) topologies.clear();
    topologies.set(key, t);
  }
  return t;
}

/** The base scenario of a reference. */
export function baseScenario(base: BaseRef): Scenario {
  if ('topology' in base) return topologyOf(base.topology).scenario;
  const s = bundled.get(base.bundled);
  if (!s) throw new Error(`bundled scenario \`${base.bundled}\` is not loaded (call loadBundled first)`);
  return s;
}

/** The scenario of a case with its first `count` patches applied (all by default). */
export function scenarioOf(c: LawCase, count = c.patches.length): Scenario {
  return c.patches.slice(0, count).reduce((s, p) => applyMutation(s, p), baseScenario(c.base));
}

/** Simulates with the shared memo. */
export function run(s: Scenario): Promise<SimulationResult> {
  return simulate(s, { memo });
}

const labelled = (m: { readonly label: string; readonly patch: readonly Operation[] }): LabelledPatch => ({ label: m.label, patch: m.patch });

// ---------------------------------------------------------------------------
// Arbitraries of cases
// ---------------------------------------------------------------------------

/** Topology parameters with fixed names (shared policies keep the memo hot). */
export const topologyBase: fc.Arbitrary<BaseRef> = topologyParams({ names: 'fixed' }).map((topology) => ({ topology }));

/** The reference, a generated topology or any bundled scenario. */
export function anyBase(ids: readonly string[]): fc.Arbitrary<BaseRef> {
  return fc.oneof(fc.constant({ bundled: REFERENCE }), topologyBase, fc.constantFrom(...ids).map((id) => ({ bundled: id })));
}

/** A base with zero or one policy mutation of any kind. */
export function mutatedCase(base: fc.Arbitrary<BaseRef>): fc.Arbitrary<LawCase> {
  return base.chain((b) => fc.option(policyMutation(baseScenario(b)), { nil: undefined, freq: 4 }).map((m): LawCase => ({ base: b, patches: m ? [labelled(m)] : [] })));
}

/** A topology with one injected fault. */
export const faultCase: fc.Arbitrary<LawCase> = topologyBase.chain((b) => singleFault(topologyOf((b as { topology: TopologyParams }).topology)).map((f): LawCase => ({ base: b, patches: [labelled(f)], fault: f.label })));

/** Starts that mostly fail: a topology with a fault, a bundled scenario, or the reference with a restricting mutation. */
export function failingStart(ids: readonly string[]): fc.Arbitrary<LawCase> {
  const restrictedReference = policyMutation(baseScenario({ bundled: REFERENCE }), { effects: ['restricts'] }).map((m): LawCase => ({ base: { bundled: REFERENCE }, patches: [labelled(m)] }));
  return fc.oneof(faultCase, fc.constantFrom(...ids).map((id): LawCase => ({ base: { bundled: id }, patches: [] })), restrictedReference);
}

const REMOVALS: readonly MutationKind[] = ['remove-statement', 'remove-action', 'remove-principal', 'remove-resource', 'narrow-condition', 'drop-grant', 'drop-artifact-store'];

/** A start followed by one more mutation of the given kinds and effects. */
export function followedBy(start: fc.Arbitrary<LawCase>, kinds: readonly MutationKind[], effects: readonly ('restricts' | 'relaxes')[]): fc.Arbitrary<LawCase> {
  return start.chain((c) => {
    const s = scenarioOf(c);
    let next: fc.Arbitrary<LawCase>;
    try {
      next = policyMutation(s, { kinds, effects }).map((m): LawCase => ({ ...c, patches: [...c.patches, labelled(m)] }));
    } catch {
      next = fc.constant({ ...c, patches: [...c.patches, { label: 'no-op', patch: [] }] });
    }
    return next;
  });
}

/** Removing an Allow: the restricting mutations that only take statements or parts away. */
export const restrictingRemovals = (ids: readonly string[]) => followedBy(failingStart(ids), REMOVALS, ['restricts']);
/** Adding a Deny. */
export const addedDenies = (ids: readonly string[]) => followedBy(failingStart(ids), ['add-deny'], ['restricts']);
/** Relaxing (removing or narrowing a Deny) from green and failing starts alike. */
export const relaxations = (ids: readonly string[]) => followedBy(fc.oneof(failingStart(ids), mutatedCase(anyBase(ids))), ['remove-statement', 'remove-action', 'remove-principal', 'remove-resource', 'narrow-condition'], ['relaxes']);

/** A statement naming nothing in the world, on the reference, a topology or a bundled scenario (possibly mutated). */
export function unrelatedCase(ids: readonly string[]): fc.Arbitrary<LawCase> {
  return mutatedCase(fc.oneof({ arbitrary: topologyBase, weight: 2 }, { arbitrary: anyBase(ids), weight: 1 })).chain((c) => unrelatedStatement(scenarioOf(c)).map((u): LawCase => ({ ...c, patches: [...c.patches, labelled(u)] })));
}

/** A renaming variant of the reference or of a (mutated) topology. */
export const renamedCase: fc.Arbitrary<LawCase> = fc
  .record({ c: mutatedCase(fc.oneof(fc.constant({ bundled: REFERENCE }), topologyBase)), variant: fc.integer({ min: 0, max: 3 }) })
  .map(({ c, variant }) => ({ ...c, variant }));

// ---------------------------------------------------------------------------
// The laws, as checks of one case
// ---------------------------------------------------------------------------

const statusOf = (r: SimulationResult) => r.status;

/** The law checks by name: each throws (an assertion) when its law does not hold for the case. */
export const LAWS = {
  /** Same input → deep-equal results, whatever the object identity of the scenario. */
  async determinism(c: LawCase): Promise<void> {
    const s = scenarioOf(c);
    const first = await run(s);
    const second = await run(internPolicies(structuredClone(s)));
    expect(second).toStrictEqual(first);
  },

  /** The scenario (deep-frozen) and the options are never mutated. */
  async inputsUnchanged(c: LawCase): Promise<void> {
    const s = deepFreeze(scenarioOf(c));
    const before = structuredClone(s);
    const options = Object.freeze({ memo });
    await simulate(s, options);
    expect(s).toStrictEqual(before);
  },

  /** `JSON.parse(JSON.stringify(result))` deep-equals the result. */
  async jsonRoundTrip(c: LawCase): Promise<void> {
    const result = await run(scenarioOf(c));
    expect(JSON.parse(JSON.stringify(result))).toStrictEqual(result);
  },

  /**
   * The outcome points at the first denying event. (A run can succeed with a denial: a StackSet
   * tolerates failed instances up to its FailureTolerancePercentage.)
   */
  async firstDenialPointsAtFirstDenyingEvent(c: LawCase): Promise<void> {
    const result = await run(scenarioOf(c));
    const denied = result.events.find((e) => e.type === 'call.evaluated' && e.decision !== 'Allowed');
    expect(result.firstDenial?.seq ?? null).toBe(denied?.seq ?? null);
    if (denied && denied.type === 'call.evaluated') expect(result.firstDenial).toMatchObject({ operation: denied.operation, principal: denied.principal, category: denied.category });
    if (result.status === 'Invalid') expect(result.issues.length).toBeGreaterThan(0);
  },

  /** A generated topology succeeds, making exactly the calls its construction predicts, in order. */
  async greenTopologySucceeds(c: LawCase): Promise<void> {
    if (!('topology' in c.base)) throw new Error('greenTopologySucceeds needs a topology base');
    const t = topologyOf(c.base.topology);
    const result = await run(t.scenario);
    expect({ status: result.status, firstDenial: result.firstDenial }).toStrictEqual({ status: 'Succeeded', firstDenial: null });
    const calls = result.events.flatMap((e) => (e.type === 'call.evaluated' ? [e] : []));
    expect(calls.map((e) => `${e.stage ?? '-'}/${e.action ?? '-'} ${e.operation} by ${e.principal}`)).toStrictEqual(t.calls.map((e) => `${e.stage ?? '-'}/${e.action ?? '-'} ${e.operation} by ${e.principal}`));
    calls.forEach((e, i) => expect(resourceMatches(t.calls[i]!.resource, e.resource), `call ${e.seq}: ${e.resource} is not ${t.calls[i]!.resource}`).toBe(true));
  },

  /** A single injected fault surfaces as its category at its step, both known from construction. */
  async singleFaultSurfaces(c: LawCase): Promise<void> {
    if (!('topology' in c.base)) throw new Error('singleFaultSurfaces needs a topology base');
    const t = topologyOf(c.base.topology);
    const fault = faultSites(t).find((f) => f.label === c.fault);
    if (!fault) throw new Error(`no fault \`${c.fault}\` in this topology`);
    const result = await run(applyMutation(t.scenario, fault));
    if (fault.surfaces === 'issue') {
      expect(result.status).toBe('Invalid');
      expect(result.issues).toContainEqual(expect.objectContaining({ category: fault.category, path: fault.issuePath }));
      return;
    }
    const d = result.firstDenial;
    expect({ status: result.status, category: d?.category, stage: d?.stage, action: d?.action, operation: d?.operation, principal: d?.principal }).toStrictEqual({
      status: 'Failed',
      category: fault.category,
      stage: fault.at.stage,
      action: fault.at.action,
      operation: fault.at.operation,
      principal: fault.at.principal,
    });
  },

  /** The last patch only takes permissions away: a failure stays a failure, no later than before. */
  async restrictingNeverSucceeds(c: LawCase): Promise<void> {
    const before = await run(scenarioOf(c, c.patches.length - 1));
    const after = await run(scenarioOf(c));
    if (before.status !== 'Succeeded') expect(statusOf(after)).not.toBe('Succeeded');
    if (before.firstDenial && after.firstDenial) expect(after.firstDenial.seq).toBeLessThanOrEqual(before.firstDenial.seq);
  },

  /** The last patch only adds permissions: a success stays a success. */
  async relaxingNeverFails(c: LawCase): Promise<void> {
    const before = await run(scenarioOf(c, c.patches.length - 1));
    const after = await run(scenarioOf(c));
    if (before.status === 'Succeeded') expect(statusOf(after)).toBe('Succeeded');
  },

  /** The last patch adds a statement naming nothing in the world: same status, same decisions. */
  async unrelatedChangesNothing(c: LawCase): Promise<void> {
    const before = await run(scenarioOf(c, c.patches.length - 1));
    const after = await run(scenarioOf(c));
    expect(verdicts(after)).toStrictEqual(verdicts(before));
  },

  /** Renaming account ids, role names and regions consistently renames the result and changes nothing else. */
  async renamingChangesOnlyNames(c: LawCase): Promise<void> {
    const s = scenarioOf(c);
    const renaming = renamingFor(s, c.variant ?? 0);
    const original = await run(s);
    const renamed = await run(internPolicies(renameScenario(s, renaming)));
    expect(verdicts(renamed)).toStrictEqual(renameDeep(verdicts(original), renaming));
  },
} as const satisfies Record<string, (c: LawCase) => Promise<void>>;

/** A law's name. */
export type LawName = keyof typeof LAWS;

/** Whether two values are deep-equal (strict). */
export const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);
