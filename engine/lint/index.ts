/** The lint rules, `lint()` and its machine-readable outputs (JSON, SARIF). */
export { lint, failsAt } from './lint.js';
export type { Finding, LintOptions } from './lint.js';
export { RULES, RULE_IDS, SEVERITY_RANK } from './rules.js';
export type { LintSeverity, RuleId, RuleInfo } from './rules.js';
export { fileUri, lintJson, lintSarif, LINT_FORMATS, provenMark, sarifRules } from './sarif.js';
export type { LintFormat, SarifDriver, SarifLog, SarifOptions, SarifResult, SarifRule, SarifRun } from './sarif.js';
export { nameSaysProduction, productionReason, productionAccounts } from './topology.js';
