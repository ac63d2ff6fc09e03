/**
 * Lint findings as data for machines: JSON and SARIF 2.1.0 (the format GitHub code scanning
 * accepts). Pure: the caller passes the file name and the artifact URI. The text form for the
 * terminal is tui/format/lint.ts.
 */
import { fnv1aHex } from '../../model/hash.js';
import type { Finding } from './lint.js';
import { RULE_IDS, RULES, type LintSeverity, type RuleId } from './rules.js';

/** The output formats of `pipesim lint`. */
export const LINT_FORMATS = ['text', 'json', 'sarif'] as const;

/** One output format. */
export type LintFormat = (typeof LINT_FORMATS)[number];

/** The suffix a finding the run proved carries in every output. Pure. */
export const provenMark = (f: Finding): string => (f.proven ? ' [proven by the run]' : '');

/** The JSON output: `{ formatVersion, file, findings }`. Pure. */
export function lintJson(file: string, findings: readonly Finding[]): { readonly formatVersion: 1; readonly file: string; readonly findings: readonly Finding[] } {
  return { formatVersion: 1, file, findings };
}

/** A SARIF 2.1.0 log, as far as pipesim writes one. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

/** One SARIF run. */
export interface SarifRun {
  readonly tool: { readonly driver: SarifDriver };
  readonly results: readonly SarifResult[];
  readonly columnKind: 'unicodeCodePoints';
}

/** The tool driver with its rules. */
export interface SarifDriver {
  readonly name: string;
  readonly version: string;
  readonly informationUri?: string;
  readonly rules: readonly SarifRule[];
}

/** A rule descriptor. */
export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string; readonly markdown: string };
  readonly helpUri: string;
  readonly defaultConfiguration: { readonly level: LintSeverity };
  readonly properties: { readonly tags: readonly string[]; readonly guideItem: string; readonly fix: string };
}

/** A result. */
export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: LintSeverity;
  readonly message: { readonly text: string };
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string };
      readonly region: { readonly startLine: number; readonly startColumn: number };
    };
    readonly logicalLocations: readonly { readonly fullyQualifiedName: string }[];
  }[];
  readonly partialFingerprints: { readonly 'pipesimFinding/v1': string };
  readonly properties: { readonly path: string; readonly fix: string; readonly proven: boolean };
}

/** What the SARIF log says about the tool. */
export interface SarifOptions {
  /** The scenario file as a URI relative to the repository root (forward slashes). */
  readonly uri: string;
  readonly toolVersion: string;
  readonly informationUri?: string;
}

const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** The rule descriptors of every rule, in table order. Pure. */
export function sarifRules(): SarifRule[] {
  return RULE_IDS.map((id) => {
    const r = RULES[id];
    return {
      id,
      name: pascal(r.name),
      shortDescription: { text: r.title },
      fullDescription: { text: r.help },
      help: {
        text: `${r.help}\nFix: ${r.fix}.\nDomain guide: ${r.guideItem}.\nAWS documentation: ${r.helpUri}`,
        markdown: `${r.help}\n\n**Fix:** ${r.fix}.\n\n**Domain guide:** ${r.guideItem}.\n\n[AWS documentation](${r.helpUri})`,
      },
      helpUri: r.helpUri,
      defaultConfiguration: { level: r.severity },
      properties: { tags: ['aws', 'codepipeline', r.name], guideItem: r.guideItem, fix: r.fix },
    };
  });
}

/** Encodes a relative path as a URI reference (forward slashes, unsafe characters escaped). Pure. */
export function fileUri(path: string): string {
  return path.split(/[\\/]/).map((segment) => encodeURIComponent(segment)).join('/');
}

/** Findings as a SARIF 2.1.0 log with one run. Pure. */
export function lintSarif(findings: readonly Finding[], options: SarifOptions): SarifLog {
  const results = findings.map((f): SarifResult => ({
    ruleId: f.ruleId,
    ruleIndex: RULE_IDS.indexOf(f.ruleId as RuleId),
    level: f.severity,
    message: { text: `${f.message}${provenMark(f)} (fix: ${f.fix})` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: options.uri }, region: { startLine: f.line ?? 1, startColumn: f.column ?? 1 } },
        logicalLocations: [{ fullyQualifiedName: f.path || '(document)' }],
      },
    ],
    partialFingerprints: { 'pipesimFinding/v1': fnv1aHex(`${f.ruleId}\u0000${f.path}\u0000${f.message}`) },
    properties: { path: f.path, fix: f.fix, proven: f.proven === true },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'pipesim', version: options.toolVersion, ...(options.informationUri ? { informationUri: options.informationUri } : {}), rules: sarifRules() } },
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}
