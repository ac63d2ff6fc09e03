/** PS015: action roles scoped wider than their actions need. Pure. */
import { findRole } from '../../../model/world.js';
import { asList } from '../../../model/policy-document.js';
import { indexedStatements, isAllow, statementPath } from '../policy.js';
import { actionKey } from '../topology.js';
import { calls, identityPolicies, quoteList, sameArn, type Check, type Draft } from './kit.js';

const READ_VERB = /^(Get|List|Describe|BatchGet|BatchDescribe|Head|View|Lookup|Search|Validate|Estimate)/i;
/** Operations that take no resource ARN (IAM requires `*`). */
const RESOURCELESS = new Set(['sts:getcalleridentity', 'ecr:getauthorizationtoken', 'codepipeline:putjobsuccessresult', 'codepipeline:putjobfailureresult', 'cloudformation:validatetemplate', 's3:listallmybuckets', 'kms:listaliases', 'kms:listkeys']);

const isServiceWildcard = (a: string) => a === '*' || /^[\w-]+:\*$/.test(a);
const isRead = (a: string) => READ_VERB.test(a.split(':')[1] ?? '') || RESOURCELESS.has(a.toLowerCase());

/** PS015: action roles allow no `*` actions and no `*` resources on actions that are not reads. */
export const overbroadActionRole: Check = (ctx) => {
  const out: Draft[] = [];
  const seen = new Set<string>();
  for (const a of ctx.actions) {
    const arn = a.declaration.roleArn;
    if (!arn || seen.has(arn.toLowerCase())) continue;
    seen.add(arn.toLowerCase());
    const role = findRole(ctx.world, arn);
    if (!role) continue;
    for (const policy of identityPolicies(ctx, role)) {
      for (const s of indexedStatements(policy.doc)) {
        const st = s.statement;
        if (!isAllow(st)) continue;
        const actions = asList(st.Action);
        const wild = actions.filter(isServiceWildcard);
        const starResource = asList(st.Resource).includes('*') || st.NotResource !== undefined;
        const writesOnStar = starResource ? actions.filter((x) => !isServiceWildcard(x) && !isRead(x)) : [];
        let problem: string | undefined;
        let field: 'Action' | 'Resource' | 'NotAction' = 'Action';
        if (st.NotAction !== undefined) {
          problem = `allows everything except ${quoteList(asList(st.NotAction))}`;
          field = 'NotAction';
        } else if (wild.length) problem = `allows ${quoteList(wild)}`;
        else if (writesOnStar.length) {
          problem = `allows ${quoteList(writesOnStar)} on every resource`;
          field = 'Resource';
        }
        if (!problem) continue;
        const used = [
          ...new Set(
            calls(ctx.result)
              .filter((c) => c.decision === 'Allowed' && sameArn(c.principal, role.arn) && c.statements.some((d) => d.policyKind === 'identity' && d.index === s.index && (d.policy === policy.name || d.policy.endsWith(`/${policy.name}`))))
              .map((c) => c.operation),
          ),
        ].sort();
        const proven = used.length > 0;
        out.push({
          ruleId: 'PS015',
          segments: [...statementPath(policy.base, s), field],
          message: `action role \`${role.arn}\` (\`${actionKey(a)}\`) ${problem}${st.Sid ? ` in statement \`${st.Sid}\`` : ''}${proven ? `: the run uses only ${quoteList(used)} through it` : ''}`,
          ...(proven ? { proven } : {}),
        });
      }
    }
  }
  return out;
};
