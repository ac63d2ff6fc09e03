/**
 * The lint rules: id → title, default severity, help, one-line fix, the domain-guide item it
 * comes from and the AWS documentation page that backs it. Ids are stable (`PS001`…): never
 * renumber, never reuse a retired id for another meaning.
 */

/** How serious a finding is, SARIF's words: `error` blocks, `warning` should be fixed, `note` is advice. */
export type LintSeverity = 'error' | 'warning' | 'note';

/** The rules table (STYLE.md 9: an enumeration with metadata is an `as const` table). */
export const RULES = {
  PS001: {
    name: 'approval-after-production-deploy',
    title: 'No manual approval before the production deploy',
    severity: 'error',
    help: 'A production deploy must be gated by a manual approval that runs before it: in an earlier stage, or earlier in the same stage (a lower runOrder). An approval after the deploy, or none at all, lets every change reach production unreviewed. Production is an account tagged Environment=prod/production, named prod/production, or in an OU named prod/production.',
    fix: 'move a Manual approval action into a stage before the production deploy',
    guideItem: 'Common Exam Traps: approval action placed after production deploy',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html',
  },
  PS002: {
    name: 'pipeline-in-production-account',
    title: 'The pipeline lives in a production account',
    severity: 'warning',
    help: 'The pipeline, its artifact buckets and keys belong in a tooling (CI/CD) account that deploys into target accounts through action roles; a pipeline in the production account mixes build and production permissions and defeats separation of duties.',
    fix: 'move the pipeline to a tooling account and deploy to production through a cross-account action role',
    guideItem: 'Tooling Account vs Target Account Topology',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html',
  },
  PS003: {
    name: 'aws-managed-key-on-cross-account-store',
    title: 'AWS managed key (aws/s3) on the artifact store of a cross-account pipeline',
    severity: 'error',
    help: 'An artifact store without `encryptionKey` is encrypted with the account\'s AWS managed `aws/s3` key, whose key policy cannot be edited and serves only its own account: actions in other accounts cannot decrypt the artifacts.',
    fix: 'set the store\'s encryptionKey to a customer managed key ARN whose key policy lets the target action roles decrypt',
    guideItem: 'Trap three: the default aws/s3 KMS key in a cross-account pipeline',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
  },
  PS004: {
    name: 'bucket-allows-unencrypted-uploads',
    title: 'Artifact bucket without a deny-unencrypted-PutObject statement',
    severity: 'warning',
    help: 'The artifact bucket policy should deny `s3:PutObject` requests without the `s3:x-amz-server-side-encryption: aws:kms` header, as the bucket policy CodePipeline creates does (DenyUnEncryptedObjectUploads).',
    fix: 'add a Deny statement on s3:PutObject with StringNotEquals s3:x-amz-server-side-encryption: aws:kms',
    guideItem: 'Encryption, Audit, and CloudTrail Visibility: deny-on-unencrypted-PutObject bucket policy',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
  },
  PS005: {
    name: 'bucket-allows-plain-http',
    title: 'Artifact bucket without a TLS-only statement',
    severity: 'warning',
    help: 'The artifact bucket policy should deny every request made without TLS (`aws:SecureTransport` false), as the bucket policy CodePipeline creates does (DenyInsecureConnections).',
    fix: 'add a Deny statement on s3:* with Bool aws:SecureTransport: "false"',
    guideItem: 'Encryption, Audit, and CloudTrail Visibility',
    helpUri: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
  },
  PS006: {
    name: 'bucket-versioning-off',
    title: 'Artifact bucket without versioning',
    severity: 'warning',
    help: 'Artifact buckets should be versioned so that an overwritten or deleted artifact can be recovered and an execution can be traced to the exact object it used.',
    fix: 'set the bucket\'s versioning to Enabled',
    guideItem: 'Encryption, Audit, and CloudTrail Visibility: enable bucket versioning',
    helpUri: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
  },
  PS007: {
    name: 'trust-admits-account-root',
    title: 'Trust policy admits an account root where a role ARN would do',
    severity: 'warning',
    help: 'A trust policy whose principal is an account root (or `*`) lets every principal of that account that has sts:AssumeRole in its identity policy assume the role. Name the role that assumes it (the pipeline service role), or keep the root and add an `aws:PrincipalArn` condition.',
    fix: 'replace the account root with the ARN of the role that assumes it, or add an aws:PrincipalArn condition',
    guideItem: 'Common Exam Traps: trust must list the pipeline service role, not just the tooling account root',
    helpUri: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
  },
  PS008: {
    name: 'wildcard-principal',
    title: 'Wildcard principal in a key or bucket policy',
    severity: 'error',
    help: 'An Allow statement with `Principal: "*"` in a key or bucket policy admits every AWS principal, in any account, unless a condition narrows it (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceVpce, kms:CallerAccount…).',
    fix: 'name the principals, or add a condition such as aws:PrincipalOrgID or aws:PrincipalArn',
    guideItem: 'Every cross-boundary hop: action role trust policy, KMS key policy, bucket policy',
    helpUri: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
  },
  PS009: {
    name: 'kms-wildcard-to-other-account',
    title: 'kms:* granted to another account',
    severity: 'error',
    help: 'A key policy that grants `kms:*` to another account lets it administer the key (change its policy, schedule its deletion). A pipeline\'s other accounts need kms:Decrypt (and kms:GenerateDataKey where they write artifacts), nothing else.',
    fix: 'grant the other account\'s action roles only kms:Decrypt (and kms:GenerateDataKey where they write)',
    guideItem: 'Encrypted artifact transport: every account that consumes artifacts needs an explicit grant on that key',
    helpUri: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  },
  PS010: {
    name: 'key-rotation-off',
    title: 'Customer managed key without automatic rotation',
    severity: 'warning',
    help: 'Automatic rotation changes the key material every year while the key ARN stays the same, so pipelines, key policies and bucket policies keep working.',
    fix: 'enable automatic key rotation (rotation: true)',
    guideItem: 'FAQ Q2: rotate the customer managed KMS key without breaking running pipelines',
    helpUri: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
  },
  PS011: {
    name: 'key-alias-on-cross-account-store',
    title: 'Artifact store key named by alias or key id while another account uses the store',
    severity: 'error',
    help: 'Aliases and key ids are resolved in the account of the caller: an action role in another account that writes to the store resolves the alias in its own account and encrypts with the wrong key, or none. For cross-account actions CodePipeline needs the key ARN.',
    fix: 'set the store\'s encryptionKey.id to the key ARN',
    guideItem: 'Encrypted artifact transport: customer managed key for cross-account reads',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html',
  },
  PS012: {
    name: 'v1-pipeline-with-v2-features',
    title: 'V1 pipeline where V2 features are used or would help',
    severity: 'warning',
    help: 'Pipeline-level variables, triggers, stage rollback and the QUEUED and PARALLEL execution modes exist only in V2 pipelines, and V2 is the recommended type for new cross-account, cross-region pipelines.',
    fix: 'set pipelineType to V2',
    guideItem: 'FAQ Q4: when to use CodePipeline V2 over V1',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipeline-types.html',
  },
  PS013: {
    name: 'self-approval-possible',
    title: 'The change author can approve their own change',
    severity: 'error',
    help: 'The role that authored the change (or that can push to the source) is allowed codepipeline:PutApprovalResult on the approval, with no aws:PrincipalTag condition that keeps it out. Bind the permission to a distinct approver role.',
    fix: 'grant PutApprovalResult only to a distinct approver role, with an aws:PrincipalTag condition (e.g. Role=ReleaseManager)',
    guideItem: 'FAQ Q5: prevent a developer from approving their own change',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-iam-permissions.html',
  },
  PS014: {
    name: 'cfn-execution-role-trust',
    title: 'CloudFormation execution role trusts something other than cloudformation.amazonaws.com',
    severity: 'error',
    help: 'The execution role passed in a CloudFormation action\'s RoleArn (and a StackSet administration role) is assumed by CloudFormation: it must trust cloudformation.amazonaws.com, and nothing else. Trusting the pipeline service role or an account conflates it with the action role.',
    fix: 'make the trust policy admit only Service cloudformation.amazonaws.com',
    guideItem: 'Trap four: the CloudFormation execution role trusts cloudformation.amazonaws.com, not CodePipeline',
    helpUri: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html',
  },
  PS015: {
    name: 'action-role-overbroad',
    title: 'Action role with permissions beyond what its action needs',
    severity: 'warning',
    help: 'An action role should allow exactly the calls its action makes on exactly its resources: `*` (or `service:*`) actions, or `*` resources on actions that are not reads, give the pipeline far more than the action needs.',
    fix: 'list the operations the action makes and the resource ARNs it makes them on',
    guideItem: 'Action role: permissions narrowly scoped to that action',
    helpUri: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  },
  PS016: {
    name: 'stackset-for-few-regions',
    title: 'StackSet for a few regions of one account',
    severity: 'note',
    help: 'A StackSet that targets four or fewer regions of a single account adds administration and execution roles for no gain: parallel per-region CloudFormation actions in one stage are simpler and show each region\'s result on its own.',
    fix: 'use one CloudFormation deploy action per region, in parallel in one stage',
    guideItem: 'CloudFormation StackSets vs Per-Region Deploy Actions: 4 regions in 1 account, StackSets is overkill',
    helpUri: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html',
  },
  PS017: {
    name: 'per-region-actions-for-uniform-fleet',
    title: 'Many identical per-region CloudFormation actions where a StackSet would do',
    severity: 'note',
    help: 'More than five CloudFormation actions with the same stack, template and parameters across account/region pairs are a uniform fleet: one StackSet action (service-managed, targeting an OU) deploys it in one step and follows accounts as they join.',
    fix: 'replace the identical per-region actions with one CloudFormationStackSet action',
    guideItem: 'CloudFormation StackSets vs Per-Region Deploy Actions: uniform across more than ~5 targets',
    helpUri: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-StackSets.html',
  },
  PS018: {
    name: 'codebuild-output-aws-managed-key',
    title: 'CodeBuild project without an encryption key feeds another account',
    severity: 'error',
    help: "CodeBuild encrypts its output artifacts with the project's `encryptionKey`, and without one with its own account's AWS managed `aws/s3` key; it ignores the artifact store's key. An action in another account that reads the build output cannot decrypt it (aws-cdk#4182).",
    fix: "set the project's encryptionKey to the artifact store's customer managed key",
    guideItem: 'Trap three: the default aws/s3 KMS key in a cross-account pipeline',
    helpUri: 'https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-kms.html',
  },
  PS019: {
    name: 'cross-account-pass-role',
    title: 'An action passes a role of another account',
    severity: 'error',
    help: 'IAM passes a role only to a service in the role\'s own account: a CloudFormation `RoleArn` (or StackSet administration role) in another account than the action role is refused with "Cross-account pass role is not allowed." whatever the policies say.',
    fix: "create the role in the account the action role deploys in and name that one",
    guideItem: 'Required IAM Roles and Their Boundaries: the execution role lives in the target account',
    helpUri: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  },
} as const satisfies Readonly<Record<string, RuleInfo>>;

/** What the table says about one rule. */
export interface RuleInfo {
  /** Kebab-case name. */
  readonly name: string;
  readonly title: string;
  readonly severity: LintSeverity;
  readonly help: string;
  /** One line: what to change. */
  readonly fix: string;
  /** The domain-guide item the rule comes from. */
  readonly guideItem: string;
  /** The AWS documentation page that backs it. */
  readonly helpUri: string;
}

/** A rule id (`PS001`…). */
export type RuleId = keyof typeof RULES;

/** Every rule id, in table order. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** Severity rank: higher is worse. */
export const SEVERITY_RANK = { note: 1, warning: 2, error: 3 } as const satisfies Record<LintSeverity, number>;
