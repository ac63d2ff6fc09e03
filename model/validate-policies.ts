/**
 * Checks every policy document of a scenario: its grammar for the kind of policy it is (with
 * `@cloud-copilot/iam-policy`), resources that are not ARNs, and actions the engine does not know.
 */
import {
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  validateSessionPolicy,
  validateTrustPolicy,
} from '@cloud-copilot/iam-policy';
import { getOrCreate } from './memo.js';
import { checkAction } from './iam-actions.js';
import { checkConditionKey } from './iam-condition-keys.js';
import { joinLibraryPath, type PathSegment } from './path.js';
import type { PolicyDocument, Scenario } from './schema.js';
import type { RawIssue } from './schema-issues.js';
import { quote } from './schema-issues.js';
import { didYouMean } from './suggest.js';

/** The kinds of policy document a scenario holds, each with its own grammar. */
export type PolicySiteKind = 'identity' | 'session' | 'trust' | 'resource' | 'scp' | 'rcp';

/** One policy document and where it sits in the scenario. */
export interface PolicySite {
  readonly kind: PolicySiteKind;
  readonly segments: readonly PathSegment[];
  readonly document: PolicyDocument;
}

/** Every policy document of a scenario, with its kind and path. Pure. */
export function policySites(scenario: Scenario): PolicySite[] {
  const sites: PolicySite[] = [];
  const add = (kind: PolicySiteKind, segments: readonly PathSegment[], document: PolicyDocument | undefined) => {
    if (document) sites.push({ kind, segments, document });
  };
  scenario.managedPolicies.forEach((p, i) => add('identity', ['managedPolicies', i, 'document'], p.document));
  scenario.roles.forEach((role, i) => {
    add('trust', ['roles', i, 'trustPolicy'], role.trustPolicy);
    for (const [name, document] of Object.entries(role.inlinePolicies)) add('identity', ['roles', i, 'inlinePolicies', name], document);
    add('session', ['roles', i, 'sessionPolicy'], role.sessionPolicy);
  });
  scenario.keys.forEach((key, i) => add('resource', ['keys', i, 'policy'], key.policy));
  scenario.buckets.forEach((bucket, i) => add('resource', ['buckets', i, 'policy'], bucket.policy));
  scenario.snsTopics.forEach((topic, i) => add('resource', ['snsTopics', i, 'policy'], topic.policy));
  scenario.lambdaFunctions.forEach((fn, i) => add('resource', ['lambdaFunctions', i, 'policy'], fn.policy));
  scenario.organization?.policies.forEach((p, i) =>
    add(p.type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp', ['organization', 'policies', i, 'document'], p.document),
  );
  return sites;
}

const VALIDATORS: Readonly<Record<PolicySiteKind, (policy: unknown) => readonly { readonly message: string; readonly path: string }[]>> = {
  identity: validateIdentityPolicy,
  session: validateSessionPolicy,
  trust: validateTrustPolicy,
  resource: validateResourcePolicy,
  scp: validateServiceControlPolicy,
  rcp: validateResourceControlPolicy,
};

const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'];
const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'];
const POLICY_WORDS = /\b(Version|Statement|Sid|Effect|NotAction|Action|NotResource|Resource|NotPrincipal|Principal|Condition|Id|AWS|Service|Federated|CanonicalUser)\b/g;

/** The statements of a document with their paths. Pure. */
export function statementsWithPaths(site: PolicySite): { readonly statement: Record<string, unknown>; readonly segments: readonly PathSegment[] }[] {
  const base = [...site.segments, 'Statement'];
  const statement = site.document.Statement;
  return Array.isArray(statement)
    ? statement.map((s, i) => ({ statement: s as Record<string, unknown>, segments: [...base, i] }))
    : [{ statement: statement as Record<string, unknown>, segments: base }];
}

/** Rewrites one of the library's messages in pipesim's style. Pure. */
function restyle(message: string, segments: readonly PathSegment[], value: unknown): { readonly message: string; readonly at: RawIssue['at'] } {
  const invalidKey = /^Invalid key (.*)$/.exec(message);
  if (invalidKey) {
    const key = invalidKey[1]!;
    const parent = segments[segments.length - 2];
    const known = parent === 'Principal' || parent === 'NotPrincipal' ? PRINCIPAL_KEYS : segments.includes('Statement') ? STATEMENT_KEYS : DOCUMENT_KEYS;
    const where = known === PRINCIPAL_KEYS ? 'a principal' : known === STATEMENT_KEYS ? 'a policy statement' : 'a policy document';
    return { message: `unknown key \`${key}\` in ${where}${didYouMean(key, known)}`, at: 'key' };
  }
  if (segments[segments.length - 1] === 'Effect' && typeof value === 'string') {
    return { message: `expected \`Allow\` or \`Deny\` for \`Effect\`, got ${quote(value)}${didYouMean(value, ['Allow', 'Deny'])}`, at: 'value' };
  }
  const styled = message.replace(/"([^"]*)"/g, '`$1`').replace(POLICY_WORDS, '`$1`').replace(/``/g, '`');
  const prohibited = /is not allowed in/.test(message);
  return { message: styled.startsWith('`') ? styled : styled.charAt(0).toLowerCase() + styled.slice(1), at: prohibited ? 'key' : 'value' };
}

const valueIn = (document: unknown, segments: readonly PathSegment[]): unknown => {
  let current: unknown = document;
  for (const s of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[s];
  }
  return current;
};

type LibraryErrors = readonly { readonly message: string; readonly path: string }[];

// INVARIANT: policy documents are never mutated in place (edits make new objects), so what is
// derived from a document can be kept by its identity.
const libraryErrors = new WeakMap<object, Map<PolicySiteKind, LibraryErrors>>();

/** The library's grammar errors for a document of a kind, computed once per document object. */
function grammarErrors(kind: PolicySiteKind, document: PolicyDocument): LibraryErrors {
  const byKind = getOrCreate(libraryErrors, document, () => new Map<PolicySiteKind, LibraryErrors>());
  return getOrCreate(byKind, kind, () => VALIDATORS[kind](document));
}

/** Grammar of each policy for its kind → `invalid_policy`. Pure. */
export function validatePolicyGrammar(scenario: Scenario): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const site of policySites(scenario)) {
    const errors = grammarErrors(site.kind, site.document);
    if (errors.length === 0) continue;
    const found: { readonly issue: RawIssue; readonly statement: string; readonly misspelt?: string }[] = [];
    for (const error of errors) {
      const segments = joinLibraryPath(site.segments, error.path);
      const value = valueIn(site.document, segments.slice(site.segments.length));
      const { message, at } = restyle(error.message, segments, value);
      const misspelt = /^unknown key .*: did you mean `([^`]+)`/.exec(message)?.[1];
      const statement = JSON.stringify(at === 'key' ? segments.slice(0, -1) : segments);
      found.push({ issue: { code: 'invalid_policy', segments, message, severity: 'error', at }, statement, ...(misspelt ? { misspelt } : {}) });
    }
    // `Actions:` makes the library say both "unknown key Actions" and "Action is required": one mistake, one issue.
    for (const entry of found) {
      const explained = found.some((other) => other.misspelt !== undefined && other.statement === entry.statement && entry.issue.message.includes(`\`${other.misspelt}\``) && /is required/.test(entry.issue.message));
      if (!explained) issues.push(entry.issue);
    }
  }
  return issues;
}

const asList = (value: unknown): { readonly text: string; readonly index: number | undefined }[] =>
  typeof value === 'string' ? [{ text: value, index: undefined }] : Array.isArray(value) ? value.flatMap((v, i) => (typeof v === 'string' ? [{ text: v, index: i }] : [])) : [];

/** Issues found in one document, with paths relative to it; computed once per document object. */
function documentIssues(cache: WeakMap<object, readonly RawIssue[]>, document: PolicyDocument, find: (site: PolicySite) => RawIssue[]): readonly RawIssue[] {
  let found = cache.get(document);
  if (!found) {
    found = find({ kind: 'identity', segments: [], document });
    cache.set(document, found);
  }
  return found;
}

/** A document's issues placed at its site. */
function atSite(site: PolicySite, found: readonly RawIssue[]): RawIssue[] {
  return found.map((issue) => ({ ...issue, segments: [...site.segments, ...issue.segments] }));
}

const resourceIssues = new WeakMap<object, readonly RawIssue[]>();

/** Resources of one document that are neither `*` nor an ARN (paths relative to the site). */
function findResourceIssues(site: PolicySite): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const { statement, segments } of statementsWithPaths(site)) {
    for (const field of ['Resource', 'NotResource'] as const) {
      for (const { text, index } of asList(statement[field])) {
        if (text === '*' || text.startsWith('arn:')) continue;
        const looksLikeS3 = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(text);
        const hint = looksLikeS3 ? `: did you mean \`arn:aws:s3:::${text}\`?` : '';
        issues.push({
          code: 'invalid_resource',
          segments: index === undefined ? [...segments, field] : [...segments, field, index],
          message: `expected \`*\` or an ARN for \`${field}\`, got ${quote(text)}${hint}`,
          severity: 'error',
          at: 'value',
        });
      }
    }
  }
  return issues;
}

/** A `Resource` that is neither `*` nor an ARN matches everything in the engine → `invalid_resource`. Pure. */
export function validatePolicyResources(scenario: Scenario): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const site of policySites(scenario)) {
    const found = documentIssues(resourceIssues, site.document, findResourceIssues);
    if (found.length > 0) issues.push(...atSite(site, found));
  }
  scenario.stacks.forEach((stack, i) =>
    stack.calls.forEach((call, j) => {
      if (call.resource !== '*' && !call.resource.startsWith('arn:')) {
        issues.push({ code: 'invalid_resource', segments: ['stacks', i, 'calls', j, 'resource'], message: `expected \`*\` or an ARN, got ${quote(call.resource)}`, severity: 'error', at: 'value' });
      }
    }),
  );
  return issues;
}

/** The warning for an action the engine's data does not know, or undefined. */
function unknownActionIssue(action: string, segments: readonly PathSegment[]): RawIssue | undefined {
  const check = checkAction(action);
  if (!check || check.known) return undefined;
  const hint = check.suggestions.length > 0 ? `: did you mean ${check.suggestions.slice(0, 3).map((s) => `\`${s}\``).join(' or ')}?` : '';
  const message =
    check.problem === 'service'
      ? `unknown service \`${check.service}\` in action ${quote(action)}${hint}`
      : check.problem === 'pattern'
        ? `action pattern ${quote(action)} matches no action of \`${check.service}\``
        : `unknown action ${quote(action)}${hint}`;
  return { code: 'unknown_action', segments, message, severity: 'warning', at: 'value' };
}

const actionIssues = new WeakMap<object, readonly RawIssue[]>();

/** Actions of one document the engine's data does not know (paths relative to the site). */
function findActionIssues(site: PolicySite): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const { statement, segments } of statementsWithPaths(site)) {
    for (const field of ['Action', 'NotAction'] as const) {
      for (const { text, index } of asList(statement[field])) {
        const issue = unknownActionIssue(text, index === undefined ? [...segments, field] : [...segments, field, index]);
        if (issue) issues.push(issue);
      }
    }
  }
  return issues;
}

/** Actions the engine's data does not know (wildcards allowed) → warning `unknown_action`. */
export function validateActions(scenario: Scenario): RawIssue[] {
  const issues: RawIssue[] = [];
  const push = (issue: RawIssue | undefined) => issue && issues.push(issue);
  for (const site of policySites(scenario)) {
    const found = documentIssues(actionIssues, site.document, findActionIssues);
    if (found.length > 0) issues.push(...atSite(site, found));
  }
  scenario.keys.forEach((key, i) =>
    key.grants.forEach((grant, j) =>
      grant.operations.forEach((op, k) => push(unknownActionIssue(op.includes(':') ? op : `kms:${op}`, ['keys', i, 'grants', j, 'operations', k]))),
    ),
  );
  scenario.stacks.forEach((stack, i) => stack.calls.forEach((call, j) => push(unknownActionIssue(call.action, ['stacks', i, 'calls', j, 'action']))));
  return issues;
}

/**
 * What IAM refuses to store, and condition keys no service defines, in one document (paths relative
 * to the site): duplicate `Sid`s (IAM: "Statement IDs (SID) in a single policy must be unique"), a
 * wildcard in an assumed-role session principal (IAM and S3: "Invalid principal in policy";
 * "AWS JSON policy elements: Principal" — a session principal names one session), and a condition
 * key that is neither global nor of any service (a warning with "did you mean").
 */
function findStorageIssues(site: PolicySite): RawIssue[] {
  const issues: RawIssue[] = [];
  const sids = new Map<string, number>();
  for (const { statement, segments } of statementsWithPaths(site)) {
    const sid = statement['Sid'];
    if (typeof sid === 'string' && sid !== '') {
      if (sids.has(sid)) issues.push({ code: 'duplicate_sid', segments: [...segments, 'Sid'], message: `Statement IDs (SID) in a single policy must be unique: \`${sid}\` is also the Sid of statement ${sids.get(sid)}`, severity: 'error', at: 'value' });
      else sids.set(sid, Number(segments[segments.length - 1] ?? 0));
    }
    for (const field of ['Principal', 'NotPrincipal'] as const) {
      const p = statement[field];
      if (!p || typeof p !== 'object') continue;
      for (const [kind, value] of Object.entries(p as Record<string, unknown>)) {
        for (const { text, index } of asList(value)) {
          if (kind === 'AWS' && /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/.*[*?]/.test(text)) {
            issues.push({ code: 'invalid_principal', segments: index === undefined ? [...segments, field, kind] : [...segments, field, kind, index], message: `Invalid principal in policy: ${quote(text)} (an assumed-role session principal names one session; AWS rejects wildcards in it: use the role ARN, or aws:PrincipalArn in a condition)`, severity: 'error', at: 'value' });
          }
        }
      }
    }
    const condition = statement['Condition'];
    if (condition && typeof condition === 'object') {
      for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
        if (!block || typeof block !== 'object') continue;
        for (const key of Object.keys(block as Record<string, unknown>)) {
          const check = checkConditionKey(key);
          if (!check || check.known) continue;
          const hint = check.suggestions.length > 0 ? `: did you mean ${check.suggestions.slice(0, 3).map((s) => `\`${s}\``).join(' or ')}?` : '';
          issues.push({ code: 'unknown_condition_key', segments: [...segments, 'Condition', operator, key], message: `condition key ${quote(key)} is defined by no service (AWS evaluates it as absent)${hint}`, severity: 'warning', at: 'key' });
        }
      }
    }
  }
  return issues;
}

const storageIssues = new WeakMap<object, readonly RawIssue[]>();

/** Policies AWS would refuse to store (`duplicate_sid`, `invalid_principal`) and unknown condition keys (`unknown_condition_key`). */
export function validatePolicyStorage(scenario: Scenario): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const site of policySites(scenario)) {
    const found = documentIssues(storageIssues, site.document, findStorageIssues);
    if (found.length > 0) issues.push(...atSite(site, found));
  }
  return issues;
}

