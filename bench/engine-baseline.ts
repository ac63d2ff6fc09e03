/** The raw policy engine's baseline for the benchmark (kept in engine/policy/evaluate.ts, its only runtime importer). */
export { rawEngineBaseline as engineBaseline } from '../engine/policy/evaluate.js';
