/** Views of a trace: filters and the plain-text printer. Pure; the printer lives apart from the evaluator. */
import type { SimulationResult, TraceEvent } from './types.js';

/** Which events a view shows. */
export type TraceFilter = 'full' | 'fails' | 'notes';

/** Keeps the events a view shows: `fails` keeps denials and failures with their ancestors; `notes` adds notes. Pure. */
export function filterTrace(events: readonly TraceEvent[], filter: TraceFilter): readonly TraceEvent[] {
  if (filter === 'full') return events;
  const bySeq = new Map(events.map((e) => [e.seq, e] as const));
  const keep = new Set<number>();
  const keepWithAncestors = (e: TraceEvent) => {
    let cur: TraceEvent | undefined = e;
    while (cur && !keep.has(cur.seq)) {
      keep.add(cur.seq);
      cur = cur.parentSeq === null ? undefined : bySeq.get(cur.parentSeq);
    }
  };
  for (const e of events) {
    const failing =
      (e.type === 'call.evaluated' && e.decision !== 'Allowed') ||
      ((e.type === 'action.finished' || e.type === 'stage.finished' || e.type === 'execution.finished' || e.type === 'stack-instance.finished') && e.status !== 'Succeeded') ||
      e.type === 'rollback.started';
    const noted = filter === 'notes' && (e.type === 'note.added' || e.type === 'variables.resolved' || e.type === 'artifact.replicated' || (e.type === 'approval.answered' && e.note !== undefined));
    if (failing || noted) keepWithAncestors(e);
  }
  return events.filter((e) => keep.has(e.seq));
}

/** Depth of every event, rebuilt from parentSeq. Pure. */
export function depths(events: readonly TraceEvent[]): ReadonlyMap<number, number> {
  const depth = new Map<number, number>();
  for (const e of events) depth.set(e.seq, e.parentSeq === null ? 0 : (depth.get(e.parentSeq) ?? 0) + 1);
  return depth;
}

const GLYPH: Readonly<Record<string, string>> = { Allowed: '✔', ExplicitlyDenied: '✖', ImplicitlyDenied: '✖' };

/** One line describing an event (no indentation). Pure. */
export function describeEvent(e: TraceEvent): string {
  switch (e.type) {
    case 'execution.started':
      return `execution ${e.executionId} of ${e.pipeline} (${e.account}, ${e.region})`;
    case 'stage.started':
      return `stage ${e.stage}`;
    case 'action.started':
      return `action ${e.action} [${e.provider}] in ${e.account}/${e.region} as ${e.roleArn}`;
    case 'call.evaluated':
      return `${GLYPH[e.decision]} ${e.operation} ${e.resource} by ${e.sessionArn ?? e.principal} — ${e.decision}${e.category ? ` [${e.category}]` : ''}`;
    case 'artifact.replicated':
      return `copy artifact ${e.artifact} ${e.from} (${e.fromRegion}) → ${e.to} (${e.toRegion})`;
    case 'variables.resolved':
      return `variables ${Object.entries(e.variables).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    case 'approval.requested':
      return `approval requested${e.topic ? ` (notify ${e.topic})` : ''}`;
    case 'approval.answered':
      return `${e.result} by ${e.approver}${e.note ? ` — ${e.note}` : ''}`;
    case 'note.added':
      return `note: ${e.text}`;
    case 'stack-instance.started':
      return `stack instance ${e.account}/${e.region}`;
    case 'stack-instance.finished':
      return `stack instance ${e.account}/${e.region} ${e.status}${e.message ? `: ${e.message}` : ''}`;
    case 'rollback.started':
      return `rollback (${e.scope}): ${e.reason}${e.target ? ` → ${e.target}` : ''}`;
    case 'action.finished':
      return `action ${e.action} ${e.status}${e.message ? `: ${e.message}` : ''}`;
    case 'stage.finished':
      return `stage ${e.stage} ${e.status}`;
    case 'execution.finished':
      return `execution ${e.status}`;
  }
}

/** The plain trace: one line per event, indented by depth, then the outcome. Pure. */
export function formatTrace(result: SimulationResult, filter: TraceFilter = 'full'): string {
  const lines: string[] = [`${result.scenario}: ${result.status}`];
  if (result.status === 'Invalid') {
    for (const issue of result.issues) lines.push(`  ✖ ${issue.path}: ${issue.message} [${issue.code}${issue.category ? `, ${issue.category}` : ''}]`);
    return lines.join('\n') + '\n';
  }
  const shown = filterTrace(result.events, filter);
  const depth = depths(result.events);
  const first = result.firstDenial?.seq;
  for (const e of shown) {
    const pad = '  '.repeat(depth.get(e.seq) ?? 0);
    lines.push(`${String(e.seq).padStart(4)} ${pad}${describeEvent(e)}${e.seq === first ? '   ◀ first denial' : ''}`);
  }
  if (result.firstDenial) {
    const d = result.firstDenial;
    lines.push('', `first denial (#${d.seq}, ${d.stage ?? '-'}/${d.action ?? '-'}): ${d.operation} [${d.category}]`, `  ${d.message}`);
  }
  return lines.join('\n') + '\n';
}

/** The first denying event of a result, or null. Pure. */
export function firstDenial(result: SimulationResult): SimulationResult['firstDenial'] {
  return result.firstDenial;
}
