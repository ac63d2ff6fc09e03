/** The scenario picker: an Ink view, a pure reducer and one input hook. */
export { Picker } from './app.js';
export type { PickerProps } from './app.js';
export { initPicker, matchesFilter, pickedItem, pickerReducer } from './reducer.js';
export type { PickerAction, PickerItem, PickerState } from './reducer.js';
export { pickerKeyToCommand, usePickerInput } from './use-picker-input.js';
export type { PickerCommand } from './use-picker-input.js';
export { pickerLines } from './view.js';
