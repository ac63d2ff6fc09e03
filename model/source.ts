/**
 * Where scenarios come from: a file path, standard input (`-`), or the id of a bundled scenario
 * (`reference/four-accounts-two-regions` → `scenarios/reference/four-accounts-two-regions.yaml`).
 */
import { openSync, readdirSync, readFileSync, readSync, closeSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LocatedIssue } from './issues.js';
import { loadScenario, MAX_DOCUMENT_BYTES, type LoadResult } from './load.js';
import { packageRoot } from './package-root.js';
import { didYouMean } from './suggest.js';

/** A scenario shipped with the package. */
export interface BundledScenario {
  /** Its path under `scenarios/` without extension, with forward slashes. */
  readonly id: string;
  /** Absolute path of the file. */
  readonly file: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
}

/** What `loadScenarioFile` returns: the load result and the file name its issues use. */
export type SourcedLoadResult = LoadResult & { readonly file: string };

/** Where standard input comes from (a stream, or the text itself in tests). */
export interface SourceOptions {
  readonly stdin?: AsyncIterable<string | Uint8Array> | string;
}

const SCENARIO_FILE = /\.(ya?ml|json)$/i;

/** The folder of the bundled scenarios. */
export function scenariosDir(): string {
  return join(packageRoot(), 'scenarios');
}

/** Every bundled scenario with its title and description, sorted by id. */
export function listBundledScenarios(): BundledScenario[] {
  const root = scenariosDir();
  const out: BundledScenario[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && SCENARIO_FILE.test(entry.name)) {
        const id = relative(root, full).split(sep).join('/').replace(SCENARIO_FILE, '');
        out.push({ id, file: full, ...headerOf(full) });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Reads the top-level `title` and `description` from the start of a file, without parsing all of it. */
function headerOf(file: string): { readonly title: string | undefined; readonly description: string | undefined } {
  const none = { title: undefined, description: undefined };
  try {
    const head = readHead(file, 64 * 1024).replace(/^\uFEFF/, '');
    if (/\.json$/i.test(file)) {
      const data = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
      return { title: stringOrUndefined(data.title), description: stringOrUndefined(data.description) };
    }
    // Take each top-level `title:` / `description:` entry with its continuation lines and parse just that.
    const lines = head.split(/\r?\n/);
    const pick = (key: string): string | undefined => {
      const start = lines.findIndex((l) => l.startsWith(`${key}:`));
      if (start < 0) return undefined;
      let end = start + 1;
      while (end < lines.length && (lines[end] === '' || /^\s/.test(lines[end]!))) end += 1;
      try {
        return stringOrUndefined((parseYaml(lines.slice(start, end).join('\n')) as Record<string, unknown> | null)?.[key]);
      } catch {
        return undefined;
      }
    };
    return { title: pick('title'), description: pick('description') };
  } catch {
    return none;
  }
}

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value.trim() : undefined);

function readHead(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The file of a bundled scenario id, if there is one. */
export function bundledScenarioFile(id: string): string | undefined {
  if (id === '' || isAbsolute(id) || id.split(/[\\/]/).includes('..')) return undefined;
  const root = scenariosDir();
  const base = id.replace(SCENARIO_FILE, '');
  for (const candidate of SCENARIO_FILE.test(id) ? [id] : [`${base}.yaml`, `${base}.yml`, `${base}.json`]) {
    const full = join(root, candidate);
    try {
      if (statSync(full).isFile()) return full;
    } catch {
      // Not this extension.
    }
  }
  return undefined;
}

/** A display name for a file: relative to the working directory when it is inside it. */
function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

const failure = (file: string, code: string, message: string): SourcedLoadResult => ({
  success: false,
  file,
  issues: [{ code, severity: 'error', path: '', message, file, line: 1, column: 1 } satisfies LocatedIssue],
});

/**
 * Loads a scenario from a path, `-` (standard input) or a bundled id. Never throws; a missing
 * file is a `file_not_found` issue.
 */
export async function loadScenarioFile(pathOrId: string, options: SourceOptions = {}): Promise<SourcedLoadResult> {
  try {
    if (pathOrId === '-') {
      const file = '<stdin>';
      const bytes = await readStdin(options.stdin ?? process.stdin);
      if (bytes === 'too-large') return failure(file, 'file_too_large', `the document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`);
      return fromBytes(bytes, file, 'stdin');
    }
    const local = await stat(pathOrId).catch(() => undefined);
    if (local) {
      if (!local.isFile()) return failure(pathOrId, 'not_a_file', `\`${pathOrId}\` is not a file`);
      return fromFile(resolve(pathOrId), pathOrId, local.size, undefined);
    }
    const bundled = bundledScenarioFile(pathOrId);
    if (bundled) {
      const size = (await stat(bundled)).size;
      return fromFile(bundled, displayName(bundled), size, pathOrId.replace(SCENARIO_FILE, ''));
    }
    const ids = listBundledScenarios().map((s) => s.id);
    const hint = didYouMean(pathOrId, ids) || ': run `pipesim scenarios` to list the bundled ones';
    return failure(pathOrId, 'file_not_found', `no such file or bundled scenario \`${pathOrId}\`${hint}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failure(pathOrId, 'internal_error', `unexpected error while reading: ${message}`);
  }
}

async function fromFile(full: string, file: string, size: number, id: string | undefined): Promise<SourcedLoadResult> {
  // Checked before reading, so a huge file costs nothing.
  if (size > MAX_DOCUMENT_BYTES) return failure(file, 'file_too_large', `the file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB (${(size / 1024 / 1024).toFixed(1)} MiB)`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    return failure(file, 'file_unreadable', `cannot read \`${file}\`: ${code}`);
  }
  return fromBytes(bytes, file, id);
}

/** Decodes bytes (UTF-8, or UTF-16 with a byte order mark) and loads them. */
function fromBytes(bytes: Uint8Array, file: string, id: string | undefined): SourcedLoadResult {
  const text = decode(bytes);
  if (typeof text !== 'string') {
    return {
      success: false,
      file,
      issues: [{ code: 'not_text', severity: 'error', path: '', message: 'the file is not UTF-8 text: expected YAML or JSON', file, line: text.line, column: text.column }],
    };
  }
  const format = /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : undefined;
  return { ...loadScenario(text, { file, ...(id !== undefined ? { id } : {}), ...(format ? { format } : {}) }), file };
}

/** The text of some bytes, or the position of the first byte that is not UTF-8. */
function decode(bytes: Uint8Array): string | { readonly line: number; readonly column: number } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    try {
      return new TextDecoder('utf-16be').decode(bytes.subarray(2));
    } catch {
      return { line: 1, column: 1 };
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const bad = lossy.indexOf('\uFFFD');
    const before = lossy.slice(0, Math.max(bad, 0));
    const line = before.split('\n').length;
    return { line, column: before.length - before.lastIndexOf('\n') };
  }
}

async function readStdin(stdin: AsyncIterable<string | Uint8Array> | string): Promise<Uint8Array | 'too-large'> {
  if (typeof stdin === 'string') return new TextEncoder().encode(stdin);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > MAX_DOCUMENT_BYTES) return 'too-large';
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
