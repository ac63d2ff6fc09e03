/**
 * Policy documents as a request uses them: read, rewritten (engine/policy/policy-rewrite.ts) and
 * validated once per document object and kind of use, with the short ids the decision memo keys on.
 */
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  validateSessionPolicy,
  validateTrustPolicy,
  type ValidatedPolicy,
  type ValidationError,
} from '@cloud-copilot/iam-policy';
import type { PolicyDocument, Role } from '../../model/schema.js';
import { getOrCreate } from '../../model/memo.js';
import type { World } from '../../model/world.js';
import { servicePrincipalRegion } from './context-keys.js';
import { documentFacts, isIdentityRewrite, rewriteDocument, roleArnParts, type DocumentFacts, type Rewrite } from './policy-rewrite.js';
import type { PolicyKind } from '../types.js';

/** A document validated for one kind of use. */
export interface Prepared {
  /** The validated (possibly rewritten) document; undefined when it has errors and is skipped. */
  readonly policy: ValidatedPolicy | undefined;
  readonly errors: readonly string[];
}

/** One policy document taking part in a request. */
export interface PolicyUse {
  readonly kind: PolicyKind;
  /** Inline policy name, managed policy ARN, key ARN, bucket name, role ARN, SCP name. */
  readonly name: string;
  readonly doc: PolicyDocument;
  readonly variant: string;
  readonly prepared: Prepared;
  /** This use in the memo key: an id of its kind, name, document identity and variant. */
  readonly key: string;
}

const factsCache = new WeakMap<object, DocumentFacts>();
const preparedCache = new WeakMap<object, Map<string, Prepared>>();
const docIds = new WeakMap<object, number>();
let nextDocId = 1;

const textIds = new Map<string, number>();
let nextTextId = 1;
/** Past this many texts the table starts afresh (ids are never reused, so old memo keys only miss). */
const MAX_TEXT_IDS = 100_000;

/** A short, never reused id for a text: long memo key parts computed once per world become `#<id>`. */
export function textId(text: string): string {
  let id = textIds.get(text);
  if (id === undefined) {
    if (textIds.size >= MAX_TEXT_IDS) textIds.clear();
    id = nextTextId++;
    textIds.set(text, id);
  }
  return `#${id}`;
}

function docId(doc: object): number {
  return getOrCreate(docIds, doc, () => nextDocId++);
}

/** The facts of a document that decide its rewrite (cached per document object). */
export function factsOf(doc: PolicyDocument): DocumentFacts {
  return getOrCreate(factsCache, doc, () => documentFacts(doc));
}

const VALIDATORS: Readonly<Record<PolicyKind, (policy: unknown) => ValidationError[]>> = {
  identity: validateIdentityPolicy,
  boundary: validateIdentityPolicy,
  session: validateSessionPolicy,
  trust: validateTrustPolicy,
  key: validateResourcePolicy,
  'aws-managed-key': validateResourcePolicy,
  bucket: validateResourcePolicy,
  topic: validateResourcePolicy,
  function: validateResourcePolicy,
  grant: validateResourcePolicy,
  endpoint: validateResourcePolicy,
  scp: validateServiceControlPolicy,
  rcp: validateResourceControlPolicy,
};

const RESOURCE_POLICY_KINDS: ReadonlySet<PolicyKind> = new Set(['trust', 'key', 'aws-managed-key', 'bucket', 'topic', 'function']);

const useCache = new WeakMap<World, WeakMap<object, Map<string, PolicyUse>>>();

/** Rewrites, validates and caches a document for one kind of use (memoised per world and document). */
export function usePolicy(world: World, kind: PolicyKind, name: string, doc: PolicyDocument, region: string): PolicyUse {
  const byDoc = getOrCreate(useCache, world, () => new WeakMap<object, Map<string, PolicyUse>>());
  const byUse = getOrCreate(byDoc, doc, () => new Map<string, PolicyUse>());
  // Only a trust policy's rewrite depends on the call's region (regional service principals).
  const useKey = `${kind}\u0000${name}\u0000${kind === 'trust' ? region : ''}`;
  return getOrCreate(byUse, useKey, () => preparePolicy(world, kind, name, doc, region));
}

function preparePolicy(world: World, kind: PolicyKind, name: string, doc: PolicyDocument, region: string): PolicyUse {
  const facts = factsOf(doc);
  const rewrite: Rewrite = {
    roleArns: RESOURCE_POLICY_KINDS.has(kind) ? principalRoleFixes(world, facts.principalRoleArns) : {},
    encryptionContext: facts.encryptionContextConditions,
    serviceRegion: kind === 'trust' && facts.regionalServicePrincipals.some((s) => servicePrincipalRegion(s) === region) ? region : undefined,
    ...(facts.notPrincipalDenies ? { notPrincipal: true } : {}),
  };
  const identity = isIdentityRewrite(rewrite);
  const variant = identity ? kind : `${kind}|${JSON.stringify(rewrite)}`;
  const byVariant = getOrCreate(preparedCache, doc, () => new Map<string, Prepared>());
  const prepared = getOrCreate(byVariant, variant, (): Prepared => {
    const evaluated = identity ? doc : rewriteDocument(doc, rewrite);
    const validated = createValidatedPolicy(evaluated, VALIDATORS[kind]);
    const errors = [
      ...validated.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)),
      ...facts.nonArnResources.map((r) => `Statement[${r.statement}]: resource \`${r.resource}\` is not an ARN (AWS rejects the policy)`),
      ...Object.entries(rewrite.roleArns)
        .filter(([, to]) => to.includes(':role/pipesim-no-such-role/'))
        .map(([from]) => `principal \`${from}\` names no role: the role's path differs (IAM rejects it as an invalid principal)`),
    ];
    const usable = validated.errors.length === 0 && facts.nonArnResources.length === 0;
    return { policy: usable ? validated : undefined, errors };
  });
  return { kind, name, doc, variant, prepared, key: textId(`${kind}:${name}:${docId(doc)}:${variant}`) };
}

const roleIndexCache = new WeakMap<World, Map<string, Role>>();

/**
 * Principal role ARNs that need another form: a different case than the role's own ARN (IAM
 * resolves a principal to the role by name, ignoring case), or a path that differs from the
 * role's (a role ARN without its path names no role — IAM rejects it as an invalid principal,
 * but the engine compares sessions by role name only and would admit it).
 */
function principalRoleFixes(world: World, arns: readonly string[]): Record<string, string> {
  if (arns.length === 0) return {};
  const index = getOrCreate(roleIndexCache, world, () => {
    const byName = new Map<string, Role>();
    for (const role of world.roles.values()) {
      const p = roleArnParts(role.arn);
      if (p) byName.set(`${p.account}/${p.name.toLowerCase()}`, role);
    }
    return byName;
  });
  const fixes: Record<string, string> = {};
  for (const arn of arns) {
    const p = roleArnParts(arn);
    const role = p ? index.get(`${p.account}/${p.name.toLowerCase()}`) : undefined;
    if (!p || !role || role.arn === arn) continue;
    const own = roleArnParts(role.arn);
    fixes[arn] = own && own.path === p.path ? role.arn : `arn:${p.partition}:iam::${p.account}:role/pipesim-no-such-role/${p.name}-path${p.path.replaceAll('/', '_')}`;
  }
  return fixes;
}

/** A document with no statement, for a required policy that is missing (it allows nothing). */
export const NO_POLICY: PolicyDocument = { Version: '2012-10-17', Statement: [] };
/** The validated empty resource policy: a required trust or key policy that fails validation allows nothing. */
export const NO_RESOURCE_POLICY = createValidatedPolicy(NO_POLICY, validateResourcePolicy);
/** The validated empty boundary, for a boundary the scenario does not hold. */
export const NO_BOUNDARY = createValidatedPolicy(NO_POLICY, validateIdentityPolicy);

