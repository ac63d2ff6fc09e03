/**
 * Plain text of diagnoses, fix runs and what-if comparisons, for the CLI and snapshots. The
 * printers live apart from what they print. Pure.
 */
import type { Diagnosis, RunOutcome, VerifiedFix } from '../../engine/analysis/diagnose.js';
import type { FixRun } from '../../engine/analysis/fix.js';
import type { JsonPatch } from '../../engine/analysis/patch.js';
import type { CallChange, ResultDiff } from '../../engine/analysis/whatif.js';
import type { FirstDenial } from '../../engine/types.js';

const LABEL = 12;

function row(label: string, text: string, indent = ''): string[] {
  const [first = '', ...rest] = text.split('\n');
  return [`${indent}${label.padEnd(LABEL)} ${first}`.trimEnd(), ...rest.map((l) => `${indent}${' '.repeat(LABEL)} ${l}`.trimEnd())];
}

/** A patch as indented JSON, one operation per block. Pure. */
export function formatPatch(patch: JsonPatch, indent: string): string[] {
  return JSON.stringify(patch, null, 2)
    .split('\n')
    .map((l) => `${indent}${l}`);
}

/** How far a run gets, in one line. Pure. */
export function formatOutcome(o: RunOutcome): string {
  if (o.status === 'Succeeded') return 'Succeeded';
  if (o.status === 'Invalid') {
    const i = o.issues[0];
    return i ? `Invalid — ${i.path}: ${i.message} [${i.code}]` : 'Invalid';
  }
  const d = o.firstDenial;
  return d ? `Failed — next denial #${d.seq} in ${d.stage ?? '-'}/${d.action ?? '-'}: ${d.operation} on ${d.resource} by ${d.principal} [${d.category}]` : 'Failed (no call denied)';
}

function formatFix(fix: VerifiedFix, label: string): string[] {
  return [
    ...row(label, `${fix.description} [${fix.target}]`, '  '),
    ...(fix.warning ? row('warning', fix.warning, '  ') : []),
    '  patch',
    ...formatPatch(fix.patch, '    '),
    ...row('after', formatOutcome(fix.outcome), '  '),
  ];
}

/** The text of a diagnosis. Pure. */
export function formatDiagnosis(d: Diagnosis): string {
  const lines: string[] = [];
  if (d.status === 'Succeeded') return `${d.scenario}: Succeeded — nothing to diagnose\n`;
  if (d.denial) {
    const x = d.denial;
    lines.push(`${d.scenario}: ${d.status} — first denial #${x.seq} in ${x.stage ?? '-'}/${x.action ?? '-'}`, '');
    lines.push(...row('who', `${x.principal} (${x.sessionArn ? 'account' : 'on behalf of account'} ${x.callerAccount})${x.sessionArn ? `\nsession ${x.sessionArn}` : ''}`, '  '));
    lines.push(...row('what', `${x.operation} — ${x.purpose}`, '  '));
    lines.push(...row('resource', `${x.resource}${x.resourceAccount ? ` (account ${x.resourceAccount})` : ''}`, '  '));
    lines.push(...row('decision', `${x.decision}${x.missingAllow.length ? ` (no allow in: ${x.missingAllow.join(', ')})` : ''}`, '  '));
    for (const s of x.statements.filter((s) => s.effect === 'Deny')) lines.push(...row('denied by', `${s.policyKind} ${s.policy}, statement ${s.sid ?? `#${s.index}`}`, '  '));
    lines.push(...row('message', x.message, '  '));
  } else if (d.issue) {
    lines.push(`${d.scenario}: Invalid — CodePipeline rejects the declaration`, '');
    lines.push(...row('issue', `${d.issue.path}: ${d.issue.message} [${d.issue.code}]`, '  '));
  } else {
    lines.push(`${d.scenario}: ${d.status}`);
  }
  lines.push('');
  if (d.category) lines.push(...row('category', `${d.category} — ${d.categoryMeaning ?? ''}`));
  if (d.guide) {
    lines.push(...row('checklist', d.guide.item !== null ? `${d.guide.item}. ${d.guide.text}` : `(not one of the five) ${d.guide.text}`));
    if (d.guide.also) lines.push(...row('', d.guide.also));
  }
  lines.push(...row('explanation', d.explanation));
  lines.push('');
  if (d.fixes.length === 0) {
    lines.push(d.denial || d.issue ? 'no verified fix: no change pipesim knows gets this call through' : 'no fix: the failure is not a permission or declaration problem');
  } else {
    lines.push(`${d.fixes.length} verified fix${d.fixes.length === 1 ? '' : 'es'} (each applied to a copy and simulated), best first:`);
    d.fixes.forEach((f, i) => lines.push('', ...formatFix(f, `fix ${i + 1}`)));
  }
  return `${lines.join('\n')}\n`;
}

/** The text of a fix run: every change in words and as a JSON Patch, round by round. Pure. */
export function formatFixRun(run: FixRun): string {
  const lines: string[] = [];
  const n = run.rounds.length;
  if (n === 0 && run.status === 'Succeeded') return `${run.scenario}: Succeeded — nothing to fix\n`;
  lines.push(`${run.scenario}: ${run.initialStatus} → ${run.status} after ${n} fix${n === 1 ? '' : 'es'}${run.stopped === 'no-fix' ? ' (no further verified fix)' : run.stopped === 'round-limit' ? ' (round limit reached)' : ''}`);
  for (const r of run.rounds) {
    lines.push('', `round ${r.round}`);
    lines.push(...row('stopped at', formatStop(r.before), '  '));
    lines.push(...formatFix(r.fix, 'fix'));
  }
  if (run.remaining) {
    lines.push('', ...row('remaining', formatStop(runOutcomeOf(run))), ...row('', run.remaining.explanation));
  }
  return `${lines.join('\n')}\n`;
}

function runOutcomeOf(run: FixRun): RunOutcome {
  const d = run.result.firstDenial;
  return {
    status: run.result.status,
    firstDenial: d ? { seq: d.seq, stage: d.stage, action: d.action, operation: d.operation, principal: d.principal, resource: d.resource, category: d.category } : null,
    issues: run.result.issues,
  };
}

function formatStop(o: RunOutcome): string {
  if (o.status === 'Invalid') {
    const i = o.issues[0];
    return i ? `Invalid — ${i.path}: ${i.message} [${i.code}${i.category ? `, ${i.category}` : ''}]` : 'Invalid';
  }
  const d = o.firstDenial;
  return d ? `#${d.seq} ${d.stage ?? '-'}/${d.action ?? '-'}: ${d.operation} on ${d.resource} by ${d.principal} [${d.category}]` : o.status;
}

const MARK: Readonly<Record<string, string>> = { Allowed: '✔', ExplicitlyDenied: '✖', ImplicitlyDenied: '✖', NotReached: '·' };

function formatChange(c: CallChange): string {
  const where = `${c.stage ?? '-'}/${c.action ?? '-'}`;
  const cat = c.kind === 'decision' ? ` (${c.before}${c.categoryBefore ? ` ${c.categoryBefore}` : ''} → ${c.after}${c.categoryAfter ? ` ${c.categoryAfter}` : ''})` : '';
  const occurrence = c.occurrence > 1 ? ` (#${c.occurrence})` : '';
  return `${MARK[c.before]}→${MARK[c.after]} ${where} ${c.operation} ${c.resource} by ${c.principal}${occurrence}${cat}`;
}

function formatDenial(d: FirstDenial | null): string {
  return d ? `#${d.seq} ${d.stage ?? '-'}/${d.action ?? '-'} ${d.operation} on ${d.resource} by ${d.principal} [${d.category}]` : 'none';
}

const MOVES: Readonly<Record<ResultDiff['firstDenial']['move'], string>> = {
  none: 'no denial in either run',
  unchanged: 'the same call is still the first denial',
  resolved: 'no call is denied any more',
  introduced: 'a call is denied that was not before',
  later: 'moved later: the run gets further',
  earlier: 'moved earlier: the run stops sooner',
  moved: 'a different call is denied now',
};

/** The text of a what-if comparison. Pure. */
export function formatWhatIf(scenario: string, diff: ResultDiff): string {
  const lines: string[] = [`${scenario}: what if`, ''];
  lines.push(...row('status', `${diff.status.before} → ${diff.status.after}${diff.status.changed ? '' : ' (unchanged)'}`));
  lines.push(...row('first denial', `${MOVES[diff.firstDenial.move]}\nbefore ${formatDenial(diff.firstDenial.before)}\nafter  ${formatDenial(diff.firstDenial.after)}`));
  for (const i of diff.issues.removed) lines.push(...row('issue gone', `${i.path}: ${i.message} [${i.code}]`));
  for (const i of diff.issues.added) lines.push(...row('new issue', `${i.path}: ${i.message} [${i.code}]`));
  const decided = diff.changes.filter((c) => c.kind === 'decision');
  const reached = diff.changes.filter((c) => c.kind === 'reached');
  const unreached = diff.changes.filter((c) => c.kind === 'unreached');
  lines.push('', `calls that changed decision: ${decided.length}`);
  for (const c of decided) lines.push(`  ${formatChange(c)}`);
  lines.push(`calls made only after the change: ${reached.length}`);
  for (const c of reached) lines.push(`  ${formatChange(c)}`);
  lines.push(`calls made only before the change: ${unreached.length}`);
  for (const c of unreached) lines.push(`  ${formatChange(c)}`);
  return `${lines.join('\n')}\n`;
}
