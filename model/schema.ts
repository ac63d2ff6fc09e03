/**
 * The scenario format, written once as zod schemas: the validator, the TypeScript types
 * (z.infer) and the published JSON Schema (schema/scenario.schema.json) all come from here.
 *
 * Policy documents, trust policies, key policies, bucket policies and the pipeline
 * declaration keep AWS's own JSON shapes and casing so `aws … get-*` output pastes in.
 *
 * Longer than 400 lines on purpose: it is the format's single source, and its schemas refer to
 * one another (ARN shapes, policy documents, the pipeline declaration) in the order they are read.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------
// ARN and identifier shapes
// ---------------------------------------------------------------------------

/** A 12-digit AWS account id. */
export const AccountId = z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit account id' });

/** An AWS region name such as `us-east-1`. */
export const Region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, {
  message: 'expected a region such as `us-east-1`',
});

const arnOf = (pattern: RegExp, what: string) => z.string().regex(pattern, { message: `expected ${what}` });

/** `arn:aws:iam::123456789012:role/path/Name`. */
export const RoleArn = arnOf(/^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/, 'an IAM role ARN such as `arn:aws:iam::111111111111:role/Name`');
/** `arn:aws:iam::123456789012:policy/Name` or `arn:aws:iam::aws:policy/Name`. */
export const ManagedPolicyArn = arnOf(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/, 'an IAM managed policy ARN such as `arn:aws:iam::111111111111:policy/Name`');
/** `arn:aws:kms:region:account:key/id`. */
export const KeyArn = arnOf(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, 'a KMS key ARN such as `arn:aws:kms:us-east-1:111111111111:key/…`');
/** A KMS key reference as CodePipeline accepts it: key ARN, key id, alias name or alias ARN. */
export const KeyRef = z.string().min(1);
/** `arn:aws:sns:region:account:name`. */
export const TopicArn = arnOf(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'an SNS topic ARN such as `arn:aws:sns:us-east-1:111111111111:Name`');
/** `arn:aws:codebuild:region:account:project/name`. */
export const ProjectArn = arnOf(/^arn:aws[a-z-]*:codebuild:[a-z0-9-]+:\d{12}:project\/[\w-]+$/, 'a CodeBuild project ARN');
/** `arn:aws:codecommit:region:account:name`. */
export const RepositoryArn = arnOf(/^arn:aws[a-z-]*:codecommit:[a-z0-9-]+:\d{12}:[\w.-]+$/, 'a CodeCommit repository ARN');
/** `arn:aws:codestar-connections:…:connection/id` or `arn:aws:codeconnections:…`. */
export const ConnectionArn = arnOf(/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/, 'a CodeConnections connection ARN');
/** `arn:aws:lambda:region:account:function:name`. */
export const EcsServiceArn = arnOf(/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service\/[\w-]+\/[\w-]+$/, 'an Amazon ECS service ARN such as `arn:aws:ecs:us-east-1:111111111111:service/cluster/service`');
export const FunctionArn = arnOf(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+$/, 'a Lambda function ARN');
/** `arn:aws:codepipeline:region:account:name`. */
export const PipelineArn = arnOf(/^arn:aws[a-z-]*:codepipeline:[a-z0-9-]+:\d{12}:[\w.@-]+$/, 'a CodePipeline ARN such as `arn:aws:codepipeline:us-east-1:111111111111:Name`');
/** An S3 bucket name. */
export const BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)' });

/** Resource tags as a plain map. */
export const Tags = z.record(z.string(), z.string());

// ---------------------------------------------------------------------------
// Policy documents (AWS JSON). Their grammar is checked by @cloud-copilot/iam-policy in
// model/validate-policies.ts; here they only need to be objects with a Statement.
// ---------------------------------------------------------------------------

const StringOrList = z.union([z.string(), z.array(z.string())]);

/** One statement of an AWS policy document, in AWS's casing. */
export const PolicyStatement = z.looseObject({
  Sid: z.string().optional(),
  Effect: z.string(),
  Principal: z.union([z.literal('*'), z.record(z.string(), StringOrList)]).optional(),
  NotPrincipal: z.union([z.literal('*'), z.record(z.string(), StringOrList)]).optional(),
  Action: StringOrList.optional(),
  NotAction: StringOrList.optional(),
  Resource: StringOrList.optional(),
  NotResource: StringOrList.optional(),
  Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]))).optional(),
});

/** An AWS policy document (identity, trust, key, bucket, topic, SCP, RCP). */
export const PolicyDocument = z.looseObject({
  Version: z.string().optional(),
  Id: z.string().optional(),
  Statement: z.union([PolicyStatement, z.array(PolicyStatement)]),
});

// ---------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------

/** An AWS account. */
export const Account = z.strictObject({
  id: AccountId,
  name: z.string().min(1),
  /** The OU the account sits in (an id from `organization.ous`); absent means the root. */
  ou: z.string().optional(),
  tags: Tags.optional(),
});

/** An organizational unit. */
export const OrganizationalUnit = z.strictObject({
  id: z.string().regex(/^ou-[a-z0-9-]+$/, { message: 'expected an OU id such as `ou-prod`' }),
  name: z.string().min(1),
  /** Parent OU id; absent means the root. */
  parent: z.string().optional(),
});

/** An SCP or RCP and where it is attached. */
export const OrganizationPolicy = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']),
  /** Root id, OU ids or account ids the policy is attached to. */
  targets: z.array(z.string()).min(1),
  document: PolicyDocument,
});

/** AWS Organizations as far as policies and OU paths go. */
export const Organization = z.strictObject({
  id: z.string().regex(/^o-[a-z0-9]+$/, { message: 'expected an organization id such as `o-a1b2c3d4e5`' }),
  rootId: z.string().regex(/^r-[a-z0-9]+$/, { message: 'expected a root id such as `r-ab12`' }).default('r-root'),
  managementAccount: AccountId.optional(),
  ous: z.array(OrganizationalUnit).default([]),
  policies: z.array(OrganizationPolicy).default([]),
  /** Root, OU or account ids the AWS managed SCP `FullAWSAccess` was detached from (an SCP allow list there); it stays attached everywhere else. */
  fullAwsAccessDetachedFrom: z.array(z.string()).default([]),
  /** Services with trusted access enabled (e.g. `member.org.stacksets.cloudformation.amazonaws.com`). */
  trustedAccess: z.array(z.string()).default([]),
});

/** A customer managed policy. */
export const ManagedPolicy = z.strictObject({
  arn: ManagedPolicyArn,
  document: PolicyDocument,
});

/** An IAM role (the shape of `aws iam get-role` plus its attached policies). */
export const Role = z.strictObject({
  arn: RoleArn,
  trustPolicy: PolicyDocument,
  /** Inline policies by name (`get-role-policy`). */
  inlinePolicies: z.record(z.string(), PolicyDocument).default({}),
  /** Attached managed policy ARNs (`list-attached-role-policies`). */
  managedPolicies: z.array(ManagedPolicyArn).default([]),
  permissionsBoundary: ManagedPolicyArn.optional(),
  tags: Tags.default({}),
  /** A session policy passed when this role is assumed in the run. */
  sessionPolicy: PolicyDocument.optional(),
  /** True for a service-linked role (SCPs do not apply). */
  serviceLinked: z.boolean().default(false),
});

/** A KMS grant (`aws kms list-grants`). */
export const Grant = z.strictObject({
  grantId: z.string().optional(),
  name: z.string().optional(),
  granteePrincipal: z.string().min(1),
  retiringPrincipal: z.string().optional(),
  operations: z.array(z.string()).min(1),
  constraints: z
    .strictObject({
      encryptionContextSubset: z.record(z.string(), z.string()).optional(),
      encryptionContextEquals: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  /** A retired or revoked grant no longer allows anything. */
  retired: z.boolean().default(false),
});

/** A KMS key, customer managed or AWS managed (`aws/s3`). */
export const KmsKey = z.strictObject({
  arn: KeyArn,
  /** `CUSTOMER` or `AWS` (DescribeKey's KeyManager). */
  keyManager: z.enum(['CUSTOMER', 'AWS']).default('CUSTOMER'),
  /** Alias names (`alias/…`); aliases belong to the key's account and region. */
  aliases: z.array(z.string().regex(/^alias\/[\w/+=,.@-]+$/, { message: 'expected an alias name such as `alias/pipeline`' })).default([]),
  /** The key policy; omitted for an AWS managed key, whose policy is fixed. */
  policy: PolicyDocument.optional(),
  grants: z.array(Grant).default([]),
  multiRegion: z.boolean().default(false),
  /** For a multi-Region replica: the primary key's ARN. */
  primaryArn: KeyArn.optional(),
  rotation: z.boolean().default(false),
  enabled: z.boolean().default(true),
  tags: Tags.default({}),
});

/** An S3 bucket. */
export const Bucket = z.strictObject({
  name: BucketName,
  account: AccountId,
  region: Region,
  policy: PolicyDocument.optional(),
  /** Default encryption (`get-bucket-encryption`). */
  encryption: z
    .strictObject({
      sseAlgorithm: z.enum(['aws:kms', 'AES256', 'aws:kms:dsse']),
      kmsKeyId: KeyRef.optional(),
      bucketKeyEnabled: z.boolean().default(false),
    })
    .optional(),
  versioning: z.enum(['Enabled', 'Suspended', 'Disabled']).default('Disabled'),
  objectOwnership: z.enum(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']).default('BucketOwnerEnforced'),
  publicAccessBlock: z
    .strictObject({
      BlockPublicAcls: z.boolean().default(true),
      IgnorePublicAcls: z.boolean().default(true),
      BlockPublicPolicy: z.boolean().default(true),
      RestrictPublicBuckets: z.boolean().default(true),
    })
    .optional(),
  tags: Tags.default({}),
});

/** A CodeBuild project. */
export const CodeBuildProject = z.strictObject({
  arn: ProjectArn,
  serviceRole: RoleArn,
  /** The key the project encrypts its output artifacts with; without one CodeBuild uses its account's AWS managed `aws/s3` key, not the artifact store's. */
  encryptionKey: KeyRef.optional(),
  /** Variables the buildspec exports (`exported-variables`), with the values this run produces. */
  exportedVariables: z.record(z.string(), z.string()).default({}),
});

/** An SNS topic. */
export const SnsTopic = z.strictObject({
  arn: TopicArn,
  policy: PolicyDocument.optional(),
  kmsMasterKeyId: KeyRef.optional(),
});

/** A CodeCommit repository. */
export const CodeCommitRepository = z.strictObject({
  arn: RepositoryArn,
  branches: z.record(z.string(), z.string()).default({}),
});

/** A CodeStar / CodeConnections connection. */
export const Connection = z.strictObject({
  arn: ConnectionArn,
  status: z.enum(['AVAILABLE', 'PENDING', 'ERROR']).default('AVAILABLE'),
  providerType: z.string().default('GitHub'),
});

/** A CodeDeploy deployment group. */
export const DeploymentGroup = z.strictObject({
  name: z.string().min(1),
  serviceRole: RoleArn,
  /** The EC2 instance profile role that downloads the revision (EC2/on-premises). */
  instanceRole: RoleArn.optional(),
  autoRollback: z.strictObject({ enabled: z.boolean(), events: z.array(z.string()).default(['DEPLOYMENT_FAILURE']) }).optional(),
});

/** A CodeDeploy application with its deployment groups. */
export const CodeDeployApplication = z.strictObject({
  name: z.string().min(1),
  account: AccountId,
  region: Region,
  computePlatform: z.enum(['Server', 'ECS', 'Lambda']).default('Server'),
  deploymentGroups: z.array(DeploymentGroup).default([]),
});

/** A Lambda function. */
/** An Amazon ECS service, the target of a standard ECS deploy action: the roles its task definition passes to ECS. */
export const EcsService = z.strictObject({
  arn: EcsServiceArn,
  /** The task role of the service's task definition (`taskRoleArn`). */
  taskRoleArn: RoleArn.optional(),
  /** The task execution role (`executionRoleArn`), which pulls images and writes logs. */
  executionRoleArn: RoleArn.optional(),
});

export const LambdaFunction = z.strictObject({
  arn: FunctionArn,
  role: RoleArn,
  policy: PolicyDocument.optional(),
  /** What the function reports to CodePipeline in this run. */
  result: z.enum(['Succeeded', 'Failed']).default('Succeeded'),
  outputVariables: z.record(z.string(), z.string()).default({}),
});

/** A CloudFormation stack a deploy action creates or updates: the calls its template needs. */
export const Stack = z.strictObject({
  name: z.string().min(1),
  account: AccountId,
  region: Region,
  /** The resource calls CloudFormation makes with the execution role (`action` on `resource`). */
  calls: z.array(z.strictObject({ action: z.string(), resource: z.string() })).default([]),
  /** The stack exists already (CloudFormation updates it rather than creating it). */
  exists: z.boolean().default(false),
  /** Make the stack operation fail in this run (after the permission checks pass). */
  fails: z.boolean().default(false),
});

// ---------------------------------------------------------------------------
// The pipeline declaration, exactly as `aws codepipeline get-pipeline` returns it
// ---------------------------------------------------------------------------

/** `encryptionKey` of an artifact store. */
export const EncryptionKey = z.strictObject({ id: KeyRef, type: z.literal('KMS') });

/** An artifact store. */
export const ArtifactStore = z.strictObject({
  type: z.literal('S3'),
  location: z.string().min(1),
  encryptionKey: EncryptionKey.optional(),
});

/** An action type id. */
export const ActionTypeId = z.strictObject({
  category: z.enum(['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke', 'Compute']),
  owner: z.enum(['AWS', 'ThirdParty', 'Custom']),
  provider: z.string().min(1),
  version: z.string().min(1),
});

/** A pipeline action declaration. */
export const ActionDeclaration = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9.@\-_]+$/, { message: 'expected an action name of letters, digits and . @ - _' }),
  actionTypeId: ActionTypeId,
  runOrder: z.number().int().min(1).max(999).default(1),
  configuration: z.record(z.string(), z.string()).default({}),
  outputArtifacts: z.array(z.strictObject({ name: z.string().min(1) })).default([]),
  inputArtifacts: z.array(z.strictObject({ name: z.string().min(1) })).default([]),
  roleArn: RoleArn.optional(),
  region: Region.optional(),
  namespace: z.string().optional(),
  timeoutInMinutes: z.number().int().optional(),
  commands: z.array(z.string()).optional(),
  environmentVariables: z.array(z.strictObject({ name: z.string(), value: z.string(), type: z.string().optional() })).optional(),
});

/** What a stage does when it fails (V2). */
export const FailureConditions = z.looseObject({
  result: z.enum(['ROLLBACK', 'FAIL', 'RETRY']).optional(),
});

/** A stage declaration. */
export const StageDeclaration = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9.@\-_]+$/, { message: 'expected a stage name of letters, digits and . @ - _' }),
  actions: z.array(ActionDeclaration).min(1),
  blockers: z.array(z.looseObject({})).optional(),
  onFailure: FailureConditions.optional(),
  onSuccess: z.looseObject({}).optional(),
  beforeEntry: z.looseObject({}).optional(),
});

/** A V2 pipeline-level variable. */
export const PipelineVariable = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9@\-_]+$/, { message: 'expected a variable name of letters, digits and @ - _' }),
  defaultValue: z.string().optional(),
  description: z.string().optional(),
});

/** The `pipeline` object of `get-pipeline`. */
export const PipelineDeclaration = z.strictObject({
  name: z.string().min(1),
  roleArn: RoleArn,
  artifactStore: ArtifactStore.optional(),
  artifactStores: z.record(z.string(), ArtifactStore).optional(),
  stages: z.array(StageDeclaration).min(1),
  version: z.number().int().optional(),
  pipelineType: z.enum(['V1', 'V2']).default('V1'),
  executionMode: z.enum(['QUEUED', 'SUPERSEDED', 'PARALLEL']).optional(),
  variables: z.array(PipelineVariable).optional(),
  triggers: z.array(z.looseObject({})).optional(),
});

/** The whole `get-pipeline` output: the declaration and its metadata (which holds the ARN). */
export const GetPipelineOutput = z.strictObject({
  pipeline: PipelineDeclaration,
  metadata: z.looseObject({ pipelineArn: PipelineArn }),
});

// ---------------------------------------------------------------------------
// The run, the drill and the expectation
// ---------------------------------------------------------------------------

/** Who answers one approval action, and from where. */
export const ApprovalAnswer = z.strictObject({
  /** `Stage/Action` of the approval action. */
  action: z.string().regex(/^[^/]+\/[^/]+$/, { message: 'expected `Stage/Action`' }),
  /** The approver's role ARN. */
  approver: RoleArn.optional(),
  sessionName: z.string().optional(),
  result: z.enum(['Approved', 'Rejected']).default('Approved'),
  sourceVpce: z.string().optional(),
  sourceIp: z.string().optional(),
});

/** An earlier execution, for V2 stage rollback. */
export const PreviousExecution = z.strictObject({
  id: z.string().min(1),
  status: z.enum(['Succeeded', 'Failed', 'Stopped']),
  commitId: z.string().optional(),
});

/** What this execution meets. */
export const Run = z.strictObject({
  executionId: z.string().default('00000000-0000-4000-8000-000000000001'),
  /** Simulated start time (ISO 8601); the clock advances one second per event. */
  startTime: z.string().default('2026-01-01T00:00:00Z'),
  commit: z
    .strictObject({
      id: z.string().default('0123456789abcdef0123456789abcdef01234567'),
      message: z.string().default('change'),
      /** The principal (role ARN) that authored the change, for self-approval checks. */
      author: RoleArn.optional(),
    })
    .default({ id: '0123456789abcdef0123456789abcdef01234567', message: 'change' }),
  approvals: z.array(ApprovalAnswer).default([]),
  /** V2 pipeline-level variable values for this execution. */
  variables: z.record(z.string(), z.string()).default({}),
  sourceIp: z.string().optional(),
  sourceVpce: z.string().optional(),
  previousExecutions: z.array(PreviousExecution).default([]),
  /** `Stage/Action` names whose work fails in this run for reasons other than permissions. */
  failures: z.array(z.string()).default([]),
});

/** One call a `denied` drill goal names: who calls what (on which resource, from where). */
export const DrillCall = z.strictObject({
  operation: z.string().min(1),
  /** The role (or user) ARN behind the call. */
  principal: z.string().min(1),
  /** The resource ARN; without it, the resource of the same operation met in the run. */
  resource: z.string().optional(),
  /** Session name of the caller's role session. */
  sessionName: z.string().optional(),
  /** `aws:SourceVpce` of the request (only through a VPC endpoint). */
  sourceVpce: z.string().optional(),
  /** `aws:SourceIp` of the request. */
  sourceIp: z.string().optional(),
});

/** What a drill's right choice achieves (each choice is judged against it by simulation). */
export const DrillGoal = z.union([
  /** The execution succeeds. */
  z.strictObject({ kind: z.literal('run-succeeds') }),
  /** The named call is denied while the optional `allowed` call stays allowed. */
  z.strictObject({ kind: z.literal('denied'), denied: DrillCall, allowed: DrillCall.optional() }),
  /** The named lint rule no longer reports a finding, and the run is no worse than before. */
  z.strictObject({ kind: z.literal('lint-clean'), rule: z.string().regex(/^PS\d{3}$/, { message: 'expected a lint rule id such as `PS001`' }) }),
  /** The run's audit trail or trace holds a record or an event. */
  z.strictObject({
    kind: z.literal('trace-has'),
    /** Successful CloudTrail records with this event name in every listed account. */
    cloudTrail: z.strictObject({ eventName: z.string(), accounts: z.array(AccountId).min(1) }).optional(),
    /** A trace event whose fields equal these (`type` required, e.g. `rollback.started`). */
    event: z.looseObject({ type: z.string().min(1) }).optional(),
  }),
]);

/** A multiple-choice drill (exam style); each choice is a JSON Patch. */
export const Drill = z.strictObject({
  /** The topic progress is kept by (`kms`, `trust`, `regions`, `approvals` …). */
  topic: z.string().min(1),
  stem: z.string().min(1),
  goal: DrillGoal.default({ kind: 'run-succeeds' }),
  choices: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        text: z.string().min(1),
        patch: z.array(z.looseObject({ op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']), path: z.string() })),
      }),
    )
    .length(4),
  answer: z.string().min(1),
  explanation: z.string().min(1),
  /** The domain-guide item the drill covers. */
  guideItem: z.string().optional(),
}).superRefine((drill, ctx) => {
  const ids = drill.choices.map((c) => c.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['choices', i, 'id'], message: `choice id \`${id}\` is used more than once` });
  });
  if (!ids.includes(drill.answer)) ctx.addIssue({ code: 'custom', path: ['answer'], message: `answer \`${drill.answer}\` is not one of the choice ids ${ids.map((id) => `\`${id}\``).join(', ')}` });
});

/** What a bundled scenario must do; the test suite walks every one. */
export const Expect = z.strictObject({
  status: z.enum(['Succeeded', 'Failed', 'Invalid']),
  firstDenial: z
    .strictObject({
      operation: z.string(),
      category: z.string(),
      principal: z.string().optional(),
      stage: z.string().optional(),
      action: z.string().optional(),
    })
    .optional(),
  issues: z.array(z.strictObject({ code: z.string(), category: z.string().optional() })).optional(),
});

/** A scenario file. */
export const Scenario = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  /** AWS documentation pages this scenario's behaviour was checked against. */
  references: z.array(z.string()).default([]),
  accounts: z.array(Account).min(1),
  organization: Organization.optional(),
  managedPolicies: z.array(ManagedPolicy).default([]),
  roles: z.array(Role).default([]),
  keys: z.array(KmsKey).default([]),
  buckets: z.array(Bucket).default([]),
  codeBuildProjects: z.array(CodeBuildProject).default([]),
  snsTopics: z.array(SnsTopic).default([]),
  codeCommitRepositories: z.array(CodeCommitRepository).default([]),
  connections: z.array(Connection).default([]),
  codeDeployApplications: z.array(CodeDeployApplication).default([]),
  lambdaFunctions: z.array(LambdaFunction).default([]),
  ecsServices: z.array(EcsService).default([]),
  stacks: z.array(Stack).default([]),
  pipeline: GetPipelineOutput,
  run: Run.default(Run.parse({})),
  drill: Drill.optional(),
  expect: Expect.optional(),
});

/** A loaded, validated scenario (defaults filled in). */
export type Scenario = z.output<typeof Scenario>;
/** The scenario as written (before defaults). */
export type ScenarioInput = z.input<typeof Scenario>;
/** An AWS policy document. */
export type PolicyDocument = z.output<typeof PolicyDocument>;
/** One statement of a policy document. */
export type PolicyStatement = z.output<typeof PolicyStatement>;
/** An account. */
export type Account = z.output<typeof Account>;
/** An organization. */
export type Organization = z.output<typeof Organization>;
/** An IAM role. */
export type Role = z.output<typeof Role>;
/** A KMS key. */
export type KmsKey = z.output<typeof KmsKey>;
/** A KMS grant. */
export type Grant = z.output<typeof Grant>;
/** An S3 bucket. */
export type Bucket = z.output<typeof Bucket>;
/** A CodeBuild project. */
export type CodeBuildProject = z.output<typeof CodeBuildProject>;
/** An SNS topic. */
export type SnsTopic = z.output<typeof SnsTopic>;
/** A CodeDeploy application. */
export type CodeDeployApplication = z.output<typeof CodeDeployApplication>;
/** A Lambda function. */
export type LambdaFunction = z.output<typeof LambdaFunction>;
export type EcsService = z.output<typeof EcsService>;
/** A CloudFormation stack. */
export type Stack = z.output<typeof Stack>;
/** The pipeline declaration. */
export type PipelineDeclaration = z.output<typeof PipelineDeclaration>;
/** A stage declaration. */
export type StageDeclaration = z.output<typeof StageDeclaration>;
/** An action declaration. */
export type ActionDeclaration = z.output<typeof ActionDeclaration>;
/** An artifact store. */
export type ArtifactStore = z.output<typeof ArtifactStore>;
/** The run block. */
export type Run = z.output<typeof Run>;
/** A drill. */
export type Drill = z.output<typeof Drill>;
/** A drill's goal. */
export type DrillGoal = z.output<typeof DrillGoal>;
/** A call named by a `denied` drill goal. */
export type DrillCall = z.output<typeof DrillCall>;
/** An expectation. */
export type Expect = z.output<typeof Expect>;
