/**
 * Generated topologies, green by construction: a pipeline account and N−1 target accounts, M
 * regions each with an artifact bucket and a customer managed key, a CodeCommit source, a
 * CodeBuild build and CloudFormation deploy actions spread across the target accounts and
 * regions — with exactly the policies AWS needs for each call of docs/call-catalogue.md, on the
 * exact resources, trusting role ARNs (never account roots).
 *
 * Besides the scenario, a topology carries what construction knows: every action with where it
 * runs and as whom, and the calls the execution must make in trace order (`calls`) — the model
 * a model-based test checks the engine against, and what single faults
 * (engine/generate/arbitraries/faults.ts) use to name where they must surface.
 *
 * Longer than 400 lines on purpose: construction, the names it chooses and the calls it expects
 * are written side by side, so a change to one shows in the others.
 */
import fc from 'fast-check';
import { internPolicies, deepFreeze } from './arbitraries/intern.js';
import { Scenario, type PolicyStatement, type ScenarioInput } from '../../model/schema.js';

/** What a target account deploys. */
export interface TargetPlan {
  /** Environment name (`dev`, `prod`): names the account, its roles, stage and stack. */
  readonly name: string;
  /** Indexes into `TopologyParams.regions`, increasing, at least one. */
  readonly regions: readonly number[];
  /** The regional deploy actions run in parallel (one runOrder) rather than one after another. */
  readonly parallel: boolean;
  /** Per entry of `regions`: the deploy action writes an output artifact (CloudFormation `OutputFileName`). */
  readonly writesOutputs: readonly boolean[];
  /** The stacks exist already (UpdateStack rather than CreateStack). */
  readonly stackExists: boolean;
}

/** The parameters a topology is built from (what the arbitrary draws; shrinkable). */
export interface TopologyParams {
  /** Pipeline name (at most 20 characters: artifact object keys are prefixed with it). */
  readonly pipelineName: string;
  /** Account ids: the pipeline account first, then one per target. */
  readonly accountIds: readonly string[];
  /** Regions: the pipeline's home region first. */
  readonly regions: readonly string[];
  /** One per target account (`accountIds.length − 1`). */
  readonly targets: readonly TargetPlan[];
}

/** One action of a topology, where it runs and as whom. */
export interface TopologyAction {
  readonly stage: string;
  readonly stageIndex: number;
  readonly action: string;
  readonly actionIndex: number;
  readonly provider: 'CodeCommit' | 'CodeBuild' | 'CloudFormation';
  readonly account: string;
  readonly region: string;
  /** The role the action runs as. */
  readonly roleArn: string;
  /** For a deploy: the target index, the execution role and the output artifact (if any). */
  readonly target?: number;
  readonly executionRoleArn?: string;
  readonly outputArtifact?: string;
}

/** A call the execution must make, in trace order. */
export interface ExpectedCall {
  /** Stage and action (null for the pipeline's own start). */
  readonly stage: string | null;
  readonly action: string | null;
  readonly operation: string;
  /** Role ARN, or the service principal for a service's call. */
  readonly principal: string;
  /** The resource ARN; a stack ARN ends in `/*` (its id is the engine's). */
  readonly resource: string;
  readonly region: string;
}

/** The names construction gave to the topology's resources. */
export interface TopologyNames {
  readonly pipelineAccount: string;
  readonly homeRegion: string;
  readonly pipelineArn: string;
  readonly pipelineRole: string;
  readonly pipelinePolicy: string;
  readonly buildRole: string;
  readonly buildPolicy: string;
  readonly projectArn: string;
  readonly repositoryArn: string;
  readonly keyAlias: string;
  /** Per region (same order as `params.regions`). */
  readonly buckets: readonly string[];
  readonly keys: readonly string[];
  /** Per target. */
  readonly deployRoles: readonly string[];
  readonly deployPolicy: string;
  /** Per target: the Sid of the pipeline role's statement allowing sts:AssumeRole on its deploy role. */
  readonly assumeStatements: readonly string[];
  readonly executionRoles: readonly string[];
  readonly executionPolicy: string;
}

/** A generated topology: the scenario and what construction knows about it. */
export interface Topology {
  readonly params: TopologyParams;
  readonly scenario: Scenario;
  readonly names: TopologyNames;
  /** Every action in trace order. */
  readonly actions: readonly TopologyAction[];
  /** Every call of a green run, in trace order. */
  readonly calls: readonly ExpectedCall[];
}

const pascal = (s: string) => s.replace(/(^|[-_])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
const statement = (sid: string, body: Omit<PolicyStatement, 'Sid' | 'Effect'>): PolicyStatement => ({ Sid: sid, Effect: 'Allow', ...body });
const one = (items: readonly string[]): string | string[] => (items.length === 1 ? items[0]! : [...items]);
const doc = (...statements: (PolicyStatement | false | undefined)[]) => ({ Version: '2012-10-17', Statement: statements.filter((s): s is PolicyStatement => !!s) });
const EXECUTION_ID = '00000000-0000-4000-8000-000000000001';
const CFN = 'cloudformation.amazonaws.com';

/** Checks the parameters; a list of problems (empty when they describe a topology). Pure. */
export function topologyProblems(p: TopologyParams): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/.test(p.pipelineName)) problems.push('pipelineName: 1-20 letters, digits or hyphens');
  if (p.accountIds.length < 2) problems.push('accountIds: a pipeline account and at least one target');
  if (new Set(p.accountIds).size !== p.accountIds.length || p.accountIds.some((a) => !/^\d{12}$/.test(a))) problems.push('accountIds: distinct 12-digit ids');
  if (p.regions.length < 1 || new Set(p.regions).size !== p.regions.length) problems.push('regions: at least one, distinct');
  if (p.targets.length !== p.accountIds.length - 1) problems.push('targets: one per target account');
  if (new Set(p.targets.map((t) => t.name)).size !== p.targets.length) problems.push('targets: distinct names');
  p.targets.forEach((t, i) => {
    if (!/^[a-z][a-z0-9]{0,11}$/.test(t.name)) problems.push(`targets[${i}].name: lowercase letters and digits`);
    if (t.regions.length < 1 || t.regions.some((r, j) => r < 0 || r >= p.regions.length || (j > 0 && r <= t.regions[j - 1]!))) problems.push(`targets[${i}].regions: increasing region indexes`);
    if (t.writesOutputs.length !== t.regions.length) problems.push(`targets[${i}].writesOutputs: one per region`);
  });
  return problems;
}

/**
 * Builds a topology from its parameters. Pure and deterministic: equal parameters give
 * deep-equal topologies (policy documents are interned and frozen, so equal documents are
 * shared across topologies and a shared memo hits). Throws on parameters `topologyProblems`
 * rejects.
 */
export function buildTopology(params: TopologyParams): Topology {
  const problems = topologyProblems(params);
  if (problems.length) throw new Error(`buildTopology: ${problems.join('; ')}`);
  const { pipelineName: pipe, accountIds, regions, targets } = params;
  const P = accountIds[0]!;
  const home = regions[0]!;
  const Pipe = pascal(pipe);
  const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
  const names: TopologyNames = {
    pipelineAccount: P,
    homeRegion: home,
    pipelineArn: `arn:aws:codepipeline:${home}:${P}:${pipe}`,
    pipelineRole: role(P, `${Pipe}PipelineRole`),
    pipelinePolicy: `${Pipe}Pipeline`,
    buildRole: role(P, `${Pipe}BuildRole`),
    buildPolicy: `${Pipe}BuildArtifacts`,
    projectArn: `arn:aws:codebuild:${home}:${P}:project/${pipe}-build`,
    repositoryArn: `arn:aws:codecommit:${home}:${P}:${pipe}`,
    keyAlias: `alias/${pipe}-artifacts`,
    buckets: regions.map((r) => `${pipe.toLowerCase()}-artifacts-${P}-${r}`),
    keys: regions.map((r, i) => `arn:aws:kms:${r}:${P}:key/${(0xa1b2c3d4 + i).toString(16)}-5e6f-4a7b-8c9d-${P}`),
    deployRoles: targets.map((t, i) => role(accountIds[i + 1]!, `${pascal(t.name)}DeployRole`)),
    deployPolicy: `${Pipe}Deploy`,
    assumeStatements: targets.map((t) => `AssumeDeployRole${pascal(t.name)}`),
    executionRoles: targets.map((t, i) => role(accountIds[i + 1]!, `${pascal(t.name)}CfnExecutionRole`)),
    executionPolicy: `${Pipe}StackResources`,
  };
  const objects = (r: number) => `arn:aws:s3:::${names.buckets[r]}/${pipe}/*`;
  const objectKey = (r: number, artifact: string) => `arn:aws:s3:::${names.buckets[r]}/${pipe.slice(0, 20)}/${artifact.slice(0, 20)}/${EXECUTION_ID.slice(0, 8)}.zip`;
  const stackName = (t: number) => `${pipe}-${targets[t]!.name}`;
  const stackArn = (t: number, r: number) => `arn:aws:cloudformation:${regions[r]}:${accountIds[t + 1]}:stack/${stackName(t)}/*`;
  const serviceArn = (t: number, r: number) => `arn:aws:ecs:${regions[r]}:${accountIds[t + 1]}:service/${stackName(t)}/${pipe}`;
  const stackWrite = (t: number) => (targets[t]!.stackExists ? 'cloudformation:UpdateStack' : 'cloudformation:CreateStack');

  // Actions in trace order (declaration order: runOrders only ever increase within a stage).
  const actions: TopologyAction[] = [
    { stage: 'Source', stageIndex: 0, action: 'Source', actionIndex: 0, provider: 'CodeCommit', account: P, region: home, roleArn: names.pipelineRole },
    { stage: 'Build', stageIndex: 1, action: 'Build', actionIndex: 0, provider: 'CodeBuild', account: P, region: home, roleArn: names.pipelineRole },
  ];
  targets.forEach((t, ti) =>
    t.regions.forEach((r, j) =>
      actions.push({
        stage: `Deploy-${t.name}`,
        stageIndex: ti + 2,
        action: `Deploy-${regions[r]}`,
        actionIndex: j,
        provider: 'CloudFormation',
        account: accountIds[ti + 1]!,
        region: regions[r]!,
        roleArn: names.deployRoles[ti]!,
        target: ti,
        executionRoleArn: names.executionRoles[ti]!,
        ...(t.writesOutputs[j] ? { outputArtifact: `${pascal(t.name)}Out${r}` } : {}),
      }),
    ),
  );

  // Who uses which region, for the resource policies.
  const readersIn = (r: number) => targets.flatMap((t, ti) => (t.regions.includes(r) ? [names.deployRoles[ti]!] : []));
  const writersIn = (r: number) => targets.flatMap((t, ti) => (t.regions.some((x, j) => x === r && t.writesOutputs[j]) ? [names.deployRoles[ti]!] : []));
  const remoteRegions = regions.map((_, r) => r).filter((r) => r > 0 && readersIn(r).length > 0);
  const replicates = remoteRegions.length > 0;

  const roles: ScenarioInput['roles'] = [
    {
      arn: names.pipelineRole,
      trustPolicy: doc(statement('TrustCodePipeline', { Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': P }, ArnLike: { 'aws:SourceArn': names.pipelineArn } } })),
      inlinePolicies: {
        [names.pipelinePolicy]: doc(
          statement('ReadSource', { Action: ['codecommit:GetBranch', 'codecommit:GetCommit', 'codecommit:UploadArchive', 'codecommit:GetUploadArchiveStatus'], Resource: names.repositoryArn }),
          statement('HomeArtifacts', { Action: replicates ? ['s3:PutObject', 's3:GetObject'] : 's3:PutObject', Resource: objects(0) }),
          statement('HomeArtifactKey', { Action: replicates ? ['kms:GenerateDataKey', 'kms:Decrypt'] : 'kms:GenerateDataKey', Resource: names.keys[0]! }),
          replicates && statement('ReplicateArtifacts', { Action: 's3:PutObject', Resource: one(remoteRegions.map(objects)) }),
          replicates && statement('ReplicaArtifactKeys', { Action: 'kms:GenerateDataKey', Resource: one(remoteRegions.map((r) => names.keys[r]!)) }),
          statement('RunBuild', { Action: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], Resource: names.projectArn }),
          ...targets.map((_, ti) => statement(names.assumeStatements[ti]!, { Action: 'sts:AssumeRole', Resource: names.deployRoles[ti]! })),
        ),
      },
    },
    {
      arn: names.buildRole,
      trustPolicy: doc(statement('TrustCodeBuild', { Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': P }, ArnLike: { 'aws:SourceArn': names.projectArn } } })),
      inlinePolicies: {
        [names.buildPolicy]: doc(
          statement('ReadAndWriteArtifacts', { Action: ['s3:GetObject', 's3:PutObject'], Resource: objects(0) }),
          statement('UseArtifactKey', { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: names.keys[0]! }),
        ),
      },
    },
  ];
  targets.forEach((t, ti) => {
    const T = accountIds[ti + 1]!;
    const writes = t.regions.filter((_, j) => t.writesOutputs[j]);
    roles.push({
      arn: names.deployRoles[ti]!,
      trustPolicy: doc(statement('TrustPipelineRole', { Principal: { AWS: names.pipelineRole }, Action: 'sts:AssumeRole' })),
      inlinePolicies: {
        [names.deployPolicy]: doc(
          statement('ReadArtifacts', { Action: 's3:GetObject', Resource: one(t.regions.map(objects)) }),
          statement('DecryptArtifacts', { Action: 'kms:Decrypt', Resource: one(t.regions.map((r) => names.keys[r]!)) }),
          writes.length > 0 && statement('WriteOutputs', { Action: 's3:PutObject', Resource: one(writes.map(objects)) }),
          writes.length > 0 && statement('EncryptOutputs', { Action: 'kms:GenerateDataKey', Resource: one(writes.map((r) => names.keys[r]!)) }),
          statement('DeployStacks', { Action: ['cloudformation:DescribeStacks', stackWrite(ti)], Resource: one(t.regions.map((r) => stackArn(ti, r))) }),
          statement('PassExecutionRole', { Action: 'iam:PassRole', Resource: names.executionRoles[ti]!, Condition: { StringEquals: { 'iam:PassedToService': CFN } } }),
        ),
      },
    });
    roles.push({
      arn: names.executionRoles[ti]!,
      trustPolicy: doc(statement('TrustCloudFormation', { Principal: { Service: CFN }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': T } } })),
      inlinePolicies: { [names.executionPolicy]: doc(statement('UpdateService', { Action: 'ecs:UpdateService', Resource: one(t.regions.map((r) => serviceArn(ti, r))) })) },
    });
  });

  const keys: ScenarioInput['keys'] = regions.map((region, r) => ({
    arn: names.keys[r]!,
    aliases: [names.keyAlias],
    rotation: true,
    policy: doc(
      statement('EnableIAMPoliciesInKeyAccount', { Principal: { AWS: `arn:aws:iam::${P}:root` }, Action: 'kms:*', Resource: '*' }),
      readersIn(r).length > 0 && statement('AllowDeployRolesToDecrypt', { Principal: { AWS: one(readersIn(r)) }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } } }),
      writersIn(r).length > 0 && statement('AllowDeployRolesToEncryptOutputs', { Principal: { AWS: one(writersIn(r)) }, Action: 'kms:GenerateDataKey', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } } }),
    ),
  }));
  const buckets: ScenarioInput['buckets'] = regions.map((region, r) => ({
    name: names.buckets[r]!,
    account: P,
    region,
    versioning: 'Enabled',
    encryption: { sseAlgorithm: 'aws:kms', kmsKeyId: names.keys[r]! },
    policy: doc(
      { Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${names.buckets[r]}/*`, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
      { Sid: 'DenyInsecureConnections', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${names.buckets[r]}`, `arn:aws:s3:::${names.buckets[r]}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      readersIn(r).length > 0 && statement('AllowDeployRolesToReadArtifacts', { Principal: { AWS: one(readersIn(r)) }, Action: 's3:GetObject', Resource: objects(r) }),
      writersIn(r).length > 0 && statement('AllowDeployRolesToWriteOutputs', { Principal: { AWS: one(writersIn(r)) }, Action: 's3:PutObject', Resource: objects(r) }),
    ),
  }));

  const stages: ScenarioInput['pipeline']['pipeline']['stages'] = [
    {
      name: 'Source',
      actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: pipe, BranchName: 'main', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'SourceOutput' }], namespace: 'SourceVariables' }],
    },
    {
      name: 'Build',
      actions: [{ name: 'Build', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: `${pipe}-build` }, inputArtifacts: [{ name: 'SourceOutput' }], outputArtifacts: [{ name: 'BuildOutput' }] }],
    },
    ...targets.map((t, ti) => ({
      name: `Deploy-${t.name}`,
      actions: actions
        .filter((a) => a.target === ti)
        .map((a, j) => ({
          name: a.action,
          actionTypeId: { category: 'Deploy' as const, owner: 'AWS' as const, provider: 'CloudFormation', version: '1' },
          runOrder: t.parallel ? 1 : j + 1,
          configuration: {
            ActionMode: 'CREATE_UPDATE',
            StackName: stackName(ti),
            TemplatePath: 'BuildOutput::template.yaml',
            RoleArn: a.executionRoleArn!,
            ...(a.outputArtifact ? { OutputFileName: 'outputs.json' } : {}),
          },
          inputArtifacts: [{ name: 'BuildOutput' }],
          outputArtifacts: a.outputArtifact ? [{ name: a.outputArtifact }] : [],
          roleArn: a.roleArn,
          region: a.region,
        })),
    })),
  ];

  const input: ScenarioInput = {
    id: `generated/${pipe}-${accountIds.length}a-${regions.length}r`,
    title: `Generated: ${accountIds.length} accounts, ${regions.length} regions`,
    accounts: [{ id: P, name: 'tooling' }, ...targets.map((t, i) => ({ id: accountIds[i + 1]!, name: t.name }))],
    roles,
    keys,
    buckets,
    // The project names the home store's key: CodeBuild ignores the store key and would use aws/s3 (aws-cdk#4182).
    codeBuildProjects: [{ arn: names.projectArn, serviceRole: names.buildRole, encryptionKey: names.keys[0]! }],
    codeCommitRepositories: [{ arn: names.repositoryArn, branches: { main: '0123456789abcdef0123456789abcdef01234567' } }],
    stacks: targets.flatMap((t, ti) => t.regions.map((r) => ({ name: stackName(ti), account: accountIds[ti + 1]!, region: regions[r]!, exists: t.stackExists, calls: [{ action: 'ecs:UpdateService', resource: serviceArn(ti, r) }] }))),
    pipeline: {
      pipeline: {
        name: pipe,
        roleArn: names.pipelineRole,
        pipelineType: 'V2',
        artifactStores: Object.fromEntries(regions.map((region, r) => [region, { type: 'S3' as const, location: names.buckets[r]!, encryptionKey: { id: names.keys[r]!, type: 'KMS' as const } }])),
        stages,
      },
      metadata: { pipelineArn: names.pipelineArn },
    },
    run: { executionId: EXECUTION_ID },
    expect: { status: 'Succeeded' },
  };
  const scenario = deepFreeze(internPolicies(Scenario.parse(input)));

  // The calls of a green run, in trace order (docs/call-catalogue.md).
  const calls: ExpectedCall[] = [];
  const call = (a: TopologyAction | null, operation: string, principal: string, resource: string, region = a?.region ?? home) =>
    calls.push({ stage: a?.stage ?? null, action: a?.action ?? null, operation, principal, resource, region });
  call(null, 'sts:AssumeRole', 'codepipeline.amazonaws.com', names.pipelineRole);
  const [source, build] = actions as [TopologyAction, TopologyAction];
  for (const op of ['GetBranch', 'GetCommit', 'UploadArchive', 'GetUploadArchiveStatus']) call(source, `codecommit:${op}`, names.pipelineRole, names.repositoryArn);
  call(source, 's3:PutObject', names.pipelineRole, objectKey(0, 'SourceOutput'));
  call(source, 'kms:GenerateDataKey', names.pipelineRole, names.keys[0]!);
  call(build, 'codebuild:StartBuild', names.pipelineRole, names.projectArn);
  call(build, 'codebuild:BatchGetBuilds', names.pipelineRole, names.projectArn);
  call(build, 'sts:AssumeRole', 'codebuild.amazonaws.com', names.buildRole);
  call(build, 's3:GetObject', names.buildRole, objectKey(0, 'SourceOutput'));
  call(build, 'kms:Decrypt', names.buildRole, names.keys[0]!);
  call(build, 's3:PutObject', names.buildRole, objectKey(0, 'BuildOutput'));
  call(build, 'kms:GenerateDataKey', names.buildRole, names.keys[0]!);
  const copied = new Set<number>([0]);
  for (const a of actions.slice(2)) {
    const ti = a.target!;
    const r = regions.indexOf(a.region);
    call(a, 'sts:AssumeRole', names.pipelineRole, a.roleArn, home);
    if (!copied.has(r)) {
      copied.add(r);
      call(a, 's3:GetObject', names.pipelineRole, objectKey(0, 'BuildOutput'), home);
      call(a, 'kms:Decrypt', names.pipelineRole, names.keys[0]!, home);
      call(a, 's3:PutObject', names.pipelineRole, objectKey(r, 'BuildOutput'));
      call(a, 'kms:GenerateDataKey', names.pipelineRole, names.keys[r]!);
    }
    call(a, 's3:GetObject', a.roleArn, objectKey(r, 'BuildOutput'));
    call(a, 'kms:Decrypt', a.roleArn, names.keys[r]!);
    call(a, 'cloudformation:DescribeStacks', a.roleArn, stackArn(ti, r));
    call(a, stackWrite(ti), a.roleArn, stackArn(ti, r));
    call(a, 'iam:PassRole', a.roleArn, a.executionRoleArn!);
    call(a, 'sts:AssumeRole', CFN, a.executionRoleArn!);
    call(a, 'ecs:UpdateService', a.executionRoleArn!, serviceArn(ti, r));
    if (a.outputArtifact) {
      call(a, 's3:PutObject', a.roleArn, objectKey(r, a.outputArtifact));
      call(a, 'kms:GenerateDataKey', a.roleArn, names.keys[r]!);
    }
  }
  return deepFreeze({ params, scenario, names, actions, calls });
}

/** Whether a trace resource matches an expected one (a stack ARN ending in `/*` matches any stack id). Pure. */
export function expectedResourceMatches(expected: string, actual: string): boolean {
  return expected.endsWith('/*') && expected.includes(':stack/') ? actual.startsWith(expected.slice(0, -1)) : expected === actual;
}

/** Options of the topology arbitrary. */
export interface TopologyOptions {
  /** Number of accounts (pipeline account included): a number or an inclusive range; default 2-4. */
  readonly accounts?: number | { readonly min: number; readonly max: number };
  /** Number of regions: a number or an inclusive range; default 1-3. */
  readonly regions?: number | { readonly min: number; readonly max: number };
  /**
   * `fixed` (default) takes account ids, regions and names from fixed lists in order, so
   * topologies share policies and a shared memo makes repeated runs cheap; `random` draws them.
   */
  readonly names?: 'fixed' | 'random';
}

const REGION_POOL = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1', 'ap-northeast-1', 'sa-east-1', 'ca-central-1'] as const;
const ACCOUNT_POOL = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666', '777777777777', '888888888888'] as const;
const ENV_POOL = ['dev', 'staging', 'prod', 'qa', 'perf', 'uat', 'sandbox'] as const;
const PIPELINE_POOL = ['checkout', 'payments', 'catalog', 'orders', 'search'] as const;

const range = (v: number | { readonly min: number; readonly max: number } | undefined, dflt: { min: number; max: number }) => (v === undefined ? dflt : typeof v === 'number' ? { min: v, max: v } : v);

/** An arbitrary of topology parameters (see `greenTopology`). */
export function topologyParams(options: TopologyOptions = {}): fc.Arbitrary<TopologyParams> {
  const accounts = range(options.accounts, { min: 2, max: 4 });
  const regionCount = range(options.regions, { min: 1, max: 3 });
  if (accounts.min < 2 || accounts.max > ACCOUNT_POOL.length || accounts.min > accounts.max) throw new Error(`greenTopology: accounts must be within 2-${ACCOUNT_POOL.length}`);
  if (regionCount.min < 1 || regionCount.max > REGION_POOL.length || regionCount.min > regionCount.max) throw new Error(`greenTopology: regions must be within 1-${REGION_POOL.length}`);
  const random = options.names === 'random';
  return fc.record({ n: fc.integer(accounts), m: fc.integer(regionCount) }).chain(({ n, m }) => {
    const ids = random ? fc.uniqueArray(fc.stringMatching(/^[1-9]\d{11}$/), { minLength: n, maxLength: n }) : fc.constant(ACCOUNT_POOL.slice(0, n));
    const regs = random ? fc.shuffledSubarray([...REGION_POOL], { minLength: m, maxLength: m }) : fc.constant(REGION_POOL.slice(0, m));
    const envs = random ? fc.shuffledSubarray([...ENV_POOL], { minLength: n - 1, maxLength: n - 1 }) : fc.constant(ENV_POOL.slice(0, n - 1));
    const pipeline = random ? fc.constantFrom(...PIPELINE_POOL) : fc.constant(PIPELINE_POOL[0]);
    const target = fc.record({
      mask: fc.integer({ min: 1, max: 2 ** m - 1 }),
      parallel: fc.boolean(),
      outputs: fc.array(fc.boolean(), { minLength: m, maxLength: m }),
      stackExists: fc.boolean(),
    });
    return fc.record({ ids, regs, envs, pipeline, targets: fc.array(target, { minLength: n - 1, maxLength: n - 1 }) }).map(({ ids, regs, envs, pipeline, targets }): TopologyParams => {
      // Every region is used by some target: an uncovered region joins target (region mod targets).
      const masks = targets.map((t) => t.mask);
      for (let r = 0; r < m; r += 1) if (!masks.some((mask) => mask & (1 << r))) masks[r % masks.length]! |= 1 << r;
      return {
        pipelineName: pipeline,
        accountIds: ids,
        regions: regs,
        targets: targets.map((t, i) => {
          const rs = [...Array(m).keys()].filter((r) => masks[i]! & (1 << r));
          return { name: envs[i]!, regions: rs, parallel: t.parallel, writesOutputs: rs.map((r) => t.outputs[r]!), stackExists: t.stackExists };
        }),
      };
    });
  });
}

/**
 * An arbitrary of green topologies (see the module comment): built from drawn parameters,
 * shrinking towards fewer accounts, fewer regions and simpler placements.
 */
export function greenTopology(options: TopologyOptions = {}): fc.Arbitrary<Topology> {
  return topologyParams(options).map(buildTopology);
}
