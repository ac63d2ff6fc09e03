/** Pass 2 of the import: resources that attach to others (policies to roles, bucket and key policies, aliases, replica keys, permissions, subscriptions). Pure. */
import type { PolicyDocument } from '../../model/schema.js';
import type { Warnings } from './settle.js';
import {
  findRoleByName,
  identityValue,
  isObject,
  json,
  policy,
  propPath,
  str,
  strings,
  type CodeDeployApp,
  type Draft,
  type Res,
  type Role,
} from './draft.js';

/** Resource types handled in pass 2, after every resource they attach to exists. */
export const SECONDARY = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::RolePolicy',
  'AWS::KMS::Alias',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::Lambda::Permission',
]);

function addInline(draft: Draft, role: Role, name: string, doc: PolicyDocument, origin: string): void {
  const inline = { ...(role.inlinePolicies ?? {}) };
  let key = name;
  for (let n = 2; key in inline; n += 1) key = `${name}-${n}`;
  inline[key] = doc;
  role.inlinePolicies = inline;
  draft.comments.push({ path: ['roles', draft.roles.indexOf(role), 'inlinePolicies', key], text: origin });
}

/** Attaches one pass-2 resource to what it names (a warning when that is not in the import). */
export function attach(res: Res, draft: Draft, warnings: Warnings): void {
  switch (res.type) {
    case 'AWS::IAM::Policy': {
      const name = str(res, 'PolicyName', warnings) ?? res.logicalId;
      const doc = policy(res, 'PolicyDocument', warnings, `policy \`${res.logicalId}\``);
      if (!doc) return;
      const roles = strings(res, 'Roles', warnings);
      if (roles.length === 0) warnings.at(res.file, propPath(res), 'not_imported', `policy \`${res.logicalId}\` is attached to no role: users and groups are not modelled`);
      for (const roleName of roles) {
        const role = findRoleByName(draft, res.env.account, roleName);
        if (role) addInline(draft, role, name, doc, res.origin);
        else warnings.at(res.file, propPath(res, 'Roles'), 'unknown_reference', `role \`${roleName}\` of account ${res.env.account} is not in the imported templates: policy \`${res.logicalId}\` not attached to it`);
      }
      return;
    }
    case 'AWS::IAM::RolePolicy': {
      const name = str(res, 'PolicyName', warnings) ?? res.logicalId;
      const roleName = str(res, 'RoleName', warnings);
      const doc = policy(res, 'PolicyDocument', warnings, `policy \`${res.logicalId}\``);
      if (!doc || !roleName) return;
      const role = findRoleByName(draft, res.env.account, roleName);
      if (role) addInline(draft, role, name, doc, res.origin);
      else warnings.at(res.file, propPath(res, 'RoleName'), 'unknown_reference', `role \`${roleName}\` is not in the imported templates: policy \`${res.logicalId}\` not attached`);
      return;
    }
    case 'AWS::KMS::Alias': {
      const alias = str(res, 'AliasName', warnings);
      const target = str(res, 'TargetKeyId', warnings);
      if (!alias || !target) return;
      const key = draft.keys.find((k) => (target.startsWith('arn:') ? k.arn === target : k.arn === `arn:${res.env.partition}:kms:${res.env.region}:${res.env.account}:key/${target}`));
      if (!key) {
        warnings.at(res.file, propPath(res, 'TargetKeyId'), 'unknown_reference', `key \`${target}\` is not in the imported templates: alias \`${alias}\` left out`);
        return;
      }
      const keyArn = key.arn;
      if (!keyArn.includes(`:kms:${res.env.region}:${res.env.account}:`)) {
        warnings.at(res.file, propPath(res, 'TargetKeyId'), 'unknown_reference', `alias \`${alias}\` is in ${res.env.account}/${res.env.region} but its key is not: left out (an alias names a key of its own account and region)`);
        return;
      }
      draft.comments.push({ path: ['keys', draft.keys.indexOf(key), 'aliases', (key.aliases ?? []).length], text: res.origin });
      key.aliases = [...(key.aliases ?? []), alias];
      return;
    }
    case 'AWS::S3::BucketPolicy': {
      const bucketName = str(res, 'Bucket', warnings);
      const doc = policy(res, 'PolicyDocument', warnings, `bucket policy \`${res.logicalId}\``);
      if (!bucketName || !doc) return;
      const bucket = draft.buckets.find((b) => b.name === bucketName);
      if (!bucket) {
        warnings.at(res.file, propPath(res, 'Bucket'), 'unknown_reference', `bucket \`${bucketName}\` is not in the imported templates: its policy left out`);
        return;
      }
      if (bucket.policy) warnings.at(res.file, ['Resources', res.logicalId], 'policy_replaced', `bucket \`${bucketName}\` has more than one bucket policy: the last one imported wins, as in S3`);
      bucket.policy = doc;
      draft.comments.push({ path: ['buckets', draft.buckets.indexOf(bucket), 'policy'], text: res.origin });
      return;
    }
    case 'AWS::SNS::TopicPolicy': {
      const doc = policy(res, 'PolicyDocument', warnings, `topic policy \`${res.logicalId}\``);
      if (!doc) return;
      for (const arn of strings(res, 'Topics', warnings)) {
        const topic = draft.snsTopics.find((t) => t.arn === arn);
        if (!topic) {
          warnings.at(res.file, propPath(res, 'Topics'), 'unknown_reference', `topic \`${arn}\` is not in the imported templates: its policy left out`);
          continue;
        }
        topic.policy = doc;
        draft.comments.push({ path: ['snsTopics', draft.snsTopics.indexOf(topic), 'policy'], text: res.origin });
      }
      return;
    }
    case 'AWS::CodeDeploy::DeploymentGroup': {
      const appName = str(res, 'ApplicationName', warnings);
      const name = identityValue(res, warnings);
      const role = str(res, 'ServiceRoleArn', warnings);
      if (!appName || !name || !role) return;
      const app = draft.codeDeployApplications.find((a) => a.name === appName && a.account === res.env.account && a.region === res.env.region);
      if (!app) {
        warnings.at(res.file, propPath(res, 'ApplicationName'), 'unknown_reference', `application \`${appName}\` is not in the imported templates: deployment group \`${name}\` left out`);
        return;
      }
      const group: NonNullable<CodeDeployApp['deploymentGroups']>[number] = { name, serviceRole: role };
      const rollback = json(res, 'AutoRollbackConfiguration', warnings);
      if (isObject(rollback)) {
        group.autoRollback = { enabled: rollback['Enabled'] === true || rollback['Enabled'] === 'true', ...(Array.isArray(rollback['Events']) ? { events: rollback['Events'].map(String) } : {}) };
      }
      draft.comments.push({ path: ['codeDeployApplications', draft.codeDeployApplications.indexOf(app), 'deploymentGroups', (app.deploymentGroups ?? []).length], text: res.origin });
      app.deploymentGroups = [...(app.deploymentGroups ?? []), group];
      return;
    }
    case 'AWS::Lambda::Permission': {
      const fnRef = str(res, 'FunctionName', warnings);
      const action = str(res, 'Action', warnings);
      const principal = str(res, 'Principal', warnings);
      if (!fnRef || !action || !principal) return;
      const fn = draft.lambdaFunctions.find((f) => f.arn === fnRef || f.arn.endsWith(`:function:${fnRef}`) && f.arn.includes(`:${res.env.region}:${res.env.account}:`));
      if (!fn) {
        warnings.at(res.file, propPath(res, 'FunctionName'), 'unknown_reference', `function \`${fnRef}\` is not in the imported templates: permission \`${res.logicalId}\` left out`);
        return;
      }
      const condition: Record<string, Record<string, string>> = {};
      const sourceArn = str(res, 'SourceArn', warnings);
      const sourceAccount = str(res, 'SourceAccount', warnings);
      if (sourceArn) condition['ArnLike'] = { 'AWS:SourceArn': sourceArn };
      if (sourceAccount) condition['StringEquals'] = { 'AWS:SourceAccount': sourceAccount };
      const statement = {
        Sid: res.logicalId,
        Effect: 'Allow',
        Principal: (principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal }) as Record<string, string>,
        Action: action,
        Resource: fn.arn,
        ...(Object.keys(condition).length ? { Condition: condition } : {}),
      };
      const existing = fn.policy ? (Array.isArray(fn.policy.Statement) ? fn.policy.Statement : [fn.policy.Statement]) : [];
      fn.policy = { Version: '2012-10-17', Statement: [...existing, statement] };
      draft.comments.push({ path: ['lambdaFunctions', draft.lambdaFunctions.indexOf(fn), 'policy', 'Statement', existing.length], text: res.origin });
      return;
    }
    default:
      return;
  }
}
