/**
 * The replay: a `SimulationResult` stepped through event by event, with the pipeline map,
 * the trace and the detail of the selected event. State lives in the pure reducer; this
 * component wires the reducer, the one input hook, the play timer and the terminal size.
 */
import { useApp, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useState, type ReactElement } from 'react';
import { depths, type TraceFilter } from '../../engine/trace.js';
import type { SimulationResult } from '../../engine/types.js';
import type { Scenario } from '../../model/schema.js';
import { detailLines } from './detail.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { truncateLine, type Line } from './lines.js';
import { exactly, footerLine, headerLine, helpLines, invalidLines, mapLinesNarrow, mapLinesWide, titleLine, tooSmallLine, traceLines } from './panes.js';
import { pipelineMap } from './pipeline-map.js';
import { initReplay, replayReducer, selectedEvent, type ReplayAction, type ReplayState } from './reducer.js';
import { themeFromEnv, type Theme } from './theme.js';
import { useReplayInput } from './use-replay-input.js';
import { LineView, SplitFrame, StackedFrame } from './view.js';

/** Props of the replay. */
export interface AppProps {
  readonly result: SimulationResult;
  readonly scenario: Scenario;
  /** Fixed frame width; without it, the terminal's, following resizes. */
  readonly columns?: number;
  /** Fixed frame height in rows; without it, the terminal's minus one. */
  readonly rows?: number;
  readonly theme?: Theme;
  readonly filter?: TraceFilter;
  /** Actions applied to the opening state (tests and scripted demos). */
  readonly actions?: readonly ReplayAction[];
  /** Milliseconds between two steps while playing. */
  readonly playInterval?: number;
  /** Called when the user leaves (`interrupt` for Ctrl-C); the default exits the Ink app with `{ interrupt }`. */
  readonly onQuit?: (interrupt: boolean) => void;
}

/** The terminal's size, following resize events; fixed sizes win. */
export function useTerminalSize(columns?: number, rows?: number): { readonly columns: number; readonly rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: columns ?? stdout.columns ?? 80, rows: rows ?? Math.max(1, (stdout.rows ?? 25) - 1) });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (columns !== undefined && rows !== undefined) return undefined;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, columns, rows]);
  return columns !== undefined && rows !== undefined ? { columns, rows } : size;
}

/** The state a replay opens in, with scripted actions applied. Pure. */
export function openingState(result: SimulationResult, filter: TraceFilter | undefined, actions: readonly ReplayAction[] = []): ReplayState {
  return actions.reduce(replayReducer, initReplay(result, filter ? { filter } : {}));
}

/** The replay application. */
export function App(props: AppProps): ReactElement {
  const { result, scenario } = props;
  const theme = props.theme ?? themeFromEnv(process.env);
  const { exit } = useApp();
  const [state, dispatch] = useReducer(replayReducer, undefined, () => openingState(result, props.filter, props.actions));
  const { columns, rows } = useTerminalSize(props.columns, props.rows);

  const depth = useMemo(() => depths(result.events), [result.events]);
  const selected = selectedEvent(state);
  const uptoSeq = selected?.seq ?? null;
  const stages = useMemo(
    () => pipelineMap({ scenario, events: result.events, uptoSeq, firstDenialSeq: state.firstDenialSeq, selected }),
    [scenario, result.events, uptoSeq, state.firstDenialSeq, selected],
  );
  const layout = computeLayout(columns, rows, stages.length);
  const detail = useMemo(() => detailLines({ result, scenario, event: selected, width: layout.mainWidth }), [result, scenario, selected, layout.mainWidth]);
  const detailMax = Math.max(0, detail.length - layout.detailRows);

  useReplayInput(state, dispatch, { detailMax, detailPage: Math.max(1, layout.detailRows - 1), tracePage: Math.max(1, layout.traceRows - 1) }, props.onQuit ?? ((interrupt) => exit({ interrupt })));

  // The play timer: one step per beat; the reducer stops at the end.
  const interval = props.playInterval ?? 400;
  useEffect(() => {
    if (!state.playing) return undefined;
    const timer = setInterval(() => dispatch({ type: 'tick' }), interval);
    return () => clearInterval(timer);
  }, [state.playing, interval]);

  if (columns < MIN_COLUMNS || rows < MIN_ROWS) return <LineView line={tooSmallLine(columns, rows)} theme={theme} />;

  const header = headerLine(result, state, columns);
  const footer = footerLine(state, columns);
  const body = rows - 2;

  if (state.help || result.events.length === 0) {
    const lines = state.help ? helpLines(columns) : invalidLines(result, columns);
    return <StackedFrame lines={[header, ...exactly(lines, body), footer]} theme={theme} width={columns} />;
  }

  const scroll = Math.min(state.detailScroll, detailMax);
  const detailTitle = `detail${selected ? ` · #${selected.seq} ${selected.type}` : ''}${detailMax ? ` · ${scroll + 1}-${Math.min(detail.length, scroll + layout.detailRows)}/${detail.length}${state.focus === 'detail' ? '' : ' (tab to scroll)'}` : ''}`;
  const traceTitle = `trace · ${state.filter} · ${state.visible.length ? state.index + 1 : 0}/${state.visible.length}${state.visible.length !== result.events.length ? ` of ${result.events.length}` : ''}`;
  const main: Line[] = [
    titleLine(traceTitle, layout.mainWidth, state.focus === 'trace'),
    ...exactly(traceLines(theme, state, depth, layout.traceRows, layout.mainWidth), layout.traceRows),
    titleLine(detailTitle, layout.mainWidth, state.focus === 'detail'),
    ...exactly(detail.slice(scroll, scroll + layout.detailRows).map((l) => truncateLine(l, layout.mainWidth)), layout.detailRows),
  ];
  if (layout.wide) {
    const left = [titleLine(`pipeline ${scenario.pipeline.pipeline.name}`, layout.mapWidth, false), ...exactly(mapLinesWide(theme, stages, layout.mapRows, layout.mapWidth), layout.mapRows)];
    return <SplitFrame header={header} left={left} right={main} footer={footer} theme={theme} leftWidth={layout.mapWidth} rightWidth={layout.mainWidth} />;
  }
  const lines = [header, titleLine(`pipeline ${scenario.pipeline.pipeline.name}`, columns, false), ...exactly(mapLinesNarrow(theme, stages, layout.mapRows, columns), layout.mapRows), ...main, footer];
  return <StackedFrame lines={lines} theme={theme} width={columns} />;
}
