/** PS018: a CodeBuild project without an encryption key whose output another account reads. Pure. */
import { parseArn } from '../../../model/arn.js';
import { codeBuildProjectArn } from '../../execution/plan.js';
import { calls, type Check, type Draft } from './kit.js';

/**
 * PS018: CodeBuild encrypts outputs with the project's key, else its account's `aws/s3`
 * (CodeBuild API `Project.encryptionKey`; aws-cdk#4182), so a reader in another account fails.
 * Proven when the run denies a `kms:Decrypt` on that account's AWS managed key.
 */
export const codeBuildOutputKey: Check = (ctx) => {
  const out: Draft[] = [];
  for (const a of ctx.actions) {
    if (a.provider !== 'CodeBuild') continue;
    const arn = codeBuildProjectArn(a);
    const index = ctx.scenario.codeBuildProjects.findIndex((p) => p.arn === arn);
    const project = ctx.scenario.codeBuildProjects[index];
    if (!project || project.encryptionKey !== undefined) continue;
    const outputs = new Set(a.declaration.outputArtifacts.map((o) => o.name));
    const readers = ctx.actions.filter((r) => r.account !== a.account && r.declaration.inputArtifacts.some((i) => outputs.has(i.name)));
    if (readers.length === 0) continue;
    const accounts = [...new Set(readers.map((r) => r.account))];
    const proven = calls(ctx.result).some((c) => c.operation === 'kms:Decrypt' && c.decision !== 'Allowed' && c.category === 'AWS_MANAGED_KEY' && parseArn(c.resource)?.account === a.account);
    out.push({
      ruleId: 'PS018',
      segments: ['codeBuildProjects', index],
      message: `project \`${project.arn}\` names no encryptionKey, so CodeBuild encrypts the output of \`${a.stage}/${a.declaration.name}\` with the AWS managed \`aws/s3\` key of account ${a.account}, which account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')} cannot use`,
      ...(proven ? { proven } : {}),
    });
  }
  return out;
};
