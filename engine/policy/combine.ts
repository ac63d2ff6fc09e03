/**
 * How the policies of a request combine into one decision: one ordered table, the first arm
 * that applies decides. Each arm says whether it takes the policy engine's answer (`engine`) or
 * overrides it (`pipesim`), and why. Pure.
 *
 * Source: "Policy evaluation logic" and "Cross-account policy evaluation logic" in the IAM User
 * Guide (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
 * "KMS key access and permissions" (https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html).
 */
import type { Decision } from '../types.js';

/** A layer's verdict on its own. */
export type LayerResult = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** The resource policy's verdict: `AllowedForAccount` when it allows the caller's account (root principal) only. */
export type ResourceLayerResult = LayerResult | 'AllowedForAccount' | 'DeniedForAccount' | 'NotApplicable';

/** What the combination needs to know about one request. */
export interface CombineInput {
  /** The engine's overall decision on the request as pipesim built it. */
  readonly engine: Decision;
  /** The call names a key, alias, role or bucket the world does not have. */
  readonly unresolved: boolean;
  readonly identity: LayerResult;
  readonly resource: ResourceLayerResult;
  /** SCP and RCP chains (`undefined` when none applies). */
  readonly scp: LayerResult | undefined;
  readonly rcp: LayerResult | undefined;
  readonly boundary: LayerResult | undefined;
  readonly session: LayerResult | undefined;
  readonly sameAccount: boolean;
  /** KMS: the key is disabled (or pending deletion). */
  readonly keyDisabled: boolean;
  /** KMS: a grant names the caller (role or session) and allows the request. */
  readonly grant: 'principal' | 'account' | 'none';
  /** The resource policy has an Allow naming the caller's session ARN itself. */
  readonly resourceNamesSession: boolean;
}

/** Which arm decided. */
export type Arm =
  | 'unresolved'
  | 'explicit-deny'
  | 'guardrail'
  | 'key-disabled'
  | 'engine-allow'
  | 'kms-grant'
  | 'session-arn-resource'
  | 'missing-allow';

/** The combined verdict. */
export interface Combined {
  readonly decision: Decision;
  readonly arm: Arm;
  /** Whether pipesim's decision differs from the engine's on the same input. */
  readonly overridden: boolean;
}

interface Rule {
  readonly arm: Arm;
  readonly source: 'engine' | 'pipesim';
  readonly when: (s: CombineInput) => boolean;
  readonly decision: Decision;
}

const allows = (r: LayerResult | undefined) => r === undefined || r === 'Allowed';

/** The combination table, in order. */
const RULES: readonly Rule[] = [
  // pipesim: the call names something the world lacks (an alias of another account, an unknown
  // key, role or bucket). AWS answers NotFound or AccessDenied; nothing is evaluated.
  { arm: 'unresolved', source: 'pipesim', when: (s) => s.unresolved, decision: 'ImplicitlyDenied' },
  // engine: a Deny in any policy (identity, trust/key/bucket/topic/function, SCP, RCP, boundary,
  // session) wins over every Allow, grants included ("A grant can allow access … but not deny").
  { arm: 'explicit-deny', source: 'engine', when: (s) => s.engine === 'ExplicitlyDenied', decision: 'ExplicitlyDenied' },
  // engine: every SCP level on the principal's path and every RCP level on the resource's path
  // must allow; a grant or a session-ARN principal cannot make up for them.
  { arm: 'guardrail', source: 'engine', when: (s) => !allows(s.scp) || !allows(s.rcp), decision: 'ImplicitlyDenied' },
  // pipesim: the policies allow, but a disabled key serves no cryptographic operation
  // (KMS DisabledException, "Key states of AWS KMS keys").
  { arm: 'key-disabled', source: 'pipesim', when: (s) => s.keyDisabled && (s.engine === 'Allowed' || grantAllows(s) || sessionArnAllows(s)), decision: 'ImplicitlyDenied' },
  // engine: the engine's allow stands. It already applies: same account, identity OR resource
  // policy; across accounts, identity AND resource policy; trust and key policies always
  // required, IAM counting only where they name the account (explicit account trust);
  // boundary and session policy must allow, except for a same-account resource policy naming
  // the session ARN (boundary only, see the next arm for the session policy).
  { arm: 'engine-allow', source: 'engine', when: (s) => s.engine === 'Allowed', decision: 'Allowed' },
  // pipesim: KMS grants (the engine has none). A grant naming the role or the session allows its
  // operations without any key-policy or IAM allow; a grant naming the account needs the
  // account's IAM allow, like a key policy naming the account. Boundary and session policy still
  // limit it, as they limit a key policy naming the role ARN.
  { arm: 'kms-grant', source: 'pipesim', when: grantAllows, decision: 'Allowed' },
  // pipesim: a same-account resource policy that names the session ARN itself grants "in
  // addition to the permissions granted by the session policies" (STS "Session policies",
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session);
  // the engine applies the session policy anyway.
  { arm: 'session-arn-resource', source: 'pipesim', when: sessionArnAllows, decision: 'Allowed' },
  // engine: no Deny, but the policies that must allow do not: implicit deny.
  { arm: 'missing-allow', source: 'engine', when: () => true, decision: 'ImplicitlyDenied' },
];

function grantAllows(s: CombineInput): boolean {
  if (s.engine !== 'ImplicitlyDenied' || s.grant === 'none') return false;
  if (!allows(s.boundary) || !allows(s.session)) return false;
  return s.grant === 'principal' || s.identity === 'Allowed';
}

function sessionArnAllows(s: CombineInput): boolean {
  return s.engine === 'ImplicitlyDenied' && s.sameAccount && s.resourceNamesSession && s.session === 'ImplicitlyDenied' && s.resource === 'Allowed';
}

/** Combines the layers of one request by the table above. Pure. */
export function combine(s: CombineInput): Combined {
  const rule = RULES.find((r) => r.when(s)) ?? (RULES[RULES.length - 1] as Rule);
  return { decision: rule.decision, arm: rule.arm, overridden: rule.decision !== s.engine };
}

/** Every arm with where its answer comes from, for documentation and tests. */
export const COMBINATION_ARMS: readonly { readonly arm: Arm; readonly source: 'engine' | 'pipesim' }[] = RULES.map(({ arm, source }) => ({ arm, source }));
