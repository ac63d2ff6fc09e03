/**
 * The detail pane's content for one event, as styled lines: who called what on which
 * resource, the decision, the deciding statements inside their documents, why, and the
 * audit records of the call. Reads the result and the scenario only. Pure.
 */
import { CATEGORIES, type CallEvaluatedEvent, type DecidingStatement, type SimulationResult, type TraceEvent } from '../../engine/types.js';
import type { CallChange } from '../../engine/analysis/whatif.js';
import type { PolicyDocument, Scenario } from '../../model/schema.js';
import { lineText, span, wrapLine, type Line } from './lines.js';
import { documentView, findDecidingPolicy, findMissingPolicies, POLICY_KIND_NAMES, renderGrant, withCursor, type FoundPolicy } from './policy-docs.js';
import { DECISION_LOOK, type Tone } from './theme.js';
import { callIdentity, cursorTarget, documentPointer, valueAt, type RemovedStatement, type StatementKey, type StatementTarget } from './what-if.js';

/** What the detail pane needs. */
export interface DetailInput {
  readonly result: SimulationResult;
  readonly scenario: Scenario;
  readonly event: TraceEvent | undefined;
  readonly width: number;
  /** Statements toggled off in this run (drawn struck where they stood). */
  readonly removed?: readonly RemovedStatement[];
  /** Where the statement cursor is; drawn only when `showCursor`. */
  readonly cursor?: StatementKey | null;
  readonly showCursor?: boolean;
  /** How the last change changed this call, and what that change was. */
  readonly change?: { readonly call: CallChange; readonly by: string };
}

/** The detail pane: its lines and the statements space can toggle there. */
export interface DetailView {
  readonly lines: readonly Line[];
  readonly targets: readonly StatementTarget[];
}

const LABEL = 10;

/** An account's name from the scenario, else its id. Pure. */
export function accountName(scenario: Scenario, id: string): string {
  return scenario.accounts.find((a) => a.id === id)?.name ?? (id || '-');
}

/** An account id with its name from the scenario (`prod 444444444444`). Pure. */
export function accountLabel(scenario: Scenario, id: string): string {
  const name = scenario.accounts.find((a) => a.id === id)?.name;
  return name ? `${name} ${id}` : id || '-';
}

function field(label: string, value: string, width: number, tone?: Tone): readonly Line[] {
  return wrapLine([span(label.padEnd(LABEL), 'label'), span(value, tone)], width, LABEL);
}

function heading(text: string, width: number, tone: Tone = 'accent'): readonly Line[] {
  return wrapLine([span(text, tone, { bold: true })], width, 2);
}

/** The detail pane for an event: its lines, and the statements of the documents it shows. Pure. */
export function detailView(input: DetailInput): DetailView {
  const { event } = input;
  if (!event) return { lines: [[span('no event selected', 'muted')]], targets: [] };
  if (event.type !== 'call.evaluated') return { lines: otherLines(input, event), targets: [] };
  const targets: StatementTarget[] = [];
  const lines = [...callLines(input, event, targets)];
  const at = input.showCursor ? cursorTarget(targets, input.cursor ?? null) : undefined;
  if (at) for (let i = at.start; i < at.end; i++) lines[i] = withCursor(lines[i] as Line);
  return { lines, targets };
}

/** Where the documents of a call's detail go: the lines so far, and the statements found. */
interface DocSink {
  readonly out: Line[];
  readonly targets: StatementTarget[];
  readonly shown: Set<string>;
}

function callLines(input: DetailInput, e: CallEvaluatedEvent, targets: StatementTarget[]): readonly Line[] {
  const { scenario, result, width } = input;
  const look = DECISION_LOOK[e.decision];
  const out: Line[] = [];
  const sink: DocSink = { out, targets, shown: new Set() };
  const first = result.firstDenial?.seq === e.seq;
  out.push(
    ...wrapLine(
      [
        span('decision'.padEnd(LABEL), 'label'),
        span(`${look.symbol} ${e.decision}`, look.tone, { bold: true }),
        span(e.category ? ` [${e.category}]` : ''),
        ...(first ? [span('  ✖ first denial', 'deny', { bold: true })] : []),
      ],
      width,
      LABEL,
    ),
  );
  if (input.change) out.push(...changeLines(input.change.call, input.change.by, width));
  out.push(...field('operation', `${e.operation} — ${e.purpose}`, width));
  out.push(...field('caller', `${e.principal} (${accountName(scenario, e.callerAccount)})`, width));
  if (e.sessionArn) {
    // The whole session ARN where it fits; else from `assumed-role/`, which still names role and session.
    const fits = LABEL + e.sessionArn.length <= width;
    out.push(...field('session', fits ? e.sessionArn : e.sessionArn.slice(e.sessionArn.indexOf('assumed-role/')), width));
  }
  out.push(...field('resource', `${e.resource} (${e.resourceAccount ? `${accountName(scenario, e.resourceAccount)}, ` : ''}${e.region})`, width));

  // The documents the call names: the deciding statements grouped by document, then for an
  // implicit denial the documents that lack an allow.
  const verb = e.decision === 'Allowed' ? 'allowed by' : e.decision === 'ExplicitlyDenied' ? 'denied by' : 'allows part of it:';
  const deciding = groupStatements(e.statements).map((group) => ({
    found: findDecidingPolicy(scenario, e, group[0] as DecidingStatement),
    marks: new Map<number, Tone>(group.map((st) => [st.index, st.effect === 'Deny' ? 'deny' : 'allow'] as const)),
    which: group.map((st) => `statement ${st.index}${st.sid ? ` ${st.sid}` : ''}`).join(', '),
  }));
  const missing = e.decision === 'ImplicitlyDenied' ? e.missingAllow.map((kind) => ({ kind, found: findMissingPolicies(scenario, e, kind) })) : [];
  const named = new Set([...deciding.map((d) => d.found), ...missing.flatMap((m) => m.found)].map((f) => (f.document ? documentPointer(scenario, f.document) : undefined)));

  // Statements toggled off on this call in documents it no longer names: shown first, to be put back.
  const here = callIdentity(e);
  const elsewhere = [...new Set((input.removed ?? []).filter((r) => r.call === here && !named.has(r.document)).map((r) => r.document))];
  for (const ptr of elsewhere) {
    const document = valueAt(scenario, ptr);
    const title = (input.removed ?? []).find((r) => r.document === ptr)?.title ?? ptr;
    if (document && typeof document === 'object' && 'Statement' in document) {
      policyLines(input, sink, { kind: 'identity', title, document: document as PolicyDocument }, new Map(), 'toggled off in', 'warn', 'space puts a statement back');
    }
  }
  for (const d of deciding) policyLines(input, sink, d.found, d.marks, verb, look.tone, d.which);
  if (missing.length) {
    out.push(...heading(`no allow in: ${e.missingAllow.map((k) => POLICY_KIND_NAMES[k]).join(', ')}`, width, 'deny'));
    for (const { kind, found } of missing) {
      if (!found.length) out.push(...wrapLine([span(`  ${POLICY_KIND_NAMES[kind]}: no statement allows ${e.operation}`, 'muted')], width, 4));
      for (const f of found) policyLines(input, sink, f, new Map(), 'missing from', 'deny', `no statement allows ${e.operation}`);
    }
  }
  out.push(...field('why', e.explanation, width));
  if (e.category) out.push(...field('category', `${e.category}: ${CATEGORIES[e.category]}`, width));
  if (e.message) out.push(...field('AWS says', e.message, width, look.tone));
  const context = Object.entries(e.context);
  if (context.length) {
    out.push(...heading('context keys', width));
    for (const [k, v] of context) out.push(...wrapLine([span(`  ${k} = `, 'label'), span(Array.isArray(v) ? v.join(', ') : String(v))], width, 4));
  }
  out.push(...auditLines(input, e.seq));
  return out;
}

function groupStatements(statements: readonly DecidingStatement[]): readonly (readonly DecidingStatement[])[] {
  const groups = new Map<string, DecidingStatement[]>();
  for (const st of statements) {
    const key = `${st.policyKind}\u0000${st.policy}`;
    const g = groups.get(key);
    if (g) g.push(st);
    else groups.set(key, [st]);
  }
  return [...groups.values()];
}

function changeLines(c: CallChange, by: string, width: number): readonly Line[] {
  const was = c.before === 'NotReached' ? 'not reached' : `${DECISION_LOOK[c.before].symbol} ${c.before}${c.categoryBefore ? ` [${c.categoryBefore}]` : ''}`;
  const mark = c.kind === 'decision' ? '△ changed by' : '+ reached since';
  return wrapLine([span('before'.padEnd(LABEL), 'label'), span(was, c.before === 'NotReached' ? 'muted' : DECISION_LOOK[c.before].tone), span(`  ${mark} `, 'changed'), span(by, 'muted')], width, LABEL);
}

/** Draws a document with its title into the sink; its statements become toggle targets when it is the scenario's own. */
function policyLines(input: DetailInput, sink: DocSink, found: FoundPolicy, marks: ReadonlyMap<number, Tone>, verb: string, tone: Tone, what: string): void {
  const { width, scenario } = input;
  const title: Line = [span(`${verb} `, tone, { bold: true }), span(found.title, 'label', { bold: true })];
  // The statement numbers go on the title row only where they fit; the marks show them anyway.
  const withWhat: Line = [...title, span(` · ${what}`, 'muted')];
  const out = sink.out;
  out.push(...wrapLine(lineText(withWhat).length <= width ? withWhat : title, width, 2));
  if (found.document) {
    const ptr = documentPointer(scenario, found.document);
    const off = ptr ? (input.removed ?? []).filter((r) => r.document === ptr) : [];
    const view = documentView(found.document, marks, width, off);
    const base = out.length;
    out.push(...view.lines);
    // A document shown twice (deciding and missing) takes the cursor once.
    if (ptr && !sink.shown.has(ptr)) {
      sink.shown.add(ptr);
      const single = !Array.isArray(found.document.Statement);
      for (const d of view.statements) {
        const sid = typeof d.statement['Sid'] === 'string' ? d.statement['Sid'] : undefined;
        sink.targets.push({ document: ptr, title: found.title, at: d.at, ...(sid ? { sid } : {}), statement: d.statement, off: d.off, single, start: base + d.start, end: base + d.end });
      }
    }
  } else if (found.grant) out.push(...renderGrant(found.grant, marks.size ? [...marks.values()][0] : undefined, width));
  else out.push(...wrapLine([span(`  (${found.note ?? 'not in the scenario'})`, 'muted')], width, 4));
}

function auditLines(input: DetailInput, seq: number): readonly Line[] {
  const { result, scenario, width } = input;
  const out: Line[] = [];
  const trail = result.cloudTrail.filter((r) => r.seq === seq);
  if (trail.length) {
    out.push(...heading(`CloudTrail (${trail.length})`, width));
    for (const r of trail) {
      out.push(
        ...wrapLine(
          [
            span(`  ${accountLabel(scenario, r.recipientAccountId)} ${r.awsRegion} `),
            span(`${r.eventSource} ${r.eventName}`, 'label'),
            ...(r.errorCode ? [span(` ${r.errorCode}`, 'deny')] : []),
            span(` eventID ${r.eventID}${r.sharedEventID ? ` shared ${r.sharedEventID}` : ''}`, 'muted'),
          ],
          width,
          4,
        ),
      );
    }
  }
  const bridge = result.eventBridge.filter((b) => b.seq === seq);
  if (bridge.length) {
    out.push(...heading(`EventBridge (${bridge.length})`, width));
    for (const b of bridge) {
      const state = typeof b.detail['state'] === 'string' ? ` ${b.detail['state']}` : '';
      out.push(...wrapLine([span(`  ${b['detail-type']}${state}`, 'label'), span(` ${accountLabel(scenario, b.account)} ${b.region}`, 'muted')], width, 4));
    }
  }
  return out;
}

function otherLines(input: DetailInput, e: Exclude<TraceEvent, CallEvaluatedEvent>): readonly Line[] {
  const { scenario, width } = input;
  const out: Line[] = [...field('event', `${e.type} #${e.seq}${e.parentSeq !== null ? ` (in #${e.parentSeq})` : ''} at ${e.time}`, width)];
  if (e.stage) out.push(...field('stage', e.stage, width));
  if (e.action) out.push(...field('action', e.action, width));
  const statusTone = (s: string): Tone => (s === 'Succeeded' ? 'allow' : 'deny');
  switch (e.type) {
    case 'execution.started':
      out.push(...field('pipeline', e.pipeline, width), ...field('execution', e.executionId, width), ...field('account', accountLabel(scenario, e.account), width), ...field('region', e.region, width));
      break;
    case 'stage.started':
      break;
    case 'action.started':
      out.push(
        ...field('provider', e.provider, width),
        ...field('account', accountLabel(scenario, e.account), width),
        ...field('region', e.region, width),
        ...field('runs as', e.roleArn, width),
        ...field('runOrder', String(e.runOrder), width),
      );
      break;
    case 'artifact.replicated':
      out.push(...field('artifact', e.artifact, width), ...field('from', `${e.from} (${e.fromRegion})`, width), ...field('to', `${e.to} (${e.toRegion})`, width));
      break;
    case 'variables.resolved':
      for (const [k, v] of Object.entries(e.variables)) out.push(...field('variable', `${k} = ${v}`, width));
      break;
    case 'approval.requested':
      if (e.topic) out.push(...field('notify', e.topic, width));
      if (e.reviewUrl) out.push(...field('review', e.reviewUrl, width));
      break;
    case 'approval.answered':
      out.push(...field('approver', e.approver, width), ...field('result', e.result, width, e.result === 'Approved' ? 'allow' : 'deny'));
      if (e.note) out.push(...field('note', e.note, width));
      break;
    case 'note.added':
      out.push(...field('note', e.text, width));
      break;
    case 'stack-instance.started':
      out.push(...field('account', accountLabel(scenario, e.account), width), ...field('region', e.region, width));
      break;
    case 'stack-instance.finished':
      out.push(...field('account', accountLabel(scenario, e.account), width), ...field('region', e.region, width), ...field('status', e.status, width, statusTone(e.status)));
      if (e.message) out.push(...field('message', e.message, width));
      break;
    case 'rollback.started':
      out.push(...field('rollback', `⟳ ${e.scope}`, width, 'warn'), ...field('reason', e.reason, width));
      if (e.target) out.push(...field('target', e.target, width));
      break;
    case 'action.finished':
    case 'stage.finished':
    case 'execution.finished':
      out.push(...field('status', `${e.status === 'Succeeded' ? '✔' : '✖'} ${e.status}`, width, statusTone(e.status)));
      if (e.type === 'action.finished' && e.message) out.push(...field('message', e.message, width));
      break;
  }
  out.push(...auditLines(input, e.seq));
  return out;
}
