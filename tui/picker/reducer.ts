/** The scenario picker's state and its pure reducer. */

/** A scenario the picker offers. */
export interface PickerItem {
  readonly id: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
}

/** The picker's state. */
export interface PickerState {
  readonly items: readonly PickerItem[];
  /** The items the filter keeps, in order. */
  readonly shown: readonly PickerItem[];
  /** INVARIANT: 0 <= index < shown.length, or -1 exactly when `shown` is empty. */
  readonly index: number;
  /** The filter being typed, or null when the prompt is closed. */
  readonly prompt: string | null;
  /** The filter in force. */
  readonly query: string;
  readonly message: string | null;
}

/** What the picker can be asked to do. */
export type PickerAction =
  | { readonly type: 'move'; readonly delta: number }
  | { readonly type: 'move-to'; readonly index: number }
  | { readonly type: 'filter-open' }
  | { readonly type: 'filter-type'; readonly text: string }
  | { readonly type: 'filter-erase' }
  | { readonly type: 'filter-submit' }
  | { readonly type: 'filter-cancel' }
  | { readonly type: 'set-message'; readonly message: string | null };

/** The opening state, on `selectedId` when given. Pure. */
export function initPicker(items: readonly PickerItem[], selectedId?: string): PickerState {
  const at = selectedId === undefined ? 0 : Math.max(0, items.findIndex((i) => i.id === selectedId));
  return { items, shown: items, index: items.length ? at : -1, prompt: null, query: '', message: null };
}

/** The selected item. Pure. */
export function pickedItem(state: PickerState): PickerItem | undefined {
  return state.shown[state.index];
}

/** Whether an item matches a filter: every word is in its id or title. Pure. */
export function matchesFilter(item: PickerItem, query: string): boolean {
  const text = `${item.id} ${item.title ?? ''}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((w) => text.includes(w));
}

/** The picker reducer. Pure. */
export function pickerReducer(state: PickerState, action: PickerAction): PickerState {
  switch (action.type) {
    case 'move':
      return moveTo(state, state.index + action.delta);
    case 'move-to':
      return moveTo(state, action.index);
    case 'filter-open':
      return { ...state, prompt: state.query, message: null };
    case 'filter-type':
      return state.prompt === null ? state : applyFilter({ ...state, prompt: state.prompt + action.text }, state.prompt + action.text);
    case 'filter-erase':
      return state.prompt === null ? state : applyFilter({ ...state, prompt: state.prompt.slice(0, -1) }, state.prompt.slice(0, -1));
    case 'filter-submit':
      return state.prompt === null ? state : { ...state, prompt: null };
    case 'filter-cancel':
      return applyFilter({ ...state, prompt: null }, '');
    case 'set-message':
      return { ...state, message: action.message };
  }
}

function applyFilter(state: PickerState, query: string): PickerState {
  const current = pickedItem(state);
  const shown = state.items.filter((i) => matchesFilter(i, query));
  const keep = current ? shown.indexOf(current) : -1;
  return { ...state, query, shown, index: shown.length ? Math.max(0, keep) : -1, message: shown.length ? null : `no scenario matches \`${query}\`` };
}

function moveTo(state: PickerState, index: number): PickerState {
  if (!state.shown.length) return state;
  return { ...state, index: Math.min(state.shown.length - 1, Math.max(0, index)), message: null };
}
