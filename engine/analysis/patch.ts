/**
 * JSON Patch (RFC 6902) over scenarios. A patch is checked operation by operation, applied to a
 * copy (the input is never mutated), and the patched document is validated again against the
 * schema and the loader's semantic checks, so a patch can never produce an invalid scenario
 * silently. Never throws. Pure.
 *
 * Paths address the scenario as loaded: the file's structure with the schema's defaults filled in
 * (`/roles/0/inlinePolicies` exists even where the file leaves it out).
 */
import jsonpatch from 'fast-json-patch';
import type { z } from 'zod';
import { isSeq, LineCounter, parseDocument } from 'yaml';
import type { Issue, LocatedIssue, Position } from '../../model/issues.js';
import { formatPath, type PathSegment } from '../../model/path.js';
import { Scenario } from '../../model/schema.js';
import { mapZodIssues } from '../../model/schema-issues.js';
import { didYouMean } from '../../model/suggest.js';
import { semanticIssues } from '../../model/validate.js';

/** One JSON Patch operation (RFC 6902). */
export type PatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string };

/** A JSON Patch: operations applied in order. */
export type JsonPatch = readonly PatchOperation[];

/** A problem of a patch: `path` is the operation (`/3`), or for a patched scenario that does not validate, the scenario path, with the operation that wrote there. */
export interface PatchIssue extends Issue {
  /** The index of the operation the issue belongs to, where one does. */
  readonly operation?: number;
}

/** What applying a patch gives: the re-validated scenario, or why not. */
export type PatchResult = { readonly success: true; readonly data: Scenario } | { readonly success: false; readonly issues: readonly PatchIssue[] };

/** What reading a patch file gives: the operations and where each one starts, or located issues. */
export type PatchFileResult =
  | { readonly success: true; readonly patch: JsonPatch; readonly locate: (index: number) => Position | undefined; readonly file: string }
  | { readonly success: false; readonly issues: readonly LocatedIssue[]; readonly file: string };

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

/** The JSON Pointer (RFC 6901) of path segments (`['roles', 2, 'arn']` → `/roles/2/arn`). Pure. */
export function pointer(...segments: readonly PathSegment[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The segments of a JSON Pointer; numeric-looking tokens stay strings (the document decides). Pure. */
export function pointerSegments(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Whether a value is a well-formed patch (an array of operations with the fields their op needs). Pure. */
export function checkPatchShape(value: unknown): PatchIssue[] {
  if (!Array.isArray(value)) return [{ code: 'invalid_patch', path: '', message: `expected a JSON Patch: a list of operations, got ${kindOf(value)}`, severity: 'error' }];
  const issues: PatchIssue[] = [];
  value.forEach((item: unknown, index) => {
    const at = (message: string) => issues.push({ code: 'invalid_patch', path: `/${index}`, message, severity: 'error', operation: index });
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return at(`expected an operation object, got ${kindOf(item)}`);
    const o = item as Record<string, unknown>;
    if (typeof o.op !== 'string') return at('the operation has no `op`: expected one of add, remove, replace, move, copy, test');
    if (!(OPS as readonly string[]).includes(o.op)) return at(`unknown op \`${o.op}\`: expected one of add, remove, replace, move, copy, test${didYouMean(o.op, OPS)}`);
    if (typeof o.path !== 'string') return at(`\`${o.op}\` needs a \`path\` string`);
    if (o.path !== '' && !o.path.startsWith('/')) return at(`path \`${o.path}\` is not a JSON Pointer: it must start with \`/\``);
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o)) return at(`\`${o.op}\` needs a \`value\``);
    if (o.op === 'move' || o.op === 'copy') {
      if (typeof o.from !== 'string') return at(`\`${o.op}\` needs a \`from\` string`);
      if (o.from !== '' && !o.from.startsWith('/')) return at(`from \`${o.from}\` is not a JSON Pointer: it must start with \`/\``);
      if (o.op === 'move' && (o.path === o.from || o.path.startsWith(`${o.from}/`))) return at(`cannot move \`${o.from}\` into itself`);
    }
    return undefined;
  });
  return issues;
}

/**
 * Applies a patch to a copy of a document (a loaded scenario, or a scenario document as written)
 * and validates the result. Unchanged parts of the result are the input's own objects, so a
 * shared decision memo still hits for the policies the patch did not touch. Pure.
 */
export function applyPatch(document: unknown, patch: unknown): PatchResult {
  const shape = checkPatchShape(patch);
  if (shape.length > 0) return { success: false, issues: shape };
  const applied = applyOperations(document, patch as JsonPatch);
  if (!applied.success) return applied;
  return validatePatched(document, applied.document, patch as JsonPatch);
}

/**
 * Applies the operations copy-on-write (fast-json-patch on copies of only the containers along
 * each operation's paths, so untouched subtrees stay the input's own objects); the first failing
 * one is an `invalid_patch` issue. Pure.
 */
export function applyOperations(document: unknown, patch: JsonPatch): { readonly success: true; readonly document: unknown } | { readonly success: false; readonly issues: readonly PatchIssue[] } {
  const copy = (value: unknown): unknown => (value !== null && typeof value === 'object' ? jsonpatch.deepClone(value) : value);
  let doc: unknown = document !== null && typeof document === 'object' ? document : jsonpatch.deepClone(document);
  const owned = new WeakSet<object>();
  for (let index = 0; index < patch.length; index += 1) {
    const operation = patch[index]!;
    try {
      if (operation.op === 'move' || operation.op === 'test') {
        // A move's removal can shift the containers its target path walks through, and a test
        // compares the document as JSON: both take a full copy, as every operation once did.
        const applied = jsonpatch.applyOperation(copy(doc), jsonpatch.deepClone(operation) as never, true, true, true, index).newDocument;
        if (operation.op === 'move') doc = applied;
        continue;
      }
      doc = ownPath(doc, operation.path, owned);
      if (operation.op === 'copy') doc = ownPath(doc, operation.from, owned);
      doc = jsonpatch.applyOperation(doc, jsonpatch.deepClone(operation) as never, true, true, true, index).newDocument;
    } catch (error) {
      return { success: false, issues: [{ code: 'invalid_patch', path: `/${index}`, message: operationProblem(operation, error, doc), severity: 'error', operation: index }] };
    }
  }
  return { success: true, document: doc };
}

/**
 * Copies the containers from the root down to the parent of the pointer's last token (those this
 * application has not copied yet), so fast-json-patch can mutate them in place without touching
 * the input. Walks as fast-json-patch does: array tokens of digits are indexes (`~~token`),
 * objects only through their own properties (fast-json-patch refuses to edit inherited ones).
 */
function ownPath(doc: unknown, ptr: string, owned: WeakSet<object>): unknown {
  if (ptr === '' || doc === null || typeof doc !== 'object') return doc;
  const own = (node: object): Record<string, unknown> | unknown[] => {
    if (owned.has(node)) return node as Record<string, unknown> | unknown[];
    const copy = Array.isArray(node) ? [...(node as unknown[])] : { ...(node as Record<string, unknown>) };
    owned.add(copy);
    return copy;
  };
  const root = own(doc);
  let parent = root;
  const tokens = pointerSegments(ptr);
  for (let i = 0; i < tokens.length - 1; i += 1) {
    const token = tokens[i]!;
    let at: string | number;
    if (Array.isArray(parent)) {
      if (!/^\d*$/.test(token)) break;
      at = Number(token) | 0;
    } else {
      if (token === '__proto__' || !Object.hasOwn(parent, token)) break;
      at = token;
    }
    const child = (parent as Record<string | number, unknown>)[at];
    if (child === null || typeof child !== 'object') break;
    const copy = own(child);
    (parent as Record<string | number, unknown>)[at] = copy;
    parent = copy;
  }
  return root;
}

function validatePatched(original: unknown, patched: unknown, patch: JsonPatch): PatchResult {
  const parsed = parsePatched(original, patched);
  if (!parsed.success) {
    const raw = mapZodIssues(parsed.error.issues, patched, Scenario, () => undefined);
    return { success: false, issues: raw.filter((i) => i.severity === 'error').map((i) => afterPatch(i.code, i.segments, i.message, patch)) };
  }
  // Shared first: the semantic checks keep what they derive from a policy document by its identity.
  const data = shareStructure(original, parsed.data) as Scenario;
  const semantic = semanticIssues(data).filter((i) => i.severity === 'error');
  if (semantic.length > 0) return { success: false, issues: semantic.map((i) => afterPatch(i.code, i.segments, i.message, patch)) };
  return { success: true, data };
}

// INVARIANT: scenarios are values, never mutated in place (as policy documents, engine/policy/authorize.ts).
/** Documents known to be valid scenarios that parse to themselves, by identity. */
const fixpoints = new WeakMap<object, boolean>();

/** Whether a document is a valid scenario equal (as JSON) to its own parse: a loaded scenario is. */
function isFixpoint(document: object): boolean {
  let known = fixpoints.get(document);
  if (known === undefined) {
    const parsed = Scenario.safeParse(document);
    known = parsed.success && JSON.stringify(parsed.data) === JSON.stringify(document);
    fixpoints.set(document, known);
  }
  return known;
}

const ScenarioKeys: ReadonlySet<string> = new Set(Object.keys(Scenario.shape));
const partSchemas = new Map<string, z.ZodType>();

/**
 * `Scenario.safeParse(patched)`, parsing only the top-level fields the patch changed when the
 * original is a scenario that parses to itself: the scenario has no rule across its fields, so an
 * unchanged field parses to itself again. Any problem is left to the full parse, which reports it.
 */
function parsePatched(original: unknown, patched: unknown): { readonly success: true; readonly data: unknown } | { readonly success: false; readonly error: z.ZodError } {
  if (!isPlainObject(original) || !isPlainObject(patched) || !isFixpoint(original)) return Scenario.safeParse(patched);
  for (const key in patched) if (!ScenarioKeys.has(key)) return Scenario.safeParse(patched);
  const changed = [...ScenarioKeys].filter((k) => k in patched !== k in original || patched[k] !== original[k]);
  if (changed.length === 0) return { success: true, data: original };
  const id = changed.join(',');
  let schema = partSchemas.get(id);
  if (!schema) {
    schema = Scenario.pick(Object.fromEntries(changed.map((k) => [k, true])) as Record<keyof Scenario, true>);
    // One schema per set of changed fields; a few sets are common, and the table stays small.
    if (partSchemas.size >= 64) partSchemas.clear();
    partSchemas.set(id, schema);
  }
  const part = schema.safeParse(Object.fromEntries(changed.filter((k) => k in patched).map((k) => [k, patched[k]])));
  if (!part.success) return Scenario.safeParse(patched);
  const parsedPart = part.data as Record<string, unknown>;
  // In the schema's key order, as the full parse writes them.
  const data: Record<string, unknown> = {};
  for (const key of ScenarioKeys) {
    const from = changed.includes(key) ? parsedPart : original;
    if (key in from) data[key] = from[key];
  }
  return { success: true, data };
}

/** An issue of the patched scenario, naming the operation that wrote there (the last one whose path covers it). */
function afterPatch(code: string, segments: readonly PathSegment[], message: string, patch: JsonPatch): PatchIssue {
  const at = pointer(...segments);
  let op = -1;
  patch.forEach((o, i) => {
    if (at === o.path || at.startsWith(`${o.path}/`) || o.path.startsWith(`${at}/`) || o.path === '') op = i;
  });
  const which = op >= 0 ? ` (operation ${op})` : '';
  return { code, path: formatPath(segments), message: `after the patch${which}: ${message}`, severity: 'error', ...(op >= 0 ? { operation: op } : {}) };
}

/** Plain words for a failing operation. */
function operationProblem(operation: PatchOperation, error: unknown, doc: unknown): string {
  const name = (error as { name?: string } | null)?.name ?? '';
  const path = `\`${operation.path}\``;
  switch (name) {
    case 'OPERATION_PATH_UNRESOLVABLE':
      return `cannot ${operation.op} ${path}: the path does not exist`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `cannot ${operation.op} from \`${'from' in operation ? operation.from : ''}\`: the path does not exist`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `cannot add ${path}: its parent does not exist`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `cannot ${operation.op} ${path}: the index is past the end of the list`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `cannot ${operation.op} ${path}: \`${operation.path.split('/').pop() ?? ''}\` is not a list index`;
    case 'TEST_OPERATION_FAILED': {
      let actual: unknown;
      try {
        actual = jsonpatch.getValueByPointer(doc, operation.path);
      } catch {
        actual = undefined;
      }
      return `test failed: ${path} is ${brief(actual)}, not ${brief('value' in operation ? operation.value : undefined)}`;
    }
    case 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED':
      return `the value of the ${operation.op} at ${path} contains an undefined value`;
    default: {
      const text = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
      if (/__proto__|prototype/.test(text)) return `cannot ${operation.op} ${path}: prototype properties cannot be patched`;
      return `cannot ${operation.op} ${path}: ${text.charAt(0).toLowerCase()}${text.slice(1).replace(/\.$/, '')}`;
    }
  }
}

function brief(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `next`, with every subtree that equals the corresponding subtree of `prev` replaced by `prev`'s
 * own object: edits make new objects only along the paths they change. Pure.
 */
export function shareStructure(prev: unknown, next: unknown): unknown {
  if (prev === next) return prev;
  if (Array.isArray(prev) && Array.isArray(next)) {
    const items = next.map((n: unknown, i) => (i < prev.length ? shareStructure(prev[i], n) : n));
    return items.length === prev.length && items.every((x, i) => x === prev[i]) ? prev : items;
  }
  if (isPlainObject(prev) && isPlainObject(next)) {
    const out: Record<string, unknown> = {};
    let same = Object.keys(prev).length === Object.keys(next).length;
    for (const [k, v] of Object.entries(next)) {
      const shared = Object.hasOwn(prev, k) ? shareStructure(prev[k], v) : v;
      out[k] = shared;
      if (!Object.hasOwn(prev, k) || shared !== prev[k]) same = false;
    }
    return same ? prev : out;
  }
  return Object.is(prev, next) ? prev : next;
}

/** The patch that undoes `patch` on `document` (each step's inverse, in reverse order), or undefined if it does not apply. Pure. */
export function invertPatch(document: unknown, patch: JsonPatch): JsonPatch | undefined {
  let doc: unknown = jsonpatch.deepClone(document);
  const inverse: PatchOperation[] = [];
  for (const operation of patch) {
    const get = (ptr: string): { found: boolean; value: unknown } => {
      try {
        const segments = pointerSegments(ptr);
        let node: unknown = doc;
        for (const s of segments) {
          if (Array.isArray(node)) {
            const i = Number(s);
            if (!Number.isInteger(i) || i < 0 || i >= node.length) return { found: false, value: undefined };
            node = node[i];
          } else if (isPlainObject(node) && Object.hasOwn(node, s)) node = node[s];
          else return { found: false, value: undefined };
        }
        return { found: true, value: jsonpatch.deepClone(node) };
      } catch {
        return { found: false, value: undefined };
      }
    };
    const target = operation.op === 'add' ? resolveAppend(doc, operation.path) : operation.path;
    let step: PatchOperation[];
    switch (operation.op) {
      case 'test':
        step = [];
        break;
      case 'remove': {
        const old = get(operation.path);
        if (!old.found) return undefined;
        step = [{ op: 'add', path: operation.path, value: old.value }];
        break;
      }
      case 'replace': {
        const old = get(operation.path);
        if (!old.found) return undefined;
        step = [{ op: 'replace', path: operation.path, value: old.value }];
        break;
      }
      case 'add': {
        const old = get(target);
        const parent = get(pointerSegments(target).length ? pointer(...pointerSegments(target).slice(0, -1)) : '');
        step = Array.isArray(parent.value) || !old.found ? [{ op: 'remove', path: target }] : [{ op: 'replace', path: target, value: old.value }];
        break;
      }
      case 'copy': {
        const old = get(operation.path);
        const parent = get(pointerSegments(operation.path).length ? pointer(...pointerSegments(operation.path).slice(0, -1)) : '');
        step = Array.isArray(parent.value) || !old.found ? [{ op: 'remove', path: resolveAppend(doc, operation.path) }] : [{ op: 'replace', path: operation.path, value: old.value }];
        break;
      }
      case 'move': {
        const old = get(operation.path);
        const parent = get(pointerSegments(operation.path).length ? pointer(...pointerSegments(operation.path).slice(0, -1)) : '');
        const back: PatchOperation = { op: 'move', from: resolveAppend(doc, operation.path), path: operation.from };
        step = old.found && !Array.isArray(parent.value) ? [back, { op: 'add', path: operation.path, value: old.value }] : [back];
        break;
      }
    }
    const applied = applyOperations(doc, [operation]);
    if (!applied.success) return undefined;
    doc = applied.document;
    inverse.unshift(...step);
  }
  return inverse;
}

/** `/list/-` as the index the element will get. */
function resolveAppend(doc: unknown, ptr: string): string {
  const segments = pointerSegments(ptr);
  if (segments[segments.length - 1] !== '-') return ptr;
  let node: unknown = doc;
  for (const s of segments.slice(0, -1)) node = Array.isArray(node) ? node[Number(s)] : isPlainObject(node) ? node[s] : undefined;
  return Array.isArray(node) ? pointer(...segments.slice(0, -1), node.length) : ptr;
}

/**
 * Reads a patch file (JSON or YAML): a list of operations. Parse and shape problems come back as
 * located `invalid_patch` issues; `locate(i)` gives the position of operation `i`. Pure.
 */
export function readPatchText(text: string, file: string): PatchFileResult {
  const lineCounter = new LineCounter();
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(line, 1), column: Math.max(col, 1) };
  };
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fail = (issues: LocatedIssue[]): PatchFileResult => ({ success: false, issues, file });
  if (source.trim() === '') return fail([{ code: 'invalid_patch', severity: 'error', path: '', message: 'the patch file is empty: expected a list of operations', file, line: 1, column: 1 }]);
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) => ({ code: 'invalid_patch', severity: 'error' as const, path: '', message: `not JSON or YAML: ${(e.message.split('\n')[0] ?? '').replace(/\s+at line \d+, column \d+:?\s*$/, '').replace(/^./, (c) => c.toLowerCase())}`, file, ...position(e.pos[0]) })));
  }
  const items = isSeq(doc.contents) ? doc.contents.items : undefined;
  const locate = (index: number): Position | undefined => {
    const node = items?.[index] as { range?: readonly [number, number, number] | null } | undefined;
    return node?.range ? position(node.range[0]) : undefined;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return fail([{ code: 'invalid_patch', severity: 'error', path: '', message: `cannot read the patch: ${error instanceof Error ? error.message : String(error)}`, file, line: 1, column: 1 }]);
  }
  const shape = checkPatchShape(value);
  if (shape.length > 0) return fail(shape.map((i) => locateIssue(i, file, locate)));
  return { success: true, patch: value as JsonPatch, locate, file };
}

/** An issue of a patch read from a file, at the operation it belongs to, else the top of the file. */
export function locateIssue(issue: PatchIssue, file: string, locate: (index: number) => Position | undefined): LocatedIssue & PatchIssue {
  const at = issue.operation !== undefined ? locate(issue.operation) : undefined;
  return { ...issue, severity: issue.severity ?? 'error', file, ...(at ?? { line: 1, column: 1 }) };
}
