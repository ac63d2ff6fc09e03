/** The drill view's keys: a pure key → command table and the one hook that calls Ink's `useInput`. */
import { useInput, type Key } from 'ink';
import type { DrillAction, DrillState } from './reducer.js';

/** What a key press asks for: a reducer action, the next drill, or leaving. */
export type DrillCommand = DrillAction | { readonly type: 'next' } | { readonly type: 'quit' };

/** The command a key press asks for. Pure. */
export function drillKeyToCommand(input: string, key: Partial<Key>, state: Pick<DrillState, 'phase'>, page: number): DrillCommand | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (input === 'q' || key.escape) return { type: 'quit' };
  if (state.phase === 'question') {
    if (key.upArrow || input === 'k') return { type: 'move', delta: -1 };
    if (key.downArrow || input === 'j') return { type: 'move', delta: 1 };
    if (key.return) return { type: 'submit' };
    if (/^[a-zA-Z0-9]$/.test(input)) return { type: 'select', id: input };
    return null;
  }
  if (input === 'n') return { type: 'next' };
  if (key.upArrow || input === 'k') return { type: 'scroll', delta: -1 };
  if (key.downArrow || input === 'j') return { type: 'scroll', delta: 1 };
  if (key.pageDown || input === ' ') return { type: 'scroll', delta: page };
  if (key.pageUp) return { type: 'scroll', delta: -page };
  if (key.home || input === 'g') return { type: 'scroll-to', line: 0 };
  return null;
}

/** Listens to the keyboard for the drill view: its only `useInput` caller. */
export function useDrillInput(state: DrillState, page: number, dispatch: (action: DrillAction) => void, onNext: () => void, onQuit: () => void): void {
  useInput((input, key) => {
    const command = drillKeyToCommand(input, key, state, page);
    if (!command) return;
    if (command.type === 'quit') onQuit();
    else if (command.type === 'next') onNext();
    else dispatch(command);
  });
}
