/** The lint rules, `lint()` and its output formats. */
export { lint, failsAt } from './lint.js';
export type { Finding, LintOptions } from './lint.js';
export { RULES, RULE_IDS, SEVERITY_RANK } from './rules.js';
export type { LintSeverity, RuleId, RuleInfo } from './rules.js';
export { formatFinding, formatLintText, lintJson, lintSarif, sarifRules, fileUri, LINT_FORMATS } from './format.js';
export type { LintFormat, SarifLog, SarifOptions, SarifResult, SarifRule, SarifRun, SarifDriver } from './format.js';
export { nameSaysProduction, productionReason, productionAccounts } from './topology.js';
