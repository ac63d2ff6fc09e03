/**
 * Paths inside a scenario document, one format everywhere: keys joined with dots, array
 * indexes in brackets, and keys that would be ambiguous quoted as JSON strings in brackets:
 * `roles[2].trustPolicy.Statement[0].Effect`, `buckets[0].policy.Statement[1].Condition.StringEquals["s3:x.y"]`.
 * The whole document is `''`. Pure.
 */

/** One step of a path: a mapping key or an array index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[^.[\]"'\s]+$/;

/** Formats path segments (`['roles', 2, 'arn']` → `roles[2].arn`). Pure. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Parses a path written by `formatPath` back into segments; undefined when it is malformed. Pure. */
export function parsePath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      if (path[i + 1] === '"') {
        // A quoted key: find the closing quote that is not escaped.
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        if (path[j + 1] !== ']') return undefined;
        try {
          segments.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        } catch {
          return undefined;
        }
        i = j + 2;
      } else {
        const close = path.indexOf(']', i);
        const index = close < 0 ? NaN : Number(path.slice(i + 1, close));
        if (!Number.isInteger(index) || index < 0) return undefined;
        segments.push(index);
        i = close + 1;
      }
    } else {
      if (ch === '.') {
        if (segments.length === 0) return undefined;
        i += 1;
      }
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j += 1;
      if (j === i) return undefined;
      segments.push(path.slice(i, j));
      i = j;
    }
  }
  return segments;
}

/** Appends a path written in the policy library's notation (`Statement[0].#Actions`) to ours. Pure. */
export function joinLibraryPath(base: readonly PathSegment[], libraryPath: string): PathSegment[] {
  const cleaned = libraryPath.replace(/(^|\.)#/g, '$1').replace(/^\./, '');
  if (cleaned === '') return [...base];
  // The library joins keys with dots without quoting them; split on dots outside brackets.
  const out: PathSegment[] = [...base];
  for (const part of cleaned.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    out.push(part.startsWith('[') ? Number(part.slice(1, -1)) : part);
  }
  return out;
}
