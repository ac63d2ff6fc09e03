/** KMS specifics and unknown roles: replace an AWS managed key, name a key by ARN not alias, enable a key, create a missing role. Pure. */
import { parseArn, roleName } from '../../../model/arn.js';
import type { KmsKey } from '../../../model/schema.js';
import { findRole, keyInRegion, resolveKey } from '../../../model/world.js';
import { pushOps, resourceStatement, shortName, sidFor, startDraft } from '../fix-statements.js';
import { codeBuildProjectArn } from '../../execution/plan.js';
import { namesAwsManagedKey } from '../../execution/service-world.js';
import { pointer } from '../patch.js';
import { freeAlias, keyIdFor, principalOf, requestCondition, serviceCondition, who, type DenialContext, type FixCandidate } from './kit.js';

/**
 * Fixes for an AWS managed key another account must use: first give the CodeBuild projects that
 * fell back to it the artifact store's key (CodeBuild ignores the store key, aws-cdk#4182); then
 * switch every store of the key's Region that uses it to a new customer managed key.
 */
export function awsManagedKeyCandidates(dc: DenialContext): FixCandidate[] {
  return [...projectStoreKeyCandidates(dc), ...newCustomerKeyCandidates(dc)];
}

/** Set the store's customer managed key on each CodeBuild project of the key's account and Region that names none. */
function projectStoreKeyCandidates(dc: DenialContext): FixCandidate[] {
  const arn = parseArn(dc.key?.arn ?? dc.ev.resource);
  if (!arn || !dc.plan) return [];
  const store = dc.plan.stores[arn.region];
  const storeKey = store?.encryptionKey ? resolveKey(dc.world, store.encryptionKey.id, { account: dc.plan.account, region: arn.region }).key : undefined;
  if (!storeKey || storeKey.keyManager === 'AWS') return [];
  const keyArn = (keyInRegion(dc.world, storeKey, arn.region) ?? storeKey).arn;
  const used = new Set(dc.plan.stages.flatMap((s) => s.groups.flatMap((g) => g.actions.filter((a) => a.provider === 'CodeBuild').map(codeBuildProjectArn))));
  const projects = dc.scenario.codeBuildProjects.map((p, i) => ({ p, i })).filter(({ p }) => used.has(p.arn) && p.encryptionKey === undefined && parseArn(p.arn)?.account === arn.account && parseArn(p.arn)?.region === arn.region);
  if (projects.length === 0) return [];
  const draft = startDraft(dc.scenario);
  for (const { i } of projects) if (!pushOps(draft, { op: 'add', path: pointer('codeBuildProjects', i, 'encryptionKey'), value: keyArn })) return [];
  return [
    {
      id: 'project-store-key',
      group: 'project-store-key',
      target: 'key',
      description: `set the encryption key of ${projects.map(({ p }) => `project \`${shortName(p.arn)}\``).join(', ')} to the artifact store's key \`${keyArn}\` (CodeBuild encrypts its outputs with the project's key, else with \`aws/s3\`, never with the store's)`,
      patch: draft.ops,
    },
  ];
}

/** Switch every store of the key's region that uses the AWS managed key to a new customer managed key. */
function newCustomerKeyCandidates(dc: DenialContext): FixCandidate[] {
  const arn = parseArn(dc.key?.arn ?? dc.ev.resource);
  if (!arn) return [];
  const account = arn.account || dc.plan?.account || '';
  const region = arn.region || dc.ev.region;
  const decl = dc.scenario.pipeline.pipeline;
  const isManaged = (ref: string | undefined) => ref === undefined || namesAwsManagedKey(ref, 's3') || dc.scenario.keys.some((k) => k.keyManager === 'AWS' && (k.arn === ref || (ref.startsWith('alias/') && k.aliases.includes(ref))));
  const stores: { readonly path: string; readonly location: string }[] = [];
  if (decl.artifactStore && dc.plan?.region === region && isManaged(decl.artifactStore.encryptionKey?.id)) stores.push({ path: pointer('pipeline', 'pipeline', 'artifactStore'), location: decl.artifactStore.location });
  for (const [r, s] of Object.entries(decl.artifactStores ?? {})) if (r === region && isManaged(s.encryptionKey?.id)) stores.push({ path: pointer('pipeline', 'pipeline', 'artifactStores', r), location: s.location });
  // Projects that name aws/s3, and projects of that account and Region that name no key (CodeBuild then uses aws/s3).
  const projects = dc.scenario.codeBuildProjects
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => parseArn(p.arn)?.region === region && (p.encryptionKey === undefined ? parseArn(p.arn)?.account === account : isManaged(p.encryptionKey)));
  if (stores.length === 0 && projects.length === 0) return [];
  const keyArn = `arn:aws:kms:${region}:${account}:key/${keyIdFor(`${account}/${region}/${decl.name}/artifacts`)}`;
  if (dc.scenario.keys.some((k) => k.arn === keyArn)) return [];
  const principal = principalOf(dc);
  if (!principal) return [];
  const op = dc.ev.operation;
  const draft = startDraft(dc.scenario);
  const alias = freeAlias(dc.scenario, account, region, `${decl.name}-artifacts`);
  const statement = resourceStatement(sidFor('Allow', shortName(dc.ev.principal), op), principal, op, keyArn, requestCondition(dc));
  const key = { arn: keyArn, keyManager: 'CUSTOMER', aliases: [alias], policy: { Version: '2012-10-17', Statement: [statement] }, rotation: true, tags: { pipeline: decl.name } };
  if (!pushOps(draft, { op: 'add', path: pointer('keys', '-'), value: key })) return [];
  for (const s of stores) {
    if (!pushOps(draft, { op: 'add', path: `${s.path}/encryptionKey`, value: { id: keyArn, type: 'KMS' } })) return [];
    const b = draft.scenario.buckets.findIndex((x) => x.name === s.location);
    const bucket = draft.scenario.buckets[b];
    if (bucket?.encryption?.sseAlgorithm === 'aws:kms' && isManaged(bucket.encryption.kmsKeyId)) pushOps(draft, { op: 'add', path: pointer('buckets', b, 'encryption', 'kmsKeyId'), value: keyArn });
  }
  for (const { p, i } of projects) if (!pushOps(draft, { op: p.encryptionKey === undefined ? 'add' : 'replace', path: pointer('codeBuildProjects', i, 'encryptionKey'), value: keyArn })) return [];
  const where = [...stores.map((s) => `the artifact store \`${s.location}\``), ...projects.map(({ p }) => `project \`${shortName(p.arn)}\``)].join(', ');
  return [
    {
      id: 'customer-managed-key',
      group: 'customer-managed-key',
      target: 'key',
      description: `switch ${where} from the AWS managed key \`aws/s3\` (which no other account can use) to a new customer managed key \`${keyArn}\` (\`${alias}\`) whose key policy names each role that uses it`,
      patch: draft.ops,
      warning: 'add your key administrators to the new key policy; AWS managed keys cannot be shared across accounts, so there is no smaller change',
      creates: [keyArn],
    },
  ];
}

/** Replace an alias that resolves in the wrong account by the key ARN it means. */
export function aliasCandidates(dc: DenialContext): FixCandidate[] {
  const ref = dc.ev.resource;
  const decl = dc.scenario.pipeline.pipeline;
  const home = dc.plan?.account ?? parseArn(dc.scenario.pipeline.metadata.pipelineArn)?.account ?? '';
  const homeRegion = dc.plan?.region ?? parseArn(dc.scenario.pipeline.metadata.pipelineArn)?.region ?? '';
  const sites: { readonly path: string; readonly label: string; readonly account: string; readonly region: string; readonly first: boolean }[] = [];
  if (decl.artifactStore?.encryptionKey?.id === ref) sites.push({ path: pointer('pipeline', 'pipeline', 'artifactStore', 'encryptionKey', 'id'), label: `the artifact store \`${decl.artifactStore.location}\``, account: home, region: homeRegion, first: dc.ev.region === homeRegion });
  for (const [r, s] of Object.entries(decl.artifactStores ?? {})) {
    if (s.encryptionKey?.id === ref) sites.push({ path: pointer('pipeline', 'pipeline', 'artifactStores', r, 'encryptionKey', 'id'), label: `the artifact store of \`${r}\``, account: home, region: r, first: dc.ev.region === r });
  }
  dc.scenario.codeBuildProjects.forEach((p, i) => {
    const a = parseArn(p.arn);
    if (p.encryptionKey === ref && a) sites.push({ path: pointer('codeBuildProjects', i, 'encryptionKey'), label: `project \`${shortName(p.arn)}\``, account: a.account, region: a.region, first: false });
  });
  const resolved = sites
    .map((s) => ({ ...s, key: resolveKey(dc.world, ref, { account: s.account, region: s.region }).key }))
    .filter((s): s is typeof s & { key: KmsKey } => s.key !== undefined);
  if (resolved.length === 0) return [];
  const ordered = [...resolved].sort((a, b) => Number(b.first) - Number(a.first));
  const out: FixCandidate[] = [];
  for (const s of ordered) {
    out.push({
      id: 'key-arn',
      group: `key-arn:${s.path}`,
      target: 'artifact-store',
      description: `${s.label}: name the key by its ARN \`${s.key.arn}\` instead of \`${ref}\` (an alias resolves only in its own account)`,
      patch: [{ op: 'replace', path: s.path, value: s.key.arn }],
    });
  }
  if (ordered.length > 1) {
    out.push({
      id: 'key-arn-everywhere',
      group: 'key-arn-everywhere',
      target: 'artifact-store',
      description: `${ordered.map((s) => s.label).join(', ')}: name the key by its ARN instead of \`${ref}\``,
      patch: ordered.map((s) => ({ op: 'replace' as const, path: s.path, value: s.key.arn })),
    });
  }
  return out;
}

/** Enable a disabled key (its state denies every use). */
export function keyStateCandidates(dc: DenialContext): FixCandidate[] {
  const k = dc.scenario.keys.findIndex((x) => x.arn === dc.key?.arn);
  if (k < 0) return [];
  return [{ id: 'enable-key', group: 'enable-key', target: 'key', description: `enable key \`${dc.scenario.keys[k]!.arn}\` (a disabled key serves no cryptographic operation)`, patch: [{ op: 'replace', path: pointer('keys', k, 'enabled'), value: true }] }];
}

/** A role the call assumes is missing (a StackSet execution role never created): create it, trusting exactly the caller. */
export function unknownRoleCandidates(dc: DenialContext): FixCandidate[] {
  const op = dc.ev.operation;
  if (op !== 'sts:AssumeRole' || findRole(dc.world, dc.ev.resource) !== undefined) return [];
  const target = parseArn(dc.ev.resource);
  const principal = principalOf(dc);
  if (!target || target.service !== 'iam' || !target.resource.startsWith('role/') || !principal) return [];
  if (!dc.scenario.accounts.some((a) => a.id === target.account)) return [];
  const trust = resourceStatement(sidFor('Trust', dc.callerRole ? roleName(dc.callerRole.arn) : dc.service ?? 'caller'), principal, op, undefined, dc.service ? serviceCondition(dc) : undefined);
  const role = { arn: dc.ev.resource, trustPolicy: { Version: '2012-10-17', Statement: [trust] }, inlinePolicies: {} };
  return [
    {
      id: 'create-role',
      group: 'create-role',
      target: 'trust-policy',
      description: `create role \`${dc.ev.resource}\` in account \`${target.account}\`, trusting ${who(dc)} only, with exactly the permissions the run needs`,
      patch: [{ op: 'add', path: pointer('roles', '-'), value: role }],
      creates: [dc.ev.resource],
    },
  ];
}

// ---------------------------------------------------------------------------
// Approvals: the right approver, from the right place, or the permission
// ---------------------------------------------------------------------------
