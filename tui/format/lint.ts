/** Lint findings as text for the terminal: one line a finding and a closing count. Pure. */
import type { Finding, LintSeverity } from '../../engine/lint/index.js';
import { provenMark } from '../../engine/lint/index.js';

/** One finding as a line: `file:line:column: severity ruleId: message (fix: …)`. Pure. */
export function formatFinding(file: string, f: Finding): string {
  const where = f.line !== undefined ? `${file}:${f.line}:${f.column ?? 1}` : file;
  return `${where}: ${f.severity} ${f.ruleId}: ${f.message}${provenMark(f)} (fix: ${f.fix})`;
}

/** Findings as text, one per line, with a closing count line. Pure. */
export function formatLintText(file: string, findings: readonly Finding[]): string {
  const count = (s: LintSeverity) => findings.filter((f) => f.severity === s).length;
  const summary = findings.length === 0 ? `${file}: no findings` : `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${count('error')} error, ${count('warning')} warning, ${count('note')} note`;
  return [...findings.map((f) => formatFinding(file, f)), summary].join('\n') + '\n';
}
