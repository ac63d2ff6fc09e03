/** Drill generation for the benchmark: generated drills per second, each proven by simulating its four choices. */
import { createDrillContext, generateDrill } from '../engine/drills/index.js';

/** Generates drills from consecutive seeds until `drills` are kept; returns kept drills per second. */
export async function drillWorkload(options: { readonly drills: number; readonly seed: number }): Promise<number> {
  const context = createDrillContext();
  await generateDrill(options.seed - 1, { context }); // warm-up
  let kept = 0;
  let seed = options.seed;
  const t = performance.now();
  while (kept < options.drills) {
    if (await generateDrill(seed, { context })) kept++;
    seed++;
  }
  return (kept * 1000) / (performance.now() - t);
}
