/**
 * What CloudFormation returns for `Ref` and `Fn::GetAtt` of each resource type pipesim imports,
 * and the stable, readable physical names pipesim gives resources whose name CloudFormation
 * would generate (`<stack>-<LogicalId>`, cut to the type's limit). Pure.
 *
 * Sources: the "Return values" section of each type in the CloudFormation template reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html).
 */
import { FNV_OFFSET_BASIS, fnv1aHex, uuidFromHashes } from '../../model/hash.js';

/** Where a stack lives. */
export interface StackEnv {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** The partition of a region (`aws`, `aws-cn`, `aws-us-gov`). Pure. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** The domain suffix of a region (`AWS::URLSuffix`). Pure. */
export function urlSuffixOf(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** A generated name `<stack>-<LogicalId>`, cut to `max` characters. Pure. */
export function generatedName(env: StackEnv, logicalId: string, max: number): string {
  return `${env.stackName}-${logicalId}`.slice(0, max).replace(/-+$/, '');
}

/** A generated S3 bucket name: lowercase letters, digits and hyphens, at most 63 characters. Pure. */
export function generatedBucketName(env: StackEnv, logicalId: string): string {
  const name = `${env.stackName}-${logicalId}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-{2,}/g, '-');
  return name.slice(0, 63).replace(/^-+|-+$/g, '') || 'bucket';
}

/** A generated KMS key id: readable (`<stack>-<LogicalId>`), `mrk-` first for a multi-Region key. Pure. */
export function generatedKeyId(env: StackEnv, logicalId: string, multiRegion: boolean): string {
  const id = `${env.stackName}-${logicalId}`.replace(/[^\w-]/g, '-');
  return multiRegion ? `mrk-${id}` : id;
}

/** The identity of one imported resource: its `Ref` value and its attributes. */
export interface ResourceIdentity {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The name limit of generated names per type (CloudFormation's own limits). */
export const NAME_LIMITS: Readonly<Record<string, number>> = {
  'AWS::IAM::Role': 64,
  'AWS::IAM::ManagedPolicy': 128,
  'AWS::IAM::InstanceProfile': 128,
  'AWS::CodePipeline::Pipeline': 100,
  'AWS::CodeBuild::Project': 150,
  'AWS::SNS::Topic': 256,
  'AWS::CodeDeploy::Application': 100,
  'AWS::CodeDeploy::DeploymentGroup': 100,
  'AWS::Lambda::Function': 64,
  'AWS::CloudFormation::StackSet': 128,
  'AWS::CodeStarConnections::Connection': 32,
  'AWS::CodeConnections::Connection': 32,
};

/** The property that names a resource of a type, where the template may set it. */
export const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Policy': 'PolicyName',
  'AWS::IAM::RolePolicy': 'PolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::CodePipeline::Pipeline': 'Name',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::CodeCommit::Repository': 'RepositoryName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CodeDeploy::DeploymentConfig': 'DeploymentConfigName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::CloudFormation::StackSet': 'StackSetName',
  'AWS::CodeStarConnections::Connection': 'ConnectionName',
  'AWS::CodeConnections::Connection': 'ConnectionName',
};

/** What identity computation needs beyond the environment: the resolved name and a few properties. */
export interface IdentityInput {
  readonly env: StackEnv;
  readonly logicalId: string;
  readonly type: string;
  /** The physical name (given or generated); for keys, the key id. */
  readonly name: string;
  /** The IAM path (`/` by default) for roles, managed policies and instance profiles. */
  readonly path?: string;
}

/**
 * `Ref` and `Fn::GetAtt` values of a resource, as CloudFormation returns them; undefined for a
 * type pipesim does not model. Pure.
 */
export function identityOf(input: IdentityInput): ResourceIdentity | undefined {
  const { env, name } = input;
  const p = env.partition;
  const at = `${env.region}:${env.account}`;
  const iamPath = input.path ?? '/';
  switch (input.type) {
    case 'AWS::IAM::Role': {
      const arn = `arn:${p}:iam::${env.account}:role${iamPath}${name}`;
      return { ref: name, attributes: { Arn: arn, RoleId: `AROA${stableToken(arn, 17)}` } };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const arn = `arn:${p}:iam::${env.account}:policy${iamPath}${name}`;
      return { ref: arn, attributes: { PolicyArn: arn, PolicyId: `ANPA${stableToken(arn, 17)}` } };
    }
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::RolePolicy':
      return { ref: name, attributes: { Id: name } };
    case 'AWS::IAM::InstanceProfile':
      return { ref: name, attributes: { Arn: `arn:${p}:iam::${env.account}:instance-profile${iamPath}${name}` } };
    case 'AWS::KMS::Key':
    case 'AWS::KMS::ReplicaKey':
      return { ref: name, attributes: { Arn: `arn:${p}:kms:${at}:key/${name}`, KeyId: name } };
    case 'AWS::KMS::Alias':
      return { ref: name, attributes: {} };
    case 'AWS::S3::Bucket':
      return {
        ref: name,
        attributes: {
          Arn: `arn:${p}:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
          RegionalDomainName: `${name}.s3.${env.region}.amazonaws.com`,
          DualStackDomainName: `${name}.s3.dualstack.${env.region}.amazonaws.com`,
          WebsiteURL: `http://${name}.s3-website-${env.region}.amazonaws.com`,
        },
      };
    case 'AWS::S3::BucketPolicy':
    case 'AWS::SNS::TopicPolicy':
    case 'AWS::Lambda::Permission':
      return { ref: name, attributes: {} };
    case 'AWS::CodePipeline::Pipeline':
      return { ref: name, attributes: { Version: '1' } };
    case 'AWS::CodeBuild::Project':
      return { ref: name, attributes: { Arn: `arn:${p}:codebuild:${at}:project/${name}` } };
    case 'AWS::SNS::Topic': {
      const arn = `arn:${p}:sns:${at}:${name}`;
      return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
    }
    case 'AWS::CodeCommit::Repository': {
      const arn = `arn:${p}:codecommit:${at}:${name}`;
      return {
        ref: stableUuid(arn),
        attributes: {
          Arn: arn,
          Name: name,
          CloneUrlHttp: `https://git-codecommit.${env.region}.amazonaws.com/v1/repos/${name}`,
          CloneUrlSsh: `ssh://git-codecommit.${env.region}.amazonaws.com/v1/repos/${name}`,
        },
      };
    }
    case 'AWS::CodeDeploy::Application':
    case 'AWS::CodeDeploy::DeploymentGroup':
    case 'AWS::CodeDeploy::DeploymentConfig':
      return { ref: name, attributes: {} };
    case 'AWS::Lambda::Function':
      return { ref: name, attributes: { Arn: `arn:${p}:lambda:${at}:function:${name}` } };
    case 'AWS::CloudFormation::StackSet': {
      const id = `${name}:${stableUuid(`stackset:${at}:${name}`)}`;
      return { ref: id, attributes: { StackSetId: id } };
    }
    case 'AWS::CodeStarConnections::Connection':
    case 'AWS::CodeConnections::Connection': {
      const service = input.type === 'AWS::CodeConnections::Connection' ? 'codeconnections' : 'codestar-connections';
      const arn = `arn:${p}:${service}:${at}:connection/${stableUuid(`connection:${at}:${name}`)}`;
      return { ref: arn, attributes: { ConnectionArn: arn, ConnectionStatus: 'AVAILABLE' } };
    }
    default:
      return undefined;
  }
}

/** A deterministic UUID-shaped id for a text. Pure. */
export function stableUuid(text: string): string {
  return uuidFromHashes(text, [FNV_OFFSET_BASIS, 0x12345678, 0x9abcdef0, 0x0fedcba9]);
}

/** A deterministic upper-case token of `length` characters. Pure. */
function stableToken(text: string, length: number): string {
  let out = '';
  let seed = FNV_OFFSET_BASIS;
  while (out.length < length) {
    const h = fnv1aHex(text, seed);
    out += parseInt(h, 16).toString(36).toUpperCase();
    seed = (seed + 0x9e3779b9) >>> 0;
  }
  return out.slice(0, length);
}
