/**
 * The drill view: the question, then the verdict with the simulation of every choice. State lives
 * in the pure reducer; this component wires it to the one input hook and the terminal size. It
 * only reads the verdicts; the command evaluated the drill before drawing it.
 */
import { useApp } from 'ink';
import { useReducer, type ReactElement } from 'react';
import type { DrillVerdicts } from '../../engine/drills/evaluate.js';
import { useTerminalSize } from '../replay/app.js';
import { themeFromEnv, type Theme } from '../replay/theme.js';
import { Lines } from '../replay/view.js';
import { drillReducer, initDrill, type DrillAction } from './reducer.js';
import { useDrillInput } from './use-drill-input.js';
import { drillLines, type DrillContextInfo } from './view.js';

/** How the drill view ended: the answer given (if any), and whether the user asked for the next drill. */
export interface DrillOutcome {
  readonly answer: string | null;
  readonly next: boolean;
}

/** Props of the drill view. */
export interface DrillAppProps {
  readonly verdicts: DrillVerdicts;
  readonly info?: DrillContextInfo;
  readonly columns?: number;
  readonly rows?: number;
  readonly theme?: Theme;
  /** Actions applied to the opening state (tests). */
  readonly actions?: readonly DrillAction[];
  /** Called once with the submitted answer (the command records progress). */
  readonly onAnswer?: (answer: string) => void;
  /** Called when the user leaves; the default exits the Ink app with the outcome. */
  readonly onExit?: (outcome: DrillOutcome) => void;
}

/** The drill application. */
export function DrillApp(props: DrillAppProps): ReactElement {
  const { verdicts } = props;
  const theme = props.theme ?? themeFromEnv(process.env);
  const { exit } = useApp();
  const reduce = (s: ReturnType<typeof initDrill>, a: DrillAction) => drillReducer(verdicts, s, a);
  const [state, dispatch] = useReducer(reduce, undefined, () => (props.actions ?? []).reduce(reduce, initDrill()));
  const { columns, rows } = useTerminalSize(props.columns, props.rows);
  const leave = (next: boolean) => (props.onExit ?? ((o: DrillOutcome) => exit(o)))({ answer: state.answer, next });
  const act = (action: DrillAction) => {
    if (action.type === 'submit' && state.phase === 'question') {
      const id = verdicts.choices[state.cursor]?.id;
      if (id) props.onAnswer?.(id);
    }
    dispatch(action);
  };
  useDrillInput(state, Math.max(1, rows - 4), act, () => leave(true), () => leave(false));
  return <Lines lines={drillLines(verdicts, state, columns, rows, props.info ?? {})} theme={theme} width={columns} />;
}
