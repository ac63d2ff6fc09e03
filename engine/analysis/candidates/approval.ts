/** Approvals: the right approver, from the right place, or the permission. Pure. */
import { asList } from '../../../model/policy-document.js';
import { pointer } from '../patch.js';
import { identityStatements, statementCovers, type DenialContext, type FixCandidate } from './kit.js';
import { missingAllowCandidates } from './missing-allow.js';

/** Fixes for a denied approval: another approver who may approve, the network path, or the permission. */
export function approvalCandidates(dc: DenialContext): FixCandidate[] {
  const role = dc.callerRole;
  const ev = dc.ev;
  const key = `${ev.stage ?? ''}/${ev.action ?? ''}`;
  const a = dc.scenario.run.approvals.findIndex((x) => x.action === key);
  if (!role || a < 0) return missingAllowCandidates(dc);
  const answer = dc.scenario.run.approvals[a]!;
  const author = dc.scenario.run.commit.author;
  const isAuthor = author !== undefined && author.toLowerCase() === role.arn.toLowerCase();
  const out: FixCandidate[] = [];
  // 1. Another role whose own policies allow approving this action (never the author).
  for (const other of dc.scenario.roles) {
    if (other.arn.toLowerCase() === role.arn.toLowerCase() || (author && other.arn.toLowerCase() === author.toLowerCase())) continue;
    if (!identityStatements(dc.scenario, other).some((s) => s.Effect === 'Allow' && statementCovers(s, ev.operation, ev.resource))) continue;
    const session = dc.scenario.run.approvals.find((x) => x.approver?.toLowerCase() === other.arn.toLowerCase())?.sessionName;
    const patch = [
      { op: 'replace' as const, path: pointer('run', 'approvals', a, 'approver'), value: other.arn },
      ...(session !== undefined ? [{ op: (answer.sessionName !== undefined ? 'replace' : 'add') as 'replace' | 'add', path: pointer('run', 'approvals', a, 'sessionName'), value: session }] : []),
    ];
    out.push({
      id: 'other-approver',
      group: `other-approver:${other.arn}`,
      target: 'approval',
      description: `have \`${other.arn}\` answer \`${key}\` instead of \`${role.arn}\`${isAuthor ? ' (who authored the change)' : ''}: its policies already allow it`,
      patch,
    });
    if (out.length >= 2) break;
  }
  // 2. Answer from where the approver's own policy requires (VPC endpoint, network).
  for (const s of identityStatements(dc.scenario, role)) {
    if (s.Effect !== 'Allow' || !statementCovers(s, ev.operation, ev.resource) || !s.Condition) continue;
    const patch: { op: 'add' | 'replace'; path: string; value: unknown }[] = [];
    const words: string[] = [];
    for (const [operator, block] of Object.entries(s.Condition)) {
      for (const [k, v] of Object.entries(block)) {
        const first = asList(v as string | string[])[0];
        if (first === undefined) continue;
        if (k.toLowerCase() === 'aws:sourcevpce' && operator.startsWith('String') && !operator.includes('Not')) {
          patch.push({ op: answer.sourceVpce !== undefined ? 'replace' : 'add', path: pointer('run', 'approvals', a, 'sourceVpce'), value: String(first) });
          words.push(`through the VPC endpoint \`${String(first)}\``);
        } else if (k.toLowerCase() === 'aws:sourceip' && operator === 'IpAddress') {
          const ip = String(first).split('/')[0] ?? '';
          patch.push({ op: answer.sourceIp !== undefined ? 'replace' : 'add', path: pointer('run', 'approvals', a, 'sourceIp'), value: ip });
          words.push(`from \`${String(first)}\``);
        }
      }
    }
    if (patch.length) {
      out.push({ id: 'approve-from-allowed-network', group: 'approve-from-allowed-network', target: 'approval', description: `answer \`${key}\` ${words.join(' and ')}, as the approver's policy requires (no policy change)`, patch });
      break;
    }
  }
  // 3. The permission itself, for this approval action only.
  for (const c of missingAllowCandidates(dc)) {
    out.push(isAuthor ? { ...c, warning: `\`${role.arn}\` authored the change: this lets the author approve their own change (FAQ Q5: give PutApprovalResult to a separate approver role instead)` } : c);
  }
  return out;
}
