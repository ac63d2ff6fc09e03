/** "Did you mean" suggestions by edit distance. Pure. */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. Pure. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates closest to `word`: a case-insensitive match first, otherwise every candidate
 * at the smallest edit distance if it is at most `maxDistance` (2 by default). Pure.
 */
export function suggest(word: string, candidates: Iterable<string>, maxDistance = 2): string[] {
  const list = [...new Set(candidates)].filter((c) => c !== word);
  const lower = word.toLowerCase();
  const sameCase = list.filter((c) => c.toLowerCase() === lower);
  if (sameCase.length > 0) return sameCase;
  // Short words make every short candidate look close; scale the allowance down for them.
  const limit = Math.min(maxDistance, Math.max(1, Math.floor(word.length / 3)));
  let best = Infinity;
  let found: string[] = [];
  for (const candidate of list) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance > limit) continue;
    if (distance < best) {
      best = distance;
      found = [candidate];
    } else if (distance === best) found.push(candidate);
  }
  return found;
}

/** `: did you mean `a`?` / `: did you mean `a` or `b`?`, or `''` when there is nothing to suggest. Pure. */
export function didYouMean(word: string, candidates: Iterable<string>, maxDistance = 2): string {
  const found = suggest(word, candidates, maxDistance).slice(0, 3);
  if (found.length === 0) return '';
  const quoted = found.map((f) => `\`${f}\``);
  const last = quoted.pop()!;
  return `: did you mean ${quoted.length > 0 ? `${quoted.join(', ')} or ${last}` : last}?`;
}
