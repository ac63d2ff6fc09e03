/** The raw policy engine's baseline for the benchmark (kept in engine/policy/authorize.ts, its only importer). */
export { rawEngineBaseline as engineBaseline } from '../engine/policy/authorize.js';
