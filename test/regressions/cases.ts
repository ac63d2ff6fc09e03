/** The kept regression cases (test/regressions/*.json): what each is and how to read them. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LawCase, LawName } from '../laws-support.js';

/** A kept case. */
export type Regression =
  | { readonly title: string; readonly found: string; readonly status: 'open' | 'fixed'; readonly check: 'law'; readonly law: LawName; readonly case: LawCase }
  | {
      readonly title: string;
      readonly found: string;
      readonly status: 'open' | 'fixed';
      readonly check: 'load-issues-are-located';
      readonly input: { readonly text: string; readonly file: string };
      /** The message of the internal error while the bug is open (the fuzz test tolerates it). */
      readonly knownInternalError?: string;
      /** Once fixed: the first issue the input must produce, and where. */
      readonly located?: { readonly code: string; readonly path: string; readonly line: number; readonly column: number };
    };

const dir = fileURLToPath(new URL('.', import.meta.url));

/** Every kept case with its file name. */
export function regressions(): { readonly file: string; readonly regression: Regression }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, regression: JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Regression }));
}

