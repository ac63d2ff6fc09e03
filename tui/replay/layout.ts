/**
 * Where the panes go for a terminal size, and which part of a long list a window shows.
 * Narrow terminals stack the map above the trace and the detail; wide ones put the map on
 * the left. Pure.
 */

/** At this width and above, the map moves to a column on the left. */
export const WIDE_COLUMNS = 110;

/** Sizes of the panes, in rows and columns (content rows, without each pane's title row). */
export interface Layout {
  readonly wide: boolean;
  readonly columns: number;
  /** Rows the whole frame uses. */
  readonly rows: number;
  readonly mapWidth: number;
  readonly mapRows: number;
  /** Width of the trace and detail panes. */
  readonly mainWidth: number;
  readonly traceRows: number;
  readonly detailRows: number;
}

/** The smallest frame the replay draws; below it a note asks for a bigger terminal. */
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 12;

/**
 * Lays the frame out. `rows` is the number of rows the frame may use; `mapLines` how many
 * lines the map wants in the narrow layout (one per stage). Pure.
 */
export function computeLayout(columns: number, rows: number, mapLines: number): Layout {
  const chrome = 2; // header and footer
  if (columns >= WIDE_COLUMNS) {
    const mapWidth = Math.min(44, Math.floor(columns * 0.32));
    const mainWidth = columns - mapWidth - 1;
    const body = rows - chrome;
    const traceRows = Math.max(3, Math.floor((body - 2) * 0.4));
    return { wide: true, columns, rows, mapWidth, mapRows: body - 1, mainWidth, traceRows, detailRows: Math.max(1, body - 2 - traceRows) };
  }
  const body = rows - chrome;
  const mapRows = Math.max(1, Math.min(mapLines, Math.floor(body / 5)));
  const rest = body - 1 - mapRows - 2; // the map's title, the trace's and detail's titles
  const traceRows = Math.max(3, Math.floor(rest * 0.33));
  return { wide: false, columns, rows, mapWidth: columns, mapRows, mainWidth: columns, traceRows, detailRows: Math.max(1, rest - traceRows) };
}

/**
 * The first index a window of `height` rows shows over `length` items so that `index` is
 * visible, with the selection kept near the middle where the list allows. Pure.
 *
 * INVARIANT: 0 <= start, start <= index < start + height (when 0 <= index < length), and
 * start + height <= max(length, height).
 */
export function windowStart(length: number, index: number, height: number): number {
  if (height <= 0 || length <= height) return 0;
  const centred = index - Math.floor((height - 1) / 2);
  return Math.max(0, Math.min(centred, length - height));
}
