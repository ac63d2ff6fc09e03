/**
 * Policy mutations of any scenario: small, labelled JSON Patches (RFC 6902) a property test
 * applies one at a time — remove a statement, remove one action / principal / resource, add a
 * Deny, narrow a condition, drop a KMS grant, drop an artifact store, swap a store's key for the
 * AWS managed `aws/s3` key. Enumeration is pure and deterministic; the arbitrary picks from it
 * and shrinks towards the first candidate of a kind.
 */
import fc from 'fast-check';
import type { Operation } from 'fast-json-patch';
import type { PolicyStatement, Scenario } from '../../../model/schema.js';
import { escapePointerToken, pointer } from './patch-shared.js';
import { asList as listOf, statementsOf } from '../../../model/policy-document.js';
import { hasStatementList, policySites, RESOURCE_SITE_KINDS, statementName, statementPointer, type PolicySite } from './policy-sites.js';

/** The kinds of mutation, with what each does. */
export const MUTATION_KINDS = {
  'remove-statement': 'remove one statement from a policy document',
  'remove-action': 'remove one action from a statement that lists more than one',
  'remove-principal': 'remove one principal from a statement that names more than one',
  'remove-resource': 'remove one resource from a statement that lists more than one',
  'add-deny': 'add a Deny statement for an action and resource the policy already mentions',
  'narrow-condition': 'narrow a condition: drop a value, make a pattern exact, or add a well-known condition key',
  'drop-grant': 'drop a KMS grant',
  'drop-artifact-store': 'drop an artifact store from `artifactStores`',
  'aws-managed-key': "swap an artifact store's key for the AWS managed `aws/s3` key",
} as const;

/** A mutation kind. */
export type MutationKind = keyof typeof MUTATION_KINDS;

/**
 * Which way a mutation moves permissions: `restricts` can only take permissions away (removing
 * an Allow, adding a Deny, narrowing an Allow's condition, dropping a grant or a store),
 * `relaxes` can only add them (removing or narrowing a Deny), `changes` may do either.
 */
export type MutationEffect = 'restricts' | 'relaxes' | 'changes';

/** One labelled mutation: a JSON Patch against the scenario document. */
export interface PolicyMutation {
  readonly kind: MutationKind;
  /** What it does, in words (`remove statement AllowPipelineRole from the key policy of arn:…`). */
  readonly label: string;
  readonly patch: readonly Operation[];
  readonly effect: MutationEffect;
  /** JSON Pointer of the document or store it changes. */
  readonly target: string;
  /**
   * The statement it removes or changes, named as a trace's deciding statements name it
   * (`DecidingStatement.policy` and `.index`); absent for added statements, grants and stores.
   */
  readonly statement?: { readonly policy: string; readonly index: number; readonly sid?: string };
}

/** Which mutations to consider. */
export interface MutationOptions {
  /** Only these kinds (default: all). */
  readonly kinds?: readonly MutationKind[];
  /** Only mutations with one of these effects (default: all). */
  readonly effects?: readonly MutationEffect[];
  /** Only policy documents this accepts (policy kinds only; stores and grants are not sites). */
  readonly sites?: (site: PolicySite) => boolean;
}

const POSITIVE_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'NumericEquals', 'DateEquals', 'IpAddress', 'BinaryEquals']);

/** The operator without `ForAnyValue:` / `ForAllValues:` and `IfExists`. Pure. */
function baseOperator(op: string): string {
  return op.replace(/^(ForAnyValue:|ForAllValues:)/, '').replace(/IfExists$/, '');
}

const effectOf = (statement: PolicyStatement, narrowsAllow: MutationEffect, narrowsDeny: MutationEffect): MutationEffect =>
  statement.Effect === 'Allow' ? narrowsAllow : statement.Effect === 'Deny' ? narrowsDeny : 'changes';

/** The mutations of one policy document. */
function siteMutations(site: PolicySite, sink: (m: PolicyMutation) => void): void {
  const statements = statementsOf(site.document);
  statements.forEach((st, i) => {
    // Every mutation made here changes statement i.
    const statement = { policy: site.policyName, index: i, ...(st.Sid ? { sid: st.Sid } : {}) };
    const change = (m: PolicyMutation) => sink({ ...m, statement });
    const sp = statementPointer(site, i);
    const name = statementName(st, i);
    const of = `statement ${name} of ${site.description}`;

    // Remove the statement.
    change({
      kind: 'remove-statement',
      label: `remove statement ${name} from ${site.description}`,
      patch: hasStatementList(site.document) ? [{ op: 'remove', path: sp }] : [{ op: 'replace', path: `${site.pointer}/Statement`, value: [] }],
      effect: effectOf(st, 'restricts', 'relaxes'),
      target: site.pointer,
    });

    // Remove one action or resource from a list of more than one.
    for (const [field, kind] of [['Action', 'remove-action'], ['Resource', 'remove-resource']] as const) {
      const values = st[field];
      if (!Array.isArray(values) || values.length < 2) continue;
      values.forEach((v: string, j: number) =>
        change({ kind, label: `remove ${field === 'Action' ? 'action' : 'resource'} ${v} from ${of}`, patch: [{ op: 'remove', path: `${sp}/${field}/${j}` }], effect: effectOf(st, 'restricts', 'relaxes'), target: site.pointer }),
      );
    }

    // Remove one principal where the statement names more than one.
    const principal = st.Principal;
    if (principal && principal !== '*') {
      const entries = Object.entries(principal);
      const total = entries.reduce((n, [, v]) => n + listOf(v).length, 0);
      if (total > 1) {
        for (const [type, v] of entries) {
          const list = listOf(v);
          const typePtr = `${sp}/Principal/${escapePointerToken(type)}`;
          list.forEach((p, j) => {
            const patch: Operation[] = Array.isArray(v) && list.length > 1 ? [{ op: 'remove', path: `${typePtr}/${j}` }] : [{ op: 'remove', path: typePtr }];
            change({ kind: 'remove-principal', label: `remove principal ${p} from ${of}`, patch, effect: effectOf(st, 'restricts', 'relaxes'), target: site.pointer });
          });
        }
      }
    }

    // Narrow a condition.
    narrowings(site, st, sp, of, change);
  });

  // Add a Deny for an action and resource an Allow of this document mentions.
  const seen = new Set<string>();
  const sids = new Set(statements.map((s) => s.Sid).filter((s): s is string => s !== undefined));
  let sid = 'PipesimAddedDeny';
  for (let n = 2; sids.has(sid); n += 1) sid = `PipesimAddedDeny${n}`;
  const resourceKind = RESOURCE_SITE_KINDS.has(site.kind);
  for (const st of statements) {
    if (st.Effect !== 'Allow' || st.Action === undefined) continue;
    const principal = resourceKind ? (st.Principal ?? '*') : undefined;
    const resources: readonly (string | undefined)[] = st.Resource !== undefined ? listOf(st.Resource) : [resourceKind && site.kind !== 'trust' ? '*' : undefined];
    for (const action of listOf(st.Action)) {
      for (const resource of resources) {
        const key = JSON.stringify([action, resource ?? null, principal ?? null]);
        if (seen.has(key)) continue;
        seen.add(key);
        const deny: PolicyStatement = {
          Sid: sid,
          Effect: 'Deny',
          ...(principal !== undefined ? { Principal: principal } : {}),
          Action: action,
          ...(resource !== undefined ? { Resource: resource } : {}),
        };
        const patch: Operation[] = hasStatementList(site.document)
          ? [{ op: 'add', path: `${site.pointer}/Statement/-`, value: deny }]
          : [{ op: 'replace', path: `${site.pointer}/Statement`, value: [site.document.Statement, deny] }];
        const who = principal === undefined ? '' : ` for ${principal === '*' ? 'everyone' : describePrincipal(principal)}`;
        sink({ kind: 'add-deny', label: `add a Deny of ${action}${resource !== undefined ? ` on ${resource}` : ''}${who} to ${site.description}`, patch, effect: 'restricts', target: site.pointer });
      }
    }
  }
}

function describePrincipal(principal: Exclude<PolicyStatement['Principal'], undefined>): string {
  if (principal === '*') return 'everyone';
  return Object.values(principal)
    .flatMap((v) => listOf(v))
    .join(', ');
}

/** Condition narrowings of one statement: each makes the condition match a subset of what it matched. */
function narrowings(site: PolicySite, st: PolicyStatement, sp: string, of: string, sink: (m: PolicyMutation) => void): void {
  const effect = effectOf(st, 'restricts', 'relaxes');
  const condition = st.Condition ?? {};
  for (const [op, block] of Object.entries(condition)) {
    const base = baseOperator(op);
    if (!POSITIVE_OPERATORS.has(base)) continue;
    const opPtr = `${sp}/Condition/${escapePointerToken(op)}`;
    for (const [key, value] of Object.entries(block)) {
      const keyPtr = `${opPtr}/${escapePointerToken(key)}`;
      // Drop one value of a multi-valued condition.
      if (Array.isArray(value) && value.length > 1) {
        value.forEach((v, j) => sink({ kind: 'narrow-condition', label: `narrow condition ${op} ${key} of ${of}: drop \`${String(v)}\``, patch: [{ op: 'remove', path: `${keyPtr}/${j}` }], effect, target: site.pointer }));
      }
      // A pattern made exact: StringLike → StringEquals (the same text, wildcards taken literally).
      const hasWildcard = (Array.isArray(value) ? value : [value]).some((v) => typeof v === 'string' && /[*?]/.test(v));
      if (op === 'StringLike' && hasWildcard && !condition['StringEquals']?.[key]) {
        const patch: Operation[] = [
          Object.keys(block).length === 1 ? { op: 'remove', path: opPtr } : { op: 'remove', path: keyPtr },
          condition['StringEquals'] ? { op: 'add', path: `${sp}/Condition/StringEquals/${escapePointerToken(key)}`, value } : { op: 'add', path: `${sp}/Condition/StringEquals`, value: { [key]: value } },
        ];
        sink({ kind: 'narrow-condition', label: `narrow condition StringLike ${key} of ${of} to StringEquals`, patch, effect, target: site.pointer });
      }
    }
  }
  // A well-known condition key the statement lacks: an Allow that only ever served these
  // requests keeps working, any other use stops.
  if (st.Effect !== 'Allow') return;
  const added = wellKnownCondition(site, st);
  if (!added || Object.values(condition).some((block) => Object.keys(block).some((k) => k.toLowerCase() === added.key.toLowerCase()))) return;
  const patch: Operation[] = condition['StringEquals']
    ? [{ op: 'add', path: `${sp}/Condition/StringEquals/${escapePointerToken(added.key)}`, value: added.value }]
    : st.Condition
      ? [{ op: 'add', path: `${sp}/Condition/StringEquals`, value: { [added.key]: added.value } }]
      : [{ op: 'add', path: `${sp}/Condition`, value: { StringEquals: { [added.key]: added.value } } }];
  sink({ kind: 'narrow-condition', label: `narrow ${of} to ${added.key} \`${added.value}\``, patch, effect: 'restricts', target: site.pointer });
}

/** The condition AWS recommends for a statement of this kind, where one applies. */
function wellKnownCondition(site: PolicySite, st: PolicyStatement): { readonly key: string; readonly value: string } | undefined {
  const arn = site.owner.split(':');
  if (site.kind === 'key' && arn[3]) return { key: 'kms:ViaService', value: `s3.${arn[3]}.amazonaws.com` };
  const principal = st.Principal;
  if (site.kind === 'trust' && principal && principal !== '*' && listOf(principal['Service']).length > 0 && arn[4]) return { key: 'aws:SourceAccount', value: arn[4] };
  if (site.kind === 'identity' && listOf(st.Action).some((a) => a.toLowerCase() === 'iam:passrole') && listOf(st.Resource).some((r) => /cfn|cloudformation|stackset/i.test(r))) {
    return { key: 'iam:PassedToService', value: 'cloudformation.amazonaws.com' };
  }
  return undefined;
}

/** Grant, artifact store and store-key mutations. */
function worldMutations(scenario: Scenario, sink: (m: PolicyMutation) => void): void {
  scenario.keys.forEach((key, i) =>
    key.grants.forEach((g, j) =>
      sink({ kind: 'drop-grant', label: `drop grant ${g.name ?? g.grantId ?? `#${j}`} (to ${g.granteePrincipal}) of ${key.arn}`, patch: [{ op: 'remove', path: pointer('keys', i, 'grants', j) }], effect: 'restricts', target: pointer('keys', i) }),
    ),
  );
  const decl = scenario.pipeline.pipeline;
  for (const [region, store] of Object.entries(decl.artifactStores ?? {})) {
    const at = pointer('pipeline', 'pipeline', 'artifactStores', region);
    sink({ kind: 'drop-artifact-store', label: `drop the artifact store for ${region} (${store.location})`, patch: [{ op: 'remove', path: at }], effect: 'restricts', target: at });
    if (store.encryptionKey) {
      sink({ kind: 'aws-managed-key', label: `use the AWS managed key aws/s3 instead of ${store.encryptionKey.id} for the artifact store in ${region}`, patch: [{ op: 'remove', path: `${at}/encryptionKey` }], effect: 'changes', target: at });
    }
  }
  if (decl.artifactStore?.encryptionKey) {
    const at = pointer('pipeline', 'pipeline', 'artifactStore');
    sink({ kind: 'aws-managed-key', label: `use the AWS managed key aws/s3 instead of ${decl.artifactStore.encryptionKey.id} for the artifact store`, patch: [{ op: 'remove', path: `${at}/encryptionKey` }], effect: 'changes', target: at });
  }
}

/** Every mutation of a scenario the options allow, in a fixed order (document order, then kind). Pure. */
export function policyMutations(scenario: Scenario, options: MutationOptions = {}): PolicyMutation[] {
  const out: PolicyMutation[] = [];
  const kinds = options.kinds ? new Set(options.kinds) : undefined;
  const effects = options.effects ? new Set(options.effects) : undefined;
  const sink = (m: PolicyMutation) => {
    if ((!kinds || kinds.has(m.kind)) && (!effects || effects.has(m.effect))) out.push(m);
  };
  for (const site of policySites(scenario)) if (!options.sites || options.sites(site)) siteMutations(site, sink);
  if (!options.sites) worldMutations(scenario, sink);
  return out;
}

/**
 * An arbitrary of single policy mutations of a scenario: each kind is equally likely, and
 * within a kind it shrinks towards the first candidate in document order. Throws when the
 * scenario has no mutation the options allow (a test set-up error).
 */
export function policyMutation(scenario: Scenario, options: MutationOptions = {}): fc.Arbitrary<PolicyMutation> {
  const all = policyMutations(scenario, options);
  if (all.length === 0) throw new Error('policyMutation: the scenario has no mutation of the requested kinds');
  const byKind = new Map<MutationKind, PolicyMutation[]>();
  for (const m of all) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  return fc.oneof(...[...byKind.values()].map((ms) => fc.constantFrom(...ms)));
}
