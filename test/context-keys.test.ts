/**
 * The request context of every call of every bundled scenario holds exactly the keys the table of
 * docs/call-catalogue.md ("Request context") lists for its call kind: every "always" key, and no
 * key outside "always" and "when it applies".
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import { simulate } from '../engine/execution/simulate.js';
import type { CallEvaluatedEvent } from '../engine/types.js';
import { listBundledScenarios } from '../model/source.js';
import { loadBundled } from './fix-cases.js';
import { ROOT } from './helpers/cli.js';

interface Row {
  readonly always: readonly string[];
  readonly when: readonly string[];
}

/** The table's rows by call kind, keys as written (a trailing `*` matches any suffix). */
function contextTable(): ReadonlyMap<string, Row> {
  const text = readFileSync(`${ROOT}/docs/call-catalogue.md`, 'utf8');
  const section = text.slice(text.indexOf('## Request context'));
  const rows = new Map<string, Row>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || cells[1] === 'call kind' || cells[1]?.startsWith('---')) continue;
    const keys = (cell: string | undefined) => [...(cell ?? '').matchAll(/`([a-z0-9-]+:[A-Za-z0-9:*/-]+)`/g)].map((m) => m[1]!);
    rows.set(cells[1]!, { always: keys(cells[2]), when: keys(cells[3]) });
  }
  return rows;
}

const matches = (pattern: string, key: string) => (pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern);

describe('the request context table', () => {
  const table = contextTable();

  it('has the caller rows and the service rows', () => {
    expect([...table.keys()]).toEqual(['role session', 'service principal', 's3', 'kms', 'sts', 'iam:PassRole']);
    expect(table.get('s3')?.always).toEqual(['s3:signatureversion', 's3:authType', 's3:TlsVersion']);
    expect(table.get('kms')?.when).toContain('kms:ResourceAliases');
  });

  it('every call of every bundled scenario sends exactly the keys of its rows', async () => {
    const memo = createMemo();
    let checked = 0;
    for (const entry of listBundledScenarios()) {
      const result = await simulate(await loadBundled(entry.id), { memo });
      for (const e of result.events) {
        if (e.type !== 'call.evaluated') continue;
        const call = e as CallEvaluatedEvent;
        const rows = [call.sessionArn !== undefined ? 'role session' : 'service principal', call.operation.split(':')[0] ?? '', call.operation]
          .map((k) => table.get(k))
          .filter((r): r is Row => r !== undefined);
        const always = rows.flatMap((r) => r.always);
        const allowed = [...always, ...rows.flatMap((r) => r.when)];
        const keys = Object.keys(call.context);
        const where = `${entry.id} #${call.seq} ${call.operation} by ${call.principal}`;
        expect(always.filter((k) => !keys.includes(k)), `${where}: missing`).toEqual([]);
        expect(keys.filter((k) => !allowed.some((p) => matches(p, k))), `${where}: not in the table`).toEqual([]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('aws:ViaAWSService is false for a role acting on its own, true through S3; kms:ResourceAliases names the key aliases', async () => {
    const result = await simulate(await loadBundled('reference/four-accounts-two-regions'));
    const calls = result.events.filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated');
    const assume = calls.find((c) => c.operation === 'sts:AssumeRole' && c.sessionArn !== undefined);
    expect(assume?.context['aws:ViaAWSService']).toBe('false');
    expect(assume?.context['aws:CalledVia']).toBeUndefined();
    const decrypt = calls.find((c) => c.operation === 'kms:Decrypt');
    expect(decrypt?.context['aws:ViaAWSService']).toBe('true');
    expect(decrypt?.context['kms:ResourceAliases']).toEqual(['alias/checkout-pipeline-artifacts']);
    const get = calls.find((c) => c.operation === 's3:GetObject');
    expect(get?.context).toMatchObject({ 's3:signatureversion': 'AWS4-HMAC-SHA256', 's3:authType': 'REST-HEADER', 's3:TlsVersion': '1.2' });
  });
});

describe('S3 Bucket Keys', () => {
  it('with bucketKeyEnabled, S3 calls KMS with the bucket ARN as aws:s3:arn; without, the object ARN', async () => {
    const { applyPatch } = await import('../engine/analysis/patch.js');
    const base = await loadBundled('providers/cloudformation-change-sets');
    const patched = applyPatch(base, [{ op: 'replace', path: '/buckets/0/encryption/bucketKeyEnabled', value: true }]);
    if (!patched.success) throw new Error('patch failed');
    const ec = async (scenario: typeof base) =>
      (await simulate(scenario)).events.filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated' && e.operation === 'kms:GenerateDataKey').map((e) => e.context['kms:EncryptionContext:aws:s3:arn']);
    const withKey = await ec(patched.data);
    expect(withKey.length).toBeGreaterThan(0);
    expect(new Set(withKey)).toEqual(new Set(['arn:aws:s3:::codepipeline-artifacts-111111111111-us-east-1']));
    const without = await ec(base);
    expect(without.every((v) => typeof v === 'string' && v.startsWith('arn:aws:s3:::codepipeline-artifacts-111111111111-us-east-1/checkout-pipeline/'))).toBe(true);
  });
});
