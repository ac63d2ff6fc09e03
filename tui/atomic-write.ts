/**
 * The one way pipesim writes a user's file: a temporary file beside the target, flushed to disk
 * (fsync), then a hard link (which refuses to replace an existing file) or, to replace, a rename;
 * the folder is flushed after. A reader never sees a half-written file, and nothing is replaced
 * unless the caller says so. Used by `fix -o`, `import -o` and the drill progress file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** How to write. */
export interface AtomicWriteOptions {
  /** Replace an existing file (otherwise an existing file is an `EEXIST` error). */
  readonly replace: boolean;
  /** The new file's permission bits (default 0o644). */
  readonly mode?: number;
}

/** Writes `text` to `path` atomically; throws the file system's error (`EEXIST` when refusing to replace). */
export function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', options.mode ?? 0o644);
  try {
    try {
      // The mode exactly as asked, whatever the umask (`fix --in-place` keeps the file's mode).
      if (options.mode !== undefined) fchmodSync(fd, options.mode);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.replace) renameSync(tmp, path);
    else placeWithoutReplacing(tmp, path);
    syncFolder(dirname(path));
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Links `tmp` to `path`, failing with `EEXIST` if `path` exists; on file systems without hard links, checks then renames. */
function placeWithoutReplacing(tmp: string, path: string): void {
  try {
    linkSync(tmp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
    // Not atomic against a racing writer, but never replaces a file that exists now.
    if (exists(path)) throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
    renameSync(tmp, path);
  }
}

/** Flushes a folder's entries (best effort: some file systems refuse to open a folder for sync). */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The data itself is already on disk; a folder that cannot be synced is not an error.
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
