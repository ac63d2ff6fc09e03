/** Pass 1 of the import: resources that stand on their own (roles, keys, buckets, projects, topics, repositories, connections, applications, functions, stacks), each type by one handler. Pure. */
import type { PolicyDocument } from '../../model/schema.js';
import { findUnresolved } from './intrinsics.js';
import { settle, settlePolicy, settleString, type Warnings } from './settle.js';
import type { Json } from './template.js';
import {
  findRoleByName,
  identityValue,
  isObject,
  json,
  policy,
  prop,
  propPath,
  roleArnOf,
  str,
  strings,
  tags,
  type Bucket,
  type CodeDeployApp,
  type Draft,
  type Key,
  type Project,
  type Res,
  type Role,
  type Topic,
} from './draft.js';

type Handler = (res: Res, draft: Draft, warnings: Warnings) => void;

/** Adds a drafted key with the properties every key resource shares (`Enabled`, `Tags`) and its origin. */
function addKey(res: Res, draft: Draft, warnings: Warnings, key: Key): void {
  const enabled = json(res, 'Enabled', warnings);
  if (enabled === false || enabled === 'false') key.enabled = false;
  const t = tags(res, warnings);
  if (t) key.tags = t;
  draft.comments.push({ path: ['keys', draft.keys.length], text: res.origin });
  draft.keys.push(key);
}

/** The handler of each resource type that stands on its own. */
export const PRIMARY: Readonly<Record<string, Handler>> = {
  'AWS::IAM::Role': (res, draft, warnings) => {
    const arn = identityValue(res, warnings, 'Arn');
    if (!arn) return;
    const trust = policy(res, 'AssumeRolePolicyDocument', warnings, `the trust policy of \`${res.logicalId}\``) ?? { Version: '2012-10-17', Statement: [] };
    const inline: Record<string, PolicyDocument> = {};
    const policies = Array.isArray(res.props['Policies']) ? res.props['Policies'] : [];
    policies.forEach((p, i) => {
      if (!isObject(p)) return;
      const name = settleString(res.stack.resolve(p['PolicyName'] as Json, propPath(res, 'Policies', i, 'PolicyName')), warnings, `inline policy ${i} of \`${res.logicalId}\` left out`);
      if (!name) return;
      const doc = settlePolicy(res.stack.resolve(p['PolicyDocument'] as Json, propPath(res, 'Policies', i, 'PolicyDocument')), warnings, `inline policy \`${name}\` of \`${res.logicalId}\``);
      if (doc) inline[name] = doc;
    });
    const role: Role = { arn, trustPolicy: trust };
    if (Object.keys(inline).length) role.inlinePolicies = inline;
    const managed = strings(res, 'ManagedPolicyArns', warnings);
    if (managed.length) role.managedPolicies = managed;
    const boundary = str(res, 'PermissionsBoundary', warnings);
    if (boundary) role.permissionsBoundary = boundary;
    const t = tags(res, warnings);
    if (t) role.tags = t;
    draft.comments.push({ path: ['roles', draft.roles.length], text: res.origin });
    draft.roleOrigins.set(role, { file: res.file, logicalId: res.logicalId });
    draft.roles.push(role);
  },
  'AWS::IAM::ManagedPolicy': (res, draft, warnings) => {
    const arn = identityValue(res, warnings);
    const document = policy(res, 'PolicyDocument', warnings, `managed policy \`${res.logicalId}\``);
    if (!arn || !document) return;
    draft.comments.push({ path: ['managedPolicies', draft.managedPolicies.length], text: res.origin });
    draft.managedPolicies.push({ arn, document });
    for (const name of strings(res, 'Roles', warnings)) {
      const role = findRoleByName(draft, res.env.account, name);
      if (role) role.managedPolicies = [...(role.managedPolicies ?? []), arn];
      else warnings.at(res.file, propPath(res, 'Roles'), 'unknown_reference', `role \`${name}\` is not in the imported templates: managed policy \`${res.logicalId}\` not attached to it`);
    }
    if (res.props['Users'] !== undefined || res.props['Groups'] !== undefined) warnings.at(res.file, propPath(res), 'not_imported', 'users and groups are not modelled: only the attachments to roles are imported');
  },
  'AWS::KMS::Key': (res, draft, warnings) => {
    const arn = identityValue(res, warnings, 'Arn');
    if (!arn) return;
    const key: Key = { arn };
    const keyPolicy = policy(res, 'KeyPolicy', warnings, `the key policy of \`${res.logicalId}\``);
    if (keyPolicy) key.policy = keyPolicy;
    else {
      // KMS gives a key created without a policy its default key policy (AWS KMS Developer Guide, "Default key policy").
      key.policy = { Version: '2012-10-17', Id: 'key-default-1', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${res.env.partition}:iam::${res.env.account}:root` }, Action: 'kms:*', Resource: '*' }] };
      draft.comments.push({ path: ['keys', draft.keys.length, 'policy'], text: 'no KeyPolicy in the template: the default key policy KMS attaches' });
    }
    const multi = json(res, 'MultiRegion', warnings);
    if (multi === true || multi === 'true') key.multiRegion = true;
    const rotation = json(res, 'EnableKeyRotation', warnings);
    if (rotation === true || rotation === 'true') key.rotation = true;
    addKey(res, draft, warnings, key);
  },
  'AWS::KMS::ReplicaKey': (res, draft, warnings) => {
    const arn = identityValue(res, warnings, 'Arn');
    const primaryArn = str(res, 'PrimaryKeyArn', warnings);
    if (!arn || !primaryArn) return;
    const key: Key = { arn, multiRegion: true, primaryArn };
    const keyPolicy = policy(res, 'KeyPolicy', warnings, `the key policy of \`${res.logicalId}\``);
    if (keyPolicy) key.policy = keyPolicy;
    addKey(res, draft, warnings, key);
  },
  'AWS::S3::Bucket': (res, draft, warnings) => {
    const name = identityValue(res, warnings);
    if (!name) return;
    const bucket: Bucket = { name, account: res.env.account, region: res.env.region };
    // Default encryption is all or nothing: a key that cannot be named must not turn into `aws/s3`.
    const encValue = prop(res, 'BucketEncryption');
    const encUnresolved = findUnresolved(encValue);
    if (encUnresolved) warnings.unresolved(encUnresolved, `default encryption of \`${res.logicalId}\` left out`);
    const enc = encUnresolved || res.props['BucketEncryption'] === undefined ? undefined : settle(encValue, warnings, 'left out');
    const rule = isObject(enc) && Array.isArray(enc['ServerSideEncryptionConfiguration']) ? enc['ServerSideEncryptionConfiguration'][0] : undefined;
    if (isObject(rule) && isObject(rule['ServerSideEncryptionByDefault'])) {
      const byDefault = rule['ServerSideEncryptionByDefault'];
      const algorithm = byDefault['SSEAlgorithm'];
      if (algorithm === 'aws:kms' || algorithm === 'AES256' || algorithm === 'aws:kms:dsse') {
        bucket.encryption = { sseAlgorithm: algorithm, ...(typeof byDefault['KMSMasterKeyID'] === 'string' ? { kmsKeyId: byDefault['KMSMasterKeyID'] } : {}), ...(rule['BucketKeyEnabled'] === true ? { bucketKeyEnabled: true } : {}) };
      }
    }
    const versioning = json(res, 'VersioningConfiguration', warnings);
    if (isObject(versioning) && (versioning['Status'] === 'Enabled' || versioning['Status'] === 'Suspended')) bucket.versioning = versioning['Status'];
    const ownership = json(res, 'OwnershipControls', warnings);
    const ownershipRule = isObject(ownership) && Array.isArray(ownership['Rules']) ? ownership['Rules'][0] : undefined;
    if (isObject(ownershipRule) && typeof ownershipRule['ObjectOwnership'] === 'string') bucket.objectOwnership = ownershipRule['ObjectOwnership'] as Bucket['objectOwnership'];
    const pab = json(res, 'PublicAccessBlockConfiguration', warnings);
    if (isObject(pab)) {
      // PutPublicAccessBlock: a setting left out is false.
      const flag = (k: string) => pab[k] === true || pab[k] === 'true';
      bucket.publicAccessBlock = { BlockPublicAcls: flag('BlockPublicAcls'), IgnorePublicAcls: flag('IgnorePublicAcls'), BlockPublicPolicy: flag('BlockPublicPolicy'), RestrictPublicBuckets: flag('RestrictPublicBuckets') };
    }
    const t = tags(res, warnings);
    if (t) bucket.tags = t;
    draft.comments.push({ path: ['buckets', draft.buckets.length], text: res.origin });
    draft.buckets.push(bucket);
  },
  'AWS::CodeBuild::Project': (res, draft, warnings) => {
    const arn = identityValue(res, warnings, 'Arn');
    const role = str(res, 'ServiceRole', warnings);
    if (!arn) return;
    if (!role) {
      warnings.at(res.file, propPath(res, 'ServiceRole'), 'unresolved_intrinsic', `project \`${res.logicalId}\` has no service role: left out`);
      return;
    }
    const project: Project = { arn, serviceRole: roleArnOf(res, role) };
    const key = str(res, 'EncryptionKey', warnings);
    if (key) project.encryptionKey = key;
    draft.comments.push({ path: ['codeBuildProjects', draft.codeBuildProjects.length], text: res.origin });
    draft.codeBuildProjects.push(project);
  },
  'AWS::SNS::Topic': (res, draft, warnings) => {
    const arn = identityValue(res, warnings);
    if (!arn) return;
    const topic: Topic = { arn };
    const key = str(res, 'KmsMasterKeyId', warnings);
    if (key) topic.kmsMasterKeyId = key;
    draft.comments.push({ path: ['snsTopics', draft.snsTopics.length], text: res.origin });
    draft.snsTopics.push(topic);
  },
  'AWS::CodeCommit::Repository': (res, draft, warnings) => {
    const arn = identityValue(res, warnings, 'Arn');
    if (!arn) return;
    draft.comments.push({ path: ['codeCommitRepositories', draft.codeCommitRepositories.length], text: res.origin });
    draft.codeCommitRepositories.push({ arn });
  },
  'AWS::CodeStarConnections::Connection': connection,
  'AWS::CodeConnections::Connection': connection,
  'AWS::CodeDeploy::Application': (res, draft, warnings) => {
    const name = identityValue(res, warnings);
    if (!name) return;
    const platform = str(res, 'ComputePlatform', warnings);
    const app: CodeDeployApp = { name, account: res.env.account, region: res.env.region };
    if (platform === 'Server' || platform === 'ECS' || platform === 'Lambda') app.computePlatform = platform;
    draft.comments.push({ path: ['codeDeployApplications', draft.codeDeployApplications.length], text: res.origin });
    draft.codeDeployApplications.push(app);
  },
  'AWS::Lambda::Function': (res, draft, warnings) => {
    const arn = identityValue(res, warnings, 'Arn');
    const role = str(res, 'Role', warnings);
    if (!arn || !role) return;
    draft.comments.push({ path: ['lambdaFunctions', draft.lambdaFunctions.length], text: res.origin });
    draft.lambdaFunctions.push({ arn, role });
  },
  'AWS::CloudFormation::StackSet': (res, draft, warnings) => {
    const name = str(res, 'StackSetName', warnings) ?? identityValue(res, warnings);
    if (!name) return;
    const groups = json(res, 'StackInstancesGroup', warnings);
    (Array.isArray(groups) ? groups : []).forEach((group, i) => {
      if (!isObject(group)) return;
      const targets = isObject(group['DeploymentTargets']) ? group['DeploymentTargets'] : {};
      const accounts = Array.isArray(targets['Accounts']) ? targets['Accounts'].filter((a): a is string => typeof a === 'string') : [];
      const regions = Array.isArray(group['Regions']) ? group['Regions'].filter((r): r is string => typeof r === 'string') : [];
      if (Array.isArray(targets['OrganizationalUnitIds']) && targets['OrganizationalUnitIds'].length > 0) {
        warnings.at(res.file, propPath(res, 'StackInstancesGroup', i, 'DeploymentTargets', 'OrganizationalUnitIds'), 'not_imported', 'stack instances in organizational units need the organization\'s accounts: add them to `stacks` by hand');
      }
      for (const account of accounts) {
        for (const region of regions) {
          draft.comments.push({ path: ['stacks', draft.stacks.length], text: `${res.origin}: stack instance` });
          draft.stacks.push({ name, account, region, exists: true });
        }
      }
    });
  },
};

function connection(res: Res, draft: Draft, warnings: Warnings): void {
  const arn = identityValue(res, warnings);
  if (!arn) return;
  const provider = str(res, 'ProviderType', warnings);
  warnings.at(res.file, ['Resources', res.logicalId], 'connection_pending', 'a connection CloudFormation creates stays PENDING until its handshake is completed in the console: imported as AVAILABLE');
  draft.comments.push({ path: ['connections', draft.connections.length], text: `${res.origin}: AVAILABLE once the handshake is done` });
  draft.connections.push({ arn, status: 'AVAILABLE', ...(provider ? { providerType: provider } : {}) });
}
