import { describe, expect, it } from 'vitest';
import { splitKeys } from '../tui/keys.js';
import { initPicker, pickedItem, pickerReducer, type PickerAction } from '../tui/picker/reducer.js';
import { pickerKeyToCommand } from '../tui/picker/use-picker-input.js';

const items = ['reference/four-accounts-two-regions', 'traps/1-key-policy-and-iam-must-agree', 'traps/3-aws-managed-key', 'denials/pass-role'].map((id) => ({ id, title: id.split('/')[1], description: undefined }));
const run = (...actions: PickerAction[]) => actions.reduce(pickerReducer, initPicker(items));

describe('picker reducer', () => {
  it('moves within the list', () => {
    expect(pickedItem(run({ type: 'move', delta: 1 }))?.id).toBe('traps/1-key-policy-and-iam-must-agree');
    expect(pickedItem(run({ type: 'move', delta: -1 }))?.id).toBe('reference/four-accounts-two-regions');
    expect(pickedItem(run({ type: 'move', delta: 99 }))?.id).toBe('denials/pass-role');
    expect(pickedItem(run({ type: 'move-to', index: Number.MAX_SAFE_INTEGER }))?.id).toBe('denials/pass-role');
  });

  it('opens on a given id', () => {
    expect(pickedItem(initPicker(items, 'traps/3-aws-managed-key'))?.id).toBe('traps/3-aws-managed-key');
  });

  it('filters by words, keeps the selection when it stays, and clears on Esc', () => {
    const onTrap3 = run({ type: 'move', delta: 2 }, { type: 'filter-open' }, { type: 'filter-type', text: 'traps' });
    expect(onTrap3.shown.map((i) => i.id)).toEqual(['traps/1-key-policy-and-iam-must-agree', 'traps/3-aws-managed-key']);
    expect(pickedItem(onTrap3)?.id).toBe('traps/3-aws-managed-key');
    const none = pickerReducer(onTrap3, { type: 'filter-type', text: 'zzz' });
    expect(none.index).toBe(-1);
    expect(none.message).toBe('no scenario matches `trapszzz`');
    const cleared = pickerReducer(none, { type: 'filter-cancel' });
    expect(cleared.shown).toHaveLength(4);
    expect(cleared.prompt).toBeNull();
  });
});

describe('picker keys', () => {
  it('maps the keys', () => {
    const closed = { prompt: null };
    expect(pickerKeyToCommand('', { return: true }, closed, 5)).toEqual({ type: 'choose' });
    expect(pickerKeyToCommand('j', {}, closed, 5)).toEqual({ type: 'move', delta: 1 });
    expect(pickerKeyToCommand('', { pageUp: true }, closed, 5)).toEqual({ type: 'move', delta: -5 });
    expect(pickerKeyToCommand('/', {}, closed, 5)).toEqual({ type: 'filter-open' });
    expect(pickerKeyToCommand('q', {}, closed, 5)).toEqual({ type: 'quit' });
    expect(pickerKeyToCommand('q', {}, { prompt: '' }, 5)).toEqual({ type: 'filter-type', text: 'q' });
  });
});

describe('key chunks', () => {
  it('splits a run of characters into key presses, control characters included', () => {
    expect(splitKeys('kk', {})).toEqual([{ input: 'k', key: {} }, { input: 'k', key: {} }]);
    expect(splitKeys('d\t/a\r', {})).toEqual([
      { input: 'd', key: {} },
      { input: '', key: { tab: true } },
      { input: '/', key: {} },
      { input: 'a', key: {} },
      { input: '', key: { return: true } },
    ]);
    expect(splitKeys('x\u007F\u0003', {})).toEqual([{ input: 'x', key: {} }, { input: '', key: { backspace: true } }, { input: 'c', key: { ctrl: true } }]);
    expect(splitKeys('', { leftArrow: true })).toEqual([{ input: '', key: { leftArrow: true } }]);
  });
});
