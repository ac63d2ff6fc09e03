/**
 * The checks behind each rule of engine/lint/rules.ts. Each check reads the scenario (and, when
 * given, the simulation result that can prove it) and returns draft findings: rule, path
 * segments, message. Pure.
 */
import { parseArn, sessionArn } from '../../model/arn.js';
import type { PathSegment } from '../../model/path.js';
import type { ArtifactStore, PolicyDocument, PolicyStatement, Role, Scenario } from '../../model/schema.js';
import { findRole, resolveKey, type World } from '../../model/world.js';
import type { CallEvaluatedEvent, SimulationResult, TraceEvent } from '../types.js';
import { resourceMatches } from '../../model/iam-match.js';
import { asList } from '../../model/policy-document.js';
import {
  conditionsOf,
  coversAction,
  coversResource,
  hasNarrowingCondition,
  hasPrincipalArnCondition,
  isAllow,
  isDeny,
  principalKind,
  principalsOf,
  indexedStatements,
  statementPath,
  type IndexedStatement,
} from './policy.js';
import type { RuleId } from './rules.js';
import {
  actionKey,
  deployAccounts,
  isCrossAccount,
  isStackSetAction,
  pipelineHome,
  productionAccounts,
  runsBefore,
  stackSetTargets,
  type LintAction,
} from './topology.js';

/** A finding before severity, fix and position are added. */
export interface Draft {
  readonly ruleId: RuleId;
  readonly segments: readonly PathSegment[];
  readonly message: string;
  readonly proven?: boolean;
}

/** What every check reads. */
export interface CheckContext {
  readonly scenario: Scenario;
  readonly world: World;
  readonly actions: readonly LintAction[];
  readonly home: { readonly account: string; readonly region: string };
  /** Production account id → why it is production. */
  readonly production: ReadonlyMap<string, string>;
  readonly result?: SimulationResult;
}

/** One check: the drafts of one or more rules. */
export type Check = (ctx: CheckContext) => Draft[];

const PIPELINE: readonly PathSegment[] = ['pipeline', 'pipeline'];

// ---------------------------------------------------------------------------
// Trace helpers (for --run proofs)
// ---------------------------------------------------------------------------

function calls(result: SimulationResult | undefined): CallEvaluatedEvent[] {
  return (result?.events ?? []).filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated');
}

function eventsOf<T extends TraceEvent['type']>(result: SimulationResult | undefined, type: T): Extract<TraceEvent, { type: T }>[] {
  return (result?.events ?? []).filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}

const sameArn = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const quoteList = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Allowed sts:AssumeRole calls on a role in the run: who assumed it. */
function assumersOf(result: SimulationResult | undefined, roleArn: string): string[] {
  return [...new Set(calls(result).filter((c) => c.operation === 'sts:AssumeRole' && c.decision === 'Allowed' && sameArn(c.resource, roleArn)).map((c) => c.principal))];
}

// ---------------------------------------------------------------------------
// Stores and buckets
// ---------------------------------------------------------------------------

/** The artifact stores of the declaration: region, store and path. */
export function storesOf(ctx: CheckContext): { readonly region: string; readonly store: ArtifactStore; readonly segments: readonly PathSegment[] }[] {
  const decl = ctx.scenario.pipeline.pipeline;
  if (decl.artifactStores) return Object.entries(decl.artifactStores).map(([region, store]) => ({ region, store, segments: [...PIPELINE, 'artifactStores', region] }));
  if (decl.artifactStore) return [{ region: ctx.home.region, store: decl.artifactStore, segments: [...PIPELINE, 'artifactStore'] }];
  return [];
}

/** Accounts other than the pipeline's whose actions run in a region (and so use that region's store). */
function otherAccountsInRegion(ctx: CheckContext, region: string): string[] {
  return [...new Set(ctx.actions.filter((a) => a.region === region && a.account !== ctx.home.account).map((a) => a.account))];
}

// ---------------------------------------------------------------------------
// PS001, PS002: production
// ---------------------------------------------------------------------------

/** Whether an action changes a production account: a Deploy action there (creating a change set changes nothing yet). */
function changesProduction(ctx: CheckContext, a: LintAction): boolean {
  if (a.category !== 'Deploy') return false;
  if (a.provider === 'CloudFormation' && a.declaration.configuration['ActionMode'] === 'CHANGE_SET_REPLACE') return false;
  return deployAccounts(ctx.scenario, a).some((acc) => ctx.production.has(acc));
}

/**
 * PS001: a manual approval runs before the first production deploy, and none runs after the
 * last one (an approval there gates nothing that reaches production).
 */
export const approvalBeforeProduction: Check = (ctx) => {
  const order = [...ctx.actions].sort((a, b) => a.stageIndex - b.stageIndex || a.runOrder - b.runOrder || a.actionIndex - b.actionIndex);
  const deploys = order.filter((a) => changesProduction(ctx, a));
  const first = deploys[0];
  const last = deploys[deploys.length - 1];
  if (!first || !last) return [];
  const approvals = order.filter((a) => a.provider === 'Manual');
  const describe = (d: LintAction) => {
    const account = deployAccounts(ctx.scenario, d).find((acc) => ctx.production.has(acc)) ?? '';
    return `production deploy \`${actionKey(d)}\` (account \`${account}\`, ${ctx.production.get(account)})`;
  };
  const started = (a: LintAction) => eventsOf(ctx.result, 'action.started').find((e) => e.stage === a.stage && e.action === a.declaration.name);
  const out: Draft[] = [];

  if (!approvals.some((ap) => runsBefore(ap, first))) {
    // Proof: the trace shows the deploy starting with no approval given before it.
    const s = started(first);
    const proven = s !== undefined && !eventsOf(ctx.result, 'approval.answered').some((e) => e.result === 'Approved' && e.seq < s.seq);
    out.push({ ruleId: 'PS001', segments: first.path, message: `no manual approval runs before the ${describe(first)}${proven ? ': the run deployed with no approval' : ''}`, ...(proven ? { proven } : {}) });
  }
  for (const ap of approvals.filter((x) => runsBefore(last, x))) {
    // Proof: the trace shows the deploy finishing before the approval was even requested.
    const finished = eventsOf(ctx.result, 'action.finished').find((e) => e.stage === last.stage && e.action === last.declaration.name);
    const requested = eventsOf(ctx.result, 'approval.requested').find((e) => e.stage === ap.stage && e.action === ap.declaration.name);
    const proven = finished !== undefined && (requested === undefined || finished.seq < requested.seq);
    out.push({
      ruleId: 'PS001',
      segments: ap.path,
      message: `approval \`${actionKey(ap)}\` runs after the ${describe(last)}, so it gates nothing that reaches production${proven ? ': the run deployed before the approval was requested' : ''}`,
      ...(proven ? { proven } : {}),
    });
  }
  return out;
};

/** PS002: the pipeline's own account is not production. */
export const pipelineInProduction: Check = (ctx) => {
  const reason = ctx.production.get(ctx.home.account);
  if (!reason) return [];
  return [{ ruleId: 'PS002', segments: ['pipeline', 'metadata', 'pipelineArn'], message: `pipeline \`${ctx.scenario.pipeline.pipeline.name}\` lives in production account \`${ctx.home.account}\` (${reason})` }];
};

// ---------------------------------------------------------------------------
// PS003, PS011: artifact store keys
// ---------------------------------------------------------------------------

/** PS003: no AWS managed key on the stores of a cross-account pipeline. */
export const managedKeyOnStore: Check = (ctx) => {
  if (!isCrossAccount(ctx.scenario, ctx.actions)) return [];
  const out: Draft[] = [];
  for (const { region, store, segments } of storesOf(ctx)) {
    const proven = calls(ctx.result).some((c) => c.category === 'AWS_MANAGED_KEY' && c.region === region);
    const extra = proven ? ': the run was denied on it' : '';
    const p = proven ? { proven } : {};
    if (!store.encryptionKey) {
      out.push({ ruleId: 'PS003', segments, message: `artifact store \`${store.location}\` (\`${region}\`) names no encryptionKey, so CodePipeline uses the AWS managed \`aws/s3\` key, which other accounts cannot use${extra}`, ...p });
      continue;
    }
    const id = store.encryptionKey.id;
    const resolved = resolveKey(ctx.world, id, { account: ctx.home.account, region });
    if (/(^|:)alias\/aws\//.test(id) || resolved.key?.keyManager === 'AWS') {
      out.push({ ruleId: 'PS003', segments: [...segments, 'encryptionKey', 'id'], message: `artifact store \`${store.location}\` (\`${region}\`) is encrypted with the AWS managed key \`${id}\`, which other accounts cannot use${extra}`, ...p });
    }
  }
  return out;
};

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;

/** PS011: a store another account uses names its key by ARN. */
export const aliasOnCrossAccountStore: Check = (ctx) => {
  const out: Draft[] = [];
  for (const { region, store, segments } of storesOf(ctx)) {
    const id = store.encryptionKey?.id;
    if (!id || KEY_ARN.test(id) || /(^|:)alias\/aws\//.test(id)) continue;
    const others = otherAccountsInRegion(ctx, region);
    if (others.length === 0) continue;
    const proven = calls(ctx.result).some((c) => c.category === 'KEY_ALIAS_CROSS_ACCOUNT');
    const what = id.includes('alias/') ? 'alias' : 'key id';
    out.push({
      ruleId: 'PS011',
      segments: [...segments, 'encryptionKey', 'id'],
      message: `artifact store \`${store.location}\` (\`${region}\`) names its key by ${what} \`${id}\`, which resolves in the caller's account, and ${others.length === 1 ? 'account' : 'accounts'} ${quoteList(others)} ${others.length === 1 ? 'uses' : 'use'} the store${proven ? ': the run resolved it in the wrong account' : ''}`,
      ...(proven ? { proven } : {}),
    });
  }
  return out;
};

// ---------------------------------------------------------------------------
// PS004, PS005, PS006: artifact buckets
// ---------------------------------------------------------------------------

const SSE_KEYS = new Set(['s3:x-amz-server-side-encryption', 's3:x-amz-server-side-encryption-aws-kms-key-id']);

/** Whether a bucket policy denies PutObject without the SSE headers. */
function deniesUnencryptedPut(doc: PolicyDocument | undefined): boolean {
  return indexedStatements(doc).some(({ statement: st }) => isDeny(st) && coversAction(st, 's3:PutObject') && conditionsOf(st).some((c) => SSE_KEYS.has(c.key.toLowerCase())));
}

/** Whether a bucket policy denies requests without TLS. */
function deniesPlainHttp(doc: PolicyDocument | undefined): boolean {
  return indexedStatements(doc).some(({ statement: st }) => isDeny(st) && conditionsOf(st).some((c) => c.key.toLowerCase() === 'aws:securetransport' && /^Bool(IfExists)?$/i.test(c.operator) && c.values.some((v) => v.toLowerCase() === 'false')));
}

/** PS004, PS005, PS006: each artifact bucket denies unencrypted uploads and plain HTTP, and is versioned. */
export const artifactBuckets: Check = (ctx) => {
  const out: Draft[] = [];
  const names = new Set(storesOf(ctx).map((s) => s.store.location));
  ctx.scenario.buckets.forEach((bucket, i) => {
    if (!names.has(bucket.name)) return;
    const base: PathSegment[] = ['buckets', i];
    const policyPath = bucket.policy ? [...base, 'policy'] : base;
    if (!deniesUnencryptedPut(bucket.policy)) {
      out.push({ ruleId: 'PS004', segments: policyPath, message: `artifact bucket \`${bucket.name}\` has no statement denying s3:PutObject without the \`s3:x-amz-server-side-encryption\` header` });
    }
    if (!deniesPlainHttp(bucket.policy)) {
      out.push({ ruleId: 'PS005', segments: policyPath, message: `artifact bucket \`${bucket.name}\` has no statement denying requests where \`aws:SecureTransport\` is false` });
    }
    if (bucket.versioning !== 'Enabled') {
      out.push({ ruleId: 'PS006', segments: [...base, 'versioning'], message: `artifact bucket \`${bucket.name}\` has versioning \`${bucket.versioning}\`` });
    }
  });
  return out;
};

// ---------------------------------------------------------------------------
// PS007, PS014: trust policies
// ---------------------------------------------------------------------------

function roleIndex(scenario: Scenario, arn: string): number {
  return scenario.roles.findIndex((r) => sameArn(r.arn, arn));
}

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

// ---------------------------------------------------------------------------
// PS008, PS009, PS010: key and bucket policies
// ---------------------------------------------------------------------------

/** PS008: no unconditioned `*` principal allowed by a key or bucket policy. */
export const wildcardPrincipal: Check = (ctx) => {
  const out: Draft[] = [];
  const scan = (doc: PolicyDocument | undefined, base: PathSegment[], what: string) => {
    for (const s of indexedStatements(doc)) {
      if (!isAllow(s.statement) || !principalsOf(s.statement).star || hasNarrowingCondition(s.statement)) continue;
      out.push({ ruleId: 'PS008', segments: [...statementPath(base, s), 'Principal'], message: `${what} allows principal \`*\`${s.statement.Sid ? ` in statement \`${s.statement.Sid}\`` : ''} with no condition that narrows it` });
    }
  };
  ctx.scenario.keys.forEach((k, i) => scan(k.policy, ['keys', i, 'policy'], `key policy of \`${k.arn}\``));
  ctx.scenario.buckets.forEach((b, i) => scan(b.policy, ['buckets', i, 'policy'], `bucket policy of \`${b.name}\``));
  return out;
};

const grantsAllOfKms = (st: PolicyStatement) => asList(st.Action).some((a) => a === '*' || a.toLowerCase() === 'kms:*');

/** The other accounts a `*` principal is narrowed to by kms:CallerAccount / aws:PrincipalAccount. */
function narrowedAccounts(st: PolicyStatement): string[] {
  return conditionsOf(st)
    .filter((c) => ['kms:calleraccount', 'aws:principalaccount'].includes(c.key.toLowerCase()) && /^String(Equals|Like)$/i.test(c.operator))
    .flatMap((c) => c.values);
}

/** Who a `*` principal reaches beyond the key's account: the accounts a condition names, or everyone (`*`). */
function starAccounts(st: PolicyStatement, keyAccount: string): string[] {
  const named = narrowedAccounts(st);
  if (named.length === 0) return ['*'];
  return named.filter((acc) => acc !== keyAccount);
}

/** PS009: no key policy grants kms:* to another account. */
export const kmsStarToOtherAccount: Check = (ctx) => {
  const out: Draft[] = [];
  ctx.scenario.keys.forEach((key, i) => {
    const keyAccount = parseArn(key.arn)?.account ?? '';
    for (const s of indexedStatements(key.policy)) {
      const st = s.statement;
      if (!isAllow(st) || !grantsAllOfKms(st)) continue;
      const p = principalsOf(st);
      const others = [
        ...p.aws.filter((a) => {
          const k = principalKind(a);
          return k.kind !== 'other' && k.account !== keyAccount;
        }),
        ...(p.star ? starAccounts(st, keyAccount) : []),
      ];
      if (others.length === 0) continue;
      // Proof: the calls of other accounts this statement allowed, and what they were.
      const used = [
        ...new Set(
          calls(ctx.result)
            .filter((c) => c.decision === 'Allowed' && c.callerAccount !== keyAccount && c.statements.some((d) => d.policyKind === 'key' && d.index === s.index && sameArn(d.policy, key.arn)))
            .map((c) => c.operation),
        ),
      ].sort();
      const proven = used.length > 0;
      out.push({
        ruleId: 'PS009',
        segments: [...statementPath(['keys', i, 'policy'], s), 'Action'],
        message: `key policy of \`${key.arn}\` grants \`kms:*\` to ${quoteList(others)}${proven ? `: the run uses only ${quoteList(used)} through it` : ''}`,
        ...(proven ? { proven } : {}),
      });
    }
  });
  return out;
};

/** PS010: customer managed keys rotate (a multi-Region replica follows its primary). */
export const keyRotation: Check = (ctx) => {
  const out: Draft[] = [];
  ctx.scenario.keys.forEach((key, i) => {
    if (key.keyManager !== 'CUSTOMER' || key.rotation || key.primaryArn) return;
    out.push({ ruleId: 'PS010', segments: ['keys', i, 'rotation'], message: `customer managed key \`${key.arn}\` has automatic rotation off` });
  });
  return out;
};

// ---------------------------------------------------------------------------
// PS012: pipeline type
// ---------------------------------------------------------------------------

/** PS012: a V1 pipeline uses, or would gain from, V2 features. */
export const v1WithV2Features: Check = (ctx) => {
  const decl = ctx.scenario.pipeline.pipeline;
  if (decl.pipelineType !== 'V1') return [];
  const reasons: string[] = [];
  if (decl.variables?.length) reasons.push('declares pipeline-level variables');
  if (ctx.actions.some((a) => Object.values(a.declaration.configuration).some((v) => /#\{variables\./.test(v)))) reasons.push('references `#{variables.…}`');
  if (decl.triggers?.length) reasons.push('declares triggers');
  if (decl.stages.some((s) => s.onFailure?.result === 'ROLLBACK')) reasons.push('rolls stages back on failure');
  if (decl.executionMode && decl.executionMode !== 'SUPERSEDED') reasons.push(`runs in \`${decl.executionMode}\` mode`);
  const regions = new Set([ctx.home.region, ...ctx.actions.map((a) => a.region), ...Object.keys(decl.artifactStores ?? {})]);
  if (regions.size > 1) reasons.push(`deploys to ${plural(regions.size, 'region')}`);
  if (ctx.actions.some((a) => Object.values(a.declaration.configuration).some((v) => /#\{[A-Za-z0-9@\-_]+\.[A-Za-z0-9@\-_]+\}/.test(v)))) reasons.push('passes variables between actions');
  if (reasons.length === 0) return [];
  return [{ ruleId: 'PS012', segments: [...PIPELINE, 'pipelineType'], message: `pipeline \`${decl.name}\` is V1 but ${reasons.join(', ')}` }];
};

// ---------------------------------------------------------------------------
// PS013: self-approval
// ---------------------------------------------------------------------------

/** The identity policy documents of a role, with their names (inline name or managed ARN). */
function identityPolicies(ctx: CheckContext, role: Role): { readonly name: string; readonly doc: PolicyDocument; readonly base: PathSegment[] }[] {
  const ri = roleIndex(ctx.scenario, role.arn);
  const inline = Object.entries(role.inlinePolicies).map(([name, doc]) => ({ name, doc, base: ['roles', ri, 'inlinePolicies', name] as PathSegment[] }));
  const managed = role.managedPolicies.flatMap((arn) => {
    const mi = ctx.scenario.managedPolicies.findIndex((m) => m.arn === arn);
    const m = ctx.scenario.managedPolicies[mi];
    return m ? [{ name: arn, doc: m.document, base: ['managedPolicies', mi, 'document'] as PathSegment[] }] : [];
  });
  return [...inline, ...managed];
}

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
    if (a.provider === 'S3' && cfg['S3Bucket']) return [{ operation: 's3:PutObject', resource: `arn:aws:s3:::${cfg['S3Bucket']}/${cfg['S3ObjectKey'] ?? ''}`, name: `s3://${cfg['S3Bucket']}/${cfg['S3ObjectKey'] ?? ''}` }];
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

// ---------------------------------------------------------------------------
// PS015: action role scope
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// PS016, PS017: StackSets versus per-region actions
// ---------------------------------------------------------------------------

/** PS016: a StackSet for four or fewer regions of one account. */
export const stackSetForFewRegions: Check = (ctx) =>
  ctx.actions.flatMap((a): Draft[] => {
    if (a.provider !== 'CloudFormationStackSet' || !isStackSetAction(a)) return [];
    const { accounts, regions } = stackSetTargets(ctx.scenario, a);
    if (accounts.length !== 1 || regions.length === 0 || regions.length > 4) return [];
    const name = a.declaration.configuration['StackSetName'] ?? a.declaration.name;
    return [{ ruleId: 'PS016', segments: [...a.path, 'configuration', 'DeploymentTargets'], message: `stack set \`${name}\` (\`${actionKey(a)}\`) deploys to ${plural(regions.length, 'region')} of one account (\`${accounts[0]}\`)` }];
  });

const CFN_DEPLOY_MODES = new Set(['CREATE_UPDATE', 'REPLACE_ON_FAILURE', 'CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE']);
/** Configuration keys whose values may differ by target without making the deployment non-uniform. */
const PER_TARGET_KEYS = new Set(['RoleArn', 'OutputFileName']);

/** PS017: more than five identical per-region CloudFormation actions. */
export const perRegionActionsForFleet: Check = (ctx) => {
  const groups = new Map<string, LintAction[]>();
  for (const a of ctx.actions) {
    const cfg = a.declaration.configuration;
    if (a.provider !== 'CloudFormation' || !CFN_DEPLOY_MODES.has(cfg['ActionMode'] ?? '')) continue;
    const same = Object.entries(cfg)
      .filter(([k]) => !PER_TARGET_KEYS.has(k))
      .sort(([x], [y]) => (x < y ? -1 : 1));
    const signature = JSON.stringify([same, a.declaration.inputArtifacts.map((i) => i.name), (cfg['RoleArn'] ?? '').split('/').pop()]);
    groups.set(signature, [...(groups.get(signature) ?? []), a]);
  }
  const out: Draft[] = [];
  for (const group of groups.values()) {
    const pairs = new Set(group.map((a) => `${a.account}/${a.region}`));
    if (pairs.size <= 5) continue;
    const first = group[0]!;
    out.push({
      ruleId: 'PS017',
      segments: first.path,
      message: `${plural(group.length, 'CloudFormation action')} deploy stack \`${first.declaration.configuration['StackName'] ?? ''}\` with identical configuration to ${plural(pairs.size, 'account/region pair')}`,
    });
  }
  return out;
};

/** Every check, in rule order. */
export const CHECKS: readonly Check[] = [
  approvalBeforeProduction,
  pipelineInProduction,
  managedKeyOnStore,
  artifactBuckets,
  trustAdmitsRoot,
  wildcardPrincipal,
  kmsStarToOtherAccount,
  keyRotation,
  aliasOnCrossAccountStore,
  v1WithV2Features,
  selfApproval,
  cfnExecutionRoleTrust,
  overbroadActionRole,
  stackSetForFewRegions,
  perRegionActionsForFleet,
];

/** Builds the context the checks read. Pure. */
export function checkContext(scenario: Scenario, world: World, actions: readonly LintAction[], result?: SimulationResult): CheckContext {
  return { scenario, world, actions, home: pipelineHome(scenario), production: productionAccounts(scenario), ...(result ? { result } : {}) };
}
