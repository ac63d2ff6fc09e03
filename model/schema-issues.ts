/**
 * Turns zod's issues into pipesim issues in plain words: which key is unknown and what was
 * probably meant, what was expected and what was found. Pure.
 */
import type { z } from 'zod';
import {
  ConnectionArn,
  FunctionArn,
  KeyArn,
  ManagedPolicyArn,
  PipelineArn,
  ProjectArn,
  RepositoryArn,
  RoleArn,
  TopicArn,
} from './schema.js';
import type { PathSegment } from './path.js';
import { didYouMean, suggest } from './suggest.js';

/** An issue found against the schema, before it is given a file position. */
export interface RawIssue {
  readonly code: string;
  readonly segments: readonly PathSegment[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** Where to point: the key of the last segment, the value at the path, or (for a missing key) the parent. */
  readonly at: 'key' | 'value' | 'parent';
}

/** Reads the source text of the scalar at a path (to quote a number as the user wrote it). */
export type SourceAt = (segments: readonly PathSegment[]) => string | undefined;

type ZodIssue = z.core.$ZodIssue;

/** The fields of a zod schema definition that the walker needs. */
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { readonly _zod: { readonly def: Def } })._zod.def;

const ARN_SCHEMAS: ReadonlySet<z.ZodType> = new Set<z.ZodType>([
  RoleArn,
  ManagedPolicyArn,
  KeyArn,
  TopicArn,
  ProjectArn,
  RepositoryArn,
  ConnectionArn,
  FunctionArn,
  PipelineArn,
]);

/** Strips optional, default, nullable, readonly, pipe and lazy wrappers; expands unions. Pure. */
function concrete(schema: z.ZodType, depth = 0): z.ZodType[] {
  if (depth > 20) return [];
  if (ARN_SCHEMAS.has(schema)) return [schema];
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return def.innerType ? concrete(def.innerType, depth + 1) : [];
    case 'pipe':
      return def.in ? concrete(def.in, depth + 1) : [];
    case 'lazy':
      return def.getter ? concrete(def.getter(), depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((option) => concrete(option, depth + 1));
    default:
      return [schema];
  }
}

/** The schemas that may describe the value at a path (several where a union allows it). Pure. */
export function schemasAt(root: z.ZodType, segments: readonly PathSegment[]): z.ZodType[] {
  let current = concrete(root);
  for (const segment of segments) {
    const next: z.ZodType[] = [];
    for (const schema of current) {
      const def = defOf(schema);
      if (def.type === 'object' && typeof segment === 'string' && def.shape && Object.hasOwn(def.shape, segment)) {
        next.push(...concrete(def.shape[segment]!));
      } else if (def.type === 'array' && typeof segment === 'number' && def.element) {
        next.push(...concrete(def.element));
      } else if (def.type === 'record' && typeof segment === 'string' && def.valueType) {
        next.push(...concrete(def.valueType));
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** The keys the schema knows for the mapping at a path (empty where it is not an object). Pure. */
export function knownKeysAt(root: z.ZodType, segments: readonly PathSegment[]): string[] {
  const keys = new Set<string>();
  for (const schema of schemasAt(root, segments)) {
    const def = defOf(schema);
    if (def.type === 'object' && def.shape) for (const key of Object.keys(def.shape)) keys.add(key);
  }
  return [...keys];
}

/** The value at a path of plain data, and whether it is there. Pure. */
export function valueAt(data: unknown, segments: readonly PathSegment[]): { readonly found: boolean; readonly value: unknown } {
  let current: unknown = data;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value: current };
}

const EXPECTED_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: '`true` or `false`',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  null: 'an empty value',
  nonoptional: 'a value',
};

/** What was expected, in words (`a list`, `text`). Pure. */
function expectedWords(expected: string): string {
  return EXPECTED_WORDS[expected] ?? expected;
}

/** A short quotation of user text. Pure. */
export function quote(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ');
  const cut = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  return `\`${cut.replace(/`/g, "'")}\``;
}

/** What was found, in words (`the number 12`, `a list`). Pure. */
export function describeValue(value: unknown, source?: string): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'empty text' : `text ${quote(value)}`;
  if (typeof value === 'number') return `the number ${quote(source ?? String(value))}`;
  if (typeof value === 'boolean') return `${quote(String(value))}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** A literal or enum value as written (`` `V1` ``). */
const literal = (value: unknown): string => (typeof value === 'string' ? `\`${value}\`` : quote(JSON.stringify(value) ?? String(value)));

interface Flat {
  readonly issue: ZodIssue;
  readonly segments: readonly PathSegment[];
}

/** Words for what one branch of a union expects, when it fails at its root. */
function branchExpectation(branch: readonly ZodIssue[]): string | undefined {
  const first = branch[0];
  if (!first || first.path.length !== 0) return undefined;
  if (first.code === 'invalid_type') return expectedWords(first.expected);
  if (first.code === 'invalid_value') return first.values.map(literal).join(' or ');
  return undefined;
}

/**
 * Flattens unions to the branch that fits best: a branch that fails only because the value
 * has another type at the union's root is a worse fit than one that fails deeper. Pure.
 */
function flatten(issue: ZodIssue, base: readonly PathSegment[]): (Flat | { readonly union: string[]; readonly segments: readonly PathSegment[] })[] {
  const segments = [...base, ...(issue.path as PathSegment[])];
  if (issue.code !== 'invalid_union') return [{ issue, segments }];
  const branches = issue.errors;
  const rootMismatch = (branch: readonly ZodIssue[]) => branch.length > 0 && branch.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
  const deeper = branches.filter((b) => b.length > 0 && !rootMismatch(b));
  if (deeper.length === 0) {
    const union = [...new Set(branches.map(branchExpectation).filter((e): e is string => e !== undefined))];
    return [{ union, segments }];
  }
  const flattened = deeper.map((branch) => branch.flatMap((i) => flatten(i, segments)));
  flattened.sort((a, b) => a.length - b.length);
  return flattened[0]!;
}

/** Maps zod issues on `input` (validated against `root`) to pipesim issues. Pure. */
export function mapZodIssues(issues: readonly ZodIssue[], input: unknown, root: z.ZodType, sourceAt: SourceAt): RawIssue[] {
  const out: RawIssue[] = [];
  const error = (code: string, segments: readonly PathSegment[], message: string, at: RawIssue['at'] = 'value') =>
    out.push({ code, segments, message, severity: 'error', at });

  const missingOrType = (segments: readonly PathSegment[], expected: string) => {
    const { found, value } = valueAt(input, segments);
    const parent = valueAt(input, segments.slice(0, -1));
    const key = segments[segments.length - 1];
    if (!found && typeof key === 'string' && parent.found && parent.value !== null && typeof parent.value === 'object' && !Array.isArray(parent.value)) {
      error('missing_key', segments, `missing required key \`${key}\``, 'parent');
      return;
    }
    const source = typeof value === 'number' || typeof value === 'boolean' ? sourceAt(segments) : undefined;
    let hint = '';
    if (expected === 'text' && (typeof value === 'number' || typeof value === 'boolean')) hint = `: put it in quotes (\`'${source ?? String(value)}'\`)`;
    error('invalid_type', segments, `expected ${expected}, got ${describeValue(value, source)}${hint}`);
  };

  for (const top of issues) {
    for (const flat of flatten(top, [])) {
      if ('union' in flat) {
        missingOrType(flat.segments, flat.union.length > 0 ? flat.union.join(' or ') : 'another kind of value');
        continue;
      }
      const { issue, segments } = flat;
      const { value } = valueAt(input, segments);
      switch (issue.code) {
        case 'invalid_type':
          missingOrType(segments, expectedWords(issue.expected));
          break;
        case 'unrecognized_keys': {
          const known = knownKeysAt(root, segments);
          for (const key of issue.keys) {
            const hint = didYouMean(key, known);
            const allowed = hint === '' && known.length > 0 && known.length <= 12 ? `: expected one of ${known.map((k) => `\`${k}\``).join(', ')}` : '';
            error('unknown_key', [...segments, key], `unknown key \`${key}\`${hint}${allowed}`, 'key');
          }
          break;
        }
        case 'invalid_value': {
          const options = issue.values.map(literal);
          const expected = options.length === 1 ? options[0]! : `one of ${options.join(', ')}`;
          const hint = typeof value === 'string' ? didYouMean(value, issue.values.filter((v): v is string => typeof v === 'string')) : '';
          error('invalid_value', segments, `expected ${expected}, got ${describeValue(value)}${hint}`);
          break;
        }
        case 'invalid_format': {
          const isArn = schemasAt(root, segments).some((s) => ARN_SCHEMAS.has(s));
          const expected = issue.message.startsWith('expected ') ? issue.message : `expected text in the ${issue.format} format`;
          error(isArn ? 'invalid_arn' : 'invalid_format', segments, `${expected}, got ${describeValue(value)}`);
          break;
        }
        case 'too_small':
        case 'too_big': {
          const small = issue.code === 'too_small';
          const limit = Number(small ? issue.minimum : issue.maximum);
          const exact = issue.exact === true;
          const bound = exact ? 'exactly' : small ? 'at least' : 'at most';
          let what: string;
          if (issue.origin === 'array') what = `${bound} ${limit} item${limit === 1 ? '' : 's'}`;
          else if (issue.origin === 'string') what = small && limit === 1 && !exact ? 'non-empty text' : `text of ${bound} ${limit} character${limit === 1 ? '' : 's'}`;
          else what = `a number ${small ? (issue.inclusive === false ? 'above' : 'of at least') : issue.inclusive === false ? 'below' : 'of at most'} ${limit}`;
          const got = Array.isArray(value) ? `${value.length} item${value.length === 1 ? '' : 's'}` : describeValue(value);
          error(small ? 'too_small' : 'too_big', segments, `expected ${what}, got ${got}`);
          break;
        }
        case 'invalid_key':
          error('invalid_key', segments, lowerFirst(issue.message), 'key');
          break;
        default:
          error('invalid_value', segments, lowerFirst(issue.message));
      }
    }
  }
  return pairMissingWithMisspelt(out, input, root);
}

/**
 * A required key that is missing next to an unknown key that looks like it is one issue, not
 * two: report the misspelt key (with the suggestion) and drop the missing one. Pure.
 */
function pairMissingWithMisspelt(issues: readonly RawIssue[], input: unknown, root: z.ZodType): RawIssue[] {
  const out: RawIssue[] = [];
  const unknownKeyPaths = new Set(issues.filter((i) => i.code === 'unknown_key').map((i) => JSON.stringify(i.segments)));
  for (const issue of issues) {
    if (issue.code !== 'missing_key') {
      out.push(issue);
      continue;
    }
    const parentSegments = issue.segments.slice(0, -1);
    const missing = String(issue.segments[issue.segments.length - 1]);
    const parent = valueAt(input, parentSegments).value as Record<string, unknown>;
    const known = new Set(knownKeysAt(root, parentSegments));
    const misspelt = Object.keys(parent).find((key) => !known.has(key) && suggest(key, [missing]).length > 0);
    if (misspelt === undefined) {
      out.push(issue);
      continue;
    }
    const segments = [...parentSegments, misspelt];
    // A strict object already reported the unknown key, with the same suggestion.
    if (unknownKeyPaths.has(JSON.stringify(segments))) continue;
    out.push({ code: 'unknown_key', segments, message: `unknown key \`${misspelt}\`: did you mean \`${missing}\`?`, severity: 'error', at: 'key' });
  }
  return out;
}
