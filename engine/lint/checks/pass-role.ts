/** PS019: an action that passes a role of another account (IAM refuses it whatever the policies say). Pure. */
import { parseArn } from '../../../model/arn.js';
import { calls, type Check, type Draft } from './kit.js';

/** Configuration keys whose role the action role passes to a service. */
const PASSED_ROLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  CloudFormation: ['RoleArn'],
  CloudFormationStackSet: ['AdministrationRoleArn'],
};

/** PS019: "Cross-account pass role is not allowed." (AWS re:Post iam-passrole-error; IAM id_roles_use_passrole). Proven by a refused pass in the run. */
export const crossAccountPassRole: Check = (ctx) => {
  const out: Draft[] = [];
  for (const a of ctx.actions) {
    for (const key of PASSED_ROLE_KEYS[a.provider] ?? []) {
      const role = a.declaration.configuration[key];
      const roleAccount = role ? parseArn(role)?.account : undefined;
      if (!role || !roleAccount || roleAccount === a.account) continue;
      const proven = calls(ctx.result).some((c) => c.operation === 'iam:PassRole' && c.resource === role && c.message === 'Cross-account pass role is not allowed.');
      out.push({
        ruleId: 'PS019',
        segments: [...a.path, 'configuration', key],
        message: `\`${a.stage}/${a.declaration.name}\` runs as \`${a.roleArn}\` in account ${a.account} and passes \`${role}\` of account ${roleAccount}: IAM refuses a cross-account pass role`,
        ...(proven ? { proven } : {}),
      });
    }
  }
  return out;
};
