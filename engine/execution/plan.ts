/**
 * Planning: the structural checks CodePipeline makes before a pipeline runs, and the plan
 * of stages, runOrder groups and actions that execution folds over. Pure.
 *
 * Structure rules follow the CodePipeline pipeline structure reference
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html)
 * and AWS::CodePipeline::Pipeline ArtifactStoreMap ("There must be an artifact store for the
 * pipeline Region and for each cross-region action in the pipeline").
 */
import { Graph, alg } from '@dagrejs/graphlib';
import { parseArn } from '../../model/arn.js';
import type { ActionDeclaration, ArtifactStore, Scenario } from '../../model/schema.js';
import { findRole, type World } from '../../model/world.js';
import type { Category, Issue } from '../types.js';

/** One action as execution sees it: where it runs and as whom. */
export interface PlannedAction {
  readonly stage: string;
  readonly stageIndex: number;
  readonly actionIndex: number;
  readonly declaration: ActionDeclaration;
  readonly provider: string;
  readonly category: string;
  /** The account the action works in: its role's account, else the pipeline's. */
  readonly account: string;
  readonly region: string;
  /** The role the action runs as (its `roleArn`, else the pipeline service role). */
  readonly roleArn: string;
  readonly runOrder: number;
}

/** The ARN of the CodeBuild project a CodeBuild action names (`ProjectName` in the action's account and Region). */
export function codeBuildProjectArn(action: Pick<PlannedAction, 'region' | 'account' | 'declaration'>): string {
  return `arn:aws:codebuild:${action.region}:${action.account}:project/${action.declaration.configuration['ProjectName'] ?? ''}`;
}

/** A group of actions with the same runOrder: they run in parallel. */
export interface PlannedGroup {
  readonly runOrder: number;
  readonly actions: readonly PlannedAction[];
}

/** A stage of the plan. */
export interface PlannedStage {
  readonly name: string;
  readonly index: number;
  readonly groups: readonly PlannedGroup[];
  readonly onFailure?: string;
}

/** The plan of one execution. */
export interface Plan {
  readonly pipelineName: string;
  readonly pipelineArn: string;
  readonly account: string;
  readonly region: string;
  readonly roleArn: string;
  readonly pipelineType: 'V1' | 'V2';
  readonly stores: Readonly<Record<string, ArtifactStore>>;
  readonly stages: readonly PlannedStage[];
  /** Which action produces each artifact (`Stage/Action`). */
  readonly producers: Readonly<Record<string, PlannedAction>>;
}

/** Plans an execution, or returns the structural issues that make CodePipeline reject it. Pure. */
export function planPipeline(scenario: Scenario, world: World): { readonly plan: Plan; readonly issues: readonly Issue[] } | { readonly plan: null; readonly issues: readonly Issue[] } {
  const issues: Issue[] = [];
  const add = (code: string, path: string, message: string, category: Category = 'STRUCTURE') => issues.push({ code, path, message, category, severity: 'error' });
  const decl = scenario.pipeline.pipeline;
  const arn = parseArn(scenario.pipeline.metadata.pipelineArn);
  const account = arn?.account ?? '';
  const region = arn?.region ?? '';
  const base = 'pipeline.pipeline';

  // Artifact stores: exactly one of artifactStore / artifactStores.
  if (decl.artifactStore && decl.artifactStores) {
    add('artifact_store_conflict', `${base}.artifactStores`, 'You must include either artifactStore or artifactStores in your pipeline, but you cannot use both');
  }
  if (!decl.artifactStore && !decl.artifactStores) {
    add('missing_artifact_store', base, 'You must include either artifactStore or artifactStores in your pipeline');
  }
  const stores: Record<string, ArtifactStore> = decl.artifactStores ? { ...decl.artifactStores } : decl.artifactStore ? { [region]: decl.artifactStore } : {};
  if (decl.artifactStores && !decl.artifactStores[region]) {
    add('missing_region_artifact_store', `${base}.artifactStores`, `There must be an artifact store for the pipeline Region: no artifact store for region \`${region}\``, 'MISSING_REGION_ARTIFACT_STORE');
  }
  // A store is an S3 bucket in its own Region: the pipeline's for artifactStore, the map key's for
  // artifactStores ("You can use any S3 bucket in the same AWS Region as the pipeline", CodePipeline
  // API ArtifactStore; AWS::CodePipeline::Pipeline ArtifactStoreMap).
  for (const [storeRegion, store] of Object.entries(stores)) {
    const bucket = world.buckets.get(store.location);
    if (bucket && bucket.region !== storeRegion) {
      const at = decl.artifactStores ? `${base}.artifactStores.${storeRegion}.location` : `${base}.artifactStore.location`;
      add('artifact_store_bucket_region', at, `The artifact store bucket \`${store.location}\` is in \`${bucket.region}\`, not in \`${storeRegion}\`: an artifact store must be an S3 bucket in the same AWS Region as the ${decl.artifactStores ? 'Region it is registered for' : 'pipeline'}`, 'MISSING_REGION_ARTIFACT_STORE');
    }
  }

  // Actions: where they run, as whom, and the per-provider shape.
  const planned: PlannedAction[][] = [];
  const stageNames = new Set<string>();
  const namespaces = new Map<string, string>();
  decl.stages.forEach((stage, si) => {
    const sPath = `${base}.stages[${si}]`;
    if (stageNames.has(stage.name)) add('duplicate_stage', `${sPath}.name`, `stage name \`${stage.name}\` is used more than once`);
    stageNames.add(stage.name);
    const actionNames = new Set<string>();
    const row: PlannedAction[] = [];
    stage.actions.forEach((action, ai) => {
      const aPath = `${sPath}.actions[${ai}]`;
      if (actionNames.has(action.name)) add('duplicate_action', `${aPath}.name`, `action name \`${action.name}\` is used more than once in stage \`${stage.name}\``);
      actionNames.add(action.name);
      if (action.namespace) {
        const other = namespaces.get(action.namespace);
        if (other) add('duplicate_namespace', `${aPath}.namespace`, `namespace \`${action.namespace}\` is already used by \`${other}\``);
        namespaces.set(action.namespace, `${stage.name}/${action.name}`);
      }
      const actionRegion = action.region ?? region;
      // CodePipeline rejects cross-Region source, third-party and custom actions
      // (https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-create-cross-region.html).
      if (actionRegion !== region && (action.actionTypeId.category === 'Source' || action.actionTypeId.owner !== 'AWS')) {
        add('unsupported_cross_region_action', `${aPath}.region`, `action \`${action.name}\` cannot run in \`${actionRegion}\`: source, third-party and custom actions must run in the pipeline Region \`${region}\``);
      }
      if (actionRegion !== region) {
        if (!decl.artifactStores) {
          add('cross_region_requires_artifact_stores', `${aPath}.region`, `If you create a cross-region action in your pipeline, you must use artifactStores: action \`${action.name}\` runs in \`${actionRegion}\``, 'MISSING_REGION_ARTIFACT_STORE');
        } else if (!decl.artifactStores[actionRegion]) {
          add('missing_region_artifact_store', `${aPath}.region`, `There must be an artifact store for each cross-region action in the pipeline: no artifact store for region \`${actionRegion}\``, 'MISSING_REGION_ARTIFACT_STORE');
        }
      }
      const roleArn = action.roleArn ?? decl.roleArn;
      const roleAccount = parseArn(roleArn)?.account ?? account;
      row.push({
        stage: stage.name,
        stageIndex: si,
        actionIndex: ai,
        declaration: action,
        provider: action.actionTypeId.provider,
        category: action.actionTypeId.category,
        account: roleAccount,
        region: actionRegion,
        roleArn,
        runOrder: action.runOrder,
      });
      checkProviderShape(action, aPath, add, scenario, world, actionRegion);
    });
    planned.push(row);
  });

  // V2-only features in a V1 pipeline.
  if (decl.pipelineType === 'V1') {
    if (decl.variables?.length) add('v2_feature_in_v1', `${base}.variables`, 'pipeline-level variables are only available for pipelines of type V2');
    if (decl.triggers?.length) add('v2_feature_in_v1', `${base}.triggers`, 'triggers are only available for pipelines of type V2');
    decl.stages.forEach((s, si) => {
      if (s.onFailure?.result === 'ROLLBACK') add('v2_feature_in_v1', `${base}.stages[${si}].onFailure`, 'stage rollback is only available for pipelines of type V2');
    });
  }

  const producers = checkArtifacts(planned, account, add, base);

  const stages: PlannedStage[] = planned.map((row, si) => {
    const orders = [...new Set(row.map((a) => a.runOrder))].sort((a, b) => a - b);
    return {
      name: decl.stages[si]!.name,
      index: si,
      groups: orders.map((o) => ({ runOrder: o, actions: row.filter((a) => a.runOrder === o) })),
      onFailure: decl.stages[si]!.onFailure?.result,
    };
  });
  const plan: Plan = { pipelineName: decl.name, pipelineArn: scenario.pipeline.metadata.pipelineArn, account, region, roleArn: decl.roleArn, pipelineType: decl.pipelineType, stores, stages, producers };
  return issues.length ? { plan: null, issues } : { plan, issues };
}

type Add = (code: string, path: string, message: string, category?: Category) => void;

/** Input/output artifact counts per provider (CodePipeline "Valid input and output artifacts for each action type"). */
const ARTIFACT_COUNTS: Readonly<Record<string, { readonly inputs: readonly [number, number]; readonly outputs: readonly [number, number] }>> = {
  'Source/S3': { inputs: [0, 0], outputs: [1, 1] },
  'Deploy/S3': { inputs: [1, 1], outputs: [0, 0] },
  'Deploy/ECS': { inputs: [1, 1], outputs: [0, 0] },
  CodeCommit: { inputs: [0, 0], outputs: [1, 1] },
  CodeStarSourceConnection: { inputs: [0, 0], outputs: [1, 1] },
  ECR: { inputs: [0, 0], outputs: [1, 1] },
  CodeBuild: { inputs: [1, 5], outputs: [0, 5] },
  CloudFormation: { inputs: [0, 10], outputs: [0, 1] },
  CloudFormationStackSet: { inputs: [1, 3], outputs: [0, 0] },
  CloudFormationStackInstances: { inputs: [0, 3], outputs: [0, 0] },
  CodeDeploy: { inputs: [1, 1], outputs: [0, 0] },
  Lambda: { inputs: [0, 5], outputs: [0, 5] },
  Manual: { inputs: [0, 0], outputs: [0, 0] },
};

/**
 * The S3 deploy action's configuration (action-reference-S3Deploy.html): `BucketName` and `Extract`
 * are required, `ObjectKey` too when `Extract` is false; the bucket must be in the action's Region.
 */
function checkS3Deploy(action: ActionDeclaration, path: string, add: Add, world: World, need: (key: string) => void, region: string): void {
  const cfg = action.configuration;
  need('BucketName');
  need('Extract');
  if (cfg['Extract'] !== undefined && !/^(true|false)$/i.test(cfg['Extract'])) add('invalid_configuration', `${path}.configuration.Extract`, `action \`${action.name}\` (S3 deploy): \`Extract\` must be true or false, got \`${cfg['Extract']}\``);
  if ((cfg['Extract'] ?? '').toLowerCase() === 'false') need('ObjectKey');
  const bucket = cfg['BucketName'] ? world.buckets.get(cfg['BucketName']) : undefined;
  if (bucket && bucket.region !== region) add('s3_deploy_bucket_region', `${path}.configuration.BucketName`, `deploy bucket \`${bucket.name}\` is in \`${bucket.region}\`, but action \`${action.name}\` runs in \`${region}\`: the S3 deploy action writes to a bucket of its own Region`);
}

/** Per-provider configuration and artifact-count checks. */
function checkProviderShape(action: ActionDeclaration, path: string, add: Add, scenario: Scenario, world: World, region: string): void {
  const provider = action.actionTypeId.provider;
  const category = action.actionTypeId.category;
  const counts = ARTIFACT_COUNTS[`${category}/${provider}`] ?? ARTIFACT_COUNTS[provider];
  if (counts) {
    const n = action.inputArtifacts.length;
    const m = action.outputArtifacts.length;
    if (n < counts.inputs[0] || n > counts.inputs[1]) add('artifact_count', `${path}.inputArtifacts`, `action \`${action.name}\` (${provider}) takes ${range(counts.inputs)} input artifacts, got ${n}`);
    if (m < counts.outputs[0] || m > counts.outputs[1]) add('artifact_count', `${path}.outputArtifacts`, `action \`${action.name}\` (${provider}) produces ${range(counts.outputs)} output artifacts, got ${m}`);
  }
  const cfg = action.configuration;
  const need = (key: string) => {
    if (!cfg[key]) add('missing_configuration', `${path}.configuration`, `action \`${action.name}\` (${provider}) needs configuration \`${key}\``);
  };
  switch (provider) {
    case 'S3': {
      if (category === 'Deploy') {
        checkS3Deploy(action, path, add, world, need, region);
        break;
      }
      need('S3Bucket');
      need('S3ObjectKey');
      const bucket = cfg['S3Bucket'] ? world.buckets.get(cfg['S3Bucket']) : undefined;
      if (cfg['S3Bucket'] && !bucket) add('unknown_bucket', `${path}.configuration.S3Bucket`, `source bucket \`${cfg['S3Bucket']}\` is not declared in \`buckets\``);
      if (bucket && bucket.versioning !== 'Enabled') add('source_bucket_not_versioned', `${path}.configuration.S3Bucket`, `the S3 source bucket \`${bucket.name}\` must have versioning enabled`);
      break;
    }
    case 'CodeCommit':
      need('RepositoryName');
      need('BranchName');
      break;
    case 'CodeStarSourceConnection':
      need('ConnectionArn');
      need('FullRepositoryId');
      need('BranchName');
      break;
    case 'CodeBuild':
      need('ProjectName');
      break;
    case 'CloudFormation':
      need('ActionMode');
      need('StackName');
      if (cfg['ActionMode'] && cfg['ActionMode'] !== 'DELETE_ONLY' && cfg['ActionMode'] !== 'CHANGE_SET_EXECUTE' && !cfg['RoleArn']) {
        add('missing_configuration', `${path}.configuration`, `action \`${action.name}\` (CloudFormation ${cfg['ActionMode']}) needs configuration \`RoleArn\``);
      }
      if (cfg['RoleArn'] && !findRole(world, cfg['RoleArn'])) add('unknown_role', `${path}.configuration.RoleArn`, `execution role \`${cfg['RoleArn']}\` is not declared in \`roles\``);
      break;
    case 'CloudFormationStackSet':
      // DeploymentTargets may be omitted for service-managed auto-deployment
      // (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-StackSets.html).
      need('StackSetName');
      need('TemplatePath');
      break;
    case 'ECS':
      need('ClusterName');
      need('ServiceName');
      break;
    case 'CodeDeploy':
      need('ApplicationName');
      need('DeploymentGroupName');
      break;
    case 'Lambda':
      need('FunctionName');
      break;
    default:
      break;
  }
  void scenario;
}

function range([lo, hi]: readonly [number, number]): string {
  return lo === hi ? `exactly ${lo}` : `${lo} to ${hi}`;
}

/**
 * Artifact rules: every input is produced by an earlier action, no artifact is produced
 * twice, no cycles, and an action in another account consumes only artifacts produced in
 * the pipeline account or by an earlier action in its own account.
 */
function checkArtifacts(stages: readonly (readonly PlannedAction[])[], pipelineAccount: string, add: Add, base: string): Record<string, PlannedAction> {
  const producers: Record<string, PlannedAction> = {};
  const graph = new Graph({ directed: true });
  const id = (a: PlannedAction) => `${a.stage}/${a.declaration.name}`;
  const all = stages.flat();
  for (const a of all) {
    graph.setNode(id(a));
    a.declaration.outputArtifacts.forEach((o, oi) => {
      const prev = producers[o.name];
      if (prev) add('duplicate_artifact', `${base}.stages[${a.stageIndex}].actions[${a.actionIndex}].outputArtifacts[${oi}].name`, `output artifact \`${o.name}\` is already produced by \`${id(prev)}\``);
      else producers[o.name] = a;
    });
  }
  for (const a of all) {
    a.declaration.inputArtifacts.forEach((i, ii) => {
      const p = producers[i.name];
      const path = `${base}.stages[${a.stageIndex}].actions[${a.actionIndex}].inputArtifacts[${ii}].name`;
      if (!p) {
        add('unknown_artifact', path, `input artifact \`${i.name}\` of \`${id(a)}\` is not produced by any action`);
        return;
      }
      graph.setEdge(id(p), id(a));
      const earlier = p.stageIndex < a.stageIndex || (p.stageIndex === a.stageIndex && p.runOrder < a.runOrder);
      if (p !== a && !earlier && graph.hasNode(id(p))) {
        add('artifact_not_yet_produced', path, `input artifact \`${i.name}\` of \`${id(a)}\` is produced by \`${id(p)}\`, which does not run before it`);
      }
      // INVARIANT: an action in another account may consume only artifacts produced in the
      // pipeline account or by an earlier action in its own account.
      if (a.account !== pipelineAccount && p.account !== pipelineAccount && p.account !== a.account) {
        add('artifact_account_boundary', path, `action \`${id(a)}\` in account \`${a.account}\` cannot consume artifact \`${i.name}\` produced in account \`${p.account}\`: only artifacts produced in the pipeline account or by an earlier action in its own account`, 'ARTIFACT_ACCOUNT_BOUNDARY');
      }
    });
  }
  // Cycles are found before any topological use of the graph (graphlib's topsort throws).
  for (const cycle of alg.findCycles(graph)) {
    add('artifact_cycle', `${base}.stages`, `artifacts form a cycle: ${cycle.map((n) => `\`${n}\``).join(' → ')}`);
  }
  return producers;
}
