// applyPatch works copy-on-write and parses only what a patch changed: properties against an
// oracle that does it the plain way (fast-json-patch on a deep copy, then the full schema and
// semantic checks), on random patches over the reference scenario.
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { applyPatch, pointer, pointerSegments } from '../engine/analysis/patch.js';
import { Scenario } from '../model/schema.js';
import { semanticIssues } from '../model/validate.js';
import { loadBundled, REFERENCE } from './fix-cases.js';

const reference = await loadBundled(REFERENCE);
const RUNS = process.env['PIPESIM_DEEP'] ? 5000 : 300;

/** Every pointer of a document. */
function pointers(value: unknown, segments: string[] = []): string[] {
  const here = [pointer(...segments)];
  if (value === null || typeof value !== 'object') return here;
  return [...here, ...Object.entries(value).flatMap(([k, v]) => pointers(v, [...segments, k]))];
}

function valueAt(doc: unknown, ptr: string): unknown {
  let node: unknown = doc;
  for (const s of pointerSegments(ptr)) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[s] : undefined;
  return node;
}

/** The plain way: a deep copy patched by fast-json-patch, then the full parse and every semantic error. */
function oracle(document: unknown, patch: readonly jsonpatch.Operation[]): { readonly success: boolean; readonly data?: unknown } {
  let doc: unknown;
  try {
    doc = jsonpatch.applyPatch(jsonpatch.deepClone(document), jsonpatch.deepClone(patch) as jsonpatch.Operation[], true, true, true).newDocument;
  } catch {
    return { success: false };
  }
  const parsed = Scenario.safeParse(doc);
  if (!parsed.success) return { success: false };
  if (semanticIssues(parsed.data).some((i) => i.severity === 'error')) return { success: false };
  return { success: true, data: parsed.data };
}

const all = pointers(reference);
const existing = fc.constantFrom(...all);
const path = fc.oneof(existing, existing.map((p) => `${p}/-`), existing.map((p) => `${p}/x`), fc.constantFrom('/roles/-', '/roles/01/arn', '/nope/x', '/__proto__/x'));
// Values mostly taken from the scenario itself, so that many patches still validate.
const value = fc.oneof(existing.map((p) => structuredClone(valueAt(reference, p))), fc.constant('arn:aws:iam::111111111111:role/Other'), fc.constant({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), fc.constant(null));
const operation: fc.Arbitrary<jsonpatch.Operation> = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'test'), path, value }) as fc.Arbitrary<jsonpatch.Operation>,
  fc.record({ op: fc.constant('remove'), path }) as fc.Arbitrary<jsonpatch.Operation>,
  fc.record({ op: fc.constantFrom('move', 'copy'), from: path, path }) as fc.Arbitrary<jsonpatch.Operation>,
  // A replace of a document by its own value: always valid, exercises the unchanged fields.
  existing.map((p) => ({ op: 'replace', path: p, value: structuredClone(valueAt(reference, p)) }) as jsonpatch.Operation),
);

describe('applyPatch: copy-on-write and incremental parsing', () => {
  it('agrees with a deep copy patched and validated in full, and never touches its input', () => {
    const before = JSON.stringify(reference);
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 3 }), (patch) => {
        const ours = applyPatch(reference, patch);
        const plain = oracle(reference, patch);
        expect(ours.success).toBe(plain.success);
        if (ours.success) expect(JSON.stringify(ours.data)).toBe(JSON.stringify(plain.data));
        expect(JSON.stringify(reference)).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('shares every top-level field and document the patch does not change', () => {
    const r = applyPatch(reference, [{ op: 'replace', path: '/roles/1/inlinePolicies', value: {} }]);
    if (!r.success) throw new Error(r.issues[0]?.message);
    for (const key of Object.keys(reference) as (keyof typeof reference)[]) if (key !== 'roles') expect(r.data[key]).toBe(reference[key]);
    expect(r.data.roles[0]).toBe(reference.roles[0]);
    expect(r.data.roles[1]!.trustPolicy).toBe(reference.roles[1]!.trustPolicy);
  });
});
