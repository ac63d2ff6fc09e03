/** Problems found in a scenario, as plain data: `{ code, path, message }` plus where. */

/** How bad an issue is: an error stops the load, a warning does not. */
export type Severity = 'error' | 'warning';

/** One problem: a stable snake_case code, the path inside the document, a one-line message. */
export interface Issue {
  /** Stable snake_case code (`unknown_role`, `invalid_policy`). */
  readonly code: string;
  /** Path inside the document (`roles[2].trustPolicy.Statement[0].Effect`); `''` is the whole document. */
  readonly path: string;
  /** Lowercase, one line, no final period; user input in backticks. */
  readonly message: string;
  readonly severity?: Severity;
  readonly file?: string;
  /** 1-based line of the node the path names (or of its nearest existing parent). */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
}

/** An issue with its file, position and severity filled in, as loading reports it. */
export interface LocatedIssue extends Issue {
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A line and column, both 1-based. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Orders issues by position in the document, errors before warnings at the same place. Pure. */
export function compareIssues(a: LocatedIssue, b: LocatedIssue): number {
  return a.line - b.line || a.column - b.column || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1);
}
