/** Drills: evaluation of a drill's choices, the generator, and progress. */
export { evaluateDrill, isRightAnswer, choiceFor, callWords, runSymptom } from './evaluate.js';
export type { ChoiceVerdict, DrillCallOutcome, DrillSymptom, DrillVerdicts, EvaluateOptions } from './evaluate.js';
export { createDrillContext, internDocuments } from './context.js';
export type { DrillContext } from './context.js';
export { generateDrill, generateFrom, drawTopologyParams, GENERATOR_FAULT_KINDS } from './generate.js';
export type { GeneratedDrill, GenerateOptions, Rejection } from './generate.js';
export { createPrng } from './prng.js';
export type { Prng } from './prng.js';
export { emptyProgress, recordAnswer, parseProgress, nextBankDrill } from './progress.js';
export type { DrillRecord, Progress, TopicRecord } from './progress.js';
