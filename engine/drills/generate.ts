/**
 * Generated drills: `generateDrill(seed)` draws a green-by-construction topology
 * (engine/generate/topology.ts), injects one fault from the catalogue (engine/generate/arbitraries/faults.ts),
 * builds the right choice from the fix (diagnose's verified least-privilege fix when there is one,
 * else the fault's own repair) and three plausible wrong ones (the fixes of other places that are
 * not broken, and well-known wrong answers: grant `*`, make the bucket public, fall back to
 * aws/s3, trust the wrong account's root, drop the action role, move the pipeline), then keeps the
 * drill only if simulation proves that exactly one choice turns the run green.
 *
 * Seeded and reproducible: every draw comes from engine/drills/prng.ts. Pure apart from awaiting
 * the policy engine.
 */
import type { Operation } from 'fast-json-patch';
import { fnv1aHex } from '../../model/hash.js';
import { roleName } from '../../model/arn.js';
import type { Drill, Scenario } from '../../model/schema.js';
import { FAULT_CATALOGUE, faultSites, type FaultKind, type SingleFault } from '../generate/arbitraries/faults.js';
import { policySites } from '../generate/arbitraries/policy-sites.js';
import { CATEGORY_GUIDE, firstVerifiedFix } from '../analysis/diagnose.js';
import { applyPatch } from '../analysis/patch.js';
import { simulate } from '../execution/simulate.js';
import { buildTopology, topologyProblems, type ExpectedCall, type TargetPlan, type Topology, type TopologyParams } from '../generate/topology.js';
import { CATEGORIES, type Category } from '../types.js';
import { createDrillContext, internDocuments, type DrillContext } from './context.js';
import { evaluateDrill, type DrillVerdicts } from './evaluate.js';
import { createPrng, type Prng } from './prng.js';

/** A generated drill: the scenario (with its `drill` and `expect` blocks) and the evidence. */
export interface GeneratedDrill {
  readonly seed: number;
  readonly scenario: Scenario;
  /** The simulation of every choice that proved exactly one right. */
  readonly verdicts: DrillVerdicts;
  readonly fault: { readonly kind: FaultKind; readonly category: Category; readonly label: string };
  /** Where the right choice came from. */
  readonly fixSource: 'diagnose' | 'repair';
}

/** Why a seed gave no drill (for acceptance statistics). */
export type Rejection = 'no-fault' | 'fault-not-surfacing' | 'no-right-fix' | 'too-few-distractors' | 'not-exactly-one';

/** Options of the generator. */
export interface GenerateOptions {
  /** Shared memo and interned documents (share one across many seeds). */
  readonly context?: DrillContext;
  /** Only these fault kinds (default: every kind that applies). */
  readonly kinds?: readonly FaultKind[];
  /** Called with the reason when a seed is rejected (and the verdicts, when the choices were simulated). */
  readonly onReject?: (seed: number, reason: Rejection, verdicts?: DrillVerdicts) => void;
}

/** The fault kinds the generator draws from (the arbitraries' catalogue). */
export const GENERATOR_FAULT_KINDS = Object.keys(FAULT_CATALOGUE) as FaultKind[];

const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'] as const;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
const ENVS = ['dev', 'staging', 'prod'] as const;
const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** Topology parameters from the PRNG: 2-4 accounts and 1-3 Regions from fixed pools (so memo entries are shared). */
export function drawTopologyParams(prng: Prng): TopologyParams {
  const n = 2 + prng.int(3);
  const m = 1 + prng.int(3);
  const masks = Array.from({ length: n - 1 }, () => 1 + prng.int(2 ** m - 1));
  for (let r = 0; r < m; r += 1) if (!masks.some((mask) => mask & (1 << r))) masks[r % masks.length]! |= 1 << r;
  const targets: TargetPlan[] = masks.map((mask, i) => {
    const regions = [...Array(m).keys()].filter((r) => mask & (1 << r));
    return { name: ENVS[i]!, regions, parallel: prng.next() < 0.5, writesOutputs: regions.map(() => prng.next() < 0.35), stackExists: prng.next() < 0.5 };
  });
  return { pipelineName: 'checkout', accountIds: ACCOUNTS.slice(0, n), regions: REGIONS.slice(0, m), targets };
}

/**
 * Generates the drill of a seed, or null when the seed's drill does not prove exactly one right
 * choice (or its fault does not surface). Deterministic for a seed.
 */
export async function generateDrill(seed: number, options: GenerateOptions = {}): Promise<GeneratedDrill | null> {
  const context = options.context ?? createDrillContext();
  const reject = (reason: Rejection, verdicts?: DrillVerdicts): null => {
    options.onReject?.(seed, reason, verdicts);
    return null;
  };
  const prng = createPrng(seed);
  const params = drawTopologyParams(prng);
  if (topologyProblems(params).length) return reject('no-fault');
  const topology = buildTopology(params);
  const wanted = new Set(options.kinds ?? GENERATOR_FAULT_KINDS);
  const sites = faultSites(topology).filter((f) => wanted.has(f.kind));
  const kinds = [...new Set(sites.map((f) => f.kind))];
  if (kinds.length === 0) return reject('no-fault');
  const kind = prng.pick(kinds);
  const fault = prng.pick(sites.filter((f) => f.kind === kind));

  const injected = applyPatch(topology.scenario, fault.patch);
  if (!injected.success) return reject('fault-not-surfacing');
  const broken = internDocuments(injected.data, context);
  const result = await simulate(broken, { memo: context.memo });
  if (result.status === 'Succeeded') return reject('fault-not-surfacing');

  // The right choice: diagnose's verified least-privilege fix when it turns the run green, else the repair.
  const site = siteOf(topology, fault);
  const verified = await firstVerifiedFix(broken, result, context.memo);
  const useDiagnose = verified !== undefined && verified.fix.outcome.status === 'Succeeded';
  const right: Choice = { text: fixText(fault.kind, site, topology), patch: useDiagnose ? (verified.fix.patch as readonly Operation[]) : fault.repair };

  // Wrong choices: fixes of intact places (near the fault first) and well-known wrong answers.
  const near = otherFixes(topology, fault, site);
  const known = wellKnownWrong(topology, fault, site);
  // The nearest fix (the other side of the same call) always competes; the rest are drawn.
  const [nearest, ...rest] = near;
  const drawnNear = prng.shuffle(rest);
  const drawnKnown = prng.shuffle(known);
  const pool = [...(nearest ? [nearest] : []), ...drawnNear.slice(0, 1), ...drawnKnown.slice(0, 2), ...drawnNear.slice(1), ...drawnKnown.slice(2)];
  const seen = new Set<string>([right.text]);
  const wrong: Choice[] = [];
  for (const c of pool) {
    if (seen.has(c.text) || wrong.length === 3) continue;
    seen.add(c.text);
    wrong.push(c);
  }
  if (wrong.length < 3) return reject('too-few-distractors');
  const at = prng.int(4);
  const ordered = prng.shuffle(wrong);
  ordered.splice(at, 0, right);
  const category = fault.category as Category;
  const drill: Drill = {
    topic: TOPIC[category] ?? 'pipelines',
    guideItem: guideItemFor(category),
    stem: stemFor(topology, fault, result.status),
    goal: { kind: 'run-succeeds' },
    choices: ordered.map((c, i) => ({ id: LETTERS[i]!, text: c.text, patch: c.patch.map((op) => ({ ...op }) as Drill['choices'][number]['patch'][number]) })),
    answer: LETTERS[at]!,
    explanation: explanationFor(fault, site, topology, useDiagnose),
  };
  const d = result.firstDenial;
  const scenario: Scenario = {
    ...broken,
    id: `generated/${seed}`,
    title: `Generated drill ${seed}: ${FAULT_CATALOGUE[fault.kind].description}`,
    description: `Generated from seed ${seed}: a green topology of ${params.accountIds.length} accounts and ${params.regions.length} Region(s) with one fault (${fault.label}).`,
    drill,
    expect: {
      status: result.status,
      ...(d ? { firstDenial: { operation: d.operation, category: d.category, principal: d.principal, ...(d.stage ? { stage: d.stage } : {}), ...(d.action ? { action: d.action } : {}) } } : {}),
      ...(result.status === 'Invalid' ? { issues: result.issues.slice(0, 1).map((i) => ({ code: i.code, ...(i.category ? { category: i.category } : {}) })) } : {}),
    },
  };
  const verdicts = await evaluateDrill(scenario, { context });
  if (!verdicts.sound) return reject('not-exactly-one', verdicts);
  return { seed, scenario, verdicts, fault: { kind: fault.kind, category, label: fault.label }, fixSource: useDiagnose ? 'diagnose' : 'repair' };
}

/** Tries seeds from `seed` on until one gives a drill (at most `attempts`). */
export async function generateFrom(seed: number, options: GenerateOptions & { readonly attempts?: number } = {}): Promise<GeneratedDrill | null> {
  const attempts = options.attempts ?? 20;
  for (let s = seed; s < seed + attempts; s += 1) {
    const drill = await generateDrill(s, options);
    if (drill) return drill;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Where a fault is, in words
// ---------------------------------------------------------------------------

/** A choice before it gets its id. */
interface Choice {
  readonly text: string;
  readonly patch: readonly Operation[];
}

/** What a fault (or an intact place of the same kind) is about. */
interface Site {
  /** The role whose call fails (or the service principal). */
  readonly principal: string;
  readonly operation: string | null;
  readonly resource: string | null;
  readonly region: string;
  readonly stage: string;
  readonly action: string;
}

const TOPIC: Partial<Record<Category, string>> = {
  TRUST_POLICY: 'trust',
  CALLER_ASSUME_PERMISSION: 'trust',
  SERVICE_ROLE_TRUST: 'roles',
  PASS_ROLE: 'roles',
  KEY_POLICY: 'kms',
  KEY_IDENTITY_PERMISSION: 'kms',
  AWS_MANAGED_KEY: 'kms',
  KEY_ALIAS_CROSS_ACCOUNT: 'kms',
  BUCKET_POLICY: 's3',
  BUCKET_IDENTITY_PERMISSION: 's3',
  MISSING_REGION_ARTIFACT_STORE: 'regions',
  EXPLICIT_DENY: 'guardrails',
};

function callAt(topology: Topology, f: SingleFault): ExpectedCall | undefined {
  return topology.calls.find((c) => c.stage === f.at.stage && c.action === f.at.action && c.operation === f.at.operation && c.principal === f.at.principal);
}

function storeRegion(f: SingleFault): string | undefined {
  const m = /\/artifactStores\/([^/]+)/.exec(f.patch[0]?.path ?? '');
  return m?.[1];
}

function siteOf(topology: Topology, f: SingleFault): Site {
  const call = callAt(topology, f);
  const action = topology.actions.find((a) => a.stage === f.at.stage && a.action === f.at.action);
  return {
    principal: f.at.principal ?? action?.roleArn ?? topology.names.pipelineRole,
    operation: f.at.operation,
    resource: call?.resource ?? null,
    region: storeRegion(f) ?? call?.region ?? action?.region ?? topology.names.homeRegion,
    stage: f.at.stage,
    action: f.at.action,
  };
}

const short = (arn: string) => (arn.includes(':role/') ? roleName(arn) : arn);
const bucketOf = (resource: string | null) => (resource?.startsWith('arn:aws:s3:::') ? resource.slice('arn:aws:s3:::'.length).split('/')[0]! : '');

/** The words of the fix of a fault kind at a site (the same phrasing for the right and the wrong choices). */
function fixText(kind: FaultKind, s: Site, t: Topology): string {
  const pipelineRole = short(t.names.pipelineRole);
  const res = s.resource ?? '';
  switch (kind) {
    case 'remove-action-role-trust':
      return `Allow ${pipelineRole} to assume ${short(res)} in the trust policy of ${short(res)}.`;
    case 'remove-caller-assume-permission':
      return `Allow sts:AssumeRole on ${short(res)} in the identity policy of ${pipelineRole}.`;
    case 'remove-key-policy-principal':
      return `Allow ${short(s.principal)} ${s.operation} in the key policy of the ${s.region} artifact key.`;
    case 'remove-bucket-policy-principal':
      return `Allow ${short(s.principal)} ${s.operation} on the pipeline's objects in the bucket policy of ${bucketOf(res)}.`;
    case 'drop-region-artifact-store':
      return `Register the ${s.region} artifact bucket and its key under artifactStores for ${s.region}.`;
    case 'remove-pass-role':
      return `Allow ${short(s.principal)} iam:PassRole on ${short(res)}, passed to cloudformation.amazonaws.com.`;
    case 'remove-service-role-trust':
      return `Make ${short(res)} trust the service principal ${s.principal}.`;
    case 'remove-key-identity-permission':
      return `Allow ${s.operation} on the ${s.region} artifact key in the identity policy of ${short(s.principal)}.`;
    case 'remove-bucket-identity-permission':
      return `Allow ${s.operation} on the objects of ${bucketOf(res)} in the identity policy of ${short(s.principal)}.`;
    case 'add-identity-deny':
      return `Remove the statement that denies ${s.operation} from the identity policy of ${short(s.principal)}.`;
    case 'use-aws-managed-key':
      return `Set the encryption key of the ${s.region} artifact store to the ARN of the customer managed artifact key.`;
    case 'name-key-by-alias':
      return `Name the key of the ${s.region} artifact store by its key ARN instead of its alias.`;
  }
}

/** A statement id from the site it is about (deterministic, unique enough within one policy). */
function sidFor(prefix: string, s: Site): string {
  return `${prefix}${fnv1aHex(`${s.principal}|${s.operation ?? ''}|${s.resource ?? ''}|${s.region}`).slice(0, 6)}`;
}

/** A patch that makes the fix of a kind at an intact site: redundant there, so the run still fails. */
function fixPatch(kind: FaultKind, s: Site, t: Topology): readonly Operation[] | undefined {
  const sid = (prefix: string) => sidFor(prefix, s);
  const scenario = t.scenario;
  const sites = policySites(scenario);
  const trust = (role: string) => sites.find((x) => x.kind === 'trust' && x.owner === role);
  const inline = (role: string) => sites.find((x) => x.kind === 'identity' && x.owner === role);
  const addTo = (pointer: string | undefined, statement: Record<string, unknown>): Operation[] | undefined => (pointer ? [{ op: 'add', path: `${pointer}/Statement/-`, value: statement }] : undefined);
  const res = s.resource ?? '';
  const keyPolicy = (arn: string) => sites.find((x) => x.kind === 'key' && x.owner === arn)?.pointer;
  const bucketPolicy = (name: string) => sites.find((x) => x.kind === 'bucket' && x.owner === name)?.pointer;
  switch (kind) {
    case 'remove-action-role-trust':
      return addTo(trust(res)?.pointer, { Sid: sid('TrustPipeline'), Effect: 'Allow', Principal: { AWS: t.names.pipelineRole }, Action: 'sts:AssumeRole' });
    case 'remove-caller-assume-permission':
      return addTo(inline(t.names.pipelineRole)?.pointer, { Sid: sid('AssumeDeployRole'), Effect: 'Allow', Action: 'sts:AssumeRole', Resource: res });
    case 'remove-key-policy-principal':
      return addTo(keyPolicy(res), { Sid: sid('AllowDeployRole'), Effect: 'Allow', Principal: { AWS: s.principal }, Action: s.operation ?? 'kms:Decrypt', Resource: '*' });
    case 'remove-bucket-policy-principal':
      return addTo(bucketPolicy(bucketOf(res)), { Sid: sid('AllowDeployRole'), Effect: 'Allow', Principal: { AWS: s.principal }, Action: s.operation ?? 's3:GetObject', Resource: `arn:aws:s3:::${bucketOf(res)}/*` });
    case 'drop-region-artifact-store': {
      const store = scenario.pipeline.pipeline.artifactStores?.[s.region];
      return store ? [{ op: 'add', path: `/pipeline/pipeline/artifactStores/${s.region}`, value: store }] : undefined;
    }
    case 'remove-pass-role':
      return addTo(inline(s.principal)?.pointer, { Sid: sid('PassExecutionRole'), Effect: 'Allow', Action: 'iam:PassRole', Resource: res, Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } });
    case 'remove-service-role-trust':
      return addTo(trust(res)?.pointer, { Sid: sid('TrustService'), Effect: 'Allow', Principal: { Service: s.principal }, Action: 'sts:AssumeRole' });
    case 'remove-key-identity-permission':
      return addTo(inline(s.principal)?.pointer, { Sid: sid('UseArtifactKey'), Effect: 'Allow', Action: s.operation ?? 'kms:Decrypt', Resource: res });
    case 'remove-bucket-identity-permission':
      return addTo(inline(s.principal)?.pointer, { Sid: sid('UseArtifacts'), Effect: 'Allow', Action: s.operation ?? 's3:GetObject', Resource: `arn:aws:s3:::${bucketOf(res)}/*` });
    case 'use-aws-managed-key':
    case 'name-key-by-alias': {
      const store = scenario.pipeline.pipeline.artifactStores?.[s.region];
      return store?.encryptionKey ? [{ op: 'replace', path: `/pipeline/pipeline/artifactStores/${s.region}/encryptionKey`, value: store.encryptionKey }] : undefined;
    }
    case 'add-identity-deny':
      return undefined;
  }
}

/** Fixes of other places of the topology (intact, so they change nothing that matters), nearest first. */
function otherFixes(t: Topology, fault: SingleFault, site: Site): Choice[] {
  const out: Choice[] = [];
  const texts = new Set<string>();
  const others = faultSites(t).filter((f) => f !== fault && f.kind !== 'add-identity-deny');
  // Near: the same action or the same principal; then the rest.
  // Nearest first: the same call (the other side of the same boundary), the same action, the same principal, the rest.
  const near = (f: SingleFault) =>
    f.at.stage === fault.at.stage && f.at.action === fault.at.action && f.at.operation === fault.at.operation && f.at.principal === fault.at.principal ? 0 : f.at.stage === fault.at.stage && f.at.action === fault.at.action ? 1 : f.at.principal === fault.at.principal ? 2 : 3;
  // Re-registering the store of the faulty store's Region would repair that store too: not a distractor there.
  const storeFault = fault.kind === 'use-aws-managed-key' || fault.kind === 'name-key-by-alias';
  for (const f of [...others].sort((a, b) => near(a) - near(b))) {
    const s = siteOf(t, f);
    if (storeFault && s.region === site.region && (f.kind === 'drop-region-artifact-store' || f.kind === 'use-aws-managed-key' || f.kind === 'name-key-by-alias')) continue;
    const text = fixText(f.kind, s, t);
    if (texts.has(text) || text === fixText(fault.kind, site, t)) continue;
    const patch = fixPatch(f.kind, s, t);
    if (!patch) continue;
    texts.add(text);
    out.push({ text, patch });
  }
  return out.slice(0, 6);
}

/** The well-known wrong answers that apply to a fault. */
function wellKnownWrong(t: Topology, fault: SingleFault, s: Site): Choice[] {
  const out: Choice[] = [];
  const sites = policySites(t.scenario);
  const inline = (role: string) => sites.find((x) => x.kind === 'identity' && x.owner === role);
  const trust = (role: string) => sites.find((x) => x.kind === 'trust' && x.owner === role);
  const category = fault.category as Category;
  const action = t.actions.find((a) => a.stage === s.stage && a.action === s.action);
  const deployRole = action && action.roleArn !== t.names.pipelineRole ? action.roleArn : t.names.deployRoles[0];
  const resourceSide: readonly Category[] = ['TRUST_POLICY', 'KEY_POLICY', 'BUCKET_POLICY', 'AWS_MANAGED_KEY', 'KEY_ALIAS_CROSS_ACCOUNT', 'EXPLICIT_DENY'];
  // Grant `*` to the principal whose call fails (an explicit deny or the other account's policy still decides).
  const who = s.principal.startsWith('arn:') ? inline(s.principal) : undefined;
  if (who && resourceSide.includes(category)) {
    out.push({ text: `Allow every action on every resource ("*") in the identity policy of ${short(s.principal)}.`, patch: [{ op: 'add', path: `${who.pointer}/Statement/-`, value: { Sid: 'AllowEverything', Effect: 'Allow', Action: '*', Resource: '*' } }] });
  }
  // Make the artifact bucket public.
  const region = s.region;
  const r = t.params.regions.indexOf(region);
  const bucket = t.names.buckets[r >= 0 ? r : 0]!;
  const bucketSite = sites.find((x) => x.kind === 'bucket' && x.owner === bucket);
  // (For a missing bucket-policy grant a public bucket would let the read through: that is no distractor.)
  if (bucketSite && category !== 'BUCKET_POLICY') {
    out.push({ text: `Make the artifact bucket ${bucket} readable by everyone (Principal "*") so that no account is left out.`, patch: [{ op: 'add', path: `${bucketSite.pointer}/Statement/-`, value: { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` } }] });
  }
  // Fall back to aws/s3.
  if (category !== 'AWS_MANAGED_KEY' && t.scenario.pipeline.pipeline.artifactStores?.[region]?.encryptionKey) {
    out.push({ text: `Switch the ${region} artifact store to the default AWS managed key aws/s3, which every account can use.`, patch: [{ op: 'remove', path: `/pipeline/pipeline/artifactStores/${region}/encryptionKey` }] });
  }
  if (deployRole) {
    const account = deployRole.split(':')[4] ?? '';
    const tr = trust(deployRole);
    // Trust the wrong account's root, or the CodePipeline service principal.
    if (tr) {
      out.push({ text: `Allow the root of account ${account} (the account of ${short(deployRole)}) in the trust policy of ${short(deployRole)}.`, patch: [{ op: 'add', path: `${tr.pointer}/Statement/-`, value: { Sid: 'TrustOwnAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' } }] });
      out.push({ text: `Allow the service principal codepipeline.amazonaws.com in the trust policy of ${short(deployRole)}.`, patch: [{ op: 'add', path: `${tr.pointer}/Statement/-`, value: { Sid: 'TrustCodePipeline', Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' } }] });
    }
    // Move the pipeline into the target account.
    out.push({ text: `Move the pipeline into account ${account}, so that no cross-account access is needed.`, patch: [{ op: 'replace', path: '/pipeline/metadata/pipelineArn', value: t.names.pipelineArn.replace(`:${t.names.pipelineAccount}:`, `:${account}:`) }] });
  }
  // Run the failing action without its action role.
  if (action && action.roleArn !== t.names.pipelineRole && action.provider === 'CloudFormation') {
    out.push({ text: `Remove the roleArn of ${s.stage}/${s.action} so that the pipeline service role deploys directly.`, patch: [{ op: 'remove', path: `/pipeline/pipeline/stages/${action.stageIndex}/actions/${action.actionIndex}/roleArn` }] });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Stem and explanation
// ---------------------------------------------------------------------------

function stemFor(t: Topology, fault: SingleFault, status: string): string {
  const { params, names } = t;
  const targets = params.targets.map((target, i) => `${target.name} (${params.accountIds[i + 1]}) in ${target.regions.map((r) => params.regions[r]).join(' and ')}`);
  const where = status === 'Invalid' ? 'CodePipeline now rejects the pipeline definition' : `the latest execution fails in ${fault.at.stage}/${fault.at.action}`;
  return [
    `A company runs the CodePipeline pipeline ${params.pipelineName} in account ${names.pipelineAccount} (home Region ${names.homeRegion}).`,
    `It builds with CodeBuild and deploys with CloudFormation into ${targets.join(', ')}, through one action role per target account;`,
    `each Region has an artifact bucket encrypted with a customer managed KMS key.`,
    `After a recent change, ${where}.`,
    'Which change makes the pipeline run again with the LEAST privilege?',
  ].join('\n');
}

function guideItemFor(category: Category): string {
  const g = CATEGORY_GUIDE[category];
  return g.item ? `Checklist item ${g.item}: ${g.text}` : g.text;
}

function explanationFor(fault: SingleFault, site: Site, t: Topology, fromDiagnose: boolean): string {
  const category = fault.category as Category;
  const g = CATEGORY_GUIDE[category];
  return [
    `The change that broke it: ${fault.label}.`,
    `Category ${category}: ${CATEGORIES[category]}.`,
    `The fix ${fromDiagnose ? '(found and verified by pipesim diagnose)' : '(the inverse of the change)'}: ${fixText(fault.kind, site, t)}`,
    `Domain guide: ${g.item ? `checklist item ${g.item} - ${g.text}` : g.text}${g.also ? ` ${g.also}` : ''}`,
    'The other choices change places that were not broken, or change the wrong side of the boundary; the simulation of each shows where the run still stops.',
  ].join('\n');
}
