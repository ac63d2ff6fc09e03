/**
 * JSON Patch (RFC 6902) applied copy-on-write: the patched document shares every subtree the
 * patch does not touch with the original. Pure; the original is never mutated.
 *
 * Sharing is what makes property tests cheap: the decision memo (engine/policy/authorize.ts) is keyed
 * on the identity of policy documents, so a mutated scenario re-evaluates only the calls that
 * involve the one document a mutation changed.
 */
import type { Operation } from 'fast-json-patch';
import fastJsonPatch from 'fast-json-patch';

/** One problem applying a patch. */
export interface PatchIssue {
  readonly code: 'patch_failed';
  /** The index of the failing operation (`patch[2]`). */
  readonly path: string;
  readonly message: string;
}

/** What applying a patch returns. */
export type PatchOutcome<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly issues: readonly PatchIssue[] };

/** Escapes one reference token of a JSON Pointer (`~` → `~0`, `/` → `~1`). Pure. */
export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Builds a JSON Pointer from reference tokens. Pure. */
export function pointer(...tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join('');
}

/** Splits a JSON Pointer into unescaped reference tokens; undefined when it is not a pointer. Pure. */
export function parsePointer(path: string): string[] | undefined {
  if (path === '') return [];
  if (!path.startsWith('/')) return undefined;
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Json = unknown;

class PatchFailure extends Error {}

const isContainer = (v: Json): v is Record<string, Json> | Json[] => typeof v === 'object' && v !== null;

function child(container: Json, token: string): Json {
  if (Array.isArray(container)) {
    if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchFailure(`\`${token}\` is not an array index`);
    return container[Number(token)];
  }
  if (isContainer(container)) return Object.prototype.hasOwnProperty.call(container, token) ? (container as Record<string, Json>)[token] : undefined;
  return undefined;
}

/** Copies the path to `tokens` and applies `edit` to the (copied) parent container. */
function editAt(doc: Json, tokens: readonly string[], edit: (parent: Record<string, Json> | Json[], last: string) => void): Json {
  if (tokens.length === 0) throw new PatchFailure('the root cannot be edited this way');
  const [head, ...rest] = tokens as [string, ...string[]];
  if (!isContainer(doc)) throw new PatchFailure(`path does not exist at \`${head}\``);
  const copy: Record<string, Json> | Json[] = Array.isArray(doc) ? [...doc] : { ...doc };
  if (rest.length === 0) {
    edit(copy, head);
    return copy;
  }
  const next = child(doc, head);
  if (next === undefined) throw new PatchFailure(`path does not exist at \`${head}\``);
  const replaced = editAt(next, rest, edit);
  if (Array.isArray(copy)) copy[Number(head)] = replaced;
  else copy[head] = replaced;
  return copy;
}

function get(doc: Json, tokens: readonly string[]): Json {
  let cur = doc;
  for (const t of tokens) {
    cur = child(cur, t);
    if (cur === undefined) throw new PatchFailure(`path does not exist at \`${t}\``);
  }
  return cur;
}

function arrayIndex(arr: readonly Json[], token: string, allowEnd: boolean): number {
  if (allowEnd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchFailure(`\`${token}\` is not an array index`);
  const i = Number(token);
  if (i > arr.length || (!allowEnd && i === arr.length)) throw new PatchFailure(`index ${i} is out of bounds`);
  return i;
}

function applyOne(doc: Json, op: Operation): Json {
  const tokens = parsePointer(op.path);
  if (!tokens) throw new PatchFailure(`\`${op.path}\` is not a JSON Pointer`);
  switch (op.op) {
    case 'add':
      if (tokens.length === 0) return op.value;
      return editAt(doc, tokens, (parent, last) => {
        if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, op.value);
        else parent[last] = op.value;
      });
    case 'replace':
      if (tokens.length === 0) return op.value;
      return editAt(doc, tokens, (parent, last) => {
        if (Array.isArray(parent)) parent[arrayIndex(parent, last, false)] = op.value;
        else if (Object.prototype.hasOwnProperty.call(parent, last)) parent[last] = op.value;
        else throw new PatchFailure(`path does not exist at \`${last}\``);
      });
    case 'remove':
      if (tokens.length === 0) throw new PatchFailure('the root cannot be removed');
      return editAt(doc, tokens, (parent, last) => {
        if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
        else if (Object.prototype.hasOwnProperty.call(parent, last)) delete parent[last];
        else throw new PatchFailure(`path does not exist at \`${last}\``);
      });
    case 'test': {
      const actual = get(doc, tokens);
      if (!fastJsonPatch._areEquals(actual, op.value)) throw new PatchFailure(`test failed at \`${op.path}\``);
      return doc;
    }
    case 'copy':
    case 'move': {
      const from = parsePointer(op.from);
      if (!from) throw new PatchFailure(`\`${op.from}\` is not a JSON Pointer`);
      // RFC 6902 §4.4: a location cannot be moved into one of its children.
      if (op.op === 'move' && op.path.startsWith(`${op.from}/`)) throw new PatchFailure(`\`${op.from}\` cannot be moved into one of its children`);
      const value = get(doc, from);
      const without = op.op === 'move' ? applyOne(doc, { op: 'remove', path: op.from }) : doc;
      return applyOne(without, { op: 'add', path: op.path, value: op.op === 'copy' ? structuredClone(value) : value });
    }
    default:
      throw new PatchFailure(`unknown operation \`${(op as { op: string }).op}\``);
  }
}

/**
 * Applies a JSON Patch copy-on-write: untouched subtrees stay the very same objects. Pure; never
 * throws (a failing operation is an issue naming its index). Performs no schema validation.
 */
export function applyPatchShared<T>(document: T, patch: readonly Operation[]): PatchOutcome<T> {
  let doc: Json = document;
  for (let i = 0; i < patch.length; i += 1) {
    const op = patch[i]!;
    try {
      doc = applyOne(doc, op);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { success: false, issues: [{ code: 'patch_failed', path: `patch[${i}]`, message: `${op.op} \`${op.path}\`: ${message}` }] };
    }
  }
  return { success: true, data: doc as T };
}
