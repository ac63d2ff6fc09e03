/** The drill view's state and its pure reducer: choose an answer, submit it, read the verdicts. */
import type { DrillVerdicts } from '../../engine/drills/evaluate.js';

/** The drill view's state. */
export interface DrillState {
  readonly phase: 'question' | 'verdict';
  /** Index of the highlighted choice. INVARIANT: 0 <= cursor < number of choices. */
  readonly cursor: number;
  /** The submitted answer (a choice id), once submitted. */
  readonly answer: string | null;
  /** First line shown of the scrollable body. */
  readonly scroll: number;
}

/** What the drill view can be asked to do. */
export type DrillAction =
  | { readonly type: 'move'; readonly delta: number }
  | { readonly type: 'select'; readonly id: string }
  | { readonly type: 'submit' }
  | { readonly type: 'scroll'; readonly delta: number }
  | { readonly type: 'scroll-to'; readonly line: number };

/** The opening state. Pure. */
export function initDrill(): DrillState {
  return { phase: 'question', cursor: 0, answer: null, scroll: 0 };
}

/** The reducer. Pure; `verdicts` gives the number and ids of the choices. */
export function drillReducer(verdicts: Pick<DrillVerdicts, 'choices'>, state: DrillState, action: DrillAction): DrillState {
  const n = verdicts.choices.length;
  switch (action.type) {
    case 'move':
      return state.phase === 'question' ? { ...state, cursor: Math.min(n - 1, Math.max(0, state.cursor + action.delta)) } : state;
    case 'select': {
      if (state.phase !== 'question') return state;
      const i = verdicts.choices.findIndex((c) => c.id.toLowerCase() === action.id.toLowerCase());
      return i < 0 ? state : { ...state, cursor: i };
    }
    case 'submit':
      return state.phase === 'question' ? { ...state, phase: 'verdict', answer: verdicts.choices[state.cursor]?.id ?? null, scroll: 0 } : state;
    case 'scroll':
      return { ...state, scroll: Math.max(0, state.scroll + action.delta) };
    case 'scroll-to':
      return { ...state, scroll: Math.max(0, action.line) };
  }
}
