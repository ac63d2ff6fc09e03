/** The picker's keys: a pure key → command table and the one hook that calls Ink's `useInput`. */
import { useInput, type Key } from 'ink';
import { useRef } from 'react';
import { splitKeys } from '../keys.js';
import { pickerReducer, type PickerAction, type PickerState } from './reducer.js';

/** What a key press asks for: a reducer action, choosing the selected scenario, or leaving. */
export type PickerCommand = PickerAction | { readonly type: 'choose' } | { readonly type: 'quit' };

/** The command a key press asks for. Pure. */
export function pickerKeyToCommand(input: string, key: Partial<Key>, state: Pick<PickerState, 'prompt'>, page: number): PickerCommand | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (state.prompt !== null) {
    if (key.escape) return { type: 'filter-cancel' };
    if (key.return) return { type: 'filter-submit' };
    if (key.backspace || key.delete) return { type: 'filter-erase' };
    if (key.upArrow) return { type: 'move', delta: -1 };
    if (key.downArrow) return { type: 'move', delta: 1 };
    if (input && !key.ctrl && !key.meta && !key.tab) return { type: 'filter-type', text: input.replace(/[\r\n\t]/g, '') };
    return null;
  }
  if (input === 'q' || key.escape) return { type: 'quit' };
  if (key.return || key.rightArrow || input === 'l') return { type: 'choose' };
  if (key.downArrow || input === 'j') return { type: 'move', delta: 1 };
  if (key.upArrow || input === 'k') return { type: 'move', delta: -1 };
  if (key.pageDown) return { type: 'move', delta: page };
  if (key.pageUp) return { type: 'move', delta: -page };
  if (key.home || input === 'g') return { type: 'move-to', index: 0 };
  if (key.end || input === 'G') return { type: 'move-to', index: Number.MAX_SAFE_INTEGER };
  if (input === '/') return { type: 'filter-open' };
  return null;
}

/** Listens to the keyboard for the picker: its only `useInput` caller. Keys that arrive together are taken one by one. */
export function usePickerInput(state: PickerState, page: number, dispatch: (action: PickerAction) => void, onChoose: (state: PickerState) => void, onQuit: () => void): void {
  const latest = useRef(state);
  latest.current = state;
  useInput((input, key) => {
    let current = latest.current;
    for (const press of splitKeys(input, key)) {
      const command = pickerKeyToCommand(press.input, press.key, current, page);
      if (!command) continue;
      if (command.type === 'choose') {
        onChoose(current);
        return;
      }
      if (command.type === 'quit') {
        onQuit();
        return;
      }
      dispatch(command);
      current = pickerReducer(current, command);
    }
    latest.current = current;
  });
}
