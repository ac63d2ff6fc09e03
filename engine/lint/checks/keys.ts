/** PS003, PS011, PS008–PS010: artifact store keys (AWS managed, aliases across accounts) and key and bucket policies (wildcard principals, `kms:*` to other accounts, rotation). Pure. */
import { parseArn } from '../../../model/arn.js';
import type { PathSegment } from '../../../model/path.js';
import type { PolicyDocument, PolicyStatement } from '../../../model/schema.js';
import { resolveKey } from '../../../model/world.js';
import { asList } from '../../../model/policy-document.js';
import { conditionsOf, hasNarrowingCondition, indexedStatements, isAllow, principalKind, principalsOf, statementPath } from '../policy.js';
import { isCrossAccount } from '../topology.js';
import { calls, otherAccountsInRegion, quoteList, sameArn, storesOf, type Check, type Draft } from './kit.js';

/** PS003: no AWS managed key on the stores of a cross-account pipeline. */
export const managedKeyOnStore: Check = (ctx) => {
  if (!isCrossAccount(ctx.scenario, ctx.actions)) return [];
  const out: Draft[] = [];
  for (const { region, store, segments } of storesOf(ctx)) {
    const proven = calls(ctx.result).some((c) => c.category === 'AWS_MANAGED_KEY' && c.region === region);
    const extra = proven ? ': the run was denied on it' : '';
    const p = proven ? { proven } : {};
    if (!store.encryptionKey) {
      out.push({ ruleId: 'PS003', segments, message: `artifact store \`${store.location}\` (\`${region}\`) names no encryptionKey, so CodePipeline uses the AWS managed \`aws/s3\` key, which other accounts cannot use${extra}`, ...p });
      continue;
    }
    const id = store.encryptionKey.id;
    const resolved = resolveKey(ctx.world, id, { account: ctx.home.account, region });
    if (/(^|:)alias\/aws\//.test(id) || resolved.key?.keyManager === 'AWS') {
      out.push({ ruleId: 'PS003', segments: [...segments, 'encryptionKey', 'id'], message: `artifact store \`${store.location}\` (\`${region}\`) is encrypted with the AWS managed key \`${id}\`, which other accounts cannot use${extra}`, ...p });
    }
  }
  return out;
};

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;

/** PS011: a store another account uses names its key by ARN. */
export const aliasOnCrossAccountStore: Check = (ctx) => {
  const out: Draft[] = [];
  for (const { region, store, segments } of storesOf(ctx)) {
    const id = store.encryptionKey?.id;
    if (!id || KEY_ARN.test(id) || /(^|:)alias\/aws\//.test(id)) continue;
    const others = otherAccountsInRegion(ctx, region);
    if (others.length === 0) continue;
    const proven = calls(ctx.result).some((c) => c.category === 'KEY_ALIAS_CROSS_ACCOUNT');
    const what = id.includes('alias/') ? 'alias' : 'key id';
    out.push({
      ruleId: 'PS011',
      segments: [...segments, 'encryptionKey', 'id'],
      message: `artifact store \`${store.location}\` (\`${region}\`) names its key by ${what} \`${id}\`, which resolves in the caller's account, and ${others.length === 1 ? 'account' : 'accounts'} ${quoteList(others)} ${others.length === 1 ? 'uses' : 'use'} the store${proven ? ': the run resolved it in the wrong account' : ''}`,
      ...(proven ? { proven } : {}),
    });
  }
  return out;
};

/** PS008: no unconditioned `*` principal allowed by a key or bucket policy. */
export const wildcardPrincipal: Check = (ctx) => {
  const out: Draft[] = [];
  const scan = (doc: PolicyDocument | undefined, base: PathSegment[], what: string) => {
    for (const s of indexedStatements(doc)) {
      if (!isAllow(s.statement) || !principalsOf(s.statement).star || hasNarrowingCondition(s.statement)) continue;
      out.push({ ruleId: 'PS008', segments: [...statementPath(base, s), 'Principal'], message: `${what} allows principal \`*\`${s.statement.Sid ? ` in statement \`${s.statement.Sid}\`` : ''} with no condition that narrows it` });
    }
  };
  ctx.scenario.keys.forEach((k, i) => scan(k.policy, ['keys', i, 'policy'], `key policy of \`${k.arn}\``));
  ctx.scenario.buckets.forEach((b, i) => scan(b.policy, ['buckets', i, 'policy'], `bucket policy of \`${b.name}\``));
  return out;
};

const grantsAllOfKms = (st: PolicyStatement) => asList(st.Action).some((a) => a === '*' || a.toLowerCase() === 'kms:*');

/** The other accounts a `*` principal is narrowed to by kms:CallerAccount / aws:PrincipalAccount. */
function narrowedAccounts(st: PolicyStatement): string[] {
  return conditionsOf(st)
    .filter((c) => ['kms:calleraccount', 'aws:principalaccount'].includes(c.key.toLowerCase()) && /^String(Equals|Like)$/i.test(c.operator))
    .flatMap((c) => c.values);
}

/** Who a `*` principal reaches beyond the key's account: the accounts a condition names, or everyone (`*`). */
function starAccounts(st: PolicyStatement, keyAccount: string): string[] {
  const named = narrowedAccounts(st);
  if (named.length === 0) return ['*'];
  return named.filter((acc) => acc !== keyAccount);
}

/** PS009: no key policy grants kms:* to another account. */
export const kmsStarToOtherAccount: Check = (ctx) => {
  const out: Draft[] = [];
  ctx.scenario.keys.forEach((key, i) => {
    const keyAccount = parseArn(key.arn)?.account ?? '';
    for (const s of indexedStatements(key.policy)) {
      const st = s.statement;
      if (!isAllow(st) || !grantsAllOfKms(st)) continue;
      const p = principalsOf(st);
      const others = [
        ...p.aws.filter((a) => {
          const k = principalKind(a);
          return k.kind !== 'other' && k.account !== keyAccount;
        }),
        ...(p.star ? starAccounts(st, keyAccount) : []),
      ];
      if (others.length === 0) continue;
      // Proof: the calls of other accounts this statement allowed, and what they were.
      const used = [
        ...new Set(
          calls(ctx.result)
            .filter((c) => c.decision === 'Allowed' && c.callerAccount !== keyAccount && c.statements.some((d) => d.policyKind === 'key' && d.index === s.index && sameArn(d.policy, key.arn)))
            .map((c) => c.operation),
        ),
      ].sort();
      const proven = used.length > 0;
      out.push({
        ruleId: 'PS009',
        segments: [...statementPath(['keys', i, 'policy'], s), 'Action'],
        message: `key policy of \`${key.arn}\` grants \`kms:*\` to ${quoteList(others)}${proven ? `: the run uses only ${quoteList(used)} through it` : ''}`,
        ...(proven ? { proven } : {}),
      });
    }
  });
  return out;
};

/** PS010: customer managed keys rotate (a multi-Region replica follows its primary). */
export const keyRotation: Check = (ctx) => {
  const out: Draft[] = [];
  ctx.scenario.keys.forEach((key, i) => {
    if (key.keyManager !== 'CUSTOMER' || key.rotation || key.primaryArn) return;
    out.push({ ruleId: 'PS010', segments: ['keys', i, 'rotation'], message: `customer managed key \`${key.arn}\` has automatic rotation off` });
  });
  return out;
};
