/**
 * Styled text lines as plain data, so panes can be measured, wrapped and scrolled before
 * anything is drawn. Pure.
 */
import type { Tone } from './theme.js';

/** A run of text in one tone. */
export interface Span {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
  readonly inverse?: boolean;
  /** Struck through (a statement toggled off). */
  readonly strike?: boolean;
}

/** One screen line. */
export type Line = readonly Span[];

/** A span. */
export function span(text: string, tone?: Tone, extra: { readonly bold?: boolean; readonly inverse?: boolean; readonly strike?: boolean } = {}): Span {
  return { text, ...(tone ? { tone } : {}), ...extra };
}

/** The plain text of a line. */
export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Display width of a string (every code point counts one column; the glyphs used here are narrow). */
export function textWidth(text: string): number {
  return [...text].length;
}

/** Cuts a string to `width` columns, ending in `…` when it was longer. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

/** Pads or cuts a string to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

/**
 * Wraps a line to `width` columns: breaks after a space where one is near, else hard.
 * Continuation lines start with `indent` spaces. Styles are kept span by span.
 */
export function wrapLine(line: Line, width: number, indent = 0): readonly Line[] {
  if (width <= 0) return [line];
  const cells: { readonly ch: string; readonly style: Omit<Span, 'text'> }[] = [];
  for (const s of line) {
    const { text, ...style } = s;
    for (const ch of text) cells.push({ ch, style });
  }
  if (cells.length <= width) return [line];
  const pad = Math.min(indent, Math.max(0, width - 10));
  const out: Line[] = [];
  let start = 0;
  let first = true;
  while (start < cells.length) {
    const room = first ? width : width - pad;
    let end = Math.min(cells.length, start + room);
    if (end < cells.length) {
      // Prefer to break after the last space in the last third of the room.
      for (let i = end; i > start + Math.floor(room * 0.6); i--) {
        if (cells[i - 1]?.ch === ' ') {
          end = i;
          break;
        }
      }
    }
    const chunk = cells.slice(start, end);
    const spans: Span[] = first || pad === 0 ? [] : [{ text: ' '.repeat(pad) }];
    for (const c of chunk) {
      const last = spans[spans.length - 1];
      if (last && sameStyle(last, c.style)) spans[spans.length - 1] = { ...last, text: last.text + c.ch };
      else spans.push({ ...c.style, text: c.ch });
    }
    out.push(spans);
    start = end;
    // A continuation does not start with the space it broke on.
    while (start < cells.length && cells[start]?.ch === ' ' && end !== start) start++;
    first = false;
  }
  return out;
}

/** Wraps every line. */
export function wrapLines(lines: readonly Line[], width: number, indent = 0): readonly Line[] {
  return lines.flatMap((l) => wrapLine(l, width, indent));
}

/** Cuts a line to `width` columns. */
export function truncateLine(line: Line, width: number): Line {
  const out: Span[] = [];
  let left = width;
  for (let i = 0; i < line.length; i++) {
    const s = line[i] as Span;
    const w = textWidth(s.text);
    const restWidth = line.slice(i + 1).reduce((n, r) => n + textWidth(r.text), 0);
    if (w <= left && (w < left || restWidth === 0)) {
      out.push(s);
      left -= w;
      continue;
    }
    if (w <= left && restWidth > 0) {
      // Exactly fills the room but more follows: end in an ellipsis.
      out.push({ ...s, text: truncate(s.text + 'x', left) });
      return out;
    }
    out.push({ ...s, text: truncate(s.text, left) });
    return out;
  }
  return out;
}

function sameStyle(a: Omit<Span, 'text'>, b: Omit<Span, 'text'>): boolean {
  return a.tone === b.tone && a.bold === b.bold && a.inverse === b.inverse && a.strike === b.strike;
}
