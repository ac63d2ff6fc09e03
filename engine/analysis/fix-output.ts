/**
 * Writes a fixed scenario back as text. Patches address the scenario as loaded (defaults filled
 * in); the file as written may leave those defaults out, so every container a patch needs is
 * first added with the loaded value. YAML keeps the file's comments and layout: each operation
 * is applied to the YAML document's nodes; where that is not possible (a path through an alias
 * or merge key, a JSON source) the document is written afresh. The text is loaded again and
 * compared with the patched scenario before it is returned. Pure.
 */
import { isAlias, isMap, isSeq, parseDocument, stringify, type Document } from 'yaml';
import { loadScenario } from '../../model/load.js';
import { Scenario } from '../../model/schema.js';
import { applyOperations, pointerSegments, pointer, type JsonPatch, type PatchOperation } from './patch.js';

/** The fixed scenario as text, or why it could not be written. */
export type ScenarioText =
  | {
      readonly success: true;
      readonly text: string;
      /** Whether the source's comments and layout were kept (false: written afresh). */
      readonly preserved: boolean;
    }
  | { readonly success: false; readonly message: string };

/** Output format of a fixed scenario. */
export type TextFormat = 'yaml' | 'json';

/**
 * Applies `patch` (against `loaded`, the scenario as loaded from `source`) to the source text.
 * `file` is the name the source was loaded under (so a scenario without `id` keeps its id). Pure.
 */
export function patchScenarioText(source: string, loaded: Scenario, patch: JsonPatch, options: { readonly format: TextFormat; readonly file: string }): ScenarioText {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return { success: false, message: 'the source no longer parses' };
  let raw: unknown = doc.toJS({ maxAliasCount: 100 });
  let shadow: unknown = loaded;
  // YAML nodes are patched alongside while that is possible.
  let nodes: Document | undefined = options.format === 'yaml' && !/^\s*[{[]/.test(text) ? doc : undefined;
  for (const operation of patch) {
    for (const ptr of neededParents(operation)) {
      const materialised = materialise(raw, shadow, ptr);
      if (!materialised) return { success: false, message: `cannot write the change at \`${ptr}\`` };
      raw = materialised.raw;
      if (nodes && materialised.ops.length > 0 && !materialised.ops.every((op) => yamlOperation(nodes!, op))) nodes = undefined;
    }
    const next = applyOperations(raw, [operation]);
    if (!next.success) return { success: false, message: next.issues[0]?.message ?? 'the patch does not apply to the source' };
    raw = next.document;
    if (nodes && !yamlOperation(nodes, operation)) nodes = undefined;
    const shadowed = applyOperations(shadow, [operation]);
    if (!shadowed.success) return { success: false, message: shadowed.issues[0]?.message ?? 'the patch does not apply' };
    shadow = shadowed.document;
  }
  const candidates: { readonly text: string; readonly preserved: boolean }[] = [];
  if (nodes) candidates.push({ text: nodes.toString({ lineWidth: 0 }), preserved: true });
  candidates.push({ text: options.format === 'json' ? `${JSON.stringify(raw, null, 2)}\n` : stringify(raw, { lineWidth: 0 }), preserved: false });
  const expected = Scenario.safeParse(shadow);
  if (!expected.success) return { success: false, message: 'the fixed scenario does not validate' };
  for (const c of candidates) {
    const reloaded = loadScenario(c.text, { file: options.file, format: options.format });
    // The id is not compared: a file without one takes it from the name it is loaded under.
    if (reloaded.success && canonical({ ...reloaded.data, id: undefined }) === canonical({ ...expected.data, id: undefined })) return { success: true, ...c };
  }
  return { success: false, message: 'the written scenario does not load back to the fixed scenario' };
}

/** The pointers whose parents must exist for an operation to apply. */
function neededParents(op: PatchOperation): string[] {
  const parent = (p: string) => {
    const s = pointerSegments(p);
    return s.length === 0 ? undefined : pointer(...s.slice(0, -1));
  };
  const out: (string | undefined)[] = [];
  if (op.op === 'add' || op.op === 'move' || op.op === 'copy') out.push(parent(op.path));
  else out.push(op.path);
  if (op.op === 'move' || op.op === 'copy') out.push(op.from);
  return out.filter((p): p is string => p !== undefined && p !== '');
}

/** Adds to `raw` the first missing container on the way to `ptr`, with its value in `shadow`. */
function materialise(raw: unknown, shadow: unknown, ptr: string): { readonly raw: unknown; readonly ops: PatchOperation[] } | undefined {
  const segments = pointerSegments(ptr);
  let r: unknown = raw;
  let s: unknown = shadow;
  for (let i = 0; i < segments.length; i += 1) {
    const seg = segments[i]!;
    const rNext = child(r, seg);
    const sNext = child(s, seg);
    if (rNext.found) {
      r = rNext.value;
      s = sNext.value;
      continue;
    }
    if (!sNext.found) return { raw, ops: [] };
    const op: PatchOperation = { op: 'add', path: pointer(...segments.slice(0, i + 1)), value: sNext.value };
    const applied = applyOperations(raw, [op]);
    return applied.success ? { raw: applied.document, ops: [op] } : undefined;
  }
  return { raw, ops: [] };
}

function child(node: unknown, seg: string): { readonly found: boolean; readonly value: unknown } {
  if (Array.isArray(node)) {
    const i = Number(seg);
    return Number.isInteger(i) && i >= 0 && i < node.length ? { found: true, value: node[i] } : { found: false, value: undefined };
  }
  if (node !== null && typeof node === 'object' && Object.hasOwn(node, seg)) return { found: true, value: (node as Record<string, unknown>)[seg] };
  return { found: false, value: undefined };
}

/** The YAML node at a path (no aliases, no merge keys); undefined when the path leaves the node tree. */
function nodeAt(doc: Document, segments: readonly string[]): unknown {
  let node: unknown = doc.contents;
  for (const seg of segments) {
    if (isAlias(node)) return undefined;
    if (isMap(node)) {
      if (node.items.some((p) => (p.key as { value?: unknown } | null)?.value === '<<')) return undefined;
      node = node.get(seg, true);
    } else if (isSeq(node)) {
      const i = Number(seg);
      if (!Number.isInteger(i)) return undefined;
      node = node.get(i, true);
    } else return undefined;
    if (node === undefined) return undefined;
  }
  return isAlias(node) ? undefined : node;
}

/** Applies one operation to a YAML document's nodes; false when it cannot be done faithfully. */
function yamlOperation(doc: Document, op: PatchOperation): boolean {
  const valueOf = (ptr: string): { found: boolean; value: unknown } => {
    const js = doc.toJS({ maxAliasCount: 100 }) as unknown;
    let node = js;
    for (const seg of pointerSegments(ptr)) {
      const c = child(node, seg);
      if (!c.found) return { found: false, value: undefined };
      node = c.value;
    }
    return { found: true, value: node };
  };
  switch (op.op) {
    case 'test':
      return true;
    case 'add':
      return insert(doc, op.path, op.value, false);
    case 'replace':
      return insert(doc, op.path, op.value, true);
    case 'remove':
      return remove(doc, op.path);
    case 'copy': {
      const v = valueOf(op.from);
      return v.found && insert(doc, op.path, v.value, false);
    }
    case 'move': {
      const v = valueOf(op.from);
      return v.found && remove(doc, op.from) && insert(doc, op.path, v.value, false);
    }
  }
}

function insert(doc: Document, ptr: string, value: unknown, replace: boolean): boolean {
  const segments = pointerSegments(ptr);
  if (segments.length === 0) {
    doc.contents = doc.createNode(value) as Document['contents'];
    return true;
  }
  const parent = nodeAt(doc, segments.slice(0, -1));
  const last = segments[segments.length - 1]!;
  const node = doc.createNode(value);
  if (isMap(parent)) {
    parent.set(last, node);
    return true;
  }
  if (isSeq(parent)) {
    if (last === '-') {
      parent.items.push(node);
      return true;
    }
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.items.length) return false;
    if (replace) parent.items[i] = node;
    else parent.items.splice(i, 0, node);
    return true;
  }
  return false;
}

function remove(doc: Document, ptr: string): boolean {
  const segments = pointerSegments(ptr);
  if (segments.length === 0) return false;
  const parent = nodeAt(doc, segments.slice(0, -1));
  const last = segments[segments.length - 1]!;
  if (isMap(parent)) return parent.delete(last);
  if (isSeq(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.items.length) return false;
    parent.items.splice(i, 1);
    return true;
  }
  return false;
}

/** JSON with object keys sorted, for comparing documents regardless of key order. Pure. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}
