/**
 * Authoring kit of the drill bank (scenarios/drills/): read a bundled scenario as written, find
 * its roles, statements, keys, buckets and actions, write JSON Patch operations against it, and
 * re-skin it (account ids, account and role names, application, Regions, people, key ids) so
 * that no two drills look alike. Used by test/drill-bank/build.ts; not shipped.
 *
 * Documents here are the scenario as written (YAML parsed to plain data, without the schema's
 * defaults), typed loosely on purpose: this is authoring code that edits documents by path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

/** A scenario document as written (plain YAML data). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

/** One JSON Patch operation. */
export type Op = { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown } | { readonly op: 'remove'; readonly path: string } | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

/** Reads a bundled scenario as written. */
export function readBase(id: string): Doc {
  return parse(readFileSync(join(ROOT, 'scenarios', `${id}.yaml`), 'utf8')) as Doc;
}

/** A deep copy of plain data. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

// ---------------------------------------------------------------------------
// Patch operations and pointers
// ---------------------------------------------------------------------------

/** `add`. */
export const add = (path: string, value: unknown): Op => ({ op: 'add', path, value });
/** `replace`. */
export const replace = (path: string, value: unknown): Op => ({ op: 'replace', path, value });
/** `remove`. */
export const remove = (path: string): Op => ({ op: 'remove', path });
/** `move`. */
export const move = (from: string, path: string): Op => ({ op: 'move', from, path });

/** A JSON Pointer from segments. */
export function ptr(...segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

// ---------------------------------------------------------------------------
// Finding things in a document
// ---------------------------------------------------------------------------

const must = <T>(value: T | undefined, what: string): T => {
  if (value === undefined || (typeof value === 'number' && value < 0)) throw new Error(`authoring: ${what} not found`);
  return value;
};

/** Index of the role whose name (last ARN segment) is `name`. */
export function roleIndex(doc: Doc, name: string): number {
  return must((doc.roles as Doc[]).findIndex((r) => String(r.arn).split('/').pop() === name), `role ${name}`);
}

/** The role named `name`. */
export function role(doc: Doc, name: string): Doc {
  return doc.roles[roleIndex(doc, name)];
}

/** The ARN of the role named `name`. */
export function roleArn(doc: Doc, name: string): string {
  return role(doc, name).arn as string;
}

/** The statements of a policy document as a list. */
export function statements(policy: Doc): Doc[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

/** Index of the statement with `Sid` in a policy document. */
export function sidIndex(policy: Doc, sid: string): number {
  return must(statements(policy).findIndex((s) => s.Sid === sid), `statement ${sid}`);
}

/** Pointer to a role's inline policy (the only one, or the named one). */
export function inlinePtr(doc: Doc, roleName: string, policyName?: string): { readonly path: string; readonly policy: Doc; readonly name: string } {
  const i = roleIndex(doc, roleName);
  const policies = doc.roles[i].inlinePolicies ?? {};
  const name = policyName ?? must(Object.keys(policies)[0], `inline policy of ${roleName}`);
  return { path: ptr('roles', i, 'inlinePolicies', name), policy: must(policies[name], `inline policy ${name} of ${roleName}`), name };
}

/** Pointer to a statement (by Sid) of a role's inline policy. */
export function inlineStatementPtr(doc: Doc, roleName: string, sid: string, policyName?: string): string {
  const p = inlinePtr(doc, roleName, policyName);
  return `${p.path}/Statement/${sidIndex(p.policy, sid)}`;
}

/** Index of the first key matching a predicate. */
export function keyIndex(doc: Doc, test: (key: Doc) => boolean, what = 'key'): number {
  return must((doc.keys as Doc[]).findIndex(test), what);
}

/** Index of the key whose ARN is in `region` (and, optionally, whose ARN contains `id`). */
export function keyIn(doc: Doc, region: string, id?: string): number {
  return keyIndex(doc, (k) => String(k.arn).split(':')[3] === region && (id === undefined || String(k.arn).includes(id)), `key in ${region}`);
}

/** Index of the bucket whose name is or contains `name`. */
export function bucketIndex(doc: Doc, name: string): number {
  const buckets = doc.buckets as Doc[];
  const exact = buckets.findIndex((b) => b.name === name);
  return must(exact >= 0 ? exact : buckets.findIndex((b) => String(b.name).includes(name)), `bucket ${name}`);
}

/** Index of a stage by name. */
export function stageIndex(doc: Doc, name: string): number {
  return must((doc.pipeline.pipeline.stages as Doc[]).findIndex((s) => s.name === name), `stage ${name}`);
}

/** Pointer to an action (`Stage`, `Action`) of the declaration. */
export function actionPtr(doc: Doc, stage: string, action: string): string {
  const si = stageIndex(doc, stage);
  const ai = must((doc.pipeline.pipeline.stages[si].actions as Doc[]).findIndex((a) => a.name === action), `action ${stage}/${action}`);
  return ptr('pipeline', 'pipeline', 'stages', si, 'actions', ai);
}

/** The action (`Stage`, `Action`) of the declaration. */
export function action(doc: Doc, stage: string, name: string): Doc {
  const si = stageIndex(doc, stage);
  return must((doc.pipeline.pipeline.stages[si].actions as Doc[]).find((a) => a.name === name), `action ${stage}/${name}`);
}

/** Every string in a document rewritten by `f` (keys too). */
export function mapStrings(value: Doc, f: (s: string) => string): Doc {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)]));
  return value;
}

// ---------------------------------------------------------------------------
// Skins: each drill is re-dressed so answers cannot be guessed from surface patterns
// ---------------------------------------------------------------------------

/** Base account ids and names of the bundled scenarios. */
const BASE_ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'] as const;
/** Base Regions (all four must map to distinct Regions). */
const BASE_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'] as const;
/** Base role names that get a skin-specific name. */
const BASE_ROLES = [
  'PipelineServiceRole',
  'CodeBuildServiceRole',
  'CodeBuildTestRole',
  'ReleaseManager',
  'DevDeployRole',
  'DevCfnExecutionRole',
  'StagingDeployRole',
  'StagingDeployRoleEuWest1',
  'StagingCfnExecutionRole',
  'ProdDeployRole',
  'ProdCfnExecutionRole',
  'Developer',
  'CodeCommitSourceActionRole',
] as const;
/** Base KMS key ids. */
const BASE_KEY_IDS = ['1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03', 'mrk-8f2c6a1e4b7d4e0f9a3c5b1d2e6f7a80', '3b6d2f8a-0c4e-4a1b-9d7f-5e6a7b8c9d0e', '5e8f3a2b-91c4-4d6e-8f1a-2b3c4d5e6f70', '7a9e4c21-5b3d-4f8e-a6c0-1d2e3f4a5b6c', 'c0ffee00-1111-4222-8333-444455556666'] as const;

/** How one drill is dressed. */
export interface Skin {
  readonly app: string;
  readonly accounts: readonly [string, string, string, string, string];
  readonly accountNames: Readonly<Record<string, string>>;
  readonly regions: readonly [string, string, string, string];
  readonly style: 0 | 1 | 2;
  readonly people: readonly [string, string];
  readonly domain: string;
  readonly vpce: string;
  readonly ip: string;
  readonly org: string;
}

/** The skins (drill n uses skin n mod length, unless it names one). */
export const SKINS: readonly Skin[] = [
  { app: 'payments', accounts: ['270315846932', '381924657013', '492805317746', '603716428859', '714627539960'], accountNames: { tooling: 'shared-cicd', dev: 'payments-dev', staging: 'payments-stage', prod: 'payments-prod', source: 'payments-src', notifications: 'notify-hub' }, regions: ['us-west-2', 'eu-central-1', 'us-east-2', 'ap-northeast-1'], style: 0, people: ['akira.tanaka', 'jonas.berg'], domain: 'payments.example.net', vpce: 'vpce-07c1d2e3f4a5b6c7d', ip: '203.0.113.77', org: 'o-p4ym3nts01' },
  { app: 'ledger', accounts: ['829104736251', '930215847362', '041326958473', '152437069584', '263548170695'], accountNames: { tooling: 'build-tools', dev: 'ledger-development', staging: 'ledger-preprod', prod: 'ledger-production', source: 'ledger-code', notifications: 'alerts' }, regions: ['eu-west-1', 'us-east-1', 'eu-north-1', 'ap-south-1'], style: 1, people: ['priya.nair', 'tom.okafor'], domain: 'ledger.example.org', vpce: 'vpce-0d9e8f7a6b5c4d3e2', ip: '198.51.100.140', org: 'o-l3dg3r0002' },
  { app: 'orders', accounts: ['356789012345', '467890123456', '578901234567', '689012345678', '790123456789'], accountNames: { tooling: 'delivery', dev: 'orders-sandbox', staging: 'orders-qa', prod: 'orders-prod', source: 'orders-repos', notifications: 'comms' }, regions: ['ap-southeast-2', 'ap-southeast-1', 'us-west-2', 'eu-west-2'], style: 2, people: ['chloe.martin', 'diego.ruiz'], domain: 'orders.example.com', vpce: 'vpce-0aa11bb22cc33dd44', ip: '192.0.2.201', org: 'o-0rd3rs0003' },
  { app: 'inventory', accounts: ['612093847561', '723104958672', '834215069783', '945326170894', '056437281905'], accountNames: { tooling: 'platform-tooling', dev: 'inventory-dev', staging: 'inventory-staging', prod: 'inventory-prd', source: 'inventory-src', notifications: 'notifications' }, regions: ['us-east-2', 'us-west-2', 'ca-central-1', 'eu-west-3'], style: 0, people: ['noor.haddad', 'erik.lund'], domain: 'inventory.example.io', vpce: 'vpce-0f1e2d3c4b5a69788', ip: '203.0.113.15', org: 'o-1nv3nt0004' },
  { app: 'claims', accounts: ['184736291045', '295847302156', '306958413267', '417069524378', '528170635489'], accountNames: { tooling: 'ci', dev: 'claims-dev', staging: 'claims-uat', prod: 'claims-prod', source: 'claims-git', notifications: 'paging' }, regions: ['eu-central-1', 'eu-west-1', 'eu-south-1', 'me-central-1'], style: 1, people: ['sofia.rossi', 'kwame.mensah'], domain: 'claims.example.net', vpce: 'vpce-012ab34cd56ef7890', ip: '198.51.100.9', org: 'o-cl41ms0005' },
  { app: 'search', accounts: ['739201846573', '840312957684', '951423068795', '062534179806', '173645280917'], accountNames: { tooling: 'devops', dev: 'search-dev', staging: 'search-stg', prod: 'search-production', source: 'search-vcs', notifications: 'chatops' }, regions: ['us-west-1', 'us-east-1', 'sa-east-1', 'ap-northeast-2'], style: 2, people: ['lucas.silva', 'hana.kim'], domain: 'search.example.com', vpce: 'vpce-0c0ffee0c0ffee012', ip: '192.0.2.48', org: 'o-s34rch0006' },
  { app: 'billing', accounts: ['405918273645', '516029384756', '627130495867', '738241506978', '849352617089'], accountNames: { tooling: 'pipelines', dev: 'billing-dev', staging: 'billing-staging', prod: 'billing-prod', source: 'billing-source', notifications: 'ops-notify' }, regions: ['ca-central-1', 'us-east-1', 'eu-west-1', 'us-west-2'], style: 0, people: ['olivia.brown', 'mateo.garcia'], domain: 'billing.example.org', vpce: 'vpce-0b1c2d3e4f5a6b7c8', ip: '203.0.113.210', org: 'o-b1ll1ng007' },
  { app: 'catalog', accounts: ['918273645019', '029384756120', '130495867231', '241506978342', '352617089453'], accountNames: { tooling: 'tooling-hub', dev: 'catalog-dev', staging: 'catalog-pre', prod: 'catalog-prod', source: 'catalog-repo', notifications: 'notify' }, regions: ['eu-west-2', 'eu-west-3', 'eu-north-1', 'us-east-1'], style: 1, people: ['amelie.dubois', 'raj.patel'], domain: 'catalog.example.io', vpce: 'vpce-0e9d8c7b6a5f4e3d2', ip: '198.51.100.61', org: 'o-c4t4l0g008' },
  { app: 'identity', accounts: ['563829104756', '674930215867', '785041326978', '896152437089', '907263548190'], accountNames: { tooling: 'cicd', dev: 'identity-dev', staging: 'identity-staging', prod: 'identity-prod', source: 'identity-code', notifications: 'sns-hub' }, regions: ['ap-northeast-1', 'ap-northeast-3', 'ap-southeast-1', 'us-west-2'], style: 2, people: ['yuki.sato', 'marta.nowak'], domain: 'identity.example.net', vpce: 'vpce-01f2e3d4c5b6a7980', ip: '192.0.2.133', org: 'o-1d3nt1ty09' },
  { app: 'shipping', accounts: ['281736450918', '392847561029', '403958672130', '514069783241', '625170894352'], accountNames: { tooling: 'release-eng', dev: 'shipping-dev', staging: 'shipping-staging', prod: 'shipping-prod', source: 'shipping-src', notifications: 'events' }, regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'], style: 0, people: ['grace.obi', 'felix.wagner'], domain: 'shipping.example.com', vpce: 'vpce-0123456789abcdef0', ip: '203.0.113.98', org: 'o-sh1pp1ng10' },
  { app: 'profile', accounts: ['649382017564', '750493128675', '861504239786', '972615340897', '083726451908'], accountNames: { tooling: 'automation', dev: 'profile-dev', staging: 'profile-test', prod: 'profile-prod', source: 'profile-git', notifications: 'notifier' }, regions: ['eu-north-1', 'eu-central-1', 'eu-west-1', 'us-east-2'], style: 1, people: ['ingrid.holm', 'samir.aziz'], domain: 'profile.example.org', vpce: 'vpce-0fedcba9876543210', ip: '198.51.100.203', org: 'o-pr0f1l3011' },
  { app: 'quotes', accounts: ['527364819023', '638475920134', '749586031245', '850697142356', '961708253467'], accountNames: { tooling: 'cicd-central', dev: 'quotes-dev', staging: 'quotes-staging', prod: 'quotes-prod', source: 'quotes-code', notifications: 'broadcast' }, regions: ['ap-south-1', 'ap-southeast-1', 'eu-central-1', 'us-east-1'], style: 2, people: ['arjun.mehta', 'leila.karimi'], domain: 'quotes.example.io', vpce: 'vpce-0a9b8c7d6e5f40312', ip: '192.0.2.77', org: 'o-qu0t3s0012' },
];

/** Role names in a skin's style. */
function roleNames(skin: Skin): Readonly<Record<(typeof BASE_ROLES)[number], string>> {
  const App = skin.app.charAt(0).toUpperCase() + skin.app.slice(1);
  switch (skin.style) {
    case 0:
      return {
        PipelineServiceRole: `${App}PipelineRole`,
        CodeBuildServiceRole: `${App}BuildRole`,
        CodeBuildTestRole: `${App}TestRole`,
        ReleaseManager: 'ReleaseApprover',
        DevDeployRole: `${App}DevDeployer`,
        DevCfnExecutionRole: `${App}DevCfnExecution`,
        StagingDeployRole: `${App}StagingDeployer`,
        StagingDeployRoleEuWest1: `${App}StagingDeployerSecondary`,
        StagingCfnExecutionRole: `${App}StagingCfnExecution`,
        ProdDeployRole: `${App}ProdDeployer`,
        ProdCfnExecutionRole: `${App}ProdCfnExecution`,
        Developer: `${App}Engineer`,
        CodeCommitSourceActionRole: `${App}SourceReader`,
      };
    case 1:
      return {
        PipelineServiceRole: `codepipeline-${skin.app}-service`,
        CodeBuildServiceRole: `codebuild-${skin.app}-service`,
        CodeBuildTestRole: `codebuild-${skin.app}-tests`,
        ReleaseManager: 'release-manager',
        DevDeployRole: `${skin.app}-dev-deploy-action`,
        DevCfnExecutionRole: `${skin.app}-dev-cfn-exec`,
        StagingDeployRole: `${skin.app}-staging-deploy-action`,
        StagingDeployRoleEuWest1: `${skin.app}-staging-deploy-action-2`,
        StagingCfnExecutionRole: `${skin.app}-staging-cfn-exec`,
        ProdDeployRole: `${skin.app}-prod-deploy-action`,
        ProdCfnExecutionRole: `${skin.app}-prod-cfn-exec`,
        Developer: 'developer',
        CodeCommitSourceActionRole: `${skin.app}-source-action`,
      };
    case 2:
      return {
        PipelineServiceRole: 'PipelineOrchestrator',
        CodeBuildServiceRole: 'BuildRunner',
        CodeBuildTestRole: 'TestRunner',
        ReleaseManager: 'ChangeApprover',
        DevDeployRole: 'DevTargetDeploy',
        DevCfnExecutionRole: 'DevStackExecution',
        StagingDeployRole: 'StagingTargetDeploy',
        StagingDeployRoleEuWest1: 'StagingTargetDeployRegional',
        StagingCfnExecutionRole: 'StagingStackExecution',
        ProdDeployRole: 'ProdTargetDeploy',
        ProdCfnExecutionRole: 'ProdStackExecution',
        Developer: 'FeatureDeveloper',
        CodeCommitSourceActionRole: 'SourceRepoReader',
      };
  }
}

/** A deterministic hex string from a seed text. */
function hex(seed: string, length: number): string {
  let h = 2166136261;
  let out = '';
  while (out.length < length) {
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
    h = Math.imul(h ^ out.length, 2246822519) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** A UUID-shaped key id for a skin. */
function keyId(base: string, skin: Skin): string {
  const h = hex(`${skin.app}:${base}`, 32);
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return base.startsWith('mrk-') ? `mrk-${h}` : uuid;
}

/** The token → replacement table of a skin (applied to every string, longest token first). */
export function skinTable(skin: Skin): ReadonlyMap<string, string> {
  const App = skin.app.charAt(0).toUpperCase() + skin.app.slice(1);
  const table = new Map<string, string>();
  BASE_ACCOUNTS.forEach((a, i) => table.set(a, skin.accounts[i]!));
  BASE_REGIONS.forEach((r, i) => table.set(r, skin.regions[i]!));
  const names = roleNames(skin);
  for (const r of BASE_ROLES) table.set(r, names[r]);
  for (const k of BASE_KEY_IDS) table.set(k, keyId(k, skin));
  table.set('checkout', skin.app);
  table.set('Checkout', App);
  table.set('maria.garcia', skin.people[0]);
  table.set('sam.lee', skin.people[1]);
  table.set('example.com', skin.domain);
  table.set('vpce-0a1b2c3d4e5f67890', skin.vpce);
  table.set('198.51.100.24', skin.ip);
  table.set('o-a1b2c3d4e5', skin.org);
  table.set('4c1e9a7d2b8f3e6a5d0c9b8a7f6e5d4c3b2a1f0e', hex(`${skin.app}:commit`, 40));
  table.set('4c1e9a7', hex(`${skin.app}:commit`, 7));
  return table;
}

/** Re-skins a document: every string through the skin's table, and the accounts' names. */
export function applySkin(doc: Doc, skin: Skin): Doc {
  const table = skinTable(skin);
  const roles = new Set<string>(BASE_ROLES);
  // A role name is a token only where no lowercase letter follows (`Developer` in `DeveloperAccess`, not in `Developers`).
  const tokens = [...table.keys()].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + (roles.has(t) ? '(?![a-z])' : ''));
  const pattern = new RegExp(tokens.join('|'), 'g');
  const out = mapStrings(doc, (s) => s.replace(pattern, (m) => table.get(m) ?? m));
  for (const account of out.accounts ?? []) {
    const name = skin.accountNames[account.name as string];
    if (name) account.name = name;
  }
  return out;
}

/** The replacement a skin makes for one base token (for messages in the builder). */
export function skinned(text: string, skin: Skin): string {
  return applySkin({ text }, skin).text as string;
}
