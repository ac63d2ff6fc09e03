/** Finds the pipesim package root (the folder whose package.json is named `pipesim`). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The package root, found by walking up from this module: works from the sources (vitest,
 * tsx) and from `dist/`, which have different depths.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { readonly name?: unknown };
      if (pkg.name === 'pipesim') {
        cached = dir;
        return dir;
      }
    } catch {
      // No package.json here: keep walking.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the pipesim package root above this module');
    dir = parent;
  }
}
