/** The CLI's commands: each file registers one command on the commander program. */
export { register as registerDiagnose } from './diagnose.js';
export { register as registerDrill } from './drill.js';
export type { DrillOptions } from './drill.js';
export { register as registerFix } from './fix.js';
export { home } from './home.js';
export { register as registerImport, writeAtomically } from './import.js';
export { register as registerLint } from './lint.js';
export { interactiveTerminal, register as registerRun, runExitCode } from './run.js';
export type { RunOptions } from './run.js';
export { formatScenarioTable, register as registerScenarios } from './scenarios.js';
export { register as registerValidate } from './validate.js';
export { register as registerWhatif } from './whatif.js';
