/**
 * The replay: a `SimulationResult` stepped through event by event, with the pipeline map,
 * the trace and the detail of the selected event. State lives in the pure reducer; this
 * component wires the reducer, the one input hook, the what-if effect hook, the play timer
 * and the terminal size.
 */
import { useApp, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useRef, useState, type Dispatch, type ReactElement } from 'react';
import { createMemo, type Memo } from '../../engine/policy/authorize.js';
import { proposeFixes, type VerifiedFix } from '../../engine/analysis/diagnose.js';
import { applyPatch, type JsonPatch } from '../../engine/analysis/patch.js';
import { simulate } from '../../engine/execution/simulate.js';
import { depths, type TraceFilter } from '../../engine/trace.js';
import type { SimulationResult } from '../../engine/types.js';
import { diffResults } from '../../engine/analysis/whatif.js';
import type { Scenario } from '../../model/schema.js';
import { detailView } from './detail.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { truncateLine, type Line } from './lines.js';
import { exactly, fixesLines, fixesTitle, footerLine, headerLine, helpLines, invalidLines, mapLinesNarrow, mapLinesWide, titleLine, tooSmallLine, traceLines, whatIfLine } from './panes.js';
import { pipelineMap } from './pipeline-map.js';
import { currentRun, initReplay, replayReducer, selectedEvent, type ReplayAction, type ReplayState } from './reducer.js';
import { themeFromEnv, type Theme } from './theme.js';
import { useReplayInput } from './use-replay-input.js';
import { LineView, SplitFrame, StackedFrame } from './view.js';
import { changedSeqs, type WhatIfRequest } from './what-if.js';

/** The engine work what-if needs: the fixes of a run, and a re-run of a patched scenario. */
export interface WhatIfRunner {
  readonly fixes: (scenario: Scenario, result: SimulationResult) => Promise<readonly VerifiedFix[]>;
  readonly rerun: (scenario: Scenario, patch: JsonPatch) => Promise<{ readonly success: true; readonly scenario: Scenario; readonly result: SimulationResult } | { readonly success: false; readonly message: string }>;
}

/** The engine's what-if: `proposeFixes`, and `applyPatch` + `simulate`, all sharing one decision memo. */
export function engineRunner(memo: Memo): WhatIfRunner {
  return {
    fixes: (scenario, result) => proposeFixes(scenario, result, { memo }),
    rerun: async (scenario, patch) => {
      const applied = applyPatch(scenario, patch);
      if (!applied.success) {
        const issue = applied.issues[0];
        return { success: false, message: `cannot apply the change: ${issue ? `${issue.path ? `${issue.path}: ` : ''}${issue.message}` : 'the patch does not apply'}` };
      }
      return { success: true, scenario: applied.data, result: await simulate(applied.data, { memo }) };
    },
  };
}

/**
 * The what-if effect: runs the request the reducer left in `pending` and dispatches the answer
 * (`fixes-found`, or `rerun-finished` with the diff against the run before, or `rerun-failed`).
 * The only place the replay calls the engine.
 */
export function useWhatIf(pending: WhatIfRequest | null, dispatch: Dispatch<ReplayAction>, runner: WhatIfRunner): void {
  useEffect(() => {
    if (!pending) return undefined;
    let live = true;
    const { id } = pending;
    const work: Promise<ReplayAction> =
      pending.kind === 'fixes'
        ? runner.fixes(pending.scenario, pending.result).then((fixes) => ({ type: 'fixes-found', id, fixes }))
        : runner
            .rerun(pending.scenario, pending.patch)
            .then((r): ReplayAction => (r.success ? { type: 'rerun-finished', id, scenario: r.scenario, result: r.result, diff: diffResults(pending.result, r.result) } : { type: 'rerun-failed', id, message: r.message }));
    void work
      .catch((error: unknown): ReplayAction => ({ type: 'rerun-failed', id, message: `the re-run failed: ${error instanceof Error ? error.message : String(error)}` }))
      .then((answer) => {
        if (live) dispatch(answer);
      });
    return () => {
      live = false;
    };
  }, [pending, dispatch, runner]);
}

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
  /** The decision memo re-runs share (one is made for the replay otherwise). */
  readonly memo?: Memo;
  /** Does the what-if work; defaults to the engine (tests pass their own). */
  readonly whatIf?: WhatIfRunner;
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
export function openingState(result: SimulationResult, filter: TraceFilter | undefined, actions: readonly ReplayAction[] = [], scenario?: Scenario): ReplayState {
  return actions.reduce(replayReducer, initReplay(result, { ...(filter ? { filter } : {}), ...(scenario ? { scenario } : {}) }));
}

/** The replay application. */
export function App(props: AppProps): ReactElement {
  const theme = props.theme ?? themeFromEnv(process.env);
  const { exit } = useApp();
  const [state, dispatch] = useReducer(replayReducer, undefined, () => openingState(props.result, props.filter, props.actions, props.scenario));
  const { columns, rows } = useTerminalSize(props.columns, props.rows);
  const memo = useRef<Memo | null>(null);
  const runner = useMemo(() => props.whatIf ?? engineRunner(props.memo ?? (memo.current ??= createMemo())), [props.whatIf, props.memo]);
  useWhatIf(state.pending, dispatch, runner);

  // The run on screen: the opening one, or the last what-if.
  const run = currentRun(state);
  const result = run.result;
  const scenario = run.scenario ?? props.scenario;
  const changes = useMemo(() => (run.diff ? changedSeqs(run.diff) : null), [run.diff]);
  const depth = useMemo(() => depths(result.events), [result.events]);
  const selected = selectedEvent(state);
  const uptoSeq = selected?.seq ?? null;
  const stages = useMemo(
    () => pipelineMap({ scenario, events: result.events, uptoSeq, firstDenialSeq: state.firstDenialSeq, selected }),
    [scenario, result.events, uptoSeq, state.firstDenialSeq, selected],
  );
  const whatIf = whatIfLine(run, state.runs.length - 1, columns);
  const layout = computeLayout(columns, whatIf ? rows - 1 : rows, stages.length);
  const change = selected && changes?.get(selected.seq);
  const detail = useMemo(
    () =>
      detailView({
        result,
        scenario,
        event: selected,
        width: layout.mainWidth,
        removed: run.removed,
        cursor: state.statementCursor,
        showCursor: state.focus === 'detail',
        ...(change && run.change ? { change: { call: change, by: run.change.description } } : {}),
      }),
    [result, scenario, selected, layout.mainWidth, run.removed, run.change, state.statementCursor, state.focus, change],
  );
  const detailMax = Math.max(0, detail.lines.length - layout.detailRows);

  useReplayInput(
    state,
    dispatch,
    { detailMax, detailPage: Math.max(1, layout.detailRows - 1), tracePage: Math.max(1, layout.traceRows - 1), statements: detail.targets, detailRows: layout.detailRows },
    props.onQuit ?? ((interrupt) => exit({ interrupt })),
  );

  // The play timer: one step per beat; the reducer stops at the end.
  const interval = props.playInterval ?? 400;
  useEffect(() => {
    if (!state.playing) return undefined;
    const timer = setInterval(() => dispatch({ type: 'tick' }), interval);
    return () => clearInterval(timer);
  }, [state.playing, interval]);

  if (columns < MIN_COLUMNS || rows < MIN_ROWS) return <LineView line={tooSmallLine(columns, rows)} theme={theme} />;

  const headers: readonly Line[] = [headerLine(result, state, columns), ...(whatIf ? [whatIf] : [])];
  const footer = footerLine(state, columns, detail.targets.length);
  const body = rows - headers.length - 1;

  if (state.help || result.events.length === 0) {
    const lines = state.help ? helpLines(columns) : invalidLines(result, columns);
    const fixes = !state.help && state.fixes ? [[], titleLine(fixesTitle(state), columns, true), ...fixesLines(theme, run.fixes, state.fixes.selected, Math.max(1, body - lines.length - 2), columns)] : [];
    return <StackedFrame lines={[...headers, ...exactly([...lines, ...fixes], body), footer]} theme={theme} width={columns} />;
  }

  const scroll = Math.min(state.detailScroll, detailMax);
  const detailCount = detail.lines.length;
  const detailTitle = `detail${selected ? ` · #${selected.seq} ${selected.type}` : ''}${detailMax ? ` · ${scroll + 1}-${Math.min(detailCount, scroll + layout.detailRows)}/${detailCount}${state.focus === 'detail' ? '' : ' (tab to scroll)'}` : ''}`;
  const traceTitle = `trace · ${state.filter} · ${state.visible.length ? state.index + 1 : 0}/${state.visible.length}${state.visible.length !== result.events.length ? ` of ${result.events.length}` : ''}`;
  // The fixes pane takes the detail pane's place while it is open.
  const lower: Line[] = state.fixes
    ? [titleLine(fixesTitle(state), layout.mainWidth, true), ...exactly(fixesLines(theme, run.fixes, state.fixes.selected, layout.detailRows, layout.mainWidth), layout.detailRows)]
    : [titleLine(detailTitle, layout.mainWidth, state.focus === 'detail'), ...exactly(detail.lines.slice(scroll, scroll + layout.detailRows).map((l) => truncateLine(l, layout.mainWidth)), layout.detailRows)];
  const main: Line[] = [
    titleLine(traceTitle, layout.mainWidth, state.focus === 'trace' && !state.fixes),
    ...exactly(traceLines(theme, state, depth, layout.traceRows, layout.mainWidth, changes), layout.traceRows),
    ...lower,
  ];
  if (layout.wide) {
    const left = [titleLine(`pipeline ${scenario.pipeline.pipeline.name}`, layout.mapWidth, false), ...exactly(mapLinesWide(theme, stages, layout.mapRows, layout.mapWidth), layout.mapRows)];
    return <SplitFrame header={headers} left={left} right={main} footer={footer} theme={theme} leftWidth={layout.mapWidth} rightWidth={layout.mainWidth} />;
  }
  const lines = [...headers, titleLine(`pipeline ${scenario.pipeline.pipeline.name}`, columns, false), ...exactly(mapLinesNarrow(theme, stages, layout.mapRows, columns), layout.mapRows), ...main, footer];
  return <StackedFrame lines={lines} theme={theme} width={columns} />;
}
