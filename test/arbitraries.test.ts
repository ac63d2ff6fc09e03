// The arbitraries themselves: copy-on-write patches agree with fast-json-patch, every mutation
// is a valid scenario edit with a readable label, generated topologies load cleanly and are least
// privilege (every Allow is needed), and the fault catalogue covers every kind it names.
import fc from 'fast-check';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applicableFaultKinds,
  applyMutation,
  applyPatchShared,
  FAULT_CATALOGUE,
  faultSites,
  internPolicies,
  MUTATION_KINDS,
  parsePointer,
  policyMutation,
  policyMutations,
  type MutationKind,
} from '../engine/generate/arbitraries/index.js';
import { buildTopology, greenTopology, topologyParams, type TopologyParams } from '../engine/generate/topology.js';
import { CATEGORIES } from '../engine/types.js';
import { loadScenario } from '../model/load.js';
import type { Scenario } from '../model/schema.js';
import { loadScenarioFile } from '../model/source.js';
import { memo, run, RUNS } from './laws-support.js';

const SOME = Math.max(30, Math.round(RUNS / 4));

/** A topology every fault kind applies to: several accounts and regions, outputs in every region. */
const RICH: TopologyParams = {
  pipelineName: 'checkout',
  accountIds: ['111111111111', '222222222222', '333333333333', '444444444444'],
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  targets: [
    { name: 'dev', regions: [0], parallel: true, writesOutputs: [true], stackExists: false },
    { name: 'staging', regions: [0, 1], parallel: true, writesOutputs: [false, true], stackExists: true },
    { name: 'prod', regions: [0, 1, 2], parallel: false, writesOutputs: [true, false, true], stackExists: true },
  ],
};

let reference: Scenario;
beforeAll(async () => {
  const loaded = await loadScenarioFile('reference/four-accounts-two-regions');
  if (!loaded.success) throw new Error('the reference does not load');
  reference = internPolicies(loaded.data);
});

/** The scenario as a file would hold it, loaded again: what the loader says about a patched document. */
function reload(s: Scenario) {
  return loadScenario(JSON.stringify(s), { file: 'patched.json' });
}

describe('copy-on-write patches', () => {
  const doc = { a: { b: [1, 2, { c: 'x' }], d: { e: true } }, f: [{ g: 1 }], 'h/i~j': { k: null } };
  const paths = ['/a', '/a/b', '/a/b/0', '/a/b/2', '/a/b/2/c', '/a/d', '/a/d/e', '/f', '/f/0', '/f/0/g', '/h~1i~0j', '/h~1i~0j/k', '/a/b/-', '/a/new', '/f/1'];
  const op: fc.Arbitrary<Operation> = fc.oneof(
    fc.record({ op: fc.constant('add' as const), path: fc.constantFrom(...paths), value: fc.jsonValue({ maxDepth: 1 }) }),
    fc.record({ op: fc.constant('remove' as const), path: fc.constantFrom(...paths) }),
    fc.record({ op: fc.constant('replace' as const), path: fc.constantFrom(...paths), value: fc.jsonValue({ maxDepth: 1 }) }),
    fc.record({ op: fc.constant('copy' as const), from: fc.constantFrom(...paths), path: fc.constantFrom(...paths) }),
    fc.record({ op: fc.constant('move' as const), from: fc.constantFrom(...paths), path: fc.constantFrom(...paths) }),
  );

  it('agree with fast-json-patch, never mutate the input, and share what they do not touch', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3 }), (patch) => {
        const before = structuredClone(doc);
        const ours = applyPatchShared(doc, patch);
        // The oracle: fast-json-patch one operation at a time, with move and copy spelt out as
        // RFC 6902 §4.4-4.5 define them (remove then add; add of the value at `from`) — applied
        // whole, fast-json-patch checks a move's target against the document before the removal.
        // (It also indexes into strings: `from` is resolved here through objects and arrays only.)
        const resolve = (d: unknown, ptr: string): unknown =>
          (parsePointer(ptr) ?? []).reduce<unknown>((cur, t) => (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, t) ? (cur as Record<string, unknown>)[t] : undefined), d);
        let theirs: unknown = structuredClone(doc);
        try {
          for (const o of patch) {
            if (o.op === 'move' && o.path.startsWith(`${o.from}/`)) throw new Error('a location cannot be moved into one of its children');
            const value = o.op === 'move' || o.op === 'copy' ? resolve(theirs, o.from) : undefined;
            if ((o.op === 'move' || o.op === 'copy') && value === undefined) throw new Error('no value at from');
            const steps: Operation[] =
              o.op === 'move' || o.op === 'copy' ? [...(o.op === 'move' ? [{ op: 'remove' as const, path: o.from }] : []), { op: 'add' as const, path: o.path, value: structuredClone(value) }] : [o];
            for (const step of steps) theirs = jsonpatch.applyOperation(theirs, step, true, true).newDocument;
          }
        } catch {
          theirs = undefined;
        }
        expect(doc).toStrictEqual(before);
        if (theirs === undefined) {
          expect(ours.success).toBe(false);
          return;
        }
        expect(ours).toMatchObject({ success: true });
        if (!ours.success) return;
        expect(JSON.parse(JSON.stringify(ours.data))).toStrictEqual(JSON.parse(JSON.stringify(theirs)));
        // An untouched top-level branch is the very same object.
        for (const key of Object.keys(doc) as (keyof typeof doc)[]) {
          const token = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
          const touched = patch.some((o) => o.path.startsWith(token) || ('from' in o && o.from.startsWith(token)));
          if (!touched && key in (ours.data as object)) expect((ours.data as typeof doc)[key]).toBe(doc[key]);
        }
      }),
      { numRuns: RUNS >= 1000 ? 10_000 : 500 },
    );
  });

  it('report the failing operation instead of throwing', () => {
    expect(applyPatchShared(doc, [{ op: 'remove', path: '/nope' }])).toMatchObject({ success: false, issues: [{ code: 'patch_failed', path: 'patch[0]' }] });
    expect(applyPatchShared(doc, [{ op: 'test', path: '/a/d/e', value: false }])).toMatchObject({ success: false });
  });
});

describe('policy mutations', () => {
  it('cover every kind on the reference or a topology, each patch one or two operations with a readable label', () => {
    const all = [...policyMutations(reference), ...policyMutations(buildTopology(RICH).scenario)];
    const kinds = new Set(all.map((m) => m.kind));
    // The reference and the topology have no KMS grant: drop-grant is covered below.
    expect([...kinds].sort()).toStrictEqual((Object.keys(MUTATION_KINDS) as MutationKind[]).filter((k) => k !== 'drop-grant').sort());
    for (const m of all) {
      expect(m.patch.length).toBeGreaterThanOrEqual(1);
      expect(m.patch.length).toBeLessThanOrEqual(2);
      expect(m.label).toMatch(/^(remove|add|narrow|drop|use) /);
    }
    expect(all.map((m) => m.label)).toContain(
      'remove principal arn:aws:iam::222222222222:role/DevDeployRole from statement AllowWorkloadDeployRolesToDecryptArtifacts of the key policy of arn:aws:kms:us-east-1:111111111111:key/mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80',
    );
  });

  it('drop a KMS grant where a key has one', () => {
    const grant = { name: 'prod-deploy-decrypt', granteePrincipal: 'arn:aws:iam::444444444444:role/ProdDeployRole', operations: ['Decrypt'], retired: false };
    const withGrant = applyMutation(reference, { patch: [{ op: 'add', path: '/keys/1/grants/-', value: grant }] });
    const drops = policyMutations(withGrant, { kinds: ['drop-grant'] });
    expect(drops.map((m) => [m.label, m.patch, m.effect])).toStrictEqual([
      ['drop grant prod-deploy-decrypt (to arn:aws:iam::444444444444:role/ProdDeployRole) of arn:aws:kms:eu-west-1:111111111111:key/mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80', [{ op: 'remove', path: '/keys/1/grants/0' }], 'restricts'],
    ]);
  });

  it(`are valid scenario edits: the patched document loads without errors (${SOME} runs)`, () => {
    const sources = fc.oneof(fc.constant(reference), greenTopology().map((t) => t.scenario));
    fc.assert(
      fc.property(
        sources.chain((s) => policyMutation(s).map((m) => [s, m] as const)),
        ([s, m]) => {
          const loaded = reload(applyMutation(s, m));
          expect(loaded.success ? [] : loaded.issues.map((i) => `${i.path}: ${i.message}`), m.label).toStrictEqual([]);
        },
      ),
      { numRuns: SOME },
    );
  });

  it('respect the options: kinds, effects and sites', () => {
    const keyOnly = policyMutations(reference, { kinds: ['remove-statement'], sites: (site) => site.kind === 'key' });
    expect(keyOnly.length).toBeGreaterThan(0);
    expect(keyOnly.every((m) => m.kind === 'remove-statement' && m.label.includes('the key policy of'))).toBe(true);
    const relaxing = policyMutations(reference, { effects: ['relaxes'] });
    expect(relaxing.length).toBeGreaterThan(0);
    expect(relaxing.every((m) => m.effect === 'relaxes')).toBe(true);
  });
});

describe('generated topologies', () => {
  it(`load without issues or warnings (${SOME} runs)`, () => {
    fc.assert(
      fc.property(greenTopology({ names: 'random' }), (t) => {
        const loaded = reload(t.scenario);
        expect(loaded.success ? loaded.warnings : loaded.issues).toStrictEqual([]);
      }),
      { numRuns: SOME },
    );
  });

  it('are built deterministically from their parameters', () => {
    fc.assert(
      fc.property(topologyParams({ names: 'random' }), (p) => {
        expect(buildTopology(structuredClone(p))).toStrictEqual(buildTopology(p));
      }),
      { numRuns: 50 },
    );
  });

  it(`are least privilege: removing any Allow, or any action, principal or resource of one, breaks the run (${SOME} runs)`, async () => {
    const removals: MutationKind[] = ['remove-statement', 'remove-action', 'remove-principal', 'remove-resource'];
    await fc.assert(
      fc.asyncProperty(
        greenTopology().chain((t) => policyMutation(t.scenario, { kinds: removals, effects: ['restricts'] }).map((m) => [t, m] as const)),
        async ([t, m]) => {
          const result = await run(applyMutation(t.scenario, m));
          expect(result.status, m.label).not.toBe('Succeeded');
        },
      ),
      { numRuns: SOME },
    );
  });
});

describe('the fault catalogue', () => {
  it('has one entry per kind, each a distinct category pipesim knows', () => {
    const categories = Object.values(FAULT_CATALOGUE).map((f) => f.category);
    expect(new Set(categories).size).toBe(categories.length);
    for (const c of categories) expect(Object.keys(CATEGORIES)).toContain(c);
    expect(categories.length).toBeGreaterThanOrEqual(12);
  });

  it('applies every kind to a rich topology, and each fault surfaces where construction says', async () => {
    const t = buildTopology(RICH);
    expect(applicableFaultKinds(t).sort()).toStrictEqual(Object.keys(FAULT_CATALOGUE).sort());
    const one = Object.keys(FAULT_CATALOGUE).map((kind) => faultSites(t).find((f) => f.kind === kind)!);
    for (const fault of one) {
      const result = await run(applyMutation(t.scenario, fault));
      if (fault.surfaces === 'issue') expect(result.issues, fault.label).toContainEqual(expect.objectContaining({ category: fault.category, path: fault.issuePath }));
      else expect(result.firstDenial, fault.label).toMatchObject({ category: fault.category, stage: fault.at.stage, action: fault.at.action, operation: fault.at.operation, principal: fault.at.principal });
    }
  });

  it('gives each fault a repair that restores the green scenario', async () => {
    const t = buildTopology(RICH);
    for (const fault of faultSites(t).filter((_, i) => i % 7 === 0)) {
      const repaired = applyMutation(applyMutation(t.scenario, fault), { patch: fault.repair });
      expect(JSON.parse(JSON.stringify(repaired)), fault.label).toStrictEqual(JSON.parse(JSON.stringify(t.scenario)));
    }
    expect((await run(t.scenario)).status).toBe('Succeeded');
    void memo;
  });

  it('labels faults as policy mutations are labelled', () => {
    const t = buildTopology(RICH);
    const labels = new Set(policyMutations(t.scenario).map((m) => m.label));
    const removals = faultSites(t).filter((f) => f.label.startsWith('remove '));
    expect(removals.length).toBeGreaterThan(0);
    for (const f of removals) expect(labels, f.label).toContain(f.label);
  });
});
