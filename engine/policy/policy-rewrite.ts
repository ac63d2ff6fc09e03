/**
 * Reading and rewriting policy documents before they reach the policy engine, to close the
 * engine's traps (docs/upstream.md). Plain JSON in, plain JSON out; documents are never mutated.
 * Pure.
 */
import type { PolicyDocument, PolicyStatement } from '../../model/schema.js';
import { statementsOf } from '../../model/policy-document.js';
import { globalServicePrincipal, servicePrincipalRegion } from './context-keys.js';

/**
 * The engine drops `kms:EncryptionContext:<key>` request keys (its variable-key filter only
 * knows `/`-separated keys), so conditions on them never see the request's value. pipesim
 * rewrites such condition keys to this surrogate, a global key the engine passes through, and
 * sends the encryption context under it as well. Operators, `IfExists`, set operators and
 * `Null` then behave as AWS evaluates them on the real key.
 */
export const ENCRYPTION_CONTEXT_SURROGATE = 'aws:PrincipalTag/pipesim-encryption-context/';

/**
 * The engine exempts from a `Deny` with `NotPrincipal` any principal one of whose identities is
 * listed (the account root alone exempts every session of the account). IAM checks each identity
 * of the caller — the account, then the role, then the assumed-role session — and denies unless
 * every one is listed (IAM User Guide, "AWS JSON policy elements: NotPrincipal"; docs/upstream.md).
 * pipesim rewrites such a statement to `Principal: "*"` with a condition on this surrogate, sent
 * with the request as the caller's identities (`ForAnyValue:StringNotEqualsIgnoreCase`: denied
 * when one of them is not listed).
 */
export const NOT_PRINCIPAL_SURROGATE = 'aws:PrincipalTag/pipesim-principal-chain';

const EC_PREFIX = 'kms:encryptioncontext:';
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(.+)$/;

/** What a document holds that may need rewriting or reporting; computed once per document. */
export interface DocumentFacts {
  /** Role ARNs named in `Principal` / `NotPrincipal` (`AWS`). */
  readonly principalRoleArns: readonly string[];
  /** Whether a condition tests a `kms:EncryptionContext:<key>` key. */
  readonly encryptionContextConditions: boolean;
  /** Regional service principals (`codepipeline.us-east-1.amazonaws.com`) named in `Principal`. */
  readonly regionalServicePrincipals: readonly string[];
  /** `Resource` / `NotResource` entries that are neither `*` nor an ARN (AWS rejects the policy). */
  readonly nonArnResources: readonly { readonly statement: number; readonly resource: string }[];
  /** Whether a `Deny` statement names its exceptions with `NotPrincipal`. */
  readonly notPrincipalDenies: boolean;
}

/** Reads a document's facts. Pure. */
export function documentFacts(doc: PolicyDocument): DocumentFacts {
  const roles = new Set<string>();
  const regional = new Set<string>();
  const nonArn: { statement: number; resource: string }[] = [];
  let ec = false;
  let notPrincipal = false;
  statementsOf(doc).forEach((s, i) => {
    if (s.Effect === 'Deny' && s.NotPrincipal !== undefined && s.NotPrincipal !== '*') notPrincipal = true;
    for (const p of [s.Principal, s.NotPrincipal]) {
      if (!p || p === '*') continue;
      for (const arn of [p['AWS'] ?? []].flat()) if (ROLE_ARN.test(arn)) roles.add(arn);
      for (const svc of [p['Service'] ?? []].flat()) if (servicePrincipalRegion(svc)) regional.add(svc);
    }
    for (const r of [s.Resource ?? [], s.NotResource ?? []].flat()) {
      if (r !== '*' && !r.startsWith('arn:') && !r.startsWith('${')) nonArn.push({ statement: i, resource: r });
    }
    for (const block of Object.values(s.Condition ?? {})) {
      if (Object.keys(block).some((k) => k.toLowerCase().startsWith(EC_PREFIX))) ec = true;
    }
  });
  return { principalRoleArns: [...roles], encryptionContextConditions: ec, regionalServicePrincipals: [...regional], nonArnResources: nonArn, notPrincipalDenies: notPrincipal };
}

/** How to rewrite a document for one use. */
export interface Rewrite {
  /** Principal role ARN → the ARN to evaluate instead (the role's canonical ARN, or one that names nothing). */
  readonly roleArns: Readonly<Record<string, string>>;
  /** Rewrite `kms:EncryptionContext:<key>` condition keys to the surrogate. */
  readonly encryptionContext: boolean;
  /** Treat `svc.<region>.amazonaws.com` principals of this region as the global `svc.amazonaws.com`. */
  readonly serviceRegion: string | undefined;
  /** Rewrite `Deny` + `NotPrincipal` to a condition on the caller's identities (NOT_PRINCIPAL_SURROGATE). */
  readonly notPrincipal?: boolean;
}

/** Whether a rewrite changes anything. */
export function isIdentityRewrite(r: Rewrite): boolean {
  return !r.encryptionContext && r.serviceRegion === undefined && Object.keys(r.roleArns).length === 0 && r.notPrincipal !== true;
}

/** Applies a rewrite; returns a new document (the input is left untouched). Pure. */
export function rewriteDocument(doc: PolicyDocument, r: Rewrite): PolicyDocument {
  const rewriteStatement = (s: PolicyStatement): PolicyStatement => {
    const out: Record<string, unknown> = { ...s };
    if (s.Principal && s.Principal !== '*') out['Principal'] = rewritePrincipal(s.Principal, r);
    if (s.NotPrincipal && s.NotPrincipal !== '*') out['NotPrincipal'] = rewritePrincipal(s.NotPrincipal, r);
    if (r.encryptionContext && s.Condition) {
      out['Condition'] = Object.fromEntries(
        Object.entries(s.Condition).map(([op, block]) => [
          op,
          Object.fromEntries(Object.entries(block).map(([k, v]) => [k.toLowerCase().startsWith(EC_PREFIX) ? ENCRYPTION_CONTEXT_SURROGATE + k.slice(EC_PREFIX.length) : k, v])),
        ]),
      );
    }
    if (r.notPrincipal && s.Effect === 'Deny' && s.NotPrincipal !== undefined && s.NotPrincipal !== '*') return denyExceptListed(out as PolicyStatement);
    return out as PolicyStatement;
  };
  const statement = Array.isArray(doc.Statement) ? doc.Statement.map(rewriteStatement) : rewriteStatement(doc.Statement);
  return { ...doc, Statement: statement };
}

function rewritePrincipal(p: Readonly<Record<string, string | string[]>>, r: Rewrite): Record<string, string | string[]> {
  const map = (v: string | string[], f: (s: string) => string) => (Array.isArray(v) ? v.map(f) : f(v));
  const out: Record<string, string | string[]> = { ...p };
  if (p['AWS'] !== undefined) out['AWS'] = map(p['AWS'], (a) => r.roleArns[a] ?? a);
  if (p['Service'] !== undefined && r.serviceRegion !== undefined) {
    out['Service'] = map(p['Service'], (s) => (servicePrincipalRegion(s) === r.serviceRegion ? globalServicePrincipal(s) : s));
  }
  return out;
}

/** The original condition key a surrogate stands for (`kms:EncryptionContext:aws:s3:arn`), or the key itself. */
export function originalConditionKey(key: string): string {
  return key.toLowerCase().startsWith(ENCRYPTION_CONTEXT_SURROGATE.toLowerCase()) ? `kms:EncryptionContext:${key.slice(ENCRYPTION_CONTEXT_SURROGATE.length)}` : key;
}

/** The parts of a role ARN: partition, account, path (with slashes, `/` when none) and name. */
export function roleArnParts(arn: string): { readonly partition: string; readonly account: string; readonly path: string; readonly name: string } | undefined {
  const m = ROLE_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition = 'aws', account = '', rest = ''] = m;
  const slash = rest.lastIndexOf('/');
  return { partition, account, path: slash < 0 ? '/' : `/${rest.slice(0, slash + 1)}`, name: slash < 0 ? rest : rest.slice(slash + 1) };
}

/** `Deny` + `NotPrincipal: L` as `Deny` + `Principal: *` unless every identity of the caller is in L. */
function denyExceptListed(s: PolicyStatement): PolicyStatement {
  const listed = Object.values(s.NotPrincipal as Readonly<Record<string, string | string[]>>)
    .flat()
    .map((v) => (/^\d{12}$/.test(v) ? `arn:aws:iam::${v}:root` : v));
  const { NotPrincipal: _dropped, ...rest } = s;
  void _dropped;
  const condition = { ...(s.Condition ?? {}) } as Record<string, Record<string, string | string[]>>;
  condition['ForAnyValue:StringNotEqualsIgnoreCase'] = { ...(condition['ForAnyValue:StringNotEqualsIgnoreCase'] ?? {}), [NOT_PRINCIPAL_SURROGATE]: listed };
  return { ...rest, Principal: '*', Condition: condition } as PolicyStatement;
}

/** The identities IAM checks a caller by, for NOT_PRINCIPAL_SURROGATE: session, role and account root; or the service. */
export function principalChain(caller: { readonly kind: 'role'; readonly roleArn: string; readonly sessionArn: string } | { readonly kind: 'service'; readonly service: string }, canonicalRoleArn: string | undefined): string[] {
  if (caller.kind === 'service') return [caller.service];
  const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(caller.roleArn)?.[1] ?? '';
  return [caller.sessionArn, canonicalRoleArn ?? caller.roleArn, `arn:aws:iam::${account}:root`];
}
