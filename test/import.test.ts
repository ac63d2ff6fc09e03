// Import: a CDK cloud assembly and hand-written CloudFormation templates become scenarios that run
// as they would in AWS; removing one grant from the templates gives the denial AWS would give;
// what cannot be resolved is a located warning; `-o` never overwrites without `--force`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importStacks, type ImportResult, type StackInput } from '../engine/import/build.js';
import { readAssemblyManifest } from '../engine/import/cdk.js';
import { scenarioToYaml } from '../engine/import/emit.js';
import { importGetPipeline } from '../engine/import/get-pipeline.js';
import { parseTemplate } from '../engine/import/template.js';
import { simulate } from '../engine/execution/simulate.js';
import type { SimulationResult } from '../engine/types.js';
import { loadScenario } from '../model/load.js';
import type { Scenario } from '../model/schema.js';
import { writeAtomically } from '../tui/commands/import.js';
import { buildCli, ROOT, runCli } from './helpers/cli.js';

const CDK_OUT = join(ROOT, 'test', 'fixtures', 'cdk-app', 'cdk.out');
const CFN = join(ROOT, 'test', 'fixtures', 'cfn');

/** A template as mutable JSON, for tests that remove a grant. */
type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The stacks of the CDK fixture, each template as JSON the test may edit. */
function cdkTemplates(): { readonly stackName: string; readonly account: string; readonly region: string; readonly file: string; readonly template: Mutable }[] {
  const manifest = readAssemblyManifest(readFileSync(join(CDK_OUT, 'manifest.json'), 'utf8'), 'manifest.json');
  if (!manifest.success) throw new Error('manifest');
  return manifest.contents.stacks.map((s) => ({
    stackName: s.stackName,
    account: s.account!,
    region: s.region!,
    file: s.templateFile,
    template: JSON.parse(readFileSync(join(CDK_OUT, s.templateFile), 'utf8')) as Mutable,
  }));
}

function stackInputs(stacks: ReturnType<typeof cdkTemplates>): StackInput[] {
  return stacks.map((s) => {
    const parsed = parseTemplate(JSON.stringify(s.template, null, 1), s.file);
    if (!parsed.success) throw new Error(parsed.issues[0]!.message);
    return { file: s.file, parsed: parsed.parsed, stackName: s.stackName, account: s.account, region: s.region };
  });
}

/** Import → YAML → load (as a user would) → the loaded scenario. */
function toScenario(result: ImportResult): Scenario {
  if (!result.success) throw new Error(`import failed: ${result.issues.map((i) => i.message).join('; ')}`);
  const yaml = scenarioToYaml(result.scenario, result.comments, result.header);
  const loaded = loadScenario(yaml, { file: 'imported.yaml' });
  if (!loaded.success) throw new Error(`imported scenario does not load: ${loaded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return loaded.data;
}

async function runCdk(edit: (stacks: ReturnType<typeof cdkTemplates>) => void = () => undefined): Promise<SimulationResult> {
  const stacks = cdkTemplates();
  edit(stacks);
  return simulate(toScenario(importStacks(stackInputs(stacks))));
}

const stackNamed = (stacks: ReturnType<typeof cdkTemplates>, pattern: RegExp) => {
  const s = stacks.find((x) => pattern.test(x.stackName));
  if (!s) throw new Error(`no stack ${pattern}`);
  return s;
};

const resourcesOfType = (template: Mutable, type: string): [string, Mutable][] => Object.entries(template['Resources'] as Record<string, Mutable>).filter(([, r]) => r['Type'] === type);

const mentions = (value: unknown, text: string): boolean => JSON.stringify(value).includes(text);

describe('import cdk: the cross-account, cross-region fixture', () => {
  it('finds the pipeline stack, the account support stack and the region support stack', () => {
    const stacks = cdkTemplates();
    expect(stacks.map((s) => `${s.stackName} ${s.account}/${s.region}`).sort()).toEqual([
      'PipelineStack 111111111111/us-east-1',
      'PipelineStack-support-222222222222 222222222222/us-east-1',
      'PipelineStack-support-eu-west-1 111111111111/eu-west-1',
    ]);
  });

  it('imports to a scenario that loads and runs green, replicating to eu-west-1 with the replica store key', async () => {
    // Given the synthesized assembly
    const result = importStacks(stackInputs(cdkTemplates()));
    // When it is imported and simulated
    const scenario = toScenario(result);
    const run = await simulate(scenario);
    // Then the run succeeds, and the only warning is the event rule pipesim does not model
    expect(run.status).toBe('Succeeded');
    expect(run.firstDenial).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['resource_not_imported']);
    const replicated = run.events.filter((e) => e.type === 'artifact.replicated');
    expect(replicated).toHaveLength(1);
    // The eu-west-1 store is the replication bucket of the region support stack, its key named by alias ARN.
    const stores = scenario.pipeline.pipeline.artifactStores!;
    expect(Object.keys(stores).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(stores['eu-west-1']!.encryptionKey!.id).toMatch(/^arn:aws:kms:eu-west-1:111111111111:alias\//);
    const replica = scenario.keys.find((k) => k.arn.includes(':eu-west-1:'))!;
    expect(replica.aliases).toEqual([stores['eu-west-1']!.encryptionKey!.id.split(':').pop()]);
    // Cross-account roles of the support stack keep the names CDK gave them.
    expect(scenario.roles.filter((r) => r.arn.includes(':222222222222:')).map((r) => r.arn.split('/').pop()).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pipelinestack-support-222.*actionrole/), expect.stringMatching(/deploymentrole/)]),
    );
  });

  it('(a) without the replication key statement for the eu-west-1 action role: kms:Decrypt, KEY_POLICY', async () => {
    const run = await runCdk((stacks) => {
      const region = stackNamed(stacks, /support-eu-west-1$/);
      const [, key] = resourcesOfType(region.template, 'AWS::KMS::Key')[0]!;
      const statements = key['Properties']['KeyPolicy']['Statement'] as unknown[];
      const kept = statements.filter((s) => !mentions(s, 'uwest1actionrole'));
      expect(kept).toHaveLength(statements.length - 1);
      key['Properties']['KeyPolicy']['Statement'] = kept;
    });
    expect(run.status).toBe('Failed');
    expect(run.firstDenial).toMatchObject({ operation: 'kms:Decrypt', category: 'KEY_POLICY', stage: 'Deploy', action: 'Deploy-eu-west-1' });
    expect(run.firstDenial!.principal).toMatch(/^arn:aws:iam::222222222222:role\/pipelinestack-support-222uwest1actionrole/);
    expect(run.firstDenial!.resource).toMatch(/^arn:aws:kms:eu-west-1:111111111111:key\//);
  });

  it('(b) without the eu-west-1 entry of ArtifactStores: Invalid, missing_region_artifact_store', async () => {
    const run = await runCdk((stacks) => {
      const [, pipeline] = resourcesOfType(stackNamed(stacks, /^PipelineStack$/).template, 'AWS::CodePipeline::Pipeline')[0]!;
      const stores = pipeline['Properties']['ArtifactStores'] as Mutable[];
      pipeline['Properties']['ArtifactStores'] = stores.filter((s) => s['Region'] !== 'eu-west-1');
      expect(pipeline['Properties']['ArtifactStores']).toHaveLength(stores.length - 1);
    });
    expect(run.status).toBe('Invalid');
    expect(run.issues).toContainEqual(expect.objectContaining({ code: 'missing_region_artifact_store', category: 'MISSING_REGION_ARTIFACT_STORE' }));
  });

  it('(c) without the pipeline role\'s sts:AssumeRole on the us-east-1 action role: sts:AssumeRole, CALLER_ASSUME_PERMISSION', async () => {
    const run = await runCdk((stacks) => {
      const template = stackNamed(stacks, /^PipelineStack$/).template;
      const [, role] = resourcesOfType(template, 'AWS::IAM::Role').find(([, r]) => mentions(r['Properties']['AssumeRolePolicyDocument'], 'codepipeline.amazonaws.com'))!;
      const roleName = role['Properties']['RoleName'] as string;
      const [, policy] = resourcesOfType(template, 'AWS::IAM::Policy').find(([, p]) => mentions(p, roleName) || mentions(p['Properties']['Roles'], 'PipelineRole'))!;
      const statements = policy['Properties']['PolicyDocument']['Statement'] as Mutable[];
      const kept = statements.filter((s) => !(s['Action'] === 'sts:AssumeRole' && mentions(s['Resource'], 'seast1actionrole')));
      expect(kept).toHaveLength(statements.length - 1);
      policy['Properties']['PolicyDocument']['Statement'] = kept;
    });
    expect(run.status).toBe('Failed');
    expect(run.firstDenial).toMatchObject({ operation: 'sts:AssumeRole', category: 'CALLER_ASSUME_PERMISSION', stage: 'Deploy', action: 'Deploy-us-east-1' });
    expect(run.firstDenial!.resource).toMatch(/^arn:aws:iam::222222222222:role\/pipelinestack-support-222seast1actionrole/);
  });

  it('writes comments naming the template and logical id of each item', () => {
    const result = importStacks(stackInputs(cdkTemplates()), { command: 'pipesim import cdk cdk.out' });
    if (!result.success) throw new Error('import failed');
    const yaml = scenarioToYaml(result.scenario, result.comments, result.header);
    expect(yaml).toMatch(/^# Imported by pipesim import cdk cdk\.out/);
    expect(yaml).toMatch(/# PipelineStack\.template\.json: PipelineRoleD68726F7 \(AWS::IAM::Role\)\n {2}- arn: arn:aws:iam::111111111111:role\//);
    expect(yaml).toMatch(/# cross-region-stack-111111111111_eu-west-1\.template\.json: CrossRegionCodePipelineReplicationBucketFC3227F2 \(AWS::S3::Bucket\)/);
    expect(yaml).toMatch(/# PipelineStack\.template\.json: PipelineRoleDefaultPolicyC7A05455 \(AWS::IAM::Policy\)\n {6}PipelineRoleDefaultPolicyC7A05455:/);
    expect(yaml).toContain('Version: "2012-10-17"');
  });
});

// ---------------------------------------------------------------------------

function cfnStack(file: string, account: string, region: string, parameters: Record<string, string> = {}, stackName = file.replace(/\.ya?ml$/, '')): StackInput {
  const parsed = parseTemplate(readFileSync(join(CFN, file), 'utf8'), file);
  if (!parsed.success) throw new Error(parsed.issues[0]!.message);
  return { file, parsed: parsed.parsed, stackName, account, region, parameters };
}

describe('import cfn: the hand-written tooling and target stacks', () => {
  const stacks = () => [cfnStack('tooling.yaml', '111111111111', 'us-east-1', { TargetAccount: '222222222222' }), cfnStack('target.yaml', '222222222222', 'us-east-1', { ToolingAccount: '111111111111' })];

  it('import without a warning and run green', async () => {
    const result = importStacks(stacks());
    expect(result.warnings).toEqual([]);
    const scenario = toScenario(result);
    const run = await simulate(scenario);
    expect(run.status).toBe('Succeeded');
    // Short tags, conditions, mappings and the pseudo parameters were resolved.
    const key = scenario.keys[0]!;
    expect(key).toMatchObject({ rotation: true, tags: { 'region-short': 'use1' }, aliases: ['alias/checkout-pipeline'] });
    expect(scenario.buckets[0]).toMatchObject({ name: 'pipeline-artifacts-111111111111-us-east-1', versioning: 'Enabled', encryption: { sseAlgorithm: 'aws:kms', kmsKeyId: key.arn } });
    expect(scenario.pipeline.pipeline.stages[3]!.actions[0]).toMatchObject({ region: 'us-east-1', roleArn: 'arn:aws:iam::222222222222:role/ToolingDeployRole' });
    expect(scenario.pipeline.pipeline.stages[0]!.actions[0]!.configuration).toMatchObject({ RepositoryName: 'checkout', PollForSourceChanges: 'false' });
    // Managed policies: the customer one from the target template, AWS's from the data package.
    expect(scenario.managedPolicies.map((p) => p.arn).sort()).toEqual(['arn:aws:iam::222222222222:policy/ReadToolingArtifacts', 'arn:aws:iam::aws:policy/IAMFullAccess', 'arn:aws:iam::aws:policy/PowerUserAccess']);
    expect(scenario.managedPolicies.find((p) => p.arn.endsWith('/PowerUserAccess'))!.document.Statement).toContainEqual(expect.objectContaining({ Effect: 'Allow', NotAction: expect.arrayContaining(['iam:*']) }));
  });

  it('a missing grant in the target stack gives the denial AWS would', async () => {
    const [tooling, target] = stacks();
    const edited = JSON.parse(JSON.stringify(target!.parsed.template)) as Mutable;
    edited['Resources']['ToolingDeployRole']['Properties']['Policies'][0]['PolicyDocument']['Statement'] = (edited['Resources']['ToolingDeployRole']['Properties']['Policies'][0]['PolicyDocument']['Statement'] as Mutable[]).filter((s) => s['Sid'] !== 'PassExecutionRole');
    const parsed = parseTemplate(JSON.stringify(edited), 'target.yaml');
    if (!parsed.success) throw new Error('parse');
    const run = await simulate(toScenario(importStacks([tooling!, { ...target!, parsed: parsed.parsed }])));
    expect(run.firstDenial).toMatchObject({ operation: 'iam:PassRole', principal: 'arn:aws:iam::222222222222:role/ToolingDeployRole' });
  });

  it('report what cannot be resolved as located warnings, and leave it out', () => {
    // Given the tooling stack without a value for its TargetAccount parameter
    const result = importStacks([cfnStack('tooling.yaml', '111111111111', 'us-east-1')]);
    if (!result.success) throw new Error('import failed');
    const text = readFileSync(join(CFN, 'tooling.yaml'), 'utf8').split('\n');
    const keyPrincipal = result.warnings.find((w) => w.path === 'Resources.ArtifactKey.Properties.KeyPolicy.Statement[1].Principal.AWS.Fn::Sub');
    // Then the warning names the template, the JSON path and the line of the intrinsic
    expect(keyPrincipal).toMatchObject({ code: 'unresolved_intrinsic', severity: 'warning', file: 'tooling.yaml' });
    expect(keyPrincipal!.message).toBe('parameter `TargetAccount` has no value and no `Default`: pass `--param TargetAccount=…`: statement 1 `TargetDeployRoleReadsArtifacts` of the key policy of `ArtifactKey` left out');
    expect(text[keyPrincipal!.line - 1]).toContain('AWS: !Sub arn:${AWS::Partition}:iam::${TargetAccount}:role/ToolingDeployRole');
    // And the statement is left out rather than guessed
    const key = (result.scenario.keys ?? [])[0]!;
    expect(JSON.stringify(key.policy)).not.toContain('TargetDeployRoleReadsArtifacts');
    // The pipeline's action role cannot be named either
    expect(result.warnings.some((w) => w.path.startsWith('Resources.Pipeline.Properties.Stages[3].Actions[0].RoleArn'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------

function inline(yaml: string, file = 'inline.yaml', stackName = 'app', account = '111111111111', region = 'us-east-1', parameters: Record<string, string> = {}): StackInput {
  const parsed = parseTemplate(yaml, file);
  if (!parsed.success) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  return { file, parsed: parsed.parsed, stackName, account, region, parameters };
}

const MINIMAL_PIPELINE = `
  Bucket:
    Type: AWS::S3::Bucket
  PipelineRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: codepipeline.amazonaws.com }, Action: sts:AssumeRole }]
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: !GetAtt PipelineRole.Arn
      ArtifactStore: { Type: S3, Location: !Ref Bucket }
      Stages:
        - Name: Source
          Actions:
            - Name: Source
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeCommit, Version: 1 }
              Configuration: { RepositoryName: repo, BranchName: main }
              OutputArtifacts: [{ Name: Out }]
`;

describe('intrinsic functions', () => {
  it('resolve with the stack\'s account, region and partition, and generate stable readable names', () => {
    const result = importStacks([
      inline(`
Parameters:
  Env: { Type: String, Default: prod }
  Regions: { Type: CommaDelimitedList, Default: "us-east-1, eu-west-1" }
  Version: { Type: "AWS::SSM::Parameter::Value<String>", Default: /app/version }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [Condition: IsProd]
  Both: !And [Condition: IsProd, !Or [Condition: IsDev, !Equals [a, a]]]
Resources:
  DevOnly:
    Type: AWS::IAM::Role
    Condition: IsDev
    Properties:
      AssumeRolePolicyDocument: { Statement: [] }
  Role:
    Type: AWS::IAM::Role
    Properties:
      Path: /deploy/
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !Sub ["arn:\${AWS::Partition}:iam::\${Account}:root", { Account: "333333333333" }] }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: !Join ["-", [!Ref "AWS::StackName", !Select [1, !Ref Regions]]]
          PolicyDocument:
            Statement:
              - Effect: !If [Both, Allow, Deny]
                Action: s3:GetObject
                Resource:
                  - !Sub "\${Bucket.Arn}/*"
                  - !If [IsDev, "arn:aws:s3:::dev/*", !Ref "AWS::NoValue"]
                  - !Sub "arn:aws:s3:::\${!Literal}-\${AWS::URLSuffix}/\${AWS::Region}"
                  - !Select [0, !Split [",", "arn:aws:s3:::split/*,x"]]
              - Effect: Allow
                Action: ssm:GetParameter
                Resource: !Sub "arn:aws:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/\${Version}"
${MINIMAL_PIPELINE}`, 'app.yaml', 'app', '111111111111', 'cn-north-1'),
    ]);
    if (!result.success) throw new Error('import failed');
    const roles = result.scenario.roles ?? [];
    // The role whose condition is false is not created.
    expect(roles.map((r) => r.arn)).toEqual(['arn:aws-cn:iam::111111111111:role/deploy/app-Role', 'arn:aws-cn:iam::111111111111:role/app-PipelineRole']);
    const role = roles[0]!;
    expect(role.trustPolicy.Statement).toEqual([{ Effect: 'Allow', Principal: { AWS: 'arn:aws-cn:iam::333333333333:root' }, Action: 'sts:AssumeRole' }]);
    expect(Object.keys(role.inlinePolicies ?? {})).toEqual(['app-eu-west-1']);
    const statements = role.inlinePolicies!['app-eu-west-1']!.Statement as { Effect: string; Resource: string[] }[];
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: ['arn:aws-cn:s3:::app-bucket/*', 'arn:aws:s3:::${Literal}-amazonaws.com.cn/cn-north-1', 'arn:aws:s3:::split/*'],
    });
    // The SSM-typed parameter has no value before deployment: its statement is left out, and said so.
    expect(statements).toHaveLength(1);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'unresolved_intrinsic', path: 'Resources.Role.Properties.Policies[0].PolicyDocument.Statement[1].Resource.Fn::Sub', message: expect.stringContaining('parameter `Version` is read from SSM parameter `/app/version` when the stack deploys') }));
    expect(result.scenario.buckets?.[0]?.name).toBe('app-bucket');
    expect(result.scenario.pipeline.metadata.pipelineArn).toBe('arn:aws-cn:codepipeline:cn-north-1:111111111111:app-Pipeline');
  });

  it('Fn::ImportValue reads an export of the same account and region, and only there', () => {
    const exporter = inline(`
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties: { MultiRegion: true }
Outputs:
  KeyArn:
    Value: !GetAtt Key.Arn
    Export: { Name: !Sub "\${AWS::StackName}-KeyArn" }
`, 'keys.yaml', 'keys');
    const importer = (region: string) =>
      inline(`
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: artifacts
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: !ImportValue keys-KeyArn }
  PipelineRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [] }
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: !GetAtt PipelineRole.Arn
      ArtifactStore: { Type: S3, Location: !Ref Bucket }
      Stages: [{ Name: S, Actions: [{ Name: A, ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }, Configuration: { S3Bucket: artifacts, S3ObjectKey: k }, OutputArtifacts: [{ Name: O }] }] }]
`, 'pipeline.yaml', 'pipeline', '111111111111', region);
    const same = importStacks([exporter, importer('us-east-1')]);
    if (!same.success) throw new Error('import failed');
    expect(same.scenario.buckets?.[0]?.encryption).toEqual({ sseAlgorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/mrk-keys-Key' });
    expect(same.warnings).toEqual([]);
    const other = importStacks([exporter, importer('eu-west-1')]);
    if (!other.success) throw new Error('import failed');
    expect(other.scenario.buckets?.[0]?.encryption).toBeUndefined();
    expect(other.warnings).toContainEqual(
      expect.objectContaining({ file: 'pipeline.yaml', line: 9, path: 'Resources.Bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID.Fn::ImportValue', message: expect.stringContaining('export `keys-KeyArn` of stack `keys` is in 111111111111/us-east-1') }),
    );
  });

  it('a Deny whose resource cannot be resolved is left out with a warning that says the import may allow more', () => {
    const result = importStacks([
      inline(`
Resources:
  PipelineRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [] }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - { Effect: Deny, Action: "s3:*", Resource: !GetAZs "" }
  Bucket:
    Type: AWS::S3::Bucket
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: !GetAtt PipelineRole.Arn
      ArtifactStore: { Type: S3, Location: !Ref Bucket }
      Stages: [{ Name: S, Actions: [{ Name: A, ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }, Configuration: { S3Bucket: b, S3ObjectKey: k }, OutputArtifacts: [{ Name: O }] }] }]
`),
    ]);
    expect(result.warnings).toContainEqual(expect.objectContaining({ line: 11, message: '`Fn::GetAZs` depends on the Availability Zones the account sees: statement 0 of inline policy `p` of `PipelineRole` left out: a Deny left out, so the import may allow more than AWS would' }));
  });

  it('no pipeline is an error; a template that is not YAML is a located error', () => {
    const none = importStacks([inline('Resources:\n  B: { Type: AWS::S3::Bucket }\n')]);
    expect(none).toMatchObject({ success: false, issues: [{ code: 'no_pipeline' }] });
    const bad = parseTemplate('Resources:\n  B: [unclosed\n', 'bad.yaml');
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.issues[0]).toMatchObject({ code: 'invalid_template', file: 'bad.yaml', line: expect.any(Number) });
  });
});

describe('resource types', () => {
  it('map every imported type into a scenario that loads', () => {
    const primary = inline(`
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties: { MultiRegion: true, EnableKeyRotation: true, Tags: [{ Key: team, Value: platform }] }
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: { Statement: [{ Effect: Allow, Action: "*", Resource: "*" }] }
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: Deployer
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: codebuild.amazonaws.com }, Action: sts:AssumeRole }] }
      PermissionsBoundary: !Ref Boundary
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/NoSuchPolicyAnywhere]
  RolePolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: extra
      PolicyDocument: { Statement: [{ Effect: Allow, Action: sns:Publish, Resource: !Ref Topic }] }
  Topic:
    Type: AWS::SNS::Topic
    Properties: { KmsMasterKeyId: alias/aws/sns }
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: !GetAtt Role.Arn }, Action: sns:Publish, Resource: !Ref Topic }] }
  Project:
    Type: AWS::CodeBuild::Project
    Properties: { ServiceRole: Deployer, EncryptionKey: !GetAtt Key.Arn }
  App:
    Type: AWS::CodeDeploy::Application
    Properties: { ComputePlatform: Lambda }
  Group:
    Type: AWS::CodeDeploy::DeploymentGroup
    Properties:
      ApplicationName: !Ref App
      ServiceRoleArn: !GetAtt Role.Arn
      AutoRollbackConfiguration: { Enabled: true, Events: [DEPLOYMENT_FAILURE] }
  Config:
    Type: AWS::CodeDeploy::DeploymentConfig
  Function:
    Type: AWS::Lambda::Function
    Properties: { Role: !GetAtt Role.Arn, Runtime: nodejs20.x, Handler: index.handler, Code: { ZipFile: "exports.handler=async()=>{}" } }
  Invoke:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !Ref Function, Action: lambda:InvokeFunction, Principal: codepipeline.amazonaws.com, SourceAccount: !Ref "AWS::AccountId" }
  Connection:
    Type: AWS::CodeStarConnections::Connection
    Properties: { ConnectionName: github, ProviderType: GitHub }
  StackSet:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: baseline
      PermissionModel: SELF_MANAGED
      StackInstancesGroup:
        - DeploymentTargets: { Accounts: ["222222222222"] }
          Regions: [us-east-1, eu-west-1]
  Queue:
    Type: AWS::SQS::Queue
    Properties: { Tag: !Bogus x }
${MINIMAL_PIPELINE}`, 'primary.yaml', 'primary');
    const replica = inline(`
Resources:
  Replica:
    Type: AWS::KMS::ReplicaKey
    Properties:
      PrimaryKeyArn: arn:aws:kms:us-east-1:111111111111:key/mrk-primary-Key
      KeyPolicy: { Statement: [{ Effect: Allow, Principal: { AWS: !Sub "arn:aws:iam::\${AWS::AccountId}:root" }, Action: "kms:*", Resource: "*" }] }
  Alias:
    Type: AWS::KMS::Alias
    Properties: { AliasName: alias/artifacts, TargetKeyId: !Ref Replica }
`, 'replica.yaml', 'replica', '111111111111', 'eu-west-1');
    const result = importStacks([primary, replica]);
    if (!result.success) throw new Error('import failed');
    const scenario = toScenario(result);
    expect(scenario.keys.map((k) => [k.arn, k.multiRegion, k.primaryArn, k.aliases])).toEqual([
      ['arn:aws:kms:us-east-1:111111111111:key/mrk-primary-Key', true, undefined, []],
      ['arn:aws:kms:eu-west-1:111111111111:key/mrk-primary-Key', true, 'arn:aws:kms:us-east-1:111111111111:key/mrk-primary-Key', ['alias/artifacts']],
    ]);
    expect(scenario.keys[0]!.policy!.Statement).toEqual([expect.objectContaining({ Sid: 'Enable IAM User Permissions', Principal: { AWS: 'arn:aws:iam::111111111111:root' } })]);
    const role = scenario.roles.find((r) => r.arn === 'arn:aws:iam::111111111111:role/Deployer')!;
    expect(role.permissionsBoundary).toBe('arn:aws:iam::111111111111:policy/primary-Boundary');
    expect(role.managedPolicies).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(Object.keys(role.inlinePolicies)).toEqual(['extra']);
    expect(scenario.snsTopics).toEqual([expect.objectContaining({ arn: 'arn:aws:sns:us-east-1:111111111111:primary-Topic', kmsMasterKeyId: 'alias/aws/sns', policy: expect.objectContaining({}) })]);
    expect(scenario.codeBuildProjects).toEqual([expect.objectContaining({ arn: 'arn:aws:codebuild:us-east-1:111111111111:project/primary-Project', serviceRole: role.arn, encryptionKey: scenario.keys[0]!.arn })]);
    expect(scenario.codeDeployApplications).toEqual([
      expect.objectContaining({ name: 'primary-App', computePlatform: 'Lambda', deploymentGroups: [expect.objectContaining({ name: 'primary-Group', serviceRole: role.arn, autoRollback: { enabled: true, events: ['DEPLOYMENT_FAILURE'] } })] }),
    ]);
    expect(scenario.lambdaFunctions[0]!.policy!.Statement).toEqual([
      { Sid: 'Invoke', Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:111111111111:function:primary-Function', Condition: { StringEquals: { 'AWS:SourceAccount': '111111111111' } } },
    ]);
    expect(scenario.connections).toEqual([expect.objectContaining({ status: 'AVAILABLE', providerType: 'GitHub', arn: expect.stringMatching(/^arn:aws:codestar-connections:us-east-1:111111111111:connection\//) })]);
    expect(scenario.stacks.map((s) => `${s.name} ${s.account} ${s.region} ${s.exists}`)).toEqual(['baseline 222222222222 us-east-1 true', 'baseline 222222222222 eu-west-1 true']);
    expect(scenario.accounts.map((a) => a.id)).toEqual(['111111111111', '222222222222']);
    // What is not modelled is said, never dropped in silence.
    expect(result.warnings.map((w) => `${w.file} ${w.code} ${w.path}`)).toEqual(
      expect.arrayContaining([
        'primary.yaml unknown_tag Resources.Queue.Properties.Tag',
        'primary.yaml resource_not_imported Resources.Queue.Type',
        'primary.yaml unknown_managed_policy Resources.Role.Properties.ManagedPolicyArns',
        'primary.yaml connection_pending Resources.Connection',
      ]),
    );
    expect(result.warnings).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------

describe('import pipeline: get-pipeline output and a folder of CLI outputs', () => {
  it('builds roles, keys and buckets from the files and runs', async () => {
    const dir = join(ROOT, 'test', 'fixtures', 'get-pipeline');
    const files = readdirSync(join(dir, 'roles')).sort();
    const result = importGetPipeline(
      { file: 'get-pipeline.json', text: readFileSync(join(dir, 'get-pipeline.json'), 'utf8') },
      files.map((f) => ({ file: `roles/${f}`, text: readFileSync(join(dir, 'roles', f), 'utf8') })),
    );
    expect(result.warnings).toEqual([]);
    const scenario = toScenario(result);
    expect(scenario.roles.map((r) => r.arn.split('/').pop())).toEqual(['CloudFormationExecutionRole', 'PipelineServiceRole', 'ToolingDeployRole']);
    expect(scenario.managedPolicies.map((p) => p.arn).sort()).toEqual(['arn:aws:iam::222222222222:policy/ReadToolingArtifacts', 'arn:aws:iam::aws:policy/AdministratorAccess']);
    const run = await simulate(scenario);
    expect(run.status).toBe('Succeeded');
  });
});

// ---------------------------------------------------------------------------

describe('writing the scenario', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipesim-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never overwrites an existing file without force, and leaves no temporary file', () => {
    const file = join(dir, 'out.yaml');
    expect(writeAtomically(file, 'first\n', false)).toBe(true);
    expect(writeAtomically(file, 'second\n', false)).toBe('exists: not overwritten (use --force)');
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    expect(writeAtomically(file, 'third\n', true)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('third\n');
    expect(readdirSync(dir)).toEqual(['out.yaml']);
  });
});

describe('pipesim import (the CLI)', () => {
  let cli: string;
  let cleanup: () => void;
  let dir: string;
  beforeAll(() => {
    ({ cli, cleanup } = buildCli());
    dir = mkdtempSync(join(tmpdir(), 'pipesim-import-cli-'));
  });
  afterAll(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cdk: prints the scenario on stdout, warnings on stderr, exit 0; the scenario runs green', async () => {
    const imported = await runCli(cli, ['import', 'cdk', 'test/fixtures/cdk-app/cdk.out']);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('test/fixtures/cdk-app/cdk.out/PipelineStack.template.json:');
    expect(imported.stderr).toContain('warning: Resources.RepositoryPipelineStackPipeline9DB740AFmainEventRule175263F2.Type: `AWS::Events::Rule` is not imported');
    const file = join(dir, 'cdk.yaml');
    writeFileSync(file, imported.stdout);
    const run = await runCli(cli, ['run', file, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'Succeeded' });
  });

  it('cfn -o: writes once, refuses to overwrite without --force (exit 2), overwrites with it', async () => {
    const out = join(dir, 'cfn.yaml');
    const args = ['import', 'cfn', 'test/fixtures/cfn/tooling.yaml@111111111111/us-east-1', 'test/fixtures/cfn/target.yaml@222222222222/us-east-1', '--param', 'TargetAccount=222222222222', '--param', 'target:ToolingAccount=111111111111', '-o', out];
    const first = await runCli(cli, args);
    expect(first).toMatchObject({ code: 0, stdout: '' });
    const written = readFileSync(out, 'utf8');
    expect(written).toContain('# test/fixtures/cfn/target.yaml: ToolingDeployRole (AWS::IAM::Role)');
    writeFileSync(out, 'keep me\n');
    const second = await runCli(cli, args);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('exists: not overwritten (use --force)');
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    const third = await runCli(cli, [...args, '--force']);
    expect(third.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(written);
    const run = await runCli(cli, ['run', out, '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'Succeeded' });
  });

  it('bad input exits 2: no account, a missing file, a template that is not YAML', async () => {
    const noEnv = await runCli(cli, ['import', 'cfn', 'test/fixtures/cfn/tooling.yaml']);
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain('no account and region: give FILE@ACCOUNT/REGION or --account and --region');
    const missing = await runCli(cli, ['import', 'cdk', join(dir, 'nothing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the cloud assembly manifest: ENOENT');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'Resources: [\n');
    const notYaml = await runCli(cli, ['import', 'cfn', `${bad}@111111111111/us-east-1`]);
    expect(notYaml.code).toBe(2);
    expect(notYaml.stderr).toMatch(/bad\.yaml:\d+:\d+: error: not a template: .* \[invalid_template\]/);
  });
});
