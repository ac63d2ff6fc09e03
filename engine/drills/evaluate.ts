/**
 * `evaluateDrill(scenario) → DrillVerdicts`: the symptom of the unpatched run, then every
 * choice applied (JSON Patch) and simulated, each judged against the drill's goal and
 * explained — why the right one works, and where each wrong one still fails.
 *
 * Deterministic; pure apart from awaiting the policy engine (and filling the shared memo).
 */
import { roleName } from '../../model/arn.js';
import type { Drill, DrillCall, DrillGoal, Scenario } from '../../model/schema.js';
import { buildWorld } from '../../model/world.js';
import { authorize } from '../policy/authorize.js';
import { lint, type Finding } from '../lint/index.js';
import { applyPatch } from '../analysis/patch.js';
import { simulate } from '../execution/simulate.js';
import { roleCaller } from '../execution/artifacts.js';
import type { CallEvaluatedEvent, Category, Decision, DecidingStatement, SimulationResult, Status, TraceEvent } from '../types.js';
import { createDrillContext, internDocuments, type DrillContext } from './context.js';

/** The call where a run (or a goal) fails, as a verdict names it. */
export interface DrillCallOutcome {
  readonly stage: string | null;
  readonly action: string | null;
  readonly operation: string;
  readonly principal: string;
  readonly resource: string;
  readonly decision: Decision;
  readonly category: Category | null;
  /** AWS's message for a denial, else the evaluator's explanation. */
  readonly message: string;
  /** The statements that decided it (the allowing ones for an allowed call). */
  readonly statements: readonly DecidingStatement[];
  /** True when the call was evaluated on its own (it does not occur in the run). */
  readonly direct: boolean;
}

/** What the unpatched scenario shows: the error of the failing run, the finding, the call still allowed. */
export interface DrillSymptom {
  readonly kind: 'denial' | 'invalid' | 'failure' | 'finding' | 'allowed-call' | 'trace-missing' | 'none';
  /** One line: what the user sees. */
  readonly headline: string;
  /** AWS's message, the issue's message or the finding's message. */
  readonly message: string;
  readonly stage?: string;
  readonly action?: string;
  readonly operation?: string;
  readonly principal?: string;
  readonly category?: string;
  readonly ruleId?: string;
  readonly code?: string;
}

/** The verdict on one choice. */
export interface ChoiceVerdict {
  readonly id: string;
  readonly text: string;
  /** Whether the patched scenario meets the drill's goal. */
  readonly meetsGoal: boolean;
  /** Whether this is the drill's declared answer. */
  readonly isAnswer: boolean;
  /** The patched run's status, or `Unapplied` when the patch does not apply. */
  readonly status: Status | 'Unapplied';
  /** One line: why the choice meets the goal or not. */
  readonly reason: string;
  /** For a failing run, the call (or action) where it fails; for a `denied` goal, the call judged. */
  readonly failingCall?: DrillCallOutcome;
  /** Structural issues (an `Invalid` run) or patch problems. */
  readonly issues?: readonly { readonly code: string; readonly path: string; readonly message: string }[];
}

/** Everything a drill's evaluation says. Plain, serialisable data. */
export interface DrillVerdicts {
  readonly scenario: string;
  readonly topic: string;
  readonly guideItem: string | null;
  readonly stem: string;
  readonly goal: DrillGoal;
  readonly symptom: DrillSymptom;
  /** The unpatched run: its status, and whether it already meets the goal (it should not). */
  readonly baseline: { readonly status: Status; readonly meetsGoal: boolean };
  readonly answer: string;
  readonly explanation: string;
  readonly choices: readonly ChoiceVerdict[];
  /** The ids of the choices that meet the goal. */
  readonly winners: readonly string[];
  /** Exactly one choice meets the goal, it is the declared answer, and the unpatched run does not. */
  readonly sound: boolean;
}

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** Shared across drills: the memo and the interned documents. */
  readonly context?: DrillContext;
}

/** A choice's judgement against the goal, before it becomes a verdict. */
interface Judgement {
  readonly meets: boolean;
  readonly reason: string;
  readonly failingCall?: DrillCallOutcome;
}

/**
 * Evaluates a drill: the symptom of the unpatched run and a verdict for every choice.
 * Throws only when the scenario has no `drill` block (a caller's mistake).
 */
export async function evaluateDrill(scenario: Scenario, options: EvaluateOptions = {}): Promise<DrillVerdicts> {
  const drill = scenario.drill;
  if (!drill) throw new Error(`scenario \`${scenario.id ?? scenario.pipeline.pipeline.name}\` has no drill block`);
  const context = options.context ?? createDrillContext();
  const base = internDocuments(scenario, context);
  const baseResult = await simulate(base, { memo: context.memo });
  const baseJudgement = await judge(drill.goal, base, baseResult, baseResult, context);
  const symptom = await symptomOf(drill.goal, base, baseResult, context);

  const choices: ChoiceVerdict[] = [];
  for (const choice of drill.choices) {
    const isAnswer = choice.id === drill.answer;
    const patched = applyPatch(base, choice.patch);
    if (!patched.success) {
      const issues = patched.issues.map((i) => ({ code: i.code, path: i.path, message: i.message }));
      choices.push({ id: choice.id, text: choice.text, meetsGoal: false, isAnswer, status: 'Unapplied', reason: `the change cannot be made: ${issues[0]?.message ?? 'the patch does not apply'}`, issues });
      continue;
    }
    const variant = internDocuments(patched.data, context);
    const result = await simulate(variant, { memo: context.memo });
    const j = await judge(drill.goal, variant, result, baseResult, context);
    choices.push({
      id: choice.id,
      text: choice.text,
      meetsGoal: j.meets,
      isAnswer,
      status: result.status,
      reason: j.reason,
      ...(j.failingCall ? { failingCall: j.failingCall } : {}),
      ...(result.status === 'Invalid' ? { issues: result.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })) } : {}),
    });
  }
  const winners = choices.filter((c) => c.meetsGoal).map((c) => c.id);
  return {
    scenario: scenario.id ?? scenario.pipeline.pipeline.name,
    topic: drill.topic,
    guideItem: drill.guideItem ?? null,
    stem: drill.stem,
    goal: drill.goal,
    symptom,
    baseline: { status: baseResult.status, meetsGoal: baseJudgement.meets },
    answer: drill.answer,
    explanation: drill.explanation,
    choices,
    winners,
    sound: winners.length === 1 && winners[0] === drill.answer && !baseJudgement.meets,
  };
}

/** Whether an answer is the drill's right one (ids compare case-insensitively). Pure. */
export function isRightAnswer(drill: Pick<Drill, 'answer'>, answer: string): boolean {
  return answer.trim().toLowerCase() === drill.answer.toLowerCase();
}

/** The choice an answer names, ignoring case. Pure. */
export function choiceFor<T extends { readonly id: string }>(choices: readonly T[], answer: string): T | undefined {
  return choices.find((c) => c.id.toLowerCase() === answer.trim().toLowerCase());
}

// ---------------------------------------------------------------------------
// Judging a run against the goal
// ---------------------------------------------------------------------------

const STATUS_RANK: Readonly<Record<Status, number>> = { Invalid: 0, Failed: 1, Succeeded: 2 };

async function judge(goal: DrillGoal, scenario: Scenario, result: SimulationResult, baseline: SimulationResult, context: DrillContext): Promise<Judgement> {
  switch (goal.kind) {
    case 'run-succeeds':
      // The execution succeeds: status Succeeded.
      return result.status === 'Succeeded' ? { meets: true, reason: 'the run succeeds: every call of every action is allowed' } : failureJudgement(result);
    case 'lint-clean': {
      // The rule's finding disappears, and the run is no worse than before.
      const findings = lint(scenario, { result }).filter((f) => f.ruleId === goal.rule);
      if (findings.length > 0) return { meets: false, reason: `lint still reports ${goal.rule}: ${findings[0]!.message}` };
      if (STATUS_RANK[result.status] < STATUS_RANK[baseline.status]) {
        const failed = failureJudgement(result);
        const now = failed.reason.replace('the run still fails', 'the run now fails').replace('the pipeline is still rejected', 'the pipeline is now rejected');
        return { meets: false, reason: `${goal.rule} is gone, but ${now}`, ...(failed.failingCall ? { failingCall: failed.failingCall } : {}) };
      }
      return { meets: true, reason: `lint no longer reports ${goal.rule}, and the run ${result.status === 'Succeeded' ? 'still succeeds' : `is ${result.status} as before`}` };
    }
    case 'denied': {
      // The named call is denied, and the `allowed` call (if any) is still allowed.
      const denied = await outcomeOf(goal.denied, scenario, result, context);
      if (denied.decision === 'Allowed') return { meets: false, reason: `${callWords(goal.denied)} is still allowed${byStatements(denied.statements)}`, failingCall: denied };
      if (goal.allowed) {
        const allowed = await outcomeOf(goal.allowed, scenario, result, context);
        if (allowed.decision !== 'Allowed') return { meets: false, reason: `${callWords(goal.denied)} is denied, but so is ${callWords(goal.allowed)}: ${allowed.message}`, failingCall: allowed };
        return { meets: true, reason: `${callWords(goal.denied)} is denied [${denied.category ?? denied.decision}] while ${callWords(goal.allowed)} stays allowed${byStatements(allowed.statements)}`, failingCall: denied };
      }
      return { meets: true, reason: `${callWords(goal.denied)} is denied [${denied.category ?? denied.decision}]`, failingCall: denied };
    }
    case 'trace-has':
      return traceJudgement(goal, result);
  }
}

/** Why a run that should have succeeded did not: the first denial, the structural issue, or the failed action. */
function failureJudgement(result: SimulationResult): Judgement {
  if (result.status === 'Invalid') {
    const issue = result.issues[0];
    return { meets: false, reason: `the pipeline is still rejected before it runs: ${issue ? `${issue.message} [${issue.code}]` : 'invalid declaration'}` };
  }
  const d = result.firstDenial;
  if (d) {
    const ev = result.events.find((e): e is CallEvaluatedEvent => e.type === 'call.evaluated' && e.seq === d.seq);
    return {
      meets: false,
      reason: `the run still fails at ${d.stage ?? '(start)'}/${d.action ?? '-'}: ${d.operation} by ${roleName(d.principal)} is denied [${d.category}]`,
      failingCall: { stage: d.stage, action: d.action, operation: d.operation, principal: d.principal, resource: d.resource, decision: d.decision, category: d.category, message: d.message, statements: ev?.statements ?? [], direct: false },
    };
  }
  const failed = firstFailedAction(result.events);
  if (failed) return { meets: false, reason: `the run still fails at ${failed.stage}/${failed.action}: ${failed.message}` };
  return { meets: false, reason: `the run ends ${result.status}` };
}

function firstFailedAction(events: readonly TraceEvent[]): { readonly stage: string; readonly action: string; readonly message: string } | undefined {
  const ev = events.find((e) => e.type === 'action.finished' && e.status === 'Failed');
  if (!ev || ev.type !== 'action.finished') return undefined;
  return { stage: ev.stage ?? '', action: ev.action ?? '', message: ev.message ?? 'the action failed' };
}

function traceJudgement(goal: Extract<DrillGoal, { kind: 'trace-has' }>, result: SimulationResult): Judgement {
  const missing: string[] = [];
  if (goal.cloudTrail) {
    const { eventName, accounts } = goal.cloudTrail;
    for (const account of accounts) {
      const found = result.cloudTrail.some((r) => r.eventName === eventName && r.recipientAccountId === account && r.errorCode === undefined);
      if (!found) missing.push(`no successful ${eventName} record in the CloudTrail of ${account}`);
    }
  }
  if (goal.event) {
    if (!result.events.some((e) => eventMatches(e, goal.event!))) missing.push(`no \`${eventWords(goal.event)}\` event in the trace`);
  }
  if (!goal.cloudTrail && !goal.event) missing.push('the goal names neither a CloudTrail record nor a trace event');
  if (missing.length === 0) {
    const parts = [goal.cloudTrail ? `${goal.cloudTrail.eventName} is recorded in ${goal.cloudTrail.accounts.join(' and ')}` : '', goal.event ? `the trace has \`${eventWords(goal.event)}\`` : ''].filter(Boolean);
    return { meets: true, reason: `${parts.join('; ')} (run ${result.status})` };
  }
  const failed = result.status === 'Succeeded' ? undefined : failureJudgement(result);
  return { meets: false, reason: `${missing.join('; ')} (run ${result.status})`, ...(failed?.failingCall ? { failingCall: failed.failingCall } : {}) };
}

function eventMatches(e: TraceEvent, want: Readonly<Record<string, unknown>>): boolean {
  const fields = e as unknown as Readonly<Record<string, unknown>>;
  return Object.entries(want).every(([k, v]) => fields[k] === v);
}

function eventWords(want: Readonly<Record<string, unknown>>): string {
  const { type, ...rest } = want;
  const extra = Object.entries(rest).map(([k, v]) => `${k}=${String(v)}`);
  return [String(type), ...extra].join(' ');
}

// ---------------------------------------------------------------------------
// Calls named by a `denied` goal
// ---------------------------------------------------------------------------

/** `PutApprovalResult by Developer` (from the VPC endpoint …). Pure. */
export function callWords(call: DrillCall): string {
  const from = call.sourceVpce ? ` through ${call.sourceVpce}` : call.sourceIp ? ` from ${call.sourceIp}` : '';
  return `${call.operation} by ${roleName(call.principal)}${call.resource ? ` on ${shortResource(call.resource)}` : ''}${from}`;
}

function shortResource(arn: string): string {
  const parts = arn.split(':');
  return parts.length > 5 ? parts.slice(5).join(':') : arn;
}

function byStatements(statements: readonly DecidingStatement[]): string {
  const words = allowingStatements(statements);
  return words ? ` (allowed by ${words})` : '';
}

/** `identity policy X statement Y, key policy …` for the allowing statements; empty when none. */
function allowingStatements(statements: readonly DecidingStatement[]): string {
  return statements
    .filter((s) => s.effect === 'Allow')
    .map((s) => `${s.policyKind} policy ${shortPolicy(s.policy)} statement ${s.sid ?? s.index}`)
    .join(', ');
}

function shortPolicy(name: string): string {
  return name.startsWith('arn:') ? name.split(/[:/]/).pop() ?? name : name;
}

/**
 * The outcome of a call a goal names: as the run evaluated it when it occurs there (every
 * occurrence must agree for it to count as allowed), else evaluated on its own through the
 * policy layer with a constructed call.
 */
async function outcomeOf(spec: DrillCall, scenario: Scenario, result: SimulationResult, context: DrillContext): Promise<DrillCallOutcome> {
  const principal = spec.principal.toLowerCase();
  const fromSomewhere = spec.sourceVpce !== undefined || spec.sourceIp !== undefined;
  const inRun = fromSomewhere
    ? []
    : result.events.filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated' && e.operation === spec.operation && e.principal.toLowerCase() === principal && (spec.resource === undefined || e.resource === spec.resource));
  if (inRun.length > 0) {
    const ev = inRun.find((e) => e.decision !== 'Allowed') ?? inRun[0]!;
    return { stage: ev.stage ?? null, action: ev.action ?? null, operation: ev.operation, principal: ev.principal, resource: ev.resource, decision: ev.decision, category: ev.category ?? null, message: ev.message ?? ev.explanation, statements: ev.statements, direct: false };
  }
  const resource = spec.resource ?? result.events.find((e): e is CallEvaluatedEvent => e.type === 'call.evaluated' && e.operation === spec.operation)?.resource ?? resourceFromDeclaration(spec.operation, scenario);
  const world = buildWorld(scenario);
  const caller = roleCaller(spec.principal, spec.sessionName ?? 'drill');
  const region = resource.split(':')[3] || scenario.pipeline.metadata.pipelineArn.split(':')[3] || 'us-east-1';
  const facts = {
    ...(spec.sourceVpce ? { sourceVpce: spec.sourceVpce } : {}),
    ...(spec.sourceIp ? { sourceIp: spec.sourceIp } : {}),
    ...(spec.operation === 'sts:AssumeRole' ? { roleSessionName: caller.sessionName } : {}),
  };
  const ev = await authorize(world, { caller, operation: spec.operation, resource, region, ...(Object.keys(facts).length ? { facts } : {}) }, context.memo);
  return { stage: null, action: null, operation: spec.operation, principal: spec.principal, resource, decision: ev.decision, category: ev.category ?? null, message: ev.message ?? ev.explanation, statements: ev.statements, direct: true };
}

/** For an approval, the ARN of the first manual approval action of the declaration. */
function resourceFromDeclaration(operation: string, scenario: Scenario): string {
  const arn = scenario.pipeline.metadata.pipelineArn;
  if (operation === 'codepipeline:PutApprovalResult') {
    for (const stage of scenario.pipeline.pipeline.stages) {
      const approval = stage.actions.find((a) => a.actionTypeId.provider === 'Manual');
      if (approval) return `${arn}/${stage.name}/${approval.name}`;
    }
  }
  return arn;
}

// ---------------------------------------------------------------------------
// The symptom
// ---------------------------------------------------------------------------

/** What the unpatched scenario shows, for the goal at hand. */
async function symptomOf(goal: DrillGoal, scenario: Scenario, result: SimulationResult, context: DrillContext): Promise<DrillSymptom> {
  switch (goal.kind) {
    case 'lint-clean': {
      const findings: Finding[] = lint(scenario, { result }).filter((f) => f.ruleId === goal.rule);
      const f = findings[0];
      if (f) return { kind: 'finding', headline: `lint ${f.ruleId} (${f.severity}) at ${f.path}`, message: f.message, ruleId: f.ruleId };
      return runSymptom(result);
    }
    case 'denied': {
      const outcome = await outcomeOf(goal.denied, scenario, result, context);
      if (outcome.decision === 'Allowed') {
        return {
          kind: 'allowed-call',
          headline: `${callWords(goal.denied)} is allowed (run ${result.status})`,
          message: allowingStatements(outcome.statements) ? `allowed by ${allowingStatements(outcome.statements)}` : 'allowed',
          operation: goal.denied.operation,
          principal: goal.denied.principal,
        };
      }
      return runSymptom(result);
    }
    case 'trace-has': {
      const j = traceJudgement(goal, result);
      if (!j.meets) {
        const run = runSymptom(result);
        return { ...run, kind: run.kind === 'none' ? 'trace-missing' : run.kind, headline: run.kind === 'none' ? j.reason : run.headline, message: run.kind === 'none' ? j.reason : `${run.message} — ${j.reason}` };
      }
      return runSymptom(result);
    }
    case 'run-succeeds':
      return runSymptom(result);
  }
}

/** The symptom of a run: its first denial, its structural issue, its failed action, or none. Pure. */
export function runSymptom(result: SimulationResult): DrillSymptom {
  if (result.status === 'Invalid') {
    const issue = result.issues[0];
    return {
      kind: 'invalid',
      headline: `the pipeline is rejected before it runs${issue?.category ? ` [${issue.category}]` : ''}`,
      message: issue ? `${issue.path}: ${issue.message}` : 'invalid declaration',
      ...(issue ? { code: issue.code } : {}),
      ...(issue?.category ? { category: issue.category } : {}),
    };
  }
  const d = result.firstDenial;
  if (d) {
    return {
      kind: 'denial',
      headline: `${d.stage ?? '(start)'}/${d.action ?? '-'} fails: ${d.operation} by ${roleName(d.principal)} denied [${d.category}]`,
      message: d.message,
      ...(d.stage ? { stage: d.stage } : {}),
      ...(d.action ? { action: d.action } : {}),
      operation: d.operation,
      principal: d.principal,
      category: d.category,
    };
  }
  const failed = firstFailedAction(result.events);
  if (failed) return { kind: 'failure', headline: `${failed.stage}/${failed.action} fails`, message: failed.message, stage: failed.stage, action: failed.action };
  return { kind: 'none', headline: `the run ${result.status === 'Succeeded' ? 'succeeds' : `ends ${result.status}`}`, message: '' };
}
