/** Reading AWS policy documents as lists, the one way every layer reads them. Pure. */
import type { PolicyDocument, PolicyStatement } from './schema.js';

/** The statements of a document as a list (a bare statement object is a list of one; no document, none). Pure. */
export function statementsOf(doc: PolicyDocument | undefined): readonly PolicyStatement[] {
  if (!doc) return [];
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

/** A string or a list of strings as a list (IAM accepts both for Action, Resource, Principal entries). Pure. */
export function asList<T extends string>(value: T | readonly T[] | undefined): readonly T[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : (value as readonly T[]);
}
