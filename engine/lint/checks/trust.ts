/** PS007, PS014: trust policies (an account root trusted; the CloudFormation execution role). Pure. */
import type { PathSegment } from '../../../model/path.js';
import {
  coversAction,
  hasPrincipalArnCondition,
  indexedStatements,
  isAllow,
  principalKind,
  principalsOf,
  statementPath,
  type IndexedStatement,
} from '../policy.js';
import { stackSetTargets } from '../topology.js';
import { assumersOf, calls, quoteList, roleIndex, sameArn, type Check, type CheckContext, type Draft } from './kit.js';

/** The roles that AWS principals of the pipeline assume: action roles and self-managed StackSet execution roles. */
function assumedRoles(ctx: CheckContext): string[] {
  const out = new Set<string>();
  for (const a of ctx.actions) {
    if (a.declaration.roleArn) out.add(a.declaration.roleArn);
    if (a.provider === 'CloudFormationStackSet' && a.declaration.configuration['PermissionModel'] !== 'SERVICE_MANAGED') {
      const exec = a.declaration.configuration['ExecutionRoleName'] ?? 'AWSCloudFormationStackSetExecutionRole';
      for (const account of stackSetTargets(ctx.scenario, a).accounts) out.add(`arn:aws:iam::${account}:role/${exec}`);
    }
  }
  return [...out];
}

/** PS007: trust policies of assumed roles name roles, not account roots or `*`. */
export const trustAdmitsRoot: Check = (ctx) => {
  const out: Draft[] = [];
  for (const arn of assumedRoles(ctx)) {
    const i = roleIndex(ctx.scenario, arn);
    const role = ctx.scenario.roles[i];
    if (!role) continue;
    for (const s of indexedStatements(role.trustPolicy)) {
      const st = s.statement;
      if (!isAllow(st) || !coversAction(st, 'sts:AssumeRole') || hasPrincipalArnCondition(st)) continue;
      const p = principalsOf(st);
      const broad = [...(p.star ? ['*'] : []), ...p.aws.filter((a) => principalKind(a).kind === 'root')];
      if (broad.length === 0) continue;
      const assumers = assumersOf(ctx.result, role.arn);
      const proven = assumers.length > 0;
      out.push({
        ruleId: 'PS007',
        segments: [...statementPath(['roles', i, 'trustPolicy'], s), 'Principal'],
        message: `trust policy of \`${role.arn}\` admits ${quoteList(broad)} without an \`aws:PrincipalArn\` condition${proven ? `: the run shows only ${quoteList(assumers)} assumes it` : ''}`,
        ...(proven ? { proven } : {}),
      });
    }
  }
  return out;
};

const CFN = 'cloudformation.amazonaws.com';

/** PS014: CloudFormation execution and StackSet administration roles trust only CloudFormation. */
export const cfnExecutionRoleTrust: Check = (ctx) => {
  const roles = new Map<string, string>();
  for (const a of ctx.actions) {
    const cfg = a.declaration.configuration;
    if (a.provider === 'CloudFormation' && cfg['RoleArn']) roles.set(cfg['RoleArn'].toLowerCase(), 'the execution role');
    if (a.provider === 'CloudFormationStackSet' && cfg['PermissionModel'] !== 'SERVICE_MANAGED') {
      roles.set((cfg['AdministrationRoleArn'] ?? `arn:aws:iam::${a.account}:role/AWSCloudFormationStackSetAdministrationRole`).toLowerCase(), 'the StackSet administration role');
    }
  }
  const out: Draft[] = [];
  for (const [arn, what] of roles) {
    const i = roleIndex(ctx.scenario, arn);
    const role = ctx.scenario.roles[i];
    if (!role) continue;
    const base: PathSegment[] = ['roles', i, 'trustPolicy'];
    let trustsCfn = false;
    const extras: { s: IndexedStatement; who: string[] }[] = [];
    for (const s of indexedStatements(role.trustPolicy)) {
      const st = s.statement;
      if (!isAllow(st) || !coversAction(st, 'sts:AssumeRole')) continue;
      const p = principalsOf(st);
      if (p.service.some((svc) => svc.toLowerCase() === CFN)) trustsCfn = true;
      const who = [...(p.star ? ['*'] : []), ...p.aws, ...p.service.filter((svc) => svc.toLowerCase() !== CFN), ...p.federated];
      if (who.length) extras.push({ s, who });
    }
    const assumers = assumersOf(ctx.result, role.arn);
    if (!trustsCfn) {
      const proven = calls(ctx.result).some((c) => c.category === 'SERVICE_ROLE_TRUST' && sameArn(c.resource, role.arn));
      out.push({
        ruleId: 'PS014',
        segments: base,
        message: `${what} \`${role.arn}\` does not trust \`${CFN}\`${proven ? ': the run shows CloudFormation denied' : ''}`,
        ...(proven ? { proven } : {}),
      });
    }
    for (const { s, who } of extras) {
      const proven = assumers.length > 0 && assumers.every((a) => a === CFN);
      out.push({
        ruleId: 'PS014',
        segments: [...statementPath(base, s), 'Principal'],
        message: `${what} \`${role.arn}\` also trusts ${quoteList(who)}${proven ? `: the run shows only \`${CFN}\` assumes it` : ''}`,
        ...(proven ? { proven } : {}),
      });
    }
  }
  return out;
};
