/**
 * The access-denied message AWS returns, in AWS's own shapes. Pure.
 *
 * Sources:
 * - IAM: "Troubleshoot access denied error messages", section "Access denied error message
 *   examples" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
 *   `User: <arn> is not authorized to perform: <action> on resource: <arn> because no <type>
 *   policy allows the <action> action` / `… with an explicit deny in a <type> policy`. When
 *   several policy types deny, AWS names one of them.
 * - S3: "Troubleshoot access denied (403 Forbidden) errors in Amazon S3"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html): the
 *   resource ARN is quoted, and the enhanced message is returned only within one account or
 *   one organization; other callers get the generic `Access Denied`.
 * - KMS: `DisabledException` and `NotFoundException` of the AWS KMS API Reference
 *   (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html,
 *   https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html#API_Decrypt_Errors).
 *   KMS access denials use the IAM shape above.
 */

/** The policy type an access-denied message names. */
export type DenyingPolicyType = 'scp' | 'rcp' | 'trust' | 'resource' | 'identity' | 'boundary' | 'session' | 'endpoint';

/** Why the request was denied, as the message states it. */
export type DenialReason =
  | { readonly kind: 'explicit'; readonly policyType: DenyingPolicyType }
  | { readonly kind: 'implicit'; readonly policyType: DenyingPolicyType }
  | { readonly kind: 'key-disabled'; readonly keyArn: string }
  | { readonly kind: 'not-found'; readonly what: 'key' | 'bucket' | 'role' };

const EXPLICIT: Readonly<Record<DenyingPolicyType, string>> = {
  scp: 'with an explicit deny in a service control policy',
  rcp: 'with an explicit deny in a resource control policy',
  trust: 'with an explicit deny in the role trust policy',
  resource: 'with an explicit deny in a resource-based policy',
  identity: 'with an explicit deny in an identity-based policy',
  boundary: 'with an explicit deny in a permissions boundary',
  session: 'with an explicit deny in a session policy',
  endpoint: 'with an explicit deny in a VPC endpoint policy',
};

const IMPLICIT: Readonly<Record<DenyingPolicyType, string>> = {
  scp: 'service control policy',
  rcp: 'resource control policy',
  trust: 'role trust policy',
  resource: 'resource-based policy',
  identity: 'identity-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  endpoint: 'VPC endpoint policy',
};

/** What the message is about. */
export interface DenialSubject {
  /** The principal as AWS prints it: the assumed-role session ARN, or the service principal. */
  readonly principal: string;
  readonly operation: string;
  readonly resource: string;
  /** Whether caller and resource owner share an account or an organization (S3's enhanced messages). */
  readonly sameAccountOrOrganization: boolean;
}

/** The access-denied message of a denied request. Pure. */
export function accessDeniedMessage(subject: DenialSubject, reason: DenialReason): string {
  const service = subject.operation.split(':')[0]?.toLowerCase();
  if (reason.kind === 'key-disabled') return `${reason.keyArn} is disabled.`;
  if (reason.kind === 'not-found') {
    if (reason.what === 'bucket') return 'The specified bucket does not exist';
    // NotFoundException, in the API reference's words.
    if (reason.what === 'key') return 'The request was rejected because the specified entity or resource could not be found.';
  }
  if (service === 's3' && !subject.sameAccountOrOrganization) return 'Access Denied';
  const resource = service === 's3' ? `"${subject.resource}"` : subject.resource;
  const head = `User: ${subject.principal} is not authorized to perform: ${subject.operation} on resource: ${resource}`;
  if (reason.kind === 'explicit') return `${head} ${EXPLICIT[reason.policyType]}`;
  if (reason.kind === 'implicit') return `${head} because no ${IMPLICIT[reason.policyType]} allows the ${subject.operation} action`;
  return head;
}
