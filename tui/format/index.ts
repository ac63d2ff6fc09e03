/** Plain-text formatting for the terminal of what the engine returns (diagnoses, fix runs, what-if diffs, lint findings). Pure. */
export { formatDiagnosis, formatFixRun, formatOutcome, formatPatch, formatWhatIf } from './diagnose.js';
export { formatFinding, formatLintText } from './lint.js';
