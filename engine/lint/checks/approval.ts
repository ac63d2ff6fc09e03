/** PS013: self-approval (the author of a change may approve it). Pure. */
import { sessionArn } from '../../../model/arn.js';
import type { PolicyStatement, Role } from '../../../model/schema.js';
import { findRole } from '../../../model/world.js';
import { resourceMatches } from '../../../model/iam-match.js';
import { conditionsOf, coversAction, coversResource, indexedStatements, isAllow, isDeny } from '../policy.js';
import { actionKey } from '../topology.js';
import { eventsOf, identityPolicies, sameArn, type Check, type CheckContext, type Draft } from './kit.js';

/** Whether the principal conditions of a statement (aws:PrincipalTag/*, aws:PrincipalArn) admit a role; other conditions are assumed met. */
function principalConditionsAdmit(st: PolicyStatement, role: Role): boolean {
  for (const c of conditionsOf(st)) {
    const key = c.key.toLowerCase();
    const negated = /Not/i.test(c.operator);
    const like = /Like$/i.test(c.operator);
    let subject: string | undefined;
    if (key.startsWith('aws:principaltag/')) {
      const tag = c.key.slice('aws:PrincipalTag/'.length);
      subject = Object.entries(role.tags).find(([k]) => k.toLowerCase() === tag.toLowerCase())?.[1];
    } else if (key === 'aws:principalarn') subject = role.arn;
    else continue;
    if (/^Null$/i.test(c.operator)) {
      if ((subject === undefined) !== (c.values[0] === 'true')) return false;
      continue;
    }
    const matches = subject !== undefined && c.values.some((v) => (like ? resourceMatches(subject, v) : v === subject));
    if (subject === undefined && /IfExists$/i.test(c.operator)) continue;
    if (negated ? matches : !matches) return false;
  }
  return true;
}

/** Whether a role's identity policies allow an operation on a resource (statement-level, principal conditions evaluated). */
function roleAllows(ctx: CheckContext, role: Role, operation: string, resource: string): boolean {
  const statements = identityPolicies(ctx, role).flatMap((p) => indexedStatements(p.doc).map((s) => s.statement));
  const applies = (st: PolicyStatement) => coversAction(st, operation) && coversResource(st, resource) && principalConditionsAdmit(st, role);
  if (statements.some((st) => isDeny(st) && applies(st) && conditionsOf(st).every((c) => /^aws:principal(tag\/|arn$)/i.test(c.key)))) return false;
  return statements.some((st) => isAllow(st) && applies(st));
}

/** The source repositories and buckets of the pipeline, as the write operation and resource that push a change. */
function sourceWrites(ctx: CheckContext): { readonly operation: string; readonly resource: string; readonly name: string }[] {
  return ctx.actions.flatMap((a) => {
    const cfg = a.declaration.configuration;
    if (a.provider === 'CodeCommit' && cfg['RepositoryName']) {
      return [{ operation: 'codecommit:GitPush', resource: `arn:aws:codecommit:${a.region}:${a.account}:${cfg['RepositoryName']}`, name: cfg['RepositoryName'] }];
    }
    if (a.provider === 'S3' && a.category === 'Source' && cfg['S3Bucket']) return [{ operation: 's3:PutObject', resource: `arn:aws:s3:::${cfg['S3Bucket']}/${cfg['S3ObjectKey'] ?? ''}`, name: `s3://${cfg['S3Bucket']}/${cfg['S3ObjectKey'] ?? ''}` }];
    return [];
  });
}

/** PS013: the change author (or a role that can push the source) cannot approve. */
export const selfApproval: Check = (ctx) => {
  const out: Draft[] = [];
  const run = ctx.scenario.run;
  const author = run.commit.author;
  const writes = sourceWrites(ctx);
  for (const a of ctx.actions.filter((x) => x.provider === 'Manual')) {
    const key = actionKey(a);
    const actionArn = `arn:aws:codepipeline:${ctx.home.region}:${ctx.home.account}:${ctx.scenario.pipeline.pipeline.name}/${a.stage}/${a.declaration.name}`;
    const answerIndex = run.approvals.findIndex((x) => x.action === key);
    const answer = run.approvals[answerIndex];
    const proven = author !== undefined && eventsOf(ctx.result, 'approval.answered').some((e) => e.stage === a.stage && e.action === a.declaration.name && e.result === 'Approved' && e.approver.startsWith(sessionArn(author, '')));
    const p = proven ? { proven } : {};
    const ran = proven ? ': the run shows the author approving' : '';
    // The author's own role may answer the approval (an author who is denied is the design working).
    const authorRole = author ? findRole(ctx.world, author) : undefined;
    if (authorRole && roleAllows(ctx, authorRole, 'codepipeline:PutApprovalResult', actionArn)) {
      const answers = answer?.approver !== undefined && sameArn(answer.approver, authorRole.arn);
      out.push({
        ruleId: 'PS013',
        segments: answers ? ['run', 'approvals', answerIndex, 'approver'] : a.path,
        message: answers
          ? `approval \`${key}\` is answered by \`${authorRole.arn}\`, the author of the change, and its policies allow codepipeline:PutApprovalResult${ran}`
          : `the change author \`${authorRole.arn}\` is allowed codepipeline:PutApprovalResult on \`${key}\`${ran}`,
        ...p,
      });
      continue;
    }
    // Without a known author: a role that can push the source and approve can approve its own change.
    const both = ctx.scenario.roles.filter((r) => roleAllows(ctx, r, 'codepipeline:PutApprovalResult', actionArn)).flatMap((r) => {
      const w = writes.find((x) => roleAllows(ctx, r, x.operation, x.resource));
      return w ? [{ role: r, write: w }] : [];
    });
    const first = both[0];
    if (first) {
      out.push({ ruleId: 'PS013', segments: a.path, message: `role \`${first.role.arn}\` can both push to the source \`${first.write.name}\` and approve \`${key}\`` });
    }
  }
  return out;
};
