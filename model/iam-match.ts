/**
 * How IAM matches an action or a resource ARN against a policy pattern, in one place for lint, the
 * loader and the fix code. Actions use the engine's own matcher (`@cloud-copilot/iam-utils`);
 * resources are matched segment by segment as the engine matches them (partition, service, Region
 * and account case-insensitively with `*` and `?`; the product literally; the rest with `*` and
 * `?`, case-sensitively). Pure.
 */
import { actionMatchesPattern } from '@cloud-copilot/iam-utils';

/** Whether an action (`s3:GetObject`) matches a policy action pattern (`s3:Get*`, `s3:GetObjec?`, `*`). Pure. */
export function actionMatches(action: string, pattern: string): boolean {
  return actionMatchesPattern(action, pattern);
}

const segmentCache = new Map<string, RegExp>();

/** A wildcard pattern as an anchored regular expression (`*` any run, `?` one character). Pure. */
export function wildcardRegExp(pattern: string, flags = ''): RegExp {
  const cacheKey = `${flags}\u0000${pattern}`;
  const cached = segmentCache.get(cacheKey);
  if (cached) return cached;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, `s${flags}`);
  if (segmentCache.size < 4096) segmentCache.set(cacheKey, re);
  return re;
}

/** The product prefix of an ARN's resource part: up to and including the first `/` or `:`, if any. */
function productOf(resource: string): string {
  const at = resource.search(/[/:]/);
  return at === -1 ? '' : resource.slice(0, at + 1);
}

/** Whether a resource ARN matches a policy resource pattern, segment-wise as the engine matches. Pure. */
export function resourceMatches(resource: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const r = resource.split(':');
  if (p.length < 6 || r.length < 6 || p[0] !== 'arn' || r[0] !== 'arn') return wildcardRegExp(pattern).test(resource);
  for (let i = 1; i <= 4; i += 1) if (!wildcardRegExp(p[i] ?? '', 'i').test(r[i] ?? '')) return false;
  const pRest = p.slice(5).join(':');
  const rRest = r.slice(5).join(':');
  const product = productOf(pRest);
  if (product && !/[*?]/.test(product)) {
    if (!rRest.startsWith(product)) return false;
    return wildcardRegExp(pRest.slice(product.length)).test(rRest.slice(product.length));
  }
  return wildcardRegExp(pRest).test(rRest);
}
