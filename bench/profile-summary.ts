/**
 * Summarises a V8 CPU profile (`node --cpu-prof --cpu-prof-dir=prof dist/…`): the functions with
 * the most self time, the most inclusive time (each function once per sample, so recursion does
 * not count twice), and self time by package. Inclusive time of an async function only counts
 * up to its first `await` (what runs after resumes from the microtask queue).
 *
 *   node dist/bench/profile-summary.js prof/CPU.….cpuprofile [top] [filter]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A function's label: its name, and where it is (packages shortened to `nm/<package>`). */
function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/.*?\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
}

/** The package a label belongs to: `nm/<package>`, `pipesim` for our own code, or the label. */
function packageOf(text: string): string {
  const m = /nm\/(@[^/]+\/[^/]+|[^/]+)/.exec(text);
  if (m) return m[1]!;
  if (text.includes(' dist/')) return 'pipesim';
  // V8's own entries (`(garbage collector)`, `(program)`) and Node's internals keep their name.
  return text.startsWith('(') ? text.slice(0, text.indexOf(')') + 1) : text.split(' ')[0]!;
}

/** Self, inclusive and per-package times (ms) of a profile. Pure. */
export function summariseProfile(profile: CpuProfile): { readonly total: number; readonly self: Map<string, number>; readonly inclusive: Map<string, number>; readonly packages: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const timeOf = new Map<number, number>();
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of timeOf) {
    total += ms;
    const own = label(nodes.get(id)!);
    self.set(own, (self.get(own) ?? 0) + ms);
    packages.set(packageOf(own), (packages.get(packageOf(own)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(nodes.get(at)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + ms);
    }
  }
  return { total, self, inclusive, packages };
}

function print(title: string, times: ReadonlyMap<string, number>, total: number, top: number, filter: string | undefined): void {
  console.log(`\n${title} (of ${total.toFixed(0)} ms)`);
  for (const [name, ms] of [...times].filter(([n]) => !filter || n.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
}

const [file, topText, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top] [filter]');
  process.exit(2);
}
const top = Number(topText ?? 30);
const s = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
print('self time', s.self, s.total, top, filter);
print('inclusive time', s.inclusive, s.total, top, filter);
print('self time by package', s.packages, s.total, top, undefined);
