/**
 * KMS specifics the policy engine does not model: the fixed key policy of AWS managed keys and
 * grants. Pure.
 */
import { parseArn } from '../../model/arn.js';
import type { Grant, KmsKey, PolicyDocument } from '../../model/schema.js';
import { normaliseRoleArn } from '../../model/world.js';
import type { Caller } from '../types.js';

const managedPolicies = new Map<string, PolicyDocument>();

/**
 * The key policy of an AWS managed key such as `aws/s3` (or `aws/sns`, `service` names the owner), which nobody can edit: every principal
 * of the key's account may use the key through that service in the key's region, and the account may read
 * its metadata. Shape as AWS creates it for `aws/s3` ("AWS managed keys",
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key; the
 * statement is the one `aws kms get-key-policy` returns for `alias/aws/s3`).
 *
 * INVARIANT: one document object per key ARN, so memo keys built on document identity stay
 * stable across worlds.
 */
export function awsManagedKeyPolicy(keyArn: string, service = 's3'): PolicyDocument {
  const cached = managedPolicies.get(keyArn);
  if (cached) return cached;
  const arn = parseArn(keyArn);
  const account = arn?.account ?? '';
  const region = arn?.region ?? '';
  const policy: PolicyDocument = {
    Version: '2012-10-17',
    Id: service === 's3' ? 'auto-s3-2' : `auto-${service}`,
    Statement: [
      {
        Sid: `Allow access through ${service.toUpperCase()} for all principals in the account that are authorized to use ${service.toUpperCase()}`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
        Resource: '*',
      },
    ],
  };
  managedPolicies.set(keyArn, policy);
  return policy;
}

/** The service an AWS managed key belongs to, from its `alias/aws/<service>` alias (`s3` when it has none). */
export function awsManagedKeyService(key: KmsKey): string {
  return key.aliases.find((a) => a.startsWith('alias/aws/'))?.slice('alias/aws/'.length) ?? 's3';
}

/** Operations that take an encryption context, to which grant constraints apply. */
const CONSTRAINED_OPERATIONS: ReadonlySet<string> = new Set([
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo',
]);

/** How a grant relates to a request. */
export type GrantMatch =
  /** The grant names this principal (its role, or this very session) and allows the operation. */
  | { readonly kind: 'match'; readonly grant: Grant; readonly index: number }
  /** The grant names the caller's account: the account's IAM policies must allow the operation too. */
  | { readonly kind: 'account'; readonly grant: Grant; readonly index: number }
  /** The grant names this principal but does not allow the request; `why` says what is missing. */
  | { readonly kind: 'near'; readonly grant: Grant; readonly index: number; readonly why: string };

/**
 * Matches the key's grants against a request ("Grants in AWS KMS",
 * https://docs.aws.amazon.com/kms/latest/developerguide/grants.html; "Using grant constraints",
 * https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html#grant-constraints).
 *
 * - The grantee is an IAM role ARN (every session of the role uses the grant), an assumed-role
 *   session ARN (that session only), or an account (`arn:aws:iam::<id>:root`), which delegates
 *   to the account's IAM policies like a key policy naming the account.
 * - A retired or revoked grant allows nothing.
 * - `operations` holds KMS operation names (`Decrypt`), compared exactly.
 * - Constraints apply to operations that take an encryption context. `encryptionContextSubset`:
 *   every pair must be in the request (more pairs are fine); `encryptionContextEquals`: the
 *   request's context is exactly the constraint. Constraint keys ignore case, values do not.
 *
 * Returns the usable matches first (`match`, then `account`), then near misses. Pure.
 */
export function matchGrants(key: KmsKey, caller: Caller, operation: string, encryptionContext: Readonly<Record<string, string>> | undefined): readonly GrantMatch[] {
  if (caller.kind !== 'role') return [];
  const op = operation.split(':')[1] ?? '';
  const callerAccount = parseArn(caller.roleArn)?.account;
  const out: GrantMatch[] = [];
  key.grants.forEach((grant, index) => {
    if (grant.retired) return;
    const grantee = grant.granteePrincipal;
    const names = normaliseRoleArn(grantee) === normaliseRoleArn(caller.roleArn) || grantee === caller.sessionArn;
    const account = grantee === `arn:aws:iam::${callerAccount}:root` || grantee === callerAccount;
    if (!names && !account) return;
    if (!grant.operations.includes(op)) {
      out.push({ kind: 'near', grant, index, why: `it allows ${grant.operations.map((o) => `\`${o}\``).join(', ')}, not \`${op}\`` });
      return;
    }
    const failed = CONSTRAINED_OPERATIONS.has(op) ? constraintFailure(grant, encryptionContext ?? {}) : undefined;
    if (failed) {
      out.push({ kind: 'near', grant, index, why: failed });
      return;
    }
    out.push({ kind: names ? 'match' : 'account', grant, index });
  });
  const rank = (m: GrantMatch) => (m.kind === 'match' ? 0 : m.kind === 'account' ? 1 : 2);
  return out.sort((a, b) => rank(a) - rank(b));
}

function constraintFailure(grant: Grant, ec: Readonly<Record<string, string>>): string | undefined {
  const lower = new Map(Object.entries(ec).map(([k, v]) => [k.toLowerCase(), v] as const));
  const subset = grant.constraints?.encryptionContextSubset;
  if (subset) {
    for (const [k, v] of Object.entries(subset)) {
      if (lower.get(k.toLowerCase()) !== v) return `its constraint \`EncryptionContextSubset\` needs \`${k}\` = \`${v}\` in the encryption context`;
    }
  }
  const equals = grant.constraints?.encryptionContextEquals;
  if (equals) {
    const wanted = new Map(Object.entries(equals).map(([k, v]) => [k.toLowerCase(), v] as const));
    const same = wanted.size === lower.size && [...wanted].every(([k, v]) => lower.get(k) === v);
    if (!same) return 'its constraint `EncryptionContextEquals` does not equal the encryption context of the request';
  }
  return undefined;
}

/** A grant's display name: its name, else its id, else its index. */
export function grantLabel(grant: Grant, index: number): string {
  return grant.name ?? grant.grantId ?? `grant #${index}`;
}
