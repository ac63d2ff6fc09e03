/** Reading AWS policy documents the way lint needs: statements, principals, actions, conditions. Pure. */
import { parseArn } from '../../model/arn.js';
import { actionMatches, resourceMatches } from '../../model/iam-match.js';
import { asList, statementsOf } from '../../model/policy-document.js';
import type { PolicyDocument, PolicyStatement } from '../../model/schema.js';

/** A statement with its index in its document. */
export interface IndexedStatement {
  readonly statement: PolicyStatement;
  readonly index: number;
  /** Whether `Statement` is a list (the index is part of the path) or a single object. */
  readonly listed: boolean;
}

/** The statements of a document, with their indexes and whether the document lists them. Pure. */
export function indexedStatements(doc: PolicyDocument | undefined): IndexedStatement[] {
  if (!doc) return [];
  const listed = Array.isArray(doc.Statement);
  return statementsOf(doc).map((statement, index) => ({ statement, index, listed }));
}

/** Path segments of a statement inside a document at `base`. Pure. */
export function statementPath(base: readonly (string | number)[], s: IndexedStatement): (string | number)[] {
  return s.listed ? [...base, 'Statement', s.index] : [...base, 'Statement'];
}

/** The principals of a statement: `'*'` or the AWS, Service and Federated entries. Pure. */
export function principalsOf(st: PolicyStatement): { readonly star: boolean; readonly aws: readonly string[]; readonly service: readonly string[]; readonly federated: readonly string[] } {
  const p = st.Principal;
  if (p === undefined) return { star: false, aws: [], service: [], federated: [] };
  if (p === '*') return { star: true, aws: [], service: [], federated: [] };
  const aws = asList(p['AWS']);
  return { star: aws.includes('*'), aws: aws.filter((a) => a !== '*'), service: asList(p['Service']), federated: asList(p['Federated']) };
}

/** What an AWS principal entry names: an account root (ARN or bare id), a role or other ARN. Pure. */
export function principalKind(principal: string): { readonly kind: 'root'; readonly account: string } | { readonly kind: 'arn'; readonly account: string } | { readonly kind: 'other' } {
  if (/^\d{12}$/.test(principal)) return { kind: 'root', account: principal };
  const arn = parseArn(principal);
  if (!arn) return { kind: 'other' };
  if (arn.service === 'iam' && arn.resource === 'root') return { kind: 'root', account: arn.account };
  return { kind: 'arn', account: arn.account };
}

/** Whether a statement's actions cover an operation (Action or NotAction). Pure. */
export function coversAction(st: PolicyStatement, operation: string): boolean {
  if (st.Action !== undefined) return asList(st.Action).some((a) => actionMatches(operation, a));
  if (st.NotAction !== undefined) return !asList(st.NotAction).some((a) => actionMatches(operation, a));
  return false;
}

/** Whether a statement's resources cover a resource (Resource or NotResource; absent means any, as in a trust policy). Pure. */
export function coversResource(st: PolicyStatement, resource: string): boolean {
  if (st.Resource !== undefined) return asList(st.Resource).some((r) => resourceMatches(resource, r));
  if (st.NotResource !== undefined) return !asList(st.NotResource).some((r) => resourceMatches(resource, r));
  return true;
}

/** One condition entry: operator, key and values. */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** The condition entries of a statement, values as strings. Pure. */
export function conditionsOf(st: PolicyStatement): ConditionEntry[] {
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(st.Condition ?? {})) {
    for (const [key, value] of Object.entries(block)) {
      const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
      out.push({ operator, key, values });
    }
  }
  return out;
}

/** Whether an effect is Allow (IAM compares it case-sensitively; lint is lenient). Pure. */
export function isAllow(st: PolicyStatement): boolean {
  return st.Effect.toLowerCase() === 'allow';
}

/** Whether an effect is Deny. Pure. */
export function isDeny(st: PolicyStatement): boolean {
  return st.Effect.toLowerCase() === 'deny';
}

/** Condition keys that narrow a wildcard principal to known callers (IfExists operators do not count). */
const NARROWING_KEYS = new Set(
  [
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalServiceName',
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceVpce',
    'aws:SourceVpc',
    'aws:SourceIp',
    'aws:userid',
    'aws:username',
    'kms:CallerAccount',
  ].map((k) => k.toLowerCase()),
);

/** Whether a statement has a condition that narrows who may use it. Pure. */
export function hasNarrowingCondition(st: PolicyStatement): boolean {
  return conditionsOf(st).some((c) => NARROWING_KEYS.has(c.key.toLowerCase()) && !/IfExists$/i.test(c.operator) && !/^Null$/i.test(c.operator) && !c.values.includes('*'));
}

/** Whether a statement carries a positive `aws:PrincipalArn` condition. Pure. */
export function hasPrincipalArnCondition(st: PolicyStatement): boolean {
  return conditionsOf(st).some((c) => c.key.toLowerCase() === 'aws:principalarn' && /^(ArnEquals|ArnLike|StringEquals|StringLike)$/i.test(c.operator) && !c.values.some((v) => v === '*' || /:root$/.test(v)));
}
