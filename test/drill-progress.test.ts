/**
 * The drill progress file: where it lives, atomic writes (a temporary file, then a rename), and
 * recovery from a missing or corrupt file (start fresh, keep a backup, say so).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyProgress, recordAnswer } from '../engine/drills/progress.js';
import { progressFile, readProgress, writeProgress } from '../tui/drill/progress-file.js';

let dir: string;
let file: string;
let warnings: string[];
const warn = (line: string) => warnings.push(line);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pipesim-progress-'));
  file = progressFile({ XDG_CONFIG_HOME: dir });
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('progressFile', () => {
  it('lives under $XDG_CONFIG_HOME/pipesim, else ~/.config/pipesim', () => {
    expect(progressFile({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/pipesim/progress.json');
    expect(progressFile({}, '/home/u')).toBe('/home/u/.config/pipesim/progress.json');
    // A relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored.
    expect(progressFile({ XDG_CONFIG_HOME: 'rel' }, '/home/u')).toBe('/home/u/.config/pipesim/progress.json');
  });
});

describe('readProgress and writeProgress', () => {
  it('starts fresh without a file, and says nothing', () => {
    expect(readProgress(file, warn)).toEqual(emptyProgress());
    expect(warnings).toEqual([]);
  });

  it('writes atomically: the folder is created, the file replaced by a rename, no temporary file left', () => {
    // Given progress written once
    const one = recordAnswer(emptyProgress(), { id: 'drills/a', topic: 'kms', correct: true });
    writeProgress(file, one);
    const first = statSync(file).ino;
    // When it is written again
    const two = recordAnswer(one, { id: 'drills/b', topic: 'kms', correct: false });
    writeProgress(file, two);
    // Then the file is a new inode (renamed over, never rewritten in place), holds the new progress, and nothing else is left
    expect(statSync(file).ino).not.toBe(first);
    expect(readProgress(file, warn)).toEqual(two);
    expect(readdirSync(dirname(file))).toEqual(['progress.json']);
    expect(warnings).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps a corrupt file as progress.json.corrupt-<n>, says so, and starts fresh', () => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"formatVersion": 1, "attempts": ');
    expect(readProgress(file, warn)).toEqual(emptyProgress());
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(`${file}.corrupt-1`, 'utf8')).toBe('{"formatVersion": 1, "attempts": ');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/progress file `.*progress\.json` is corrupt \(not JSON: .*\): kept it as `.*progress\.json\.corrupt-1` and started fresh/);
    // A second corrupt file gets the next number; valid JSON of the wrong shape counts as corrupt too
    writeFileSync(file, JSON.stringify({ formatVersion: 1, attempts: 'many', drills: {}, topics: {} }));
    expect(readProgress(file, warn)).toEqual(emptyProgress());
    expect(existsSync(`${file}.corrupt-2`)).toBe(true);
    expect(warnings[1]).toMatch(/`attempts` is not a count/);
    // And the fresh progress can be written over it
    writeProgress(file, recordAnswer(emptyProgress(), { id: 'drills/a', topic: 'kms', correct: true }));
    expect(readProgress(file, warn).attempts).toBe(1);
  });
});
