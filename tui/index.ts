/** The CLI edge: the entry point, shared CLI support and the interactive shells. */
export { onAltScreen } from './alt-screen.js';
export { writeFileAtomic } from './atomic-write.js';
export type { AtomicWriteOptions } from './atomic-write.js';
export { createProgram, err, EXIT, formatIssue, loadExitCode, loadScenarioArgument, out, reportInternalError, runProgram } from './cli-support.js';
export type { CommandModule } from './cli-support.js';
export { pickAndReplay, replayInTerminal } from './interactive.js';
export type { PrepareReplay } from './interactive.js';
export { splitKeys } from './keys.js';
export type { KeyPress } from './keys.js';
