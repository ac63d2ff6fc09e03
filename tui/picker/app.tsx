/** The scenario picker: the bundled scenarios in a list; Enter hands the chosen id back. */
import { useApp } from 'ink';
import { useReducer, type ReactElement } from 'react';
import { useTerminalSize } from '../replay/app.js';
import { themeFromEnv, type Theme } from '../replay/theme.js';
import { Lines } from '../replay/view.js';
import { initPicker, pickedItem, pickerReducer, type PickerAction, type PickerItem } from './reducer.js';
import { usePickerInput } from './use-picker-input.js';
import { pickerLines } from './view.js';

/** Props of the picker. */
export interface PickerProps {
  readonly items: readonly PickerItem[];
  readonly selectedId?: string;
  readonly columns?: number;
  readonly rows?: number;
  readonly theme?: Theme;
  /** Actions applied to the opening state (tests). */
  readonly actions?: readonly PickerAction[];
  /** Called with the chosen id; the default exits the Ink app with `{ id }`. */
  readonly onChoose?: (id: string) => void;
  /** The default exits the Ink app with undefined. */
  readonly onQuit?: () => void;
}

/** The picker application. */
export function Picker(props: PickerProps): ReactElement {
  const theme = props.theme ?? themeFromEnv(process.env);
  const { exit } = useApp();
  const [state, dispatch] = useReducer(pickerReducer, undefined, () => (props.actions ?? []).reduce(pickerReducer, initPicker(props.items, props.selectedId)));
  const { columns, rows } = useTerminalSize(props.columns, props.rows);
  const choose = (current: typeof state) => {
    const item = pickedItem(current);
    if (!item) return;
    if (props.onChoose) props.onChoose(item.id);
    else exit({ id: item.id });
  };
  usePickerInput(state, Math.max(1, rows - 6), dispatch, choose, props.onQuit ?? (() => exit()));
  return <Lines lines={pickerLines(state, columns, rows)} theme={theme} width={columns} />;
}
