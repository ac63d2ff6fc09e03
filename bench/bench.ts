/**
 * `npm run bench`: every performance figure of pipesim in one run, each a median of several
 * repetitions with its spread, printed as a table beside its goal and written to
 * bench/results.json. Never run by the test suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { authorize, createMemo } from '../engine/policy/authorize.js';
import { simulate } from '../engine/execution/simulate.js';
import type { Call } from '../engine/types.js';
import { buildWorld, type World } from '../model/world.js';
import { packageRoot } from '../model/package-root.js';
import { loadScenarioFile } from '../model/source.js';
import type { Scenario } from '../model/schema.js';
import { engineBaseline } from './engine-baseline.js';
import { mutationWorkload } from './workload.js';
import { drillWorkload } from './drills.js';
import { longPipelineScenario, stackSetScenario } from './scale.js';

const REFERENCE = 'reference/four-accounts-two-regions';
const REPS = Number(process.env['PIPESIM_BENCH_REPS'] ?? 5);

/** One measured figure. */
interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly goal?: string;
  readonly met?: boolean;
  readonly note?: string;
}

const figures: Figure[] = [];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function record(name: string, unit: string, samples: readonly number[], goal?: { readonly text: string; readonly ok: (median: number) => boolean }, note?: string): Figure {
  const f: Figure = {
    name,
    unit,
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    ...(goal ? { goal: goal.text, met: goal.ok(median(samples)) } : {}),
    ...(note ? { note } : {}),
  };
  figures.push(f);
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  const verdict = f.met === undefined ? '' : f.met ? '  ✔ met' : '  ✖ NOT met';
  console.log(`${name.padEnd(58)} ${fmt(f.median).padStart(9)} ${unit.padEnd(10)} [${fmt(f.min)} – ${fmt(f.max)}]${f.goal ? `  goal ${f.goal}${verdict}` : ''}${note ? `  (${note})` : ''}`);
  return f;
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function loadReference(): Promise<Scenario> {
  const loaded = await loadScenarioFile(REFERENCE);
  if (!loaded.success) throw new Error(`the reference scenario does not load: ${loaded.issues.map((i) => i.message).join('; ')}`);
  return loaded.data;
}

/** The calls the reference run makes, captured through the injectable policy layer. */
async function referenceCalls(scenario: Scenario): Promise<{ readonly world: World; readonly calls: readonly Call[] }> {
  const calls: Call[] = [];
  let world: World = buildWorld(scenario);
  await simulate(scenario, {
    authorize: (w, call, memo) => {
      world = w;
      calls.push(call);
      return authorize(w, call, memo);
    },
  });
  return { world, calls };
}

async function main(): Promise<void> {
  console.log(`pipesim bench — node ${process.version}, ${cpus().length} cores, ${REPS} repetitions per figure\n`);
  const scenario = await loadReference();
  const { world, calls } = await referenceCalls(scenario);

  // 1. Engine vs simulator, per call (memo cleared: no memo at all).
  const engineMs: number[] = [];
  const pipesimMs: number[] = [];
  const baseline = engineBaseline(world, calls);
  await baseline.run(); // warm both paths once
  for (const c of calls) await authorize(world, c);
  for (let i = 0; i < REPS; i++) {
    engineMs.push((await timeMs(() => baseline.run())) / calls.length);
    pipesimMs.push((await timeMs(async () => { for (const c of calls) await authorize(world, c); })) / calls.length);
  }
  const engineMedian = median(engineMs);
  record('raw engine runSimulation, per call', 'ms', engineMs, undefined, `${calls.length} calls of the reference run`);
  record('pipesim authorize (no memo), per call', 'ms', pipesimMs);
  const ratios = pipesimMs.map((p, i) => p / engineMs[i]!);
  record('pipesim / raw engine', '×', ratios, { text: '≤ 1.15×', ok: (m) => m <= 1.15 });

  // 2. The reference run: warm in this process, cold as a new process.
  const warm: number[] = [];
  for (let i = 0; i < REPS; i++) warm.push(await timeMs(() => simulate(scenario)));
  record('reference run, warm (simulate, no memo)', 'ms', warm, { text: '≤ 50 ms', ok: (m) => m <= 50 });
  const memo = createMemo();
  await simulate(scenario, { memo });
  const warmMemo: number[] = [];
  for (let i = 0; i < REPS; i++) warmMemo.push(await timeMs(() => simulate(scenario, { memo })));
  record('reference run, warm (shared memo)', 'ms', warmMemo);
  const cold: number[] = [];
  const rss: number[] = [];
  const root = packageRoot();
  const hook = join(dirname(fileURLToPath(import.meta.url)), 'rss-hook.js');
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    const child = spawnSync(process.execPath, ['--import', hook, join(root, 'dist/tui/cli.js'), 'run', REFERENCE, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    cold.push(performance.now() - t);
    const m = /PIPESIM_MAXRSS_KB=(\d+)/.exec(child.stderr);
    if (m) rss.push(Number(m[1]) / 1024);
    if (child.status !== 0) throw new Error(`pipesim run exited ${child.status}: ${child.stderr}`);
  }
  record('reference run, cold (pipesim run --json, new process)', 'ms', cold, { text: '≤ 700 ms', ok: (m) => m <= 700 });
  if (rss.length) record('reference run, cold: peak memory', 'MB', rss, { text: '≤ 150 MB', ok: (m) => m <= 150 });

  // 3. The property-testing workload: mutated reference runs per second.
  const naivePerRun = engineMedian * calls.length;
  const naive = 1000 / naivePerRun;
  record('naive bound: re-evaluate every call of every run', 'runs/s', [naive], undefined, `${calls.length} calls × ${engineMedian.toFixed(3)} ms`);
  const oneCore: number[] = [];
  // One untimed pass first, as each worker of the two-core figure makes: both are measured warm.
  await mutationWorkload(scenario, { runs: 400, seed: 9000 });
  for (let i = 0; i < REPS; i++) oneCore.push(await mutationWorkload(scenario, { runs: 400, seed: 1000 + i }));
  record('mutated reference runs, one core', 'runs/s', oneCore, { text: '≥ 250 runs/s', ok: (m) => m >= 250 });
  const twoCores = await parallelWorkload(2, 400, Array.from({ length: REPS }, (_, i) => 2000 + i * 10));
  record('mutated reference runs, two cores (worker threads)', 'runs/s', twoCores, { text: '≥ 500 runs/s', ok: (m) => m >= 500 });

  // 4. Scale: a StackSet fan-out and a long pipeline.
  const perInstance: Record<number, number> = {};
  for (const n of [10, 100, 500, 1000]) {
    const s = stackSetScenario(n);
    const times: number[] = [];
    const mems: number[] = [];
    for (let i = 0; i < Math.max(3, Math.min(REPS, n >= 500 ? 3 : REPS)); i++) {
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
      const r = await timeMs(async () => {
        const res = await simulate(s);
        if (res.status !== 'Succeeded') throw new Error(`stackset-${n} did not succeed: ${res.firstDenial?.message}`);
      });
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      times.push(r);
      mems.push(peak / 1024 / 1024);
    }
    const f = record(`StackSet fan-out, ${n} instances`, 'ms', times, n === 1000 ? { text: '≤ 2000 ms', ok: (m) => m <= 2000 } : undefined);
    perInstance[n] = f.median / n;
    record(`StackSet fan-out, ${n} instances: time per instance`, 'ms', times.map((t) => t / n));
    record(`StackSet fan-out, ${n} instances: process peak memory`, 'MB', mems, n === 1000 ? { text: '≤ 300 MB', ok: (m) => m <= 300 } : undefined);
  }
  const linear = perInstance[1000]! / perInstance[100]!;
  record('time per instance at 1000 / at 100', '×', [linear], { text: '≤ 1.3×', ok: (m) => m <= 1.3 });
  const long = longPipelineScenario(50, 20);
  const longTimes: number[] = [];
  for (let i = 0; i < REPS; i++) longTimes.push(await timeMs(() => simulate(long)));
  record('pipeline of 50 stages across 20 accounts', 'ms', longTimes);

  // 5. Drill generation: generated drills per second, each proven by simulating its four choices.
  const drills: number[] = [];
  for (let i = 0; i < Math.min(REPS, 3); i++) drills.push(await drillWorkload({ drills: 20, seed: 500 + i * 100 }));
  record('generated drills (each proven by simulating its 4 choices)', 'drills/s', drills);

  const out = join(root, 'bench', 'results.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ node: process.version, cores: cpus().length, repetitions: REPS, figures }, null, 2) + '\n');
  const missed = figures.filter((f) => f.met === false);
  console.log(`\n${figures.filter((f) => f.met).length} goals met, ${missed.length} not met${missed.length ? `: ${missed.map((f) => f.name).join('; ')}` : ''}. Written to bench/results.json`);
}

/**
 * The mutation workload on `threads` worker threads at once. The workers are started once and
 * first run one untimed pass (so their JIT is as warm as the main thread's for the one-core
 * figure); then, per repetition, every worker prepares and warms up its workload, and all are
 * started by one message. Each figure is all their runs over the time from that start to the
 * last worker's end (so a worker that runs alone, early or late, counts no extra).
 */
async function parallelWorkload(threads: number, runsEach: number, seeds: readonly number[]): Promise<number[]> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'workload-worker.js');
  const workers = Array.from({ length: threads }, () => new Worker(script));
  const message = (w: Worker, type: string) =>
    new Promise<{ readonly type: string; readonly ms?: number }>((resolve, reject) => {
      const onMessage = (m: { readonly type: string; readonly ms?: number }) => {
        if (m.type !== type) return;
        w.off('message', onMessage);
        w.off('error', reject);
        resolve(m);
      };
      w.on('message', onMessage);
      w.once('error', reject);
    });
  const pass = async (seed: number): Promise<number> => {
    const ready = workers.map((w) => message(w, 'ready'));
    workers.forEach((w, i) => w.postMessage({ type: 'prepare', runs: runsEach, seed: seed + i }));
    await Promise.all(ready);
    const done = workers.map((w) => message(w, 'done'));
    const start = performance.now();
    for (const w of workers) w.postMessage({ type: 'go' });
    await Promise.all(done);
    return (threads * runsEach * 1000) / (performance.now() - start);
  };
  try {
    await Promise.all(workers.map((w) => message(w, 'started')));
    await pass(9000);
    const rates: number[] = [];
    for (const seed of seeds) rates.push(await pass(seed));
    return rates;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

await main();
