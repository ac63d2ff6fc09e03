/**
 * The replay's keys: a pure key → command table and the one hook that calls Ink's
 * `useInput` with it.
 */
import { useInput, type Key } from 'ink';
import { useRef } from 'react';
import { splitKeys } from '../keys.js';
import { replayReducer, type ReplayAction, type ReplayState } from './reducer.js';
import { cursorTarget, type StatementTarget } from './what-if.js';

/** What a key press asks for: a reducer action, or leaving the replay. */
export type ReplayCommand = ReplayAction | { readonly type: 'quit'; readonly interrupt?: true };

/** What the key table needs to know beyond the state: the sizes of the panes. */
export interface KeyContext {
  /** The largest useful scroll offset of the detail pane. */
  readonly detailMax: number;
  readonly detailPage: number;
  readonly tracePage: number;
  /** The statements the detail pane shows (the statement cursor moves over them). */
  readonly statements?: readonly StatementTarget[];
  /** Rows of the detail pane. */
  readonly detailRows?: number;
}

/** The keys, as the help screen lists them. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['→ l  j ↓', 'step forward (detail pane: next statement, or scroll)'],
  ['← h  k ↑', 'step back (detail pane: statement before, or scroll)'],
  ['PgDn PgUp', 'a page forward / back (or scroll the detail pane)'],
  ['g Home  G End', 'first / last event'],
  ['space', 'play / pause'],
  ['space (detail)', 'toggle the statement under the cursor off / on and re-run'],
  ['x', 'verified fixes: ↑↓ choose, Enter applies one and re-runs, Esc'],
  ['u', 'undo the last fix or toggled statement'],
  ['d', 'jump to the first denial'],
  ['f', 'cycle the filter: full → fails → notes'],
  ['/', 'search (Enter jumps to the next match, Esc cancels)'],
  ['n', 'next match of the last search'],
  ['tab', 'switch the focus between the trace and the detail pane'],
  ['?', 'show / hide this help'],
  ['q', 'quit (back to the picker when it opened the replay)'],
  ['Ctrl-C', 'quit pipesim'],
];

/** The command a key press asks for in a state, or null. Pure. */
export function keyToCommand(
  input: string,
  key: Partial<Key>,
  state: Pick<ReplayState, 'prompt' | 'help' | 'focus'> & Partial<Pick<ReplayState, 'fixes' | 'statementCursor'>>,
  ctx: KeyContext,
): ReplayCommand | null {
  if (key.ctrl && input === 'c') return { type: 'quit', interrupt: true };
  if (state.prompt !== null) {
    if (key.escape) return { type: 'search-cancel' };
    if (key.return) return { type: 'search-submit' };
    if (key.backspace || key.delete) return { type: 'search-erase' };
    if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow) {
      return { type: 'search-type', text: input.replace(/[\r\n\t]/g, '') };
    }
    return null;
  }
  if (input === 'q') return { type: 'quit' };
  if (state.help) return input === '?' || key.escape || key.return || input === ' ' ? { type: 'toggle-help' } : null;
  if (state.fixes) {
    // The fixes pane holds the keys while it is open.
    if (key.downArrow || input === 'j') return { type: 'fixes-move', delta: 1 };
    if (key.upArrow || input === 'k') return { type: 'fixes-move', delta: -1 };
    if (key.return) return { type: 'fixes-apply' };
    if (key.escape || input === 'x') return { type: 'fixes-close' };
    if (input === '?') return { type: 'toggle-help' };
    return null;
  }
  const detail = state.focus === 'detail';
  const statements = detail ? (ctx.statements ?? []) : [];
  if (key.rightArrow || input === 'l') return { type: 'step-forward' };
  if (key.leftArrow || input === 'h') return { type: 'step-back' };
  if (statements.length && (key.downArrow || input === 'j' || key.upArrow || input === 'k')) {
    return { type: 'move-statement', delta: key.downArrow || input === 'j' ? 1 : -1, places: statements, rows: ctx.detailRows ?? 1, max: ctx.detailMax };
  }
  if (statements.length && input === ' ') {
    const target = cursorTarget(statements, state.statementCursor ?? null);
    if (target) {
      const { start: _start, end: _end, ...rest } = target;
      return { type: 'toggle-statement', target: rest };
    }
  }
  if (key.downArrow || input === 'j') return detail ? { type: 'scroll-detail', delta: 1, max: ctx.detailMax } : { type: 'step-forward' };
  if (key.upArrow || input === 'k') return detail ? { type: 'scroll-detail', delta: -1, max: ctx.detailMax } : { type: 'step-back' };
  if (key.pageDown) return detail ? { type: 'scroll-detail', delta: ctx.detailPage, max: ctx.detailMax } : { type: 'page', delta: ctx.tracePage };
  if (key.pageUp) return detail ? { type: 'scroll-detail', delta: -ctx.detailPage, max: ctx.detailMax } : { type: 'page', delta: -ctx.tracePage };
  if (key.home || input === 'g') return { type: 'jump-to-start' };
  if (key.end || input === 'G') return { type: 'jump-to-end' };
  if (key.tab) return { type: 'focus-next' };
  switch (input) {
    case ' ':
      return { type: 'toggle-play' };
    case 'd':
      return { type: 'jump-to-denial' };
    case 'f':
      return { type: 'cycle-filter' };
    case '/':
      return { type: 'search-open' };
    case 'n':
      return { type: 'search-next' };
    case '?':
      return { type: 'toggle-help' };
    case 'x':
      return { type: 'fixes-open' };
    case 'u':
      return { type: 'undo' };
    default:
      return null;
  }
}

/**
 * Listens to the keyboard for the replay: the only `useInput` caller of the view. Keys that
 * arrive together (`kk` from a fast repeat, `/abc` typed ahead) are taken one by one, each
 * against the state the previous one left, so none is lost before React re-renders.
 */
export function useReplayInput(state: ReplayState, dispatch: (action: ReplayAction) => void, ctx: KeyContext, onQuit: (interrupt: boolean) => void): void {
  const latest = useRef(state);
  latest.current = state;
  useInput((input, key) => {
    let current = latest.current;
    for (const press of splitKeys(input, key)) {
      const command = keyToCommand(press.input, press.key, current, ctx);
      if (!command) continue;
      if (command.type === 'quit') {
        onQuit(command.interrupt === true);
        return;
      }
      dispatch(command);
      current = replayReducer(current, command);
    }
    latest.current = current;
  });
}
