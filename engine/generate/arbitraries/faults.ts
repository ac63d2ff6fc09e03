/**
 * Single faults of a green topology, each with the category and the step at which it must
 * surface known from construction — never by running the engine. The catalogue has one entry
 * per kind; `faultSites` lists every place a kind applies in a topology, and `singleFault` is
 * the arbitrary over them. The drill generator reuses the catalogue (each fault carries the
 * patch that repairs it).
 */
import fc from 'fast-check';
import type { Operation } from 'fast-json-patch';
import type { PolicyStatement } from '../../../model/schema.js';
import type { ExpectedCall, Topology } from '../topology.js';
import { expectedResourceMatches } from '../topology.js';
import type { Category } from '../../types.js';
import { escapePointerToken, parsePointer, pointer } from './patch-shared.js';
import { asList as listOf, statementsOf } from '../../../model/policy-document.js';
import { policySites, statementIndex, statementName, statementPointer, type PolicySite } from './policy-sites.js';

/** The fault catalogue: kind → the category it must surface as, and what it breaks. */
export const FAULT_CATALOGUE = {
  'remove-action-role-trust': { category: 'TRUST_POLICY', description: "a deploy role's trust policy no longer admits the pipeline role" },
  'remove-caller-assume-permission': { category: 'CALLER_ASSUME_PERMISSION', description: "the pipeline role's policy no longer allows sts:AssumeRole on a deploy role" },
  'remove-key-policy-principal': { category: 'KEY_POLICY', description: 'an artifact key policy no longer names a deploy role that reads or writes artifacts' },
  'remove-bucket-policy-principal': { category: 'BUCKET_POLICY', description: 'an artifact bucket policy no longer names a deploy role that reads or writes artifacts' },
  'drop-region-artifact-store': { category: 'MISSING_REGION_ARTIFACT_STORE', description: 'the artifact store of a region with cross-region actions is dropped' },
  'remove-pass-role': { category: 'PASS_ROLE', description: 'a deploy role may no longer pass its execution role to CloudFormation' },
  'remove-service-role-trust': { category: 'SERVICE_ROLE_TRUST', description: 'a CloudFormation execution role or the CodeBuild role no longer trusts its service' },
  'remove-key-identity-permission': { category: 'KEY_IDENTITY_PERMISSION', description: "a role's identity policy loses a KMS operation on an artifact key" },
  'remove-bucket-identity-permission': { category: 'BUCKET_IDENTITY_PERMISSION', description: "a role's identity policy loses an S3 operation on an artifact bucket" },
  'add-identity-deny': { category: 'EXPLICIT_DENY', description: "a Deny for one call is added to the calling role's identity policy" },
  'use-aws-managed-key': { category: 'AWS_MANAGED_KEY', description: 'an artifact store read by another account falls back to the AWS managed aws/s3 key' },
  'name-key-by-alias': { category: 'KEY_ALIAS_CROSS_ACCOUNT', description: 'an artifact store written by another account names its key by alias' },
} as const satisfies Readonly<Record<string, { readonly category: Category; readonly description: string }>>;

/** A fault kind. */
export type FaultKind = keyof typeof FAULT_CATALOGUE;

/** Where a fault must surface. */
export interface FaultStep {
  readonly stage: string;
  readonly action: string;
  /** The denied call's operation; null for a structural rejection (status `Invalid`). */
  readonly operation: string | null;
  /** The principal of the denied call (role ARN or service principal). */
  readonly principal?: string;
}

/** One injected fault. */
export interface SingleFault {
  readonly kind: FaultKind;
  readonly category: Category;
  readonly label: string;
  readonly patch: readonly Operation[];
  /** The patch that undoes it (the right answer of a drill). */
  readonly repair: readonly Operation[];
  readonly at: FaultStep;
  /** `denial`: the run fails at `at` with `category`; `issue`: the pipeline is rejected with an issue at `issuePath`. */
  readonly surfaces: 'denial' | 'issue';
  /** For `issue`: the issue's path (`pipeline.pipeline.stages[2].actions[1].region`). */
  readonly issuePath?: string;
}

/** Options of the fault arbitrary. */
export interface FaultOptions {
  /** Only these kinds (default: all that apply to the topology). */
  readonly kinds?: readonly FaultKind[];
}

function valueAt(doc: unknown, ptr: string): unknown {
  let cur: unknown = doc;
  for (const t of parsePointer(ptr) ?? []) cur = Array.isArray(cur) ? cur[Number(t)] : (cur as Record<string, unknown> | undefined)?.[t];
  return cur;
}

/** The patch undoing a single-operation patch on `doc`. */
function repairOf(doc: unknown, patch: readonly Operation[]): Operation[] {
  return [...patch].reverse().map((op): Operation => {
    if (op.op === 'remove') return { op: 'add', path: op.path, value: valueAt(doc, op.path) };
    if (op.op === 'replace') return { op: 'replace', path: op.path, value: valueAt(doc, op.path) };
    if (op.op === 'add' && op.path.endsWith('/-')) {
      const list = valueAt(doc, op.path.slice(0, -2));
      return { op: 'remove', path: `${op.path.slice(0, -2)}/${Array.isArray(list) ? list.length : 0}` };
    }
    if (op.op === 'add') return valueAt(doc, op.path) === undefined ? { op: 'remove', path: op.path } : { op: 'replace', path: op.path, value: valueAt(doc, op.path) };
    throw new Error(`no repair for \`${op.op}\``);
  });
}

/** Every fault the topology admits, in a fixed order (catalogue order, then construction order). Pure. */
export function faultSites(topology: Topology, options: FaultOptions = {}): SingleFault[] {
  const { scenario, names, calls, actions, params } = topology;
  const sites = policySites(scenario);
  const wanted = options.kinds ? new Set(options.kinds) : undefined;
  const out: SingleFault[] = [];
  const firstCall = (pred: (c: ExpectedCall) => boolean): ExpectedCall | undefined => calls.find(pred);
  const stepOf = (c: ExpectedCall): FaultStep => ({ stage: c.stage ?? '', action: c.action ?? '', operation: c.operation, principal: c.principal });
  const push = (kind: FaultKind, label: string, patch: Operation[], at: ExpectedCall | undefined) => {
    if (!at || (wanted && !wanted.has(kind))) return;
    out.push({ kind, category: FAULT_CATALOGUE[kind].category, label, patch, repair: repairOf(scenario, patch), at: stepOf(at), surfaces: 'denial' });
  };
  const trustSite = (role: string) => sites.find((s) => s.kind === 'trust' && s.owner === role)!;
  const inlineSite = (role: string) => sites.find((s) => s.kind === 'identity' && s.owner === role)!;
  const keySite = (r: number) => sites.find((s) => s.kind === 'key' && s.owner === names.keys[r])!;
  const bucketSite = (r: number) => sites.find((s) => s.kind === 'bucket' && s.owner === names.buckets[r])!;
  const callOf = (op: string, principal: string, resource: (res: string) => boolean) => firstCall((c) => c.operation === op && c.principal === principal && resource(c.resource));
  const inBucket = (r: number) => (res: string) => res.startsWith(`arn:aws:s3:::${names.buckets[r]}/`);
  const isKey = (r: number) => (res: string) => res === names.keys[r];

  // The whole statement, or one element of its list field where it lists more than one.
  const narrowing = (site: PolicySite, sid: string, field: 'Action' | 'Resource' | 'Principal', value: string): { label: string; patch: Operation[] } | undefined => {
    const i = statementIndex(site, sid);
    if (i < 0) return undefined;
    const st = statementsOf(site.document)[i]!;
    const sp = statementPointer(site, i);
    const list = field === 'Principal' ? listOf(typeof st.Principal === 'object' ? st.Principal['AWS'] : undefined) : listOf(st[field]);
    const j = list.indexOf(value);
    if (j < 0) return undefined;
    if (list.length > 1) {
      const at = field === 'Principal' ? `${sp}/Principal/AWS/${j}` : `${sp}/${field}/${j}`;
      return { label: `remove ${field.toLowerCase()} ${value} from statement ${statementName(st, i)} of ${site.description}`, patch: [{ op: 'remove', path: at }] };
    }
    return removal(site, sid);
  };
  const removal = (site: PolicySite, sid: string): { label: string; patch: Operation[] } | undefined => {
    const i = statementIndex(site, sid);
    if (i < 0) return undefined;
    const st = statementsOf(site.document)[i]!;
    const patch: Operation[] = Array.isArray(site.document.Statement) ? [{ op: 'remove', path: statementPointer(site, i) }] : [{ op: 'replace', path: `${site.pointer}/Statement`, value: [] }];
    return { label: `remove statement ${statementName(st, i)} from ${site.description}`, patch };
  };
  const add = (kind: FaultKind, change: { label: string; patch: Operation[] } | undefined, at: ExpectedCall | undefined) => {
    if (change) push(kind, change.label, change.patch, at);
  };

  // TRUST_POLICY and CALLER_ASSUME_PERMISSION: the pipeline role assuming a deploy role.
  names.deployRoles.forEach((role, ti) => {
    const assume = callOf('sts:AssumeRole', names.pipelineRole, (r) => r === role);
    add('remove-action-role-trust', removal(trustSite(role), 'TrustPipelineRole'), assume);
    add('remove-caller-assume-permission', removal(inlineSite(names.pipelineRole), names.assumeStatements[ti]!), assume);
  });

  // KEY_POLICY and BUCKET_POLICY: a deploy role dropped from a key or bucket policy.
  params.regions.forEach((_, r) => {
    for (const role of names.deployRoles) {
      add('remove-key-policy-principal', narrowing(keySite(r), 'AllowDeployRolesToDecrypt', 'Principal', role), callOf('kms:Decrypt', role, isKey(r)));
      add('remove-key-policy-principal', narrowing(keySite(r), 'AllowDeployRolesToEncryptOutputs', 'Principal', role), callOf('kms:GenerateDataKey', role, isKey(r)));
    }
  });
  params.regions.forEach((_, r) => {
    for (const role of names.deployRoles) {
      add('remove-bucket-policy-principal', narrowing(bucketSite(r), 'AllowDeployRolesToReadArtifacts', 'Principal', role), callOf('s3:GetObject', role, inBucket(r)));
      add('remove-bucket-policy-principal', narrowing(bucketSite(r), 'AllowDeployRolesToWriteOutputs', 'Principal', role), callOf('s3:PutObject', role, inBucket(r)));
    }
  });

  // MISSING_REGION_ARTIFACT_STORE: a region other than home loses its store.
  params.regions.forEach((region, r) => {
    if (r === 0 || (wanted && !wanted.has('drop-region-artifact-store'))) return;
    const first = actions.find((a) => a.region === region);
    if (!first) return;
    const patch: Operation[] = [{ op: 'remove', path: pointer('pipeline', 'pipeline', 'artifactStores', region) }];
    out.push({
      kind: 'drop-region-artifact-store',
      category: 'MISSING_REGION_ARTIFACT_STORE',
      label: `drop the artifact store for ${region} (${names.buckets[r]})`,
      patch,
      repair: repairOf(scenario, patch),
      at: { stage: first.stage, action: first.action, operation: null },
      surfaces: 'issue',
      issuePath: `pipeline.pipeline.stages[${first.stageIndex}].actions[${first.actionIndex}].region`,
    });
  });

  // PASS_ROLE and SERVICE_ROLE_TRUST.
  names.deployRoles.forEach((role, ti) => {
    add('remove-pass-role', removal(inlineSite(role), 'PassExecutionRole'), callOf('iam:PassRole', role, () => true));
    const exec = names.executionRoles[ti]!;
    add('remove-service-role-trust', removal(trustSite(exec), 'TrustCloudFormation'), callOf('sts:AssumeRole', 'cloudformation.amazonaws.com', (r) => r === exec));
  });
  add('remove-service-role-trust', removal(trustSite(names.buildRole), 'TrustCodeBuild'), callOf('sts:AssumeRole', 'codebuild.amazonaws.com', (r) => r === names.buildRole));

  // KEY_IDENTITY_PERMISSION and BUCKET_IDENTITY_PERMISSION: an identity policy loses one operation on one resource.
  type IdentityFault = readonly [FaultKind, string, string, 'Action' | 'Resource', string, string, (res: string) => boolean];
  const identityFaults: readonly IdentityFault[] = [
    // The home region's key and bucket, used by the pipeline role and the CodeBuild role.
    ['remove-key-identity-permission', names.pipelineRole, 'HomeArtifactKey', 'Action', 'kms:GenerateDataKey', 'kms:GenerateDataKey', isKey(0)],
    ['remove-key-identity-permission', names.pipelineRole, 'HomeArtifactKey', 'Action', 'kms:Decrypt', 'kms:Decrypt', isKey(0)],
    ['remove-bucket-identity-permission', names.pipelineRole, 'HomeArtifacts', 'Action', 's3:PutObject', 's3:PutObject', inBucket(0)],
    ['remove-bucket-identity-permission', names.pipelineRole, 'HomeArtifacts', 'Action', 's3:GetObject', 's3:GetObject', inBucket(0)],
    ['remove-key-identity-permission', names.buildRole, 'UseArtifactKey', 'Action', 'kms:Decrypt', 'kms:Decrypt', isKey(0)],
    ['remove-key-identity-permission', names.buildRole, 'UseArtifactKey', 'Action', 'kms:GenerateDataKey', 'kms:GenerateDataKey', isKey(0)],
    ['remove-bucket-identity-permission', names.buildRole, 'ReadAndWriteArtifacts', 'Action', 's3:GetObject', 's3:GetObject', inBucket(0)],
    ['remove-bucket-identity-permission', names.buildRole, 'ReadAndWriteArtifacts', 'Action', 's3:PutObject', 's3:PutObject', inBucket(0)],
    ...params.regions.flatMap((_, r): IdentityFault[] => [
      ['remove-key-identity-permission', names.pipelineRole, 'ReplicaArtifactKeys', 'Resource', names.keys[r]!, 'kms:GenerateDataKey', isKey(r)],
      ['remove-bucket-identity-permission', names.pipelineRole, 'ReplicateArtifacts', 'Resource', `arn:aws:s3:::${names.buckets[r]}/${params.pipelineName}/*`, 's3:PutObject', inBucket(r)],
      ...names.deployRoles.flatMap((role): IdentityFault[] => [
        ['remove-key-identity-permission', role, 'DecryptArtifacts', 'Resource', names.keys[r]!, 'kms:Decrypt', isKey(r)],
        ['remove-key-identity-permission', role, 'EncryptOutputs', 'Resource', names.keys[r]!, 'kms:GenerateDataKey', isKey(r)],
        ['remove-bucket-identity-permission', role, 'ReadArtifacts', 'Resource', `arn:aws:s3:::${names.buckets[r]}/${params.pipelineName}/*`, 's3:GetObject', inBucket(r)],
        ['remove-bucket-identity-permission', role, 'WriteOutputs', 'Resource', `arn:aws:s3:::${names.buckets[r]}/${params.pipelineName}/*`, 's3:PutObject', inBucket(r)],
      ]),
    ]),
  ];
  for (const [kind, role, sid, field, value, op, resource] of identityFaults) add(kind, narrowing(inlineSite(role), sid, field, value), callOf(op, role, resource));

  // EXPLICIT_DENY: a Deny of one call in the calling role's own policy; it surfaces at the first such call.
  if (!wanted || wanted.has('add-identity-deny')) {
    const seen = new Set<string>();
    for (const c of calls) {
      if (!c.principal.startsWith('arn:')) continue;
      const key = `${c.principal} ${c.operation} ${c.resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const site = inlineSite(c.principal);
      const deny: PolicyStatement = { Sid: 'PipesimFaultDeny', Effect: 'Deny', Action: c.operation, Resource: c.resource };
      const first = calls.find((x) => x.principal === c.principal && x.operation === c.operation && expectedResourceMatches(c.resource, x.resource));
      push('add-identity-deny', `add a Deny of ${c.operation} on ${c.resource} to ${site.description}`, [{ op: 'add', path: `${site.pointer}/Statement/-`, value: deny }], first);
    }
  }

  // AWS_MANAGED_KEY and KEY_ALIAS_CROSS_ACCOUNT: a store's key reference changes.
  params.regions.forEach((region, r) => {
    const store = pointer('pipeline', 'pipeline', 'artifactStores', region);
    const crossRead = firstCall((c) => c.operation === 'kms:Decrypt' && names.deployRoles.includes(c.principal) && c.resource === names.keys[r]);
    // In the home Region the CodeBuild project names the store's key too (CodeBuild ignores the store key,
    // aws-cdk#4182): a pipeline on aws/s3 leaves both unset.
    const ops: Operation[] = [{ op: 'remove', path: `${store}/encryptionKey` }, ...(r === 0 ? [{ op: 'remove' as const, path: pointer('codeBuildProjects', 0, 'encryptionKey') }] : [])];
    push('use-aws-managed-key', `use the AWS managed key aws/s3 instead of ${names.keys[r]} for the artifact store in ${region}${r === 0 ? ' and its CodeBuild project' : ''}`, ops, crossRead);
    const crossWrite = firstCall((c) => c.operation === 'kms:GenerateDataKey' && names.deployRoles.includes(c.principal) && c.resource === names.keys[r]);
    push('name-key-by-alias', `name the key of the artifact store in ${region} by its alias ${names.keyAlias}`, [{ op: 'replace', path: `${store}/encryptionKey/${escapePointerToken('id')}`, value: names.keyAlias }], crossWrite);
  });

  const order = Object.keys(FAULT_CATALOGUE);
  return out.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/**
 * An arbitrary of single faults of a topology: each applicable kind equally likely, shrinking
 * towards the first site of a kind. Throws when no requested kind applies (a set-up error).
 */
export function singleFault(topology: Topology, options: FaultOptions = {}): fc.Arbitrary<SingleFault> {
  const all = faultSites(topology, options);
  if (all.length === 0) throw new Error('singleFault: no fault of the requested kinds applies to this topology');
  const byKind = new Map<FaultKind, SingleFault[]>();
  for (const f of all) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  return fc.oneof(...[...byKind.values()].map((fs) => fc.constantFrom(...fs)));
}

/** The fault kinds that apply to a topology (some need several regions or output artifacts). Pure. */
export function applicableFaultKinds(topology: Topology): FaultKind[] {
  return [...new Set(faultSites(topology).map((f) => f.kind))];
}
