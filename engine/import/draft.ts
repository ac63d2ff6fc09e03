/** What the import's passes share: the public shapes of an import, the scenario drafted list by list, one resource with its resolver, and the readers of its properties (each unresolved value a located warning). Pure. */
import type { LocatedIssue } from '../../model/issues.js';
import type { PathSegment } from '../../model/path.js';
import type { PolicyDocument, ScenarioInput } from '../../model/schema.js';
import { isUnresolved, type StackResolver, type Value } from './intrinsics.js';
import type { StackEnv } from './names.js';
import { settle, settlePolicy, settleString, type Warnings } from './settle.js';
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

/** One item of a scenario list, as the import drafts it. */
export type Role = NonNullable<ScenarioInput['roles']>[number];
export type Key = NonNullable<ScenarioInput['keys']>[number];
export type Bucket = NonNullable<ScenarioInput['buckets']>[number];
export type Project = NonNullable<ScenarioInput['codeBuildProjects']>[number];
export type Topic = NonNullable<ScenarioInput['snsTopics']>[number];
export type Repository = NonNullable<ScenarioInput['codeCommitRepositories']>[number];
export type Connection = NonNullable<ScenarioInput['connections']>[number];
export type CodeDeployApp = NonNullable<ScenarioInput['codeDeployApplications']>[number];
type LambdaFunction = NonNullable<ScenarioInput['lambdaFunctions']>[number];
type Stack = NonNullable<ScenarioInput['stacks']>[number];
export type ManagedPolicy = NonNullable<ScenarioInput['managedPolicies']>[number];

/** Resource types that have no counterpart in a scenario and are skipped without a warning. */
export const SILENT_TYPES = new Set(['AWS::CDK::Metadata', 'AWS::CodeDeploy::DeploymentConfig', 'AWS::CloudFormation::WaitConditionHandle']);

/** Whether a value is a JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Mutable drafts of the scenario's lists, with the origin comment of each item. */
export interface Draft {
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
export interface Res {
  readonly stack: StackResolver;
  readonly env: StackEnv;
  readonly file: string;
  readonly logicalId: string;
  readonly type: string;
  readonly props: JsonObject;
  readonly origin: string;
}

/** The template path of a property of a resource. */
export const propPath = (res: Res, ...rest: PathSegment[]): PathSegment[] => ['Resources', res.logicalId, 'Properties', ...rest];

/** A property resolved (not yet settled). */
export function prop(res: Res, name: string): Value {
  return res.stack.resolve(res.props[name], propPath(res, name));
}

/** A property as a string, or undefined (reported when unresolved). */
export function str(res: Res, name: string, warnings: Warnings, what = `\`${name}\` of \`${res.logicalId}\``): string | undefined {
  if (res.props[name] === undefined) return undefined;
  return settleString(prop(res, name), warnings, `${what} left out`);
}

/** A property as plain JSON, with unresolved parts left out (and reported). */
export function json(res: Res, name: string, warnings: Warnings): Json | undefined {
  if (res.props[name] === undefined) return undefined;
  return settle(prop(res, name), warnings, `left out of \`${name}\` of \`${res.logicalId}\``);
}

/** A list property of strings. */
export function strings(res: Res, name: string, warnings: Warnings): string[] {
  const v = json(res, name, warnings);
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.filter((x): x is string => typeof x === 'string');
}

/** The resource's identity attribute (`Arn`…) or `Ref`, or undefined (reported). */
export function identityValue(res: Res, warnings: Warnings, attribute?: string): string | undefined {
  const id = res.stack.identity(res.logicalId);
  if (isUnresolved(id)) {
    warnings.unresolved(id, `\`${res.logicalId}\` left out`);
    return undefined;
  }
  return attribute ? id.attributes[attribute] : id.ref;
}

/** `[{ Key, Value }]` tags as a map. */
export function tags(res: Res, warnings: Warnings, name = 'Tags'): Record<string, string> | undefined {
  const v = json(res, name, warnings);
  if (Array.isArray(v)) {
    const out: Record<string, string> = {};
    for (const t of v) if (isObject(t) && typeof t['Key'] === 'string') out[t['Key']] = String(t['Value'] ?? '');
    return Object.keys(out).length ? out : undefined;
  }
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  return undefined;
}

/** A policy document property, resolved and settled (unresolved parts dropped with a warning). */
export function policy(res: Res, name: string, warnings: Warnings, what: string): PolicyDocument | undefined {
  if (res.props[name] === undefined) return undefined;
  return settlePolicy(prop(res, name), warnings, what);
}

/** A role given by name or ARN, as an ARN in the stack's account. */
export function roleArnOf(res: Res, value: string): string {
  return value.startsWith('arn:') ? value : `arn:${res.env.partition}:iam::${res.env.account}:role/${value}`;
}

/** The last `/` segment of an ARN (a role's name). */
const lastSegment = (arn: string): string => arn.split('/').pop() ?? arn;
/** The account of an ARN, when it has one. */
const arnAccount = (arn: string): string | undefined => /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];

/** A drafted role by ARN, or by name in an account (IAM compares role names without case). */
export function findRoleByName(draft: Draft, account: string, nameOrArn: string): Role | undefined {
  if (nameOrArn.startsWith('arn:')) return draft.roles.find((r) => r.arn.toLowerCase() === nameOrArn.toLowerCase());
  return draft.roles.find((r) => arnAccount(r.arn) === account && lastSegment(r.arn).toLowerCase() === nameOrArn.toLowerCase());
}
