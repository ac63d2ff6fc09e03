/**
 * Parses a CloudFormation template (JSON, or YAML with CloudFormation's short tags `!Ref`,
 * `!Sub`, `!GetAtt`…) into plain JSON with the long forms (`{ "Fn::Sub": … }`), and keeps the
 * position of every node so warnings can name the line and column of a JSON path. Pure.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Tags } from 'yaml';
import type { LocatedIssue, Position } from '../../model/issues.js';
import { formatPath, type PathSegment } from '../../model/path.js';

/** A JSON value as a template holds it. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** A JSON object. */
export type JsonObject = { readonly [key: string]: Json };

/** A parsed template and a way to find where a path is in its text. */
export interface ParsedTemplate {
  readonly file: string;
  readonly template: JsonObject;
  /** The position of a path (or of its nearest parent that has one). */
  readonly locate: (path: readonly PathSegment[]) => Position;
  /** What parsing noticed without failing (tags CloudFormation does not have). */
  readonly warnings: readonly LocatedIssue[];
}

/** Short-form tags whose long form is `Fn::<Name>`. */
const FN_TAGS = [
  'And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or',
  'Select', 'Split', 'Sub', 'ToJsonString', 'Transform', 'Contains', 'EachMemberEquals', 'EachMemberIn', 'RefAll', 'ValueOf', 'ValueOfAll',
] as const;

/** Every short tag, accepted on scalars, sequences and mappings so the parser keeps them on the node. */
const SHORT_TAGS: Tags = ['Ref', 'Condition', 'GetAtt', ...FN_TAGS].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value as never },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value as never },
]) as Tags;

/** The long form of a short tag's value. */
function longForm(tag: string, value: Json): JsonObject {
  const name = tag.slice(1);
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/** Parses template text; a text that is not a template gives located `invalid_template` issues. Pure. */
export function parseTemplate(text: string, file: string): { readonly success: true; readonly parsed: ParsedTemplate } | { readonly success: false; readonly issues: readonly LocatedIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { customTags: SHORT_TAGS, lineCounter, uniqueKeys: true, prettyErrors: false, strict: false });
  const positionOf = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      success: false,
      issues: doc.errors.map((e) => ({ code: 'invalid_template', severity: 'error' as const, path: '', message: `not a template: ${e.message.split('\n')[0]!.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())}`, file, ...positionOf(e.pos[0]) })),
    };
  }
  const positions = new Map<string, Position>();
  const unknownTags: LocatedIssue[] = [];
  const convert = (node: unknown, path: PathSegment[]): Json => {
    if (isAlias(node)) return convert(node.resolve(doc), path);
    const n = node as Node | null;
    if (n && n.range) positions.set(formatPath(path), positionOf(n.range[0]));
    const tag = n && 'tag' in n ? (n.tag as string | undefined) : undefined;
    const isShort = tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!');
    const inner: PathSegment[] = isShort ? [...path, longFormKey(tag)] : path;
    if (isShort && n?.range) {
      positions.set(formatPath(inner), positionOf(n.range[0]));
      if (longFormKey(tag) === 'Fn::GetAtt' && isScalar(n)) positions.set(formatPath([...inner, 0]), positionOf(n.range[0]));
    }
    let value: Json;
    if (isMap(n)) {
      const out: Record<string, Json> = {};
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyNode = pair.key as Node | null;
        if (keyNode?.range) positions.set(formatPath([...inner, key]), positionOf(keyNode.range[0]));
        out[key] = convert(pair.value, [...inner, key]);
      }
      value = out;
    } else if (isSeq(n)) {
      value = n.items.map((item, i) => convert(item, [...inner, i]));
    } else if (isScalar(n)) {
      const v = n.value;
      value = v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as Json);
      if (v instanceof Date) value = v.toISOString();
    } else value = null;
    if (isShort) {
      if (!SHORT_TAG_NAMES.has(tag.slice(1)) && n?.range) unknownTags.push({ code: 'unknown_tag', severity: 'warning', path: formatPath(path), message: `unknown tag \`${tag}\`: read as \`${longFormKey(tag)}\``, file, ...positionOf(n.range[0]) });
      return longForm(tag, value);
    }
    return value;
  };
  const root = convert(doc.contents, []);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { success: false, issues: [{ code: 'invalid_template', severity: 'error', path: '', message: 'not a template: expected a mapping with `Resources`', file, line: 1, column: 1 }] };
  }
  const template = root as JsonObject;
  if (typeof template['Resources'] !== 'object' || template['Resources'] === null || Array.isArray(template['Resources'])) {
    return { success: false, issues: [{ code: 'invalid_template', severity: 'error', path: 'Resources', message: 'not a template: `Resources` is missing or not a mapping', file, line: 1, column: 1 }] };
  }
  const locate = (path: readonly PathSegment[]): Position => {
    for (let n = path.length; n >= 0; n -= 1) {
      const p = positions.get(formatPath(path.slice(0, n)));
      if (p) return p;
    }
    return { line: 1, column: 1 };
  };
  return { success: true, parsed: { file, template, locate, warnings: unknownTags } };
}

const SHORT_TAG_NAMES = new Set<string>(['Ref', 'Condition', 'GetAtt', ...FN_TAGS]);

function longFormKey(tag: string): string {
  const name = tag.slice(1);
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** A template given as a JSON value (e.g. a CDK template edited in a test), with positions unknown. Pure. */
export function templateFromJson(template: JsonObject, file: string): ParsedTemplate {
  return { file, template, locate: () => ({ line: 1, column: 1 }), warnings: [] };
}
