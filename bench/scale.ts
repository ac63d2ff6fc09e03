/** Scenario generators for the scale benchmarks: a StackSet fan-out and a long multi-account pipeline. Pure. */
import { Scenario, type PolicyStatement, type ScenarioInput } from '../model/schema.js';

const TOOLING = '111111111111';
const HOME = 'us-east-1';
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1'] as const;

/** A 12-digit account id for target n (n ≥ 1). */
export function accountId(n: number): string {
  return String(200000000000 + n).padStart(12, '0');
}

const doc = (...Statement: PolicyStatement[]) => ({ Version: '2012-10-17', Statement });

/** The tooling account's pipeline role, artifact store, key and source (shared by both generators). */
function tooling(targets: readonly string[], regions: readonly string[]): Pick<ScenarioInput, 'roles' | 'keys' | 'buckets' | 'codeCommitRepositories'> & { stores: Record<string, { type: 'S3'; location: string; encryptionKey: { id: string; type: 'KMS' } }> } {
  const keyArn = (r: string) => `arn:aws:kms:${r}:${TOOLING}:key/mrk-00000000000000000000000000000001`;
  const bucket = (r: string) => `artifacts-${TOOLING}-${r}`;
  const principals = targets.map((a) => `arn:aws:iam::${a}:root`);
  return {
    roles: [
      {
        arn: `arn:aws:iam::${TOOLING}:role/PipelineRole`,
        trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        inlinePolicies: {
          pipeline: doc(
            { Effect: 'Allow', Action: ['codecommit:GetBranch', 'codecommit:GetCommit', 'codecommit:UploadArchive', 'codecommit:GetUploadArchiveStatus'], Resource: `arn:aws:codecommit:${HOME}:${TOOLING}:app` },
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: regions.map((r) => `arn:aws:s3:::${bucket(r)}/*`) },
            { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: regions.map(keyArn) },
            { Effect: 'Allow', Action: ['cloudformation:DescribeStackSet', 'cloudformation:CreateStackSet', 'cloudformation:UpdateStackSet', 'cloudformation:CreateStackInstances', 'cloudformation:DescribeStackSetOperation', 'cloudformation:DescribeStacks', 'cloudformation:CreateStack'], Resource: '*' },
            { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${TOOLING}:role/AWSCloudFormationStackSetAdministrationRole`, Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } },
            { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: targets.map((a) => `arn:aws:iam::${a}:role/DeployRole`) },
          ),
        },
      },
      {
        arn: `arn:aws:iam::${TOOLING}:role/AWSCloudFormationStackSetAdministrationRole`,
        trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        inlinePolicies: { admin: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole' }) },
      },
    ],
    keys: regions.map((r) => ({
      arn: keyArn(r),
      multiRegion: true,
      rotation: true,
      policy: doc(
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TOOLING}:root` }, Action: 'kms:*', Resource: '*' },
        ...(principals.length ? [{ Sid: 'Targets', Effect: 'Allow', Principal: { AWS: principals }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }] : []),
      ),
    })),
    buckets: regions.map((r) => ({
      name: bucket(r),
      account: TOOLING,
      region: r,
      versioning: 'Enabled' as const,
      encryption: { sseAlgorithm: 'aws:kms' as const, kmsKeyId: keyArn(r) },
      ...(principals.length ? { policy: doc({ Sid: 'Targets', Effect: 'Allow', Principal: { AWS: principals }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket(r)}/*` }) } : {}),
    })),
    codeCommitRepositories: [{ arn: `arn:aws:codecommit:${HOME}:${TOOLING}:app` }],
    stores: Object.fromEntries(regions.map((r) => [r, { type: 'S3' as const, location: bucket(r), encryptionKey: { id: keyArn(r), type: 'KMS' as const } }])),
  };
}

const source = { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source' as const, owner: 'AWS' as const, provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'app', BranchName: 'main' }, outputArtifacts: [{ name: 'Src' }] }] };

/** A pipeline whose last stage deploys a self-managed StackSet to `instances` account × region pairs. */
export function stackSetScenario(instances: number): Scenario {
  const regions = instances >= 500 ? REGIONS.slice(0, 4) : REGIONS.slice(0, 2);
  const accounts = Array.from({ length: Math.ceil(instances / regions.length) }, (_, i) => accountId(i + 1));
  const t = tooling([], [HOME]);
  const input: ScenarioInput = {
    id: `bench/stackset-${instances}`,
    accounts: [{ id: TOOLING, name: 'tooling' }, ...accounts.map((id, i) => ({ id, name: `target-${i + 1}` }))],
    roles: [
      ...t.roles!,
      ...accounts.map((a) => ({
        arn: `arn:aws:iam::${a}:role/AWSCloudFormationStackSetExecutionRole`,
        trustPolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TOOLING}:role/AWSCloudFormationStackSetAdministrationRole` }, Action: 'sts:AssumeRole' }),
        inlinePolicies: { exec: doc({ Effect: 'Allow', Action: 'ssm:PutParameter', Resource: `arn:aws:ssm:*:${a}:parameter/app/*` }) },
      })),
    ],
    keys: t.keys!,
    buckets: t.buckets!,
    codeCommitRepositories: t.codeCommitRepositories!,
    stacks: accounts.flatMap((a) => regions.map((r) => ({ name: 'baseline', account: a, region: r, calls: [{ action: 'ssm:PutParameter', resource: `arn:aws:ssm:${r}:${a}:parameter/app/version` }] }))).slice(0, instances),
    pipeline: {
      pipeline: {
        name: 'fanout',
        roleArn: `arn:aws:iam::${TOOLING}:role/PipelineRole`,
        pipelineType: 'V2',
        artifactStores: t.stores,
        stages: [
          source,
          {
            name: 'Deploy',
            actions: [
              {
                name: 'StackSet',
                actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormationStackSet', version: '1' },
                inputArtifacts: [{ name: 'Src' }],
                configuration: {
                  StackSetName: 'baseline',
                  TemplatePath: 'Src::template.yaml',
                  DeploymentTargets: accounts.join(','),
                  Regions: regions.join(','),
                  PermissionModel: 'SELF_MANAGED',
                  AdministrationRoleArn: `arn:aws:iam::${TOOLING}:role/AWSCloudFormationStackSetAdministrationRole`,
                  FailureTolerancePercentage: '0',
                },
              },
            ],
          },
        ],
      },
      metadata: { pipelineArn: `arn:aws:codepipeline:${HOME}:${TOOLING}:fanout` },
    },
  };
  return Scenario.parse(input);
}

/** A pipeline of `stages` CloudFormation deploy stages spread over `accounts` target accounts. */
export function longPipelineScenario(stages: number, accounts: number): Scenario {
  const targets = Array.from({ length: accounts }, (_, i) => accountId(i + 1));
  const t = tooling(targets, [HOME]);
  const deployStages = Array.from({ length: stages - 1 }, (_, i) => {
    const account = targets[i % targets.length]!;
    return {
      name: `Deploy${i + 1}`,
      actions: [
        {
          name: 'Deploy',
          actionTypeId: { category: 'Deploy' as const, owner: 'AWS' as const, provider: 'CloudFormation', version: '1' },
          roleArn: `arn:aws:iam::${account}:role/DeployRole`,
          inputArtifacts: [{ name: 'Src' }],
          configuration: { ActionMode: 'CREATE_UPDATE', StackName: `app-${i + 1}`, TemplatePath: 'Src::template.yaml', RoleArn: `arn:aws:iam::${account}:role/CfnExecutionRole` },
        },
      ],
    };
  });
  const input: ScenarioInput = {
    id: `bench/pipeline-${stages}-stages-${accounts}-accounts`,
    accounts: [{ id: TOOLING, name: 'tooling' }, ...targets.map((id, i) => ({ id, name: `target-${i + 1}` }))],
    roles: [
      ...t.roles!,
      ...targets.flatMap((a): NonNullable<ScenarioInput['roles']> => [
        {
          arn: `arn:aws:iam::${a}:role/DeployRole`,
          trustPolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TOOLING}:role/PipelineRole` }, Action: 'sts:AssumeRole' }),
          inlinePolicies: {
            deploy: doc(
              { Effect: 'Allow', Action: ['cloudformation:DescribeStacks', 'cloudformation:CreateStack', 'cloudformation:UpdateStack'], Resource: `arn:aws:cloudformation:${HOME}:${a}:stack/app-*/*` },
              { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${a}:role/CfnExecutionRole`, Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } },
              { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::artifacts-${TOOLING}-${HOME}/*` },
              { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:${HOME}:${TOOLING}:key/mrk-00000000000000000000000000000001` },
            ),
          },
        },
        {
          arn: `arn:aws:iam::${a}:role/CfnExecutionRole`,
          trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }),
          inlinePolicies: { exec: doc({ Effect: 'Allow', Action: 'ssm:PutParameter', Resource: `arn:aws:ssm:${HOME}:${a}:parameter/app/*` }) },
        },
      ]),
    ],
    keys: t.keys!,
    buckets: t.buckets!,
    codeCommitRepositories: t.codeCommitRepositories!,
    stacks: deployStages.map((s, i) => ({ name: `app-${i + 1}`, account: targets[i % targets.length]!, region: HOME, calls: [{ action: 'ssm:PutParameter', resource: `arn:aws:ssm:${HOME}:${targets[i % targets.length]}:parameter/app/v${i + 1}` }] })),
    pipeline: {
      pipeline: { name: 'long', roleArn: `arn:aws:iam::${TOOLING}:role/PipelineRole`, pipelineType: 'V2', artifactStores: t.stores, stages: [source, ...deployStages] },
      metadata: { pipelineArn: `arn:aws:codepipeline:${HOME}:${TOOLING}:long` },
    },
  };
  return Scenario.parse(input);
}
