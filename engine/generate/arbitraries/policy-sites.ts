/**
 * Where a scenario keeps its policy documents: every identity, trust, key, bucket, topic,
 * function, session, SCP and RCP document with its JSON Pointer and a name a reader
 * recognises. Pure.
 */
import { statementsOf } from '../../../model/policy-document.js';
import type { PolicyDocument, PolicyStatement, Scenario } from '../../../model/schema.js';
import { pointer } from './patch-shared.js';

/** The kind of a policy document, as the scenario holds it. */
export type SiteKind = 'identity' | 'managed' | 'trust' | 'session' | 'key' | 'bucket' | 'topic' | 'function' | 'scp' | 'rcp';

/** One policy document of a scenario. */
export interface PolicySite {
  readonly kind: SiteKind;
  /** JSON Pointer of the document in the scenario (`/roles/3/trustPolicy`). */
  readonly pointer: string;
  /** How a reader names it (`the key policy of arn:aws:kms:…`). */
  readonly description: string;
  /** The role, key, bucket, topic, function or organization policy the document belongs to. */
  readonly owner: string;
  /**
   * The policy's name as a trace's deciding statements give it (`DecidingStatement.policy`): the
   * inline policy name, the managed policy, key or topic ARN, the bucket name, the role ARN for a
   * trust policy, the SCP or RCP name.
   */
  readonly policyName: string;
  readonly document: PolicyDocument;
}

/** Kinds whose statements carry a `Principal` (resource-based policies). */
export const RESOURCE_SITE_KINDS: ReadonlySet<SiteKind> = new Set(['trust', 'key', 'bucket', 'topic', 'function']);

/** Every policy document of a scenario, in document order. Pure. */
export function policySites(scenario: Scenario): PolicySite[] {
  const sites: PolicySite[] = [];
  const add = (kind: SiteKind, path: readonly (string | number)[], description: string, owner: string, document: PolicyDocument | undefined, policyName = owner) => {
    if (document) sites.push({ kind, pointer: pointer(...path), description, owner, policyName, document });
  };
  for (const [i, org] of (scenario.organization?.policies ?? []).entries()) {
    const kind = org.type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
    add(kind, ['organization', 'policies', i, 'document'], `${kind === 'scp' ? 'SCP' : 'RCP'} ${org.name}`, org.name, org.document);
  }
  for (const [i, p] of scenario.managedPolicies.entries()) add('managed', ['managedPolicies', i, 'document'], `managed policy ${p.arn}`, p.arn, p.document);
  for (const [i, role] of scenario.roles.entries()) {
    add('trust', ['roles', i, 'trustPolicy'], `the trust policy of ${role.arn}`, role.arn, role.trustPolicy);
    for (const [name, doc] of Object.entries(role.inlinePolicies)) add('identity', ['roles', i, 'inlinePolicies', name], `inline policy ${name} of ${role.arn}`, role.arn, doc, name);
    add('session', ['roles', i, 'sessionPolicy'], `the session policy of ${role.arn}`, role.arn, role.sessionPolicy, 'session policy');
  }
  for (const [i, key] of scenario.keys.entries()) add('key', ['keys', i, 'policy'], `the key policy of ${key.arn}`, key.arn, key.policy);
  for (const [i, bucket] of scenario.buckets.entries()) add('bucket', ['buckets', i, 'policy'], `the bucket policy of ${bucket.name}`, bucket.name, bucket.policy);
  for (const [i, topic] of scenario.snsTopics.entries()) add('topic', ['snsTopics', i, 'policy'], `the topic policy of ${topic.arn}`, topic.arn, topic.policy);
  for (const [i, fn] of scenario.lambdaFunctions.entries()) add('function', ['lambdaFunctions', i, 'policy'], `the function policy of ${fn.arn}`, fn.arn, fn.policy);
  return sites;
}

/** Whether the document holds its statements in a list (rather than one bare statement object). */
export function hasStatementList(document: PolicyDocument): boolean {
  return Array.isArray(document.Statement);
}

/** The JSON Pointer of statement `index` of a site. Pure. */
export function statementPointer(site: PolicySite, index: number): string {
  return hasStatementList(site.document) ? `${site.pointer}/Statement/${index}` : `${site.pointer}/Statement`;
}

/** How a statement is named in labels: its Sid, else its position (`#2`). Pure. */
export function statementName(statement: PolicyStatement, index: number): string {
  return statement.Sid ? statement.Sid : `#${index}`;
}

/** Finds a statement by Sid in a site: its index, or -1. Pure. */
export function statementIndex(site: PolicySite, sid: string): number {
  return statementsOf(site.document).findIndex((s) => s.Sid === sid);
}
