/** The picker's lines: the list of bundled scenarios, windowed, and the selected one's description. Pure. */
import { windowStart } from '../replay/layout.js';
import { fit, span, wrapLines, type Line } from '../replay/lines.js';
import type { PickerState } from './reducer.js';

/** The rows of the picker for a frame of `columns` × `rows`. Pure. */
export function pickerLines(state: PickerState, columns: number, rows: number): readonly Line[] {
  const header: Line = [span('pipesim ', 'label', { bold: true }), span('pick a scenario to replay', 'accent', { bold: true }), span(`  ${state.shown.length}/${state.items.length}${state.query ? `  filter \`${state.query}\`` : ''}`, 'muted')];
  const footer: Line =
    state.prompt !== null
      ? [span('/', 'accent', { bold: true }), span(state.prompt), span('█', 'accent'), span('   Enter: keep  Esc: clear', 'muted')]
      : state.message
        ? [span(state.message, 'warn')]
        : [span('↑/↓ j/k move · Enter replay · / filter · q quit', 'muted')];
  const picked = state.shown[state.index];
  const about = picked?.description ? wrapLines([[span(picked.description.replace(/\s+/g, ' ').trim())]], columns, 0).slice(0, Math.max(0, Math.floor(rows / 3))) : [];
  const listRows = Math.max(1, rows - 3 - (about.length ? about.length + 1 : 0));
  const idWidth = Math.min(Math.max(10, ...state.items.map((i) => i.id.length)) + 2, Math.floor(columns / 2));
  const start = windowStart(state.shown.length, state.index, listRows);
  const list: Line[] = state.shown.slice(start, start + listRows).map((item, i) => {
    const selected = start + i === state.index;
    const extra = selected ? { inverse: true } : {};
    return [span(selected ? '› ' : '  ', 'accent', { bold: true, ...extra }), span(fit(item.id, idWidth - 1) + ' ', 'label', extra), span(fit(item.title ?? '', columns - idWidth - 2), undefined, extra)];
  });
  if (!state.shown.length) list.push([span('  no scenario to show', 'muted')]);
  const padded = [...list, ...Array.from({ length: Math.max(0, listRows - list.length) }, (): Line => [])];
  return [header, [], ...padded, ...(about.length ? [[] as Line, ...about] : []), footer];
}
