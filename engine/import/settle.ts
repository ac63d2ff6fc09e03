/**
 * Turns resolved values into plain JSON for the scenario: what could not be resolved is left
 * out — a list element, a property, a policy statement — and each omission becomes a located
 * warning naming the template, the JSON path of the intrinsic and why. Never guesses. Pure.
 */
import type { LocatedIssue } from '../../model/issues.js';
import { formatPath } from '../../model/path.js';
import type { PolicyDocument } from '../../model/schema.js';
import { isUnresolved, NO_VALUE, type Unresolved, type Value } from './intrinsics.js';
import type { Json, ParsedTemplate } from './template.js';

/** Collects located warnings; knows every template so a marker from another stack is located too. */
export interface Warnings {
  readonly list: LocatedIssue[];
  /** Warns about something at a path of a template. */
  readonly at: (file: string, path: readonly (string | number)[], code: string, message: string) => void;
  /** Warns about an unresolved value and what was done with it. */
  readonly unresolved: (marker: Unresolved, consequence: string) => void;
}

/** Creates the warning collector for a set of parsed templates. */
export function createWarnings(templates: ReadonlyMap<string, ParsedTemplate>): Warnings {
  const list: LocatedIssue[] = [];
  const seen = new Set<string>();
  const at = (file: string, path: readonly (string | number)[], code: string, message: string) => {
    const position = templates.get(file)?.locate(path) ?? { line: 1, column: 1 };
    const issue: LocatedIssue = { code, severity: 'warning', path: formatPath(path), message, file, ...position };
    const key = `${file}\u0000${issue.path}\u0000${code}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    list.push(issue);
  };
  return { list, at, unresolved: (marker, consequence) => at(marker.file, marker.path, 'unresolved_intrinsic', `${marker.reason}: ${consequence}`) };
}

/**
 * Plain JSON of a value: unresolved list elements and properties are dropped (each reported with
 * `consequence`); undefined when the value itself is unresolved. Pure apart from the warnings.
 */
export function settle(value: Value, warnings: Warnings, consequence: string): Json | undefined {
  const markers: Unresolved[] = [];
  const out = strip(value, markers);
  for (const m of markers) warnings.unresolved(m, consequence);
  return out;
}

function strip(value: Value, markers: Unresolved[]): Json | undefined {
  if (value === NO_VALUE) return undefined;
  if (isUnresolved(value)) {
    markers.push(value);
    return undefined;
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value as readonly Value[]) {
      const v = strip(item, markers);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, Json> = {};
    for (const [k, item] of Object.entries(value as Record<string, Value>)) {
      const v = strip(item, markers);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return value as Json;
}

/** A string value, or undefined (reported) when it is unresolved or not a string. */
export function settleString(value: Value, warnings: Warnings, consequence: string): string | undefined {
  const v = settle(value, warnings, consequence);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields of a statement that, once present, must stay non-empty for the statement to mean what it said. */
const REQUIRED_IF_PRESENT = ['Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource'] as const;

/**
 * A policy document from a resolved value (an object, or JSON text as `KeyPolicy` may be): an
 * unresolved element of a statement is dropped from it; a statement that loses a whole
 * `Principal`, `Action` or `Resource` is dropped; every drop is reported, a dropped Deny saying
 * that the import may then allow more than AWS would. Undefined when nothing is left. Pure apart
 * from the warnings.
 */
export function settlePolicy(value: Value, warnings: Warnings, what: string): PolicyDocument | undefined {
  let v: Value = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as Value;
    } catch {
      return undefined;
    }
  }
  if (isUnresolved(v)) {
    warnings.unresolved(v, `${what} left out`);
    return undefined;
  }
  if (!isObject(v)) return undefined;
  const doc = v as Record<string, Value>;
  const raw = doc['Statement'];
  const statements = Array.isArray(raw) ? (raw as readonly Value[]) : raw === undefined ? [] : [raw];
  const kept: Json[] = [];
  statements.forEach((statement, index) => {
    if (isUnresolved(statement)) {
      warnings.unresolved(statement, `statement ${index} of ${what} left out`);
      return;
    }
    const markers: Unresolved[] = [];
    const s = strip(statement as Value, markers);
    if (!isObject(s)) return;
    const lost = REQUIRED_IF_PRESENT.filter((k) => {
      if (!isObject(statement) || (statement as Record<string, Value>)[k] === undefined) return false;
      const after = s[k];
      return after === undefined || (Array.isArray(after) && after.length === 0) || (isObject(after) && Object.values(after).every((x) => Array.isArray(x) && x.length === 0));
    });
    const sid = typeof s['Sid'] === 'string' ? ` \`${s['Sid']}\`` : '';
    if (lost.length > 0) {
      const deny = s['Effect'] === 'Deny' ? ': a Deny left out, so the import may allow more than AWS would' : '';
      for (const m of markers) warnings.unresolved(m, `statement ${index}${sid} of ${what} left out${deny}`);
      return;
    }
    for (const m of markers) warnings.unresolved(m, `value left out of statement ${index}${sid} of ${what}`);
    kept.push(s);
  });
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(doc) as [string, Value][]) {
    if (k === 'Statement') continue;
    const sx = settle(x, warnings, `\`${k}\` of ${what} left out`);
    if (sx !== undefined) out[k] = sx;
  }
  out['Statement'] = kept;
  return out as unknown as PolicyDocument;
}
