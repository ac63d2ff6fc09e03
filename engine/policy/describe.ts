/** How a policy and a statement are named in explanations and load notes. */
import type { PolicyUse } from './policy-use.js';
import type { DecidingStatement, PolicyKind } from '../types.js';

/** Names a policy of a kind for a sentence, e.g. "the key policy of `arn:…`". */
export function describeKind(kind: PolicyKind, name: string): string {
  switch (kind) {
    case 'identity':
      return `the identity policy \`${name}\``;
    case 'trust':
      return `the trust policy of \`${name}\``;
    case 'key':
      return `the key policy of \`${name}\``;
    case 'aws-managed-key':
      return `the AWS managed key policy of \`${name}\``;
    case 'bucket':
      return `the bucket policy of \`${name}\``;
    case 'topic':
      return `the topic policy of \`${name}\``;
    case 'function':
      return `the resource-based policy of function \`${name}\``;
    case 'scp':
      return `the SCP \`${name}\``;
    case 'rcp':
      return `the RCP \`${name}\``;
    case 'boundary':
      return `the permissions boundary \`${name}\``;
    case 'session':
      return 'the session policy';
    case 'grant':
      return `grant \`${name}\``;
    case 'endpoint':
      return `the VPC endpoint policy \`${name}\``;
  }
}

/** Names a policy taking part in a request. */
export function describePolicy(u: PolicyUse): string {
  return describeKind(u.kind, u.name);
}

/** Names a statement by its Sid (or index) and its policy. */
export function describeStatement(s: DecidingStatement): string {
  return `statement ${s.sid ? `\`${s.sid}\`` : `#${s.index}`} of ${describeKind(s.policyKind, s.policy)}`;
}

