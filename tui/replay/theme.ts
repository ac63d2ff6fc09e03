/**
 * The replay's theme: decision → colour and symbol, and the few other tones the views use.
 * `NO_COLOR` (https://no-color.org) gives a variant without colours; symbols, bold and
 * inverse stay, so nothing is told by colour alone.
 */
import type { Decision } from '../../engine/types.js';

/** A tone a view asks for; the theme turns it into a style. */
export type Tone = 'allow' | 'deny' | 'muted' | 'label' | 'accent' | 'warn' | 'plain' | 'changed';

/** How a piece of text is drawn. */
export interface TextStyle {
  readonly color?: string;
  readonly bold?: boolean;
  readonly dimColor?: boolean;
  readonly inverse?: boolean;
}

/** A theme: styles by tone, and the symbol and tone of each decision and status. */
export interface Theme {
  readonly color: boolean;
  readonly tone: (tone: Tone) => TextStyle;
  readonly decision: (decision: Decision) => { readonly symbol: string; readonly tone: Tone };
  /** Glyphs of the pipeline map. */
  readonly glyph: {
    readonly succeeded: string;
    readonly failed: string;
    readonly notRun: string;
    readonly running: string;
    readonly rollback: string;
    readonly mark: string;
    readonly cursor: string;
    /** A call whose decision a what-if changed. */
    readonly changed: string;
    /** A call a what-if run reached that the run before did not. */
    readonly reached: string;
  };
}

const GLYPH = { succeeded: '✔', failed: '✖', notRun: '·', running: '▸', rollback: '⟳', mark: '▶', cursor: '›', changed: '△', reached: '+' } as const;

const COLOURS: Readonly<Record<Tone, TextStyle>> = {
  allow: { color: 'green' },
  deny: { color: 'red', bold: true },
  muted: { dimColor: true },
  label: { color: 'cyan' },
  accent: { color: 'yellow' },
  warn: { color: 'magenta' },
  plain: {},
  // What a what-if changed: a colour no decision uses.
  changed: { color: 'blueBright', bold: true },
};

// Without colour: emphasis only (bold), and muted text stays plain so it is readable everywhere.
const MONO: Readonly<Record<Tone, TextStyle>> = {
  allow: {},
  deny: { bold: true },
  muted: {},
  label: {},
  accent: { bold: true },
  warn: { bold: true },
  plain: {},
  changed: { bold: true },
};

/** Decision → symbol and tone (the same with or without colour). */
export const DECISION_LOOK: Readonly<Record<Decision, { readonly symbol: string; readonly tone: Tone }>> = {
  Allowed: { symbol: '✔', tone: 'allow' },
  ExplicitlyDenied: { symbol: '✖', tone: 'deny' },
  ImplicitlyDenied: { symbol: '✖', tone: 'deny' },
};

/** A theme, with or without colours. Pure. */
export function createTheme(options: { readonly color: boolean }): Theme {
  const styles = options.color ? COLOURS : MONO;
  return { color: options.color, tone: (t) => styles[t], decision: (d) => DECISION_LOOK[d], glyph: GLYPH };
}

/** Whether an environment asks for colour: `NO_COLOR` set to anything non-empty turns it off. Pure. */
export function colorFromEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
}

/** The theme an environment asks for. Pure. */
export function themeFromEnv(env: Readonly<Record<string, string | undefined>>): Theme {
  return createTheme({ color: colorFromEnv(env) });
}
