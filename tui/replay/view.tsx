/**
 * The replay's components: they draw lines the pure builders made (panes.ts, detail.ts)
 * with the theme's styles. No state, no input, no policy evaluation.
 */
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { Line } from './lines.js';
import type { Theme } from './theme.js';

/** One styled line. */
export function LineView({ line, theme }: { readonly line: Line; readonly theme: Theme }): ReactElement {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => {
        const style = s.tone ? theme.tone(s.tone) : {};
        return (
          <Text key={i} {...style} {...(s.bold ? { bold: true } : {})} {...(s.inverse ? { inverse: true } : {})} {...(s.strike ? { strikethrough: true } : {})}>
            {s.text}
          </Text>
        );
      })}
    </Text>
  );
}

/** A block of lines of a fixed width. */
export function Lines({ lines, theme, width }: { readonly lines: readonly Line[]; readonly theme: Theme; readonly width: number }): ReactElement {
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      {lines.map((line, i) => (
        <LineView key={i} line={line} theme={theme} />
      ))}
    </Box>
  );
}

/** The frame of the narrow layout: everything stacked. */
export function StackedFrame({ lines, theme, width }: { readonly lines: readonly Line[]; readonly theme: Theme; readonly width: number }): ReactElement {
  return <Lines lines={lines} theme={theme} width={width} />;
}

function headerLines(header: Line | readonly Line[]): readonly Line[] {
  // A Line is a list of spans; a list of lines is a list of lists.
  return header.length > 0 && Array.isArray(header[0]) ? (header as readonly Line[]) : [header as Line];
}

/** The frame of the wide layout: header, the map column beside the main column, footer. */
export function SplitFrame(props: {
  /** One line, or several (the what-if line under the header). */
  readonly header: Line | readonly Line[];
  readonly left: readonly Line[];
  readonly right: readonly Line[];
  readonly footer: Line;
  readonly theme: Theme;
  readonly leftWidth: number;
  readonly rightWidth: number;
}): ReactElement {
  const { theme } = props;
  return (
    <Box flexDirection="column" width={props.leftWidth + 1 + props.rightWidth}>
      {headerLines(props.header).map((line, i) => (
        <LineView key={i} line={line} theme={theme} />
      ))}
      <Box flexDirection="row">
        <Lines lines={props.left} theme={theme} width={props.leftWidth} />
        <Box flexDirection="column" width={1} flexShrink={0}>
          {props.left.map((_, i) => (
            <Text key={i} {...theme.tone('muted')}>
              │
            </Text>
          ))}
        </Box>
        <Lines lines={props.right} theme={theme} width={props.rightWidth} />
      </Box>
      <LineView line={props.footer} theme={theme} />
    </Box>
  );
}
