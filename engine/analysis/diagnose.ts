/**
 * Diagnosis: the first denial of a run (or the first structural issue), its category, the item
 * of the domain guide's checklist it maps to, why in plain words, and the smallest verified
 * fixes. Every fix is applied to a copy and simulated again; a fix that does not get the denied
 * call through is never shown. Deterministic; pure apart from awaiting the policy engine.
 */
import { denialOf } from '../execution/simulate.js';
import type { Scenario } from '../../model/schema.js';
import { createMemo, type Memo } from '../policy/authorize.js';
import { CROSS_ACCOUNT_PASS_ROLE_MESSAGE } from '../policy/request-plan.js';
import { candidateFixes, denialEvent, type CandidateOptions, type FixCandidate } from './candidates/index.js';
import { applyPatch, type JsonPatch } from './patch.js';
import { simulate } from '../execution/simulate.js';
import { CATEGORIES, type CallEvaluatedEvent, type Category, type DecidingStatement, type Decision, type Issue, type PolicyKind, type SimulationResult, type Status, type TraceEvent } from '../types.js';

/** The five-point checklist of the domain guide ("For every cross-account or cross-region action, verify five pieces"). */
export const GUIDE_CHECKLIST = {
  1: "Action role exists in target account and trusts the pipeline service role's ARN.",
  2: "Pipeline service role can sts:AssumeRole the action role's ARN.",
  3: 'KMS key policy grants kms:Decrypt to the action role.',
  4: 'Artifact bucket policy grants s3:GetObject to the action role.',
  5: 'For cross-region actions, an artifact bucket exists in each target region and is registered in artifactStores.',
} as const;

/** A checklist item number. */
export type ChecklistNumber = keyof typeof GUIDE_CHECKLIST;

/** Where a category sits in the domain guide: its checklist item (null when none of the five), and the guide's words. */
export interface GuideReference {
  readonly item: ChecklistNumber | null;
  /** The checklist item's text, or the guide passage that covers the category. */
  readonly text: string;
  /** Another passage of the guide that names this exact trap, where there is one. */
  readonly also?: string;
}

/** Category → the domain guide's checklist item (or closest passage). */
export const CATEGORY_GUIDE: { readonly [C in Category]: GuideReference } = {
  TRUST_POLICY: { item: 1, text: GUIDE_CHECKLIST[1], also: 'Common exam traps: "trust must list the pipeline service role, not just the tooling account root"' },
  CALLER_ASSUME_PERMISSION: { item: 2, text: GUIDE_CHECKLIST[2] },
  KEY_POLICY: { item: 3, text: GUIDE_CHECKLIST[3], also: 'Trap one: "Granting kms:Decrypt only via IAM does not work cross-account; the key policy must explicitly list the principal."' },
  KEY_IDENTITY_PERMISSION: { item: 3, text: GUIDE_CHECKLIST[3], also: '"the action role\'s IAM policy includes a kms:Decrypt allow on the same key ARN. Both sides must agree"' },
  AWS_MANAGED_KEY: { item: 3, text: GUIDE_CHECKLIST[3], also: 'Trap three: "using the default aws/s3 KMS key for the artifact bucket in a cross-account pipeline. AWS-managed keys cannot be shared cross-account."' },
  KEY_ALIAS_CROSS_ACCOUNT: { item: 3, text: GUIDE_CHECKLIST[3], also: 'AWS, EncryptionKey: "Aliases are recognized only in the account that created the KMS key"' },
  KEY_STATE: { item: 3, text: GUIDE_CHECKLIST[3], also: 'a disabled key serves no cryptographic operation, whatever its policy grants' },
  BUCKET_POLICY: { item: 4, text: GUIDE_CHECKLIST[4], also: 'Trap five: "Cross-account permissions on the source bucket do not automatically propagate to the artifact bucket"' },
  BUCKET_IDENTITY_PERMISSION: { item: 4, text: GUIDE_CHECKLIST[4], also: '"Both sides must agree, just like cross-account S3 access."' },
  MISSING_REGION_ARTIFACT_STORE: { item: 5, text: GUIDE_CHECKLIST[5], also: 'Trap two: "assuming CodePipeline can stream artifacts cross-region without a target-region bucket. It cannot."' },
  SERVICE_ROLE_TRUST: { item: null, text: 'Trap four: "The execution role trusts cloudformation.amazonaws.com, not CodePipeline."' },
  PASS_ROLE: { item: null, text: 'Required IAM Roles: the action role "has codedeploy:CreateDeployment plus iam:PassRole for the CodeDeploy service role" (the same holds for the CloudFormation execution role)' },
  APPROVAL_PERMISSION: { item: null, text: 'FAQ Q5: "Bind the codepipeline:PutApprovalResult permission to a role distinct from the developer roles."' },
  EXPLICIT_DENY: { item: null, text: 'none of the five: the checklist lists the allows; an explicit Deny (SCP, RCP, boundary, resource policy) wins over all of them' },
  ARTIFACT_ACCOUNT_BOUNDARY: { item: null, text: 'Tooling Account vs Target Account Topology: the tooling account owns the artifacts; AWS lets an action consume an artifact only from the pipeline account or from its own account' },
  IDENTITY_PERMISSION: { item: null, text: 'Required IAM Roles: the pipeline service role\'s job "is to orchestrate: invoke CodeBuild, read source from CodeCommit/S3"; each call needs its permission' },
  RESOURCE_POLICY: { item: null, text: '"Every cross-boundary hop is held together by exactly the same primitives": a resource policy in the owner\'s account must admit the caller' },
  GUARDRAIL: { item: null, text: 'none of the five: an SCP, RCP, permissions boundary or session policy must leave room for the call as well' },
  UNKNOWN_RESOURCE: { item: null, text: 'none of the five: the call names something the scenario does not have' },
  STRUCTURE: { item: null, text: 'none of the five: CodePipeline rejects the declaration before it runs' },
};

/** The first denial with what the diagnosis needs: who, what, which resource, and why. */
export interface DenialDetail {
  readonly seq: number;
  readonly stage: string | null;
  readonly action: string | null;
  readonly operation: string;
  readonly principal: string;
  readonly sessionArn: string | null;
  readonly resource: string;
  readonly decision: Decision;
  readonly category: Category;
  readonly message: string;
  readonly purpose: string;
  readonly callerAccount: string;
  readonly resourceAccount: string;
  readonly statements: readonly DecidingStatement[];
  readonly missingAllow: readonly PolicyKind[];
  /** The policy engine's own sentence. */
  readonly engineExplanation: string;
}

/** How far a run gets: its status and where it stops. */
export interface RunOutcome {
  readonly status: Status;
  readonly firstDenial: {
    readonly seq: number;
    readonly stage: string | null;
    readonly action: string | null;
    readonly operation: string;
    readonly principal: string;
    readonly resource: string;
    readonly category: Category;
  } | null;
  /** The structural issues when the run is `Invalid`. */
  readonly issues: readonly Pick<Issue, 'code' | 'path' | 'message' | 'category'>[];
}

/** A fix that was applied to a copy and simulated: it gets the denied call through. */
export interface VerifiedFix extends FixCandidate {
  /** How far the run gets with this fix. */
  readonly outcome: RunOutcome;
}

/** What `diagnose` returns. */
export interface Diagnosis {
  readonly formatVersion: 1;
  readonly scenario: string;
  readonly status: Status;
  /** The first denial (null when the run succeeded or was rejected). */
  readonly denial: DenialDetail | null;
  /** The first structural issue, when the run is `Invalid`. */
  readonly issue: Issue | null;
  readonly category: Category | null;
  /** What the category means (DESIGN.md). */
  readonly categoryMeaning: string | null;
  readonly guide: GuideReference | null;
  /** Why, in plain words. */
  readonly explanation: string;
  /** Verified fixes, best first; empty when there is nothing to fix or none could be verified. */
  readonly fixes: readonly VerifiedFix[];
}

/** Options of `diagnose` and `proposeFixes`. */
export interface DiagnoseOptions {
  /** A decision memo shared by the run and every re-simulation (one is created otherwise). */
  readonly memo?: Memo;
  /** The scenario's result, when it has been simulated already. */
  readonly result?: SimulationResult;
}

/** Simulates a scenario and diagnoses its first denial or structural issue. */
export async function diagnose(scenario: Scenario, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const memo = options.memo ?? createMemo();
  const result = options.result ?? (await simulate(scenario, { memo }));
  const fixes = result.status === 'Succeeded' ? [] : await proposeFixes(scenario, result, { memo });
  return describeFailure(result, fixes);
}

/** The diagnosis of a result with its verified fixes, without simulating. Pure. */
export function describeFailure(result: SimulationResult, fixes: readonly VerifiedFix[]): Diagnosis {
  const ev = denialEvent(result);
  const issue = result.status === 'Invalid' ? result.issues[0] ?? null : null;
  const category = ev ? ev.category ?? 'STRUCTURE' : issue ? issue.category ?? 'STRUCTURE' : null;
  return {
    formatVersion: 1,
    scenario: result.scenario,
    status: result.status,
    denial: ev ? denialDetail(ev, result) : null,
    issue,
    category,
    categoryMeaning: category ? CATEGORIES[category] : null,
    guide: category ? CATEGORY_GUIDE[category] : null,
    explanation: explainFailure(result, ev, issue),
    fixes,
  };
}

function denialDetail(ev: CallEvaluatedEvent, result: SimulationResult): DenialDetail {
  return {
    ...denialOf(ev),
    category: ev.category ?? result.firstDenial?.category ?? 'STRUCTURE',
    purpose: ev.purpose,
    callerAccount: ev.callerAccount,
    resourceAccount: ev.resourceAccount,
    statements: ev.statements,
    missingAllow: ev.missingAllow,
    engineExplanation: ev.explanation,
  };
}

const KIND_WORDS: Readonly<Record<PolicyKind, string>> = {
  identity: "the caller's identity policies",
  trust: "the target role's trust policy",
  key: 'the key policy',
  'aws-managed-key': "the AWS managed key's fixed key policy",
  bucket: 'the bucket policy',
  topic: 'the topic policy',
  function: "the function's resource-based policy",
  grant: 'the key grants',
  scp: 'the service control policies',
  rcp: 'the resource control policies',
  boundary: 'the permissions boundary',
  session: 'the session policy',
  endpoint: 'the VPC endpoint policy',
};

const DENY_WORDS: Readonly<Record<PolicyKind, string>> = {
  identity: 'an identity policy of the caller',
  trust: 'the trust policy',
  key: 'the key policy',
  'aws-managed-key': 'the key policy',
  bucket: 'the bucket policy',
  topic: 'the topic policy',
  function: 'the resource-based policy',
  grant: 'a grant',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
  boundary: 'the permissions boundary',
  session: 'the session policy',
  endpoint: 'the VPC endpoint policy',
};

/** The plain-language explanation of a failure. Pure. */
export function explainFailure(result: SimulationResult, ev: CallEvaluatedEvent | undefined, issue: Issue | null): string {
  if (result.status === 'Succeeded') return 'the run succeeded: nothing to diagnose';
  if (issue) return `CodePipeline rejects the declaration before anything runs: ${issue.message}`;
  if (!ev) {
    const failed = result.events.find((e) => e.type === 'action.finished' && e.status === 'Failed');
    const what = failed && failed.type === 'action.finished' ? `action \`${failed.stage ?? ''}/${failed.action ?? ''}\` failed${failed.message ? `: ${failed.message}` : ''}` : 'the run failed';
    return `${what}; no call was denied, so no policy change makes it pass`;
  }
  const caller = ev.sessionArn ? `\`${ev.principal}\` (account ${ev.callerAccount})` : `the service \`${ev.principal}\``;
  const cross = ev.callerAccount !== '' && ev.resourceAccount !== '' && ev.callerAccount !== ev.resourceAccount;
  const head = `${caller} called \`${ev.operation}\` on \`${ev.resource}\`${ev.resourceAccount ? ` (account ${ev.resourceAccount})` : ''} (step: ${ev.purpose})`;
  if (ev.decision === 'ExplicitlyDenied') {
    const first = ev.statements.find((s) => s.effect === 'Deny');
    const which = first ? `statement ${first.sid ? `\`${first.sid}\`` : `#${first.index}`} of ${DENY_WORDS[first.policyKind]} \`${first.policy}\`` : 'a Deny statement';
    return `${head}. ${which} denies it, and an explicit Deny wins over every Allow: adding permissions cannot help, only narrowing the Deny can (${ev.explanation})`;
  }
  if (ev.message === CROSS_ACCOUNT_PASS_ROLE_MESSAGE) {
    return `${head}. IAM refuses it whatever the policies say: a role can be passed only to a service in the role's own account ("${CROSS_ACCOUNT_PASS_ROLE_MESSAGE}"), so no policy change helps; the role must live in account ${ev.callerAccount}`;
  }
  switch (ev.category) {
    case 'AWS_MANAGED_KEY': {
      const base = `${head}. The key is the AWS managed key \`aws/s3\`: its fixed key policy serves only principals of its own account through S3, and nobody can edit it, so no policy change lets another account use it`;
      const writer = codeBuildWriter(result, ev.resource);
      // CodeBuild encrypts its outputs with the project's key, else aws/s3 of its account (aws-cdk#4182).
      return writer
        ? `${base}. The artifact was encrypted by CodeBuild action \`${writer}\`, whose project names no encryption key: CodeBuild ignores the artifact store's key and falls back to \`aws/s3\`, so the project needs the store's customer managed key`
        : `${base}; the store needs a customer managed key`;
    }
    case 'KEY_ALIAS_CROSS_ACCOUNT':
      return `${head}. The key is named by an alias, and an alias resolves only in the account that created it: seen from account ${ev.callerAccount} it names nothing`;
    case 'KEY_STATE':
      return `${head}. The policies allow it, but the key is disabled (${ev.explanation})`;
    case 'UNKNOWN_RESOURCE':
      return `${head}. ${ev.explanation}`;
    default:
      break;
  }
  const missing = ev.missingAllow.map((k) => KIND_WORDS[k]);
  const lacking = missing.length === 0 ? 'nothing allows it' : `${joinWords(missing)} ${missing.length > 1 ? 'do' : 'does'} not allow it`;
  const both = cross && ev.sessionArn ? '; across accounts both sides must allow: the identity policy in the caller\'s account and the resource\'s policy in the owner\'s account' : '';
  return `${head}, and ${lacking}${both} (${ev.explanation})`;
}

/** The CodeBuild action (`Stage/Action`) that encrypted objects with a key in this run, if one did. */
function codeBuildWriter(result: SimulationResult, keyArn: string): string | undefined {
  const codeBuild = new Set(result.events.flatMap((e) => (e.type === 'action.started' && e.provider === 'CodeBuild' ? [`${e.stage}/${e.action}`] : [])));
  const write = result.events.find((e) => e.type === 'call.evaluated' && e.operation === 'kms:GenerateDataKey' && e.resource === keyArn && e.decision === 'Allowed' && codeBuild.has(`${e.stage}/${e.action}`));
  return write ? `${write.stage}/${write.action}` : undefined;
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** How far a result gets. Pure. */
export function runOutcome(result: SimulationResult): RunOutcome {
  const d = result.firstDenial;
  return {
    status: result.status,
    firstDenial: d ? { seq: d.seq, stage: d.stage, action: d.action, operation: d.operation, principal: d.principal, resource: d.resource, category: d.category } : null,
    issues: result.issues.map((i) => ({ code: i.code, path: i.path, message: i.message, ...(i.category ? { category: i.category } : {}) })),
  };
}

/** A verified fix with the scenario and run it leads to. */
export interface AppliedFix {
  readonly fix: VerifiedFix;
  readonly scenario: Scenario;
  readonly result: SimulationResult;
}

/**
 * The verified fixes for a result's first denial (or structural issue), best first: each
 * candidate is applied to a copy and simulated; one of each group of variants is kept.
 */
export async function proposeFixes(scenario: Scenario, result: SimulationResult, options: { readonly memo?: Memo } = {}): Promise<VerifiedFix[]> {
  const memo = options.memo ?? createMemo();
  const out: VerifiedFix[] = [];
  const groups = new Set<string>();
  const patches = new Set<string>();
  for (const candidate of candidateFixes(scenario, result)) {
    if (groups.has(candidate.group)) continue;
    const applied = await verifyFix(scenario, result, candidate, memo);
    if (!applied) continue;
    const key = JSON.stringify(applied.fix.patch);
    groups.add(candidate.group);
    if (patches.has(key)) continue;
    patches.add(key);
    out.push(applied.fix);
  }
  return out;
}

/** The first candidate that verifies, with where it leads; undefined when none does. */
export async function firstVerifiedFix(scenario: Scenario, result: SimulationResult, memo: Memo): Promise<AppliedFix | undefined> {
  for (const candidate of candidateFixes(scenario, result)) {
    const applied = await verifyFix(scenario, result, candidate, memo);
    if (applied) return applied;
  }
  return undefined;
}

/** Completion rounds of a fix that adds resources (their own permissions follow from the run). */
const MAX_COMPLETION = 24;

/**
 * Applies a candidate to a copy and simulates it. A fix that adds resources (a key, a bucket, a
 * relay role) is completed first: while the run stops on one of them, the fix for that denial
 * is folded in. The fix verifies when the denied call now gets through (or the structural issue
 * is gone); undefined otherwise.
 */
export async function verifyFix(scenario: Scenario, before: SimulationResult, candidate: FixCandidate, memo: Memo): Promise<AppliedFix | undefined> {
  let patch: JsonPatch = candidate.patch;
  const creates = new Set(candidate.creates ?? []);
  for (let round = 0; round <= MAX_COMPLETION; round += 1) {
    const applied = applyPatch(scenario, patch);
    if (!applied.success) return undefined;
    const after = await simulate(applied.data, { memo });
    const ev = denialEvent(after);
    if (creates.size > 0 && ev && involves(ev, creates) && round < MAX_COMPLETION) {
      const options: CandidateOptions = { preferIdentity: creates.has(ev.principal) };
      const next = candidateFixes(applied.data, after, options)[0];
      if (!next) return undefined;
      patch = [...patch, ...next.patch];
      for (const c of next.creates ?? []) creates.add(c);
      continue;
    }
    if (!progressed(before, after, applied.data)) return undefined;
    return { fix: { ...candidate, patch, outcome: runOutcome(after) }, scenario: applied.data, result: after };
  }
  return undefined;
}

/** Whether a denied call is on (or by) something a fix added. */
function involves(ev: CallEvaluatedEvent, created: ReadonlySet<string>): boolean {
  for (const c of created) {
    if (ev.principal === c || ev.resource === c) return true;
    if (ev.resource === `arn:aws:s3:::${c}` || ev.resource.startsWith(`arn:aws:s3:::${c}/`)) return true;
  }
  return false;
}

/** The identity of a call across runs: not its seq, but stage, action, operation, principal and resource. */
export function callKey(e: Pick<CallEvaluatedEvent, 'stage' | 'action' | 'operation' | 'principal' | 'resource'>): string {
  return JSON.stringify([e.stage ?? null, e.action ?? null, e.operation, e.principal, e.resource]);
}

/** Whether `after` gets past where `before` stopped. Pure. */
export function progressed(before: SimulationResult, after: SimulationResult, afterScenario: Scenario): boolean {
  if (before.status === 'Invalid') {
    const issue = before.issues[0];
    return issue !== undefined && !after.issues.some((i) => i.code === issue.code && i.path === issue.path);
  }
  if (after.status === 'Succeeded') return true;
  if (after.status === 'Invalid') return false;
  const d = denialEvent(before);
  if (!d) {
    // A failure without a denial (a structural one): progress is failing somewhere else.
    const where = (r: SimulationResult) => {
      const f = r.events.find((e) => e.type === 'action.finished' && e.status === 'Failed');
      return f && f.type === 'action.finished' ? `${f.stage}/${f.action}/${f.message ?? ''}` : '';
    };
    return where(after) !== where(before);
  }
  const key = callKey(d);
  const nth = calls(before.events).filter((e) => e.seq <= d.seq && callKey(e) === key).length;
  const match = calls(after.events).filter((e) => callKey(e) === key)[nth - 1];
  if (match) return match.decision === 'Allowed';
  // The call is made differently now (a key named by ARN, not alias): compare where each run stops.
  const a = denialEvent(after);
  if (!a) return false;
  const pa = position(afterScenario, after.events, a);
  const pd = position(afterScenario, before.events, d);
  for (let i = 0; i < pa.length; i += 1) if (pa[i] !== pd[i]) return pa[i]! > pd[i]!;
  return a.operation !== d.operation || a.principal !== d.principal || a.category !== d.category;
}

function calls(events: readonly TraceEvent[]): CallEvaluatedEvent[] {
  return events.filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated');
}

/** Where a call sits in a run: stage, runOrder, action, then its offset from the action's start. */
function position(scenario: Scenario, events: readonly TraceEvent[], ev: CallEvaluatedEvent): number[] {
  const stages = scenario.pipeline.pipeline.stages;
  const s = stages.findIndex((x) => x.name === ev.stage);
  if (s < 0) return [-1, 0, 0, ev.seq];
  const a = stages[s]!.actions.findIndex((x) => x.name === ev.action);
  const runOrder = stages[s]!.actions[a]?.runOrder ?? 0;
  const started = events.find((e) => e.type === 'action.started' && e.stage === ev.stage && e.action === ev.action);
  return [s, runOrder, a, ev.seq - (started?.seq ?? 0)];
}
