/** The terminal's alternate screen, entered for an interactive session and left however it ends. */

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';

/** Runs `body` on the alternate screen; the normal screen comes back however it ends (also on process exit). */
export async function onAltScreen<T>(body: () => Promise<T>): Promise<T> {
  const out = process.stdout;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    out.write(LEAVE_ALT_SCREEN);
  };
  out.write(ENTER_ALT_SCREEN);
  process.once('exit', leave);
  try {
    return await body();
  } finally {
    leave();
    process.off('exit', leave);
  }
}
