/** The drill session: its Ink view, reducer, input and the progress file. */
export { DrillApp } from './app.js';
export type { DrillAppProps, DrillOutcome } from './app.js';
export { progressFile, readProgress, writeProgress } from './progress-file.js';
export { drillReducer, initDrill } from './reducer.js';
export type { DrillAction, DrillState } from './reducer.js';
export { drillSession } from './session.js';
export type { SessionDrill } from './session.js';
export { drillKeyToCommand, useDrillInput } from './use-drill-input.js';
export type { DrillCommand } from './use-drill-input.js';
export { drillLines, formatQuestion, formatVerdict, paragraphs, questionBody, verdictBody } from './view.js';
export type { DrillContextInfo } from './view.js';
