/**
 * Loads a scenario from YAML or JSON text: parse with positions, check the schema, then the
 * policies and references; every problem comes back as a located issue. Never throws.
 *
 * Longer than 400 lines on purpose: parsing with positions, the schema pass and the mapping of
 * every issue back to a line and column share one parsed document and its line counter.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { compareIssues, type LocatedIssue, type Position } from './issues.js';
import { formatPath, parsePath, type PathSegment } from './path.js';
import { Scenario } from './schema.js';
import { describeValue, mapZodIssues, type RawIssue } from './schema-issues.js';
import { semanticIssues } from './validate.js';

/** What loading returns: the scenario (with warnings and a way to locate paths) or the issues. */
export type LoadResult =
  | {
      readonly success: true;
      readonly data: Scenario;
      readonly warnings: readonly LocatedIssue[];
      /** The position of a path (`pipeline.pipeline.stages[1]`) in the source, or of its nearest existing parent. */
      readonly locate: (path: string) => Position | undefined;
    }
  | { readonly success: false; readonly issues: readonly LocatedIssue[] };

/** How to load one text. */
export interface LoadOptions {
  /** The file name shown in issues (`scenario.yaml`, `<stdin>`). */
  readonly file: string;
  /** The id a scenario without `id` gets; defaults to the file's base name without extension. */
  readonly id?: string;
  /** `json` makes the text obey strict JSON (no trailing commas); defaults from the file name. */
  readonly format?: 'yaml' | 'json';
}

/** Documents larger than this are refused before parsing (10 MiB). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Alias expansions allowed before a document counts as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The size of a string in UTF-8 bytes, without encoding it. Pure. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** The default id of a scenario read from `file`: its base name without extension. Pure. */
export function defaultScenarioId(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/^<(.*)>$/, '$1').replace(/\.(ya?ml|json)$/i, '') || 'scenario';
}

/** Loads a scenario from text. Never throws: an unexpected exception becomes an `internal_error` issue. */
export function loadScenario(text: string, options: LoadOptions): LoadResult {
  try {
    return load(text, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      success: false,
      issues: [{ code: 'internal_error', severity: 'error', path: '', message: `unexpected error while loading: ${message}`, file: options.file, line: 1, column: 1 }],
    };
  }
}

function load(input: string, options: LoadOptions): LoadResult {
  const file = options.file;
  const fail = (issues: LocatedIssue[]): LoadResult => ({ success: false, issues: [...issues].sort(compareIssues) });
  const at = (code: string, message: string, position: Position = { line: 1, column: 1 }, path = ''): LocatedIssue => ({
    code,
    severity: 'error',
    path,
    message,
    file,
    line: position.line,
    column: position.column,
  });

  // Checked before anything else, so a huge document costs nothing.
  if (input.length > MAX_DOCUMENT_BYTES || utf8Length(input) > MAX_DOCUMENT_BYTES) {
    return fail([at('file_too_large', `the document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`)]);
  }
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lineCounter = new LineCounter();
  const offsetPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(line, 1), column: Math.max(col, 1) };
  };

  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return fail([at('not_text', `the file is not text (it contains the control character U+${code}): expected YAML or JSON`, textPosition(text, control.index))]);
  }
  if (text.trim() === '') return fail([at('empty_document', 'the document is empty: expected a scenario mapping')]);

  const json = options.format === 'json' || (options.format === undefined && isJsonName(file, text));
  if (json) {
    const problem = jsonSyntaxProblem(text);
    if (problem) return fail([at('invalid_json', problem.message, textPosition(text, problem.offset))]);
  }

  // logLevel 'error': the library's warnings (e.g. a collection used as a key) go to process warnings on stderr; issues report them instead.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, merge: !json, keepSourceTokens: false, logLevel: 'error' });
  const warnings = doc.warnings.map((w) => yamlIssue(w, doc, 'warning', offsetPosition, file));
  if (doc.errors.length > 0) return fail([...doc.errors.map((e) => yamlIssue(e, doc, 'error', offsetPosition, file)), ...warnings]);
  if (doc.contents === null) return fail([at('empty_document', 'the document holds only comments: expected a scenario mapping')]);

  // The yaml library throws on a merge source that is not a mapping; report it where it is written.
  if (!json && text.includes('<<')) {
    const merges = mergeKeyIssues(doc);
    if (merges.length > 0) return fail([...merges.map((m) => at(m.code, m.message, nodePosition(m.node, offsetPosition), formatPath(m.segments))), ...warnings]);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const alias = firstAlias(doc);
    const position = alias ? offsetPosition(alias.offset) : { line: 1, column: 1 };
    const path = alias ? formatPath(alias.segments) : '';
    if (/excessive alias count/i.test(message)) {
      return fail([at('alias_bomb', `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} expansions): refusing a possible alias bomb`, position, path), ...warnings]);
    }
    if (/unresolved alias/i.test(message)) {
      return fail([at('unresolved_alias', `alias refers to an anchor that is not defined before it: ${message.replace(/^.*:\s*/, '')}`, position, path), ...warnings]);
    }
    throw error;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return fail([at('not_a_mapping', `expected a mapping of scenario keys at the top level, got ${describeValue(data)}`, nodePosition(doc.contents, offsetPosition)), ...warnings]);
  }

  const locateRaw = (issue: RawIssue): Position => locateSegments(doc, issue.segments, issue.at, offsetPosition);
  const toLocated = (issue: RawIssue): LocatedIssue => ({
    code: issue.code,
    severity: issue.severity,
    path: formatPath(issue.segments),
    message: issue.message,
    file,
    ...locateRaw(issue),
  });

  const parsed = Scenario.safeParse(data);
  if (!parsed.success) {
    const sourceAt = (segments: readonly PathSegment[]) => scalarSource(doc, text, segments);
    return fail([...mapZodIssues(parsed.error.issues, data, Scenario, sourceAt).map(toLocated), ...warnings]);
  }

  const semantic = semanticIssues(parsed.data).map(toLocated);
  const all = [...semantic, ...warnings];
  if (all.some((i) => i.severity === 'error')) return fail(all);

  const scenario: Scenario = parsed.data.id === undefined ? { ...parsed.data, id: options.id ?? defaultScenarioId(file) } : parsed.data;
  const locate = (path: string): Position | undefined => {
    const segments = parsePath(path);
    return segments === undefined ? undefined : locateSegments(doc, segments, 'value', offsetPosition);
  };
  return { success: true, data: scenario, warnings: all.sort(compareIssues), locate };
}

/** JSON when the name says so, or when an unnamed text starts like a JSON object. */
function isJsonName(file: string, text: string): boolean {
  if (/\.json$/i.test(file)) return true;
  if (/\.ya?ml$/i.test(file)) return false;
  return /^\s*[{[]/.test(text);
}

/** The 1-based position of a string offset, counted on the text itself. Pure. */
function textPosition(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** The first strict-JSON problem of a text (YAML accepts more than JSON), or undefined. Pure. */
function jsonSyntaxProblem(text: string): { readonly offset: number; readonly message: string } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const comma = trailingComma(text);
    if (comma !== undefined) return { offset: comma, message: 'trailing comma: JSON allows no comma before `}` or `]`' };
    const position = /at position (\d+)/.exec(raw);
    let message = raw
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/, "[\s\S]*" is not valid JSON$/, '')
      .replace(/'([^']*)'/g, '`$1`');
    message = message.charAt(0).toLowerCase() + message.slice(1);
    if (/end of JSON input/i.test(raw)) return { offset: text.trimEnd().length, message: 'unexpected end of the document: a bracket or quote is not closed' };
    return { offset: position ? Number(position[1]) : 0, message: `invalid JSON: ${message}` };
  }
}

/** The offset of the first comma followed only by whitespace and a closing bracket, outside strings. Pure. */
function trailingComma(text: string): number | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j += 1;
      if (text[j] === '}' || text[j] === ']') return i;
    }
  }
  return undefined;
}

type NodeLike = { readonly range?: readonly [number, number, number] | null } | null | undefined;

/** The text of a mapping key; a merge key's value is `Symbol(<<)`. */
const keyText = (key: unknown): string => {
  const value = isScalar(key) ? key.value : key;
  if (typeof value === 'symbol') return value.description ?? '';
  try {
    return String(value);
  } catch {
    // A complex key (`? { <<: 1 }`) converts itself to JSON, which can throw.
    return '?';
  }
};

function nodePosition(node: unknown, offsetPosition: (offset: number) => Position): Position {
  const range = (node as NodeLike)?.range;
  return range ? offsetPosition(range[0]) : { line: 1, column: 1 };
}

interface Resolved {
  readonly node: unknown;
  readonly key: unknown;
  readonly depth: number;
  /** The deepest key passed on the way, to point at when the value has no position. */
  readonly lastKey: unknown;
}

/** Finds the YAML node at a path, following aliases and merge keys; stops at the deepest existing node. */
function resolveNode(doc: Document, segments: readonly PathSegment[]): Resolved {
  let node: unknown = doc.contents;
  let key: unknown;
  let lastKey: unknown;
  let depth = 0;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    const step = childOf(doc, node, segment, 0);
    if (!step) break;
    node = step.node;
    key = step.key;
    if (step.key) lastKey = step.key;
    depth += 1;
  }
  return { node, key: depth === segments.length ? key : undefined, depth, lastKey };
}

function childOf(doc: Document, node: unknown, segment: PathSegment, hops: number): { readonly node: unknown; readonly key: unknown } | undefined {
  if (hops > 10) return undefined;
  if (isMap(node)) {
    // The last pair wins, as it does in the data.
    const pairs = node.items.filter((p) => keyText(p.key) === String(segment));
    const pair = pairs[pairs.length - 1];
    if (pair) return { node: pair.value, key: pair.key };
    for (const merge of node.items.filter((p) => keyText(p.key) === '<<')) {
      const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
      for (const source of sources) {
        const found = childOf(doc, isAlias(source) ? source.resolve(doc) : source, segment, hops + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) return { node: node.items[segment], key: undefined };
  return undefined;
}

/** The position a path points at: its key, its value, or (for a missing key) its parent. */
function locateSegments(doc: Document, segments: readonly PathSegment[], at: RawIssue['at'], offsetPosition: (offset: number) => Position): Position {
  const target = at === 'parent' ? segments.slice(0, -1) : segments;
  const resolved = resolveNode(doc, target);
  const complete = resolved.depth === target.length;
  if (complete && at === 'key' && resolved.key) return nodePosition(resolved.key, offsetPosition);
  const node = resolved.node as NodeLike;
  const empty = isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]);
  // The deepest node that exists (the value itself when the path is complete).
  if (!node?.range || empty) return nodePosition(resolved.lastKey ?? doc.contents, offsetPosition);
  return nodePosition(node, offsetPosition);
}

/** The source text of the scalar at a path (as the user wrote it), if there is one. */
function scalarSource(doc: Document, text: string, segments: readonly PathSegment[]): string | undefined {
  const resolved = resolveNode(doc, segments);
  if (resolved.depth !== segments.length || !isScalar(resolved.node) || !resolved.node.range) return undefined;
  const [start, end] = resolved.node.range;
  return text.slice(start, end).trim() || undefined;
}

/** The path of the innermost key or value that contains an offset. */
function segmentsAtOffset(doc: Document, offset: number): PathSegment[] {
  const out: PathSegment[] = [];
  let node: unknown = doc.contents;
  const contains = (n: unknown) => {
    const range = (n as NodeLike)?.range;
    return range !== undefined && range !== null && offset >= range[0] && (offset < range[2] || (range[0] === range[2] && offset === range[0]));
  };
  for (let guard = 0; guard < 1000; guard += 1) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (contains(pair.key)) {
          out.push(keyText(pair.key));
          return out;
        }
        if (contains(pair.value)) {
          out.push(keyText(pair.key));
          next = pair.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      const index = node.items.findIndex(contains);
      if (index >= 0) {
        out.push(index);
        next = node.items[index];
      }
    }
    if (next === undefined) return out;
    node = next;
  }
  return out;
}

/** A merge key (`<<`, YAML 1.1 merge type) as the yaml library recognises one: a plain `<<` key. */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  if (typeof key.value === 'symbol') return key.value.description === '<<';
  return key.value === '<<' && (!key.type || key.type === 'PLAIN');
}

/** What a merge source is, in the words of issue messages. */
function describeNode(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return node.items.length === 0 ? 'an empty list' : 'a list';
  if (isScalar(node)) return describeValue(node.value, typeof node.source === 'string' ? node.source : undefined);
  return 'nothing';
}

interface MergeProblem {
  readonly code: 'invalid_merge_key' | 'unresolved_alias';
  readonly message: string;
  readonly segments: readonly PathSegment[];
  /** The node to point at (the merge key where the value is missing). */
  readonly node: unknown;
}

/**
 * Merge keys whose value is not a mapping, an alias of one, or a list of those
 * (https://yaml.org/type/merge.html): `toJS` would throw on them. Walks the tree, keys
 * included, without following aliases (their anchors are in the tree too). Pure.
 */
function mergeKeyIssues(doc: Document): MergeProblem[] {
  const out: MergeProblem[] = [];
  const sourceProblem = (source: unknown, segments: readonly PathSegment[], what: string): MergeProblem | undefined => {
    const target = isAlias(source) ? source.resolve(doc) : source;
    if (isAlias(source) && target === undefined) {
      return { code: 'unresolved_alias', message: `alias refers to an anchor that is not defined before it: ${source.source}`, segments, node: source };
    }
    if (isMap(target)) return undefined;
    const got = isAlias(source) ? `alias \`*${source.source}\` of ${describeNode(target)}` : describeNode(target);
    return { code: 'invalid_merge_key', message: `merge key \`<<\` expects ${what}, got ${got}`, segments, node: source };
  };
  const stack: { readonly node: unknown; readonly segments: readonly PathSegment[] }[] = [{ node: doc.contents, segments: [] }];
  while (stack.length > 0) {
    const { node, segments } = stack.pop()!;
    if (isMap(node)) {
      for (const pair of node.items) {
        const path = [...segments, keyText(pair.key)];
        if (isMergeKey(pair.key)) {
          const value = pair.value;
          const list = isAlias(value) ? value.resolve(doc) : value;
          let problem: MergeProblem | undefined;
          if (value === null || (isScalar(value) && value.value === null && (!value.range || value.range[0] === value.range[1]))) {
            problem = { code: 'invalid_merge_key', message: 'merge key `<<` has no value: expected a mapping, an alias of one or a list of those', segments: path, node: pair.key };
          } else if (isSeq(list)) {
            for (let i = 0; i < list.items.length && !problem; i += 1) {
              // An item of a list reached through an alias is pointed at through that alias.
              const item = sourceProblem(list.items[i], [...path, i], 'a list of mappings or aliases of mappings');
              problem = item && isAlias(value) ? { ...item, message: `${item.message} in the list \`*${value.source}\``, segments: path, node: value } : item;
            }
          } else problem = sourceProblem(value, path, 'a mapping, an alias of one or a list of those');
          if (problem) out.push(problem);
        }
        stack.push({ node: pair.value, segments: path });
        // A complex key (`? { <<: … }`) is converted too.
        if (isMap(pair.key) || isSeq(pair.key)) stack.push({ node: pair.key, segments });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, segments: [...segments, i] }));
    }
  }
  return out;
}

/** The first alias node in the document, with its path and offset. */
function firstAlias(doc: Document): { readonly segments: PathSegment[]; readonly offset: number } | undefined {
  const visit = (node: unknown, segments: PathSegment[]): { segments: PathSegment[]; offset: number } | undefined => {
    if (isAlias(node)) return { segments, offset: node.range?.[0] ?? 0 };
    if (isMap(node)) {
      for (const pair of node.items) {
        const found = visit(pair.value, [...segments, keyText(pair.key)]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i += 1) {
        const found = visit(node.items[i], [...segments, i]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(doc.contents, []);
}

const YAML_CODES: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'duplicate_key',
  TAB_AS_INDENT: 'tab_indentation',
  MULTIPLE_DOCS: 'multiple_documents',
};

/** A YAML parser error or warning as a located issue. */
function yamlIssue(error: YAMLError, doc: Document, severity: 'error' | 'warning', offsetPosition: (offset: number) => Position, file: string): LocatedIssue {
  const offset = error.pos[0];
  const position = offsetPosition(offset);
  // A missing closing quote is noticed just past the scalar it belongs to.
  const unclosedQuote = error.code === 'MISSING_CHAR' && /quote/.test(error.message);
  const segments = segmentsAtOffset(doc, unclosedQuote ? Math.max(offset - 1, 0) : offset);
  if (error.code !== 'DUPLICATE_KEY' && !unclosedQuote && segments.length > 0) {
    // An error on the line after a scalar belongs to the mapping around it, not to the scalar.
    const node = resolveNode(doc, segments).node;
    if (isScalar(node) && node.range && offsetPosition(node.range[0]).line !== position.line) segments.pop();
  }
  const code = YAML_CODES[error.code] ?? (severity === 'error' ? 'yaml_syntax' : 'yaml_warning');
  let message = (error.message.split('\n')[0] ?? '').replace(/\s+at line \d+, column \d+:?\s*$/, '').trim();
  message = message.charAt(0).toLowerCase() + message.slice(1);
  if (error.code === 'DUPLICATE_KEY') {
    const key = segments[segments.length - 1];
    const first = firstKeyLine(doc, segments, offset, offsetPosition);
    message = `duplicate key \`${String(key)}\`${first ? `: first defined at line ${first}` : ''}`;
  } else if (error.code === 'TAB_AS_INDENT') {
    message = 'tabs are not allowed for indentation: indent with spaces';
  } else if (error.code === 'MULTIPLE_DOCS') {
    return { code, severity, path: '', message: 'expected one document, found several separated by `---`', file, ...position };
  } else if (unclosedQuote) {
    // The parser notices at the end of the text; the quote that is never closed is where the scalar starts.
    const start = resolveNode(doc, segments);
    const quote = /'/.test(message) ? "'" : '"';
    const at = start.depth === segments.length && isScalar(start.node) ? nodePosition(start.node, offsetPosition) : position;
    return { code, severity, path: formatPath(segments), message: `a quoted string is never closed: missing the closing \`${quote}\``, file, ...at };
  }
  return { code, severity, path: formatPath(segments), message, file, ...position };
}

/** The line of the first occurrence of the duplicated key at `segments`. */
function firstKeyLine(doc: Document, segments: readonly PathSegment[], offset: number, offsetPosition: (offset: number) => Position): number | undefined {
  if (segments.length === 0) return undefined;
  let node: unknown = doc.contents;
  for (const segment of segments.slice(0, -1)) {
    const step = childOf(doc, isAlias(node) ? node.resolve(doc) : node, segment, 0);
    if (!step) return undefined;
    node = step.node;
  }
  if (!isMap(node)) return undefined;
  const name = String(segments[segments.length - 1]);
  const first = node.items.find((p) => keyText(p.key) === name && ((p.key as NodeLike)?.range?.[0] ?? offset) < offset);
  return first ? nodePosition(first.key, offsetPosition).line : undefined;
}
