/** Key presses as Ink reports them, split when several arrive in one chunk. Pure. */
import type { Key } from 'ink';

/** One key press. */
export interface KeyPress {
  readonly input: string;
  readonly key: Partial<Key>;
}

/** The key a lone control character stands for, as Ink would report it alone. */
function charKey(ch: string): KeyPress {
  switch (ch) {
    case '\t':
      return { input: '', key: { tab: true } };
    case '\r':
    case '\n':
      return { input: '', key: { return: true } };
    case '\u007F':
    case '\b':
      return { input: '', key: { backspace: true } };
    case '\u0003':
      return { input: 'c', key: { ctrl: true } };
    default:
      return { input: ch, key: {} };
  }
}

/**
 * The key presses in one input event. Ink hands a run of plain characters (`kk` from a fast
 * repeat, `d\t` typed ahead) to `useInput` as one string; escape sequences come alone. Pure.
 */
export function splitKeys(input: string, key: Partial<Key>): readonly KeyPress[] {
  if (input.length <= 1 || key.ctrl || key.meta) return [{ input, key }];
  return [...input].map(charKey);
}
