/**
 * The progress file: `$XDG_CONFIG_HOME/pipesim/progress.json` (or `~/.config/pipesim/progress.json`).
 * Written atomically (a temporary file in the same folder, then a rename); a missing file is
 * fresh progress, and a corrupt one is kept aside as `progress.json.corrupt-<n>` (said on
 * standard error) before starting fresh.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { emptyProgress, parseProgress, type Progress } from '../../engine/drills/progress.js';

/** Where the progress file lives for an environment. Pure. */
export function progressFile(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(home, '.config');
  return join(base, 'pipesim', 'progress.json');
}

/** The first `file.corrupt-<n>` that does not exist yet. */
function corruptName(file: string): string {
  for (let n = 1; ; n += 1) {
    const candidate = `${file}.corrupt-${n}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Reads progress. Missing: fresh progress. Unreadable or not progress: the file is renamed to
 * `<file>.corrupt-<n>`, `warn` is told, and fresh progress is returned. Never throws.
 */
export function readProgress(file: string, warn: (line: string) => void): Progress {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyProgress();
    warn(`warning: cannot read the drill progress file \`${file}\` (${(error as Error).message}): starting fresh`);
    return emptyProgress();
  }
  let reason: string;
  try {
    const parsed = parseProgress(JSON.parse(text) as unknown);
    if (parsed.success) return parsed.progress;
    reason = parsed.reason;
  } catch (error) {
    reason = `not JSON: ${(error as Error).message.split('\n')[0]}`;
  }
  try {
    const backup = corruptName(file);
    renameSync(file, backup);
    warn(`warning: the drill progress file \`${file}\` is corrupt (${reason}): kept it as \`${backup}\` and started fresh`);
  } catch (error) {
    warn(`warning: the drill progress file \`${file}\` is corrupt (${reason}) and could not be moved aside (${(error as Error).message}): starting fresh`);
  }
  return emptyProgress();
}

/** Writes progress atomically (a temporary file beside it, flushed, then renamed over it). */
export function writeProgress(file: string, progress: Progress): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(progress, null, 2)}\n`, { replace: true, mode: 0o600 });
}
