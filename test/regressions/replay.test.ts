// Failing cases found by the property and fuzz tests, kept one JSON file each and replayed.
// `status: open` is a bug reported and not fixed yet: the case must still fail (`it.fails`), so
// the test turns red the day it is fixed — then flip the file to `fixed`.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../model/load.js';
import { LAWS, loadBundled } from '../laws-support.js';
import { regressions, type Regression } from './cases.js';

async function replay(r: Regression): Promise<void> {
  switch (r.check) {
    case 'law':
      await LAWS[r.law](r.case);
      return;
    case 'load-issues-are-located': {
      const loaded = loadScenario(r.input.text, { file: r.input.file });
      if (loaded.success) return;
      for (const issue of loaded.issues) expect(issue.code, issue.message).not.toBe('internal_error');
      if (r.located) expect(loaded.issues[0]).toMatchObject({ ...r.located, file: r.input.file });
      return;
    }
  }
}

describe('regressions', () => {
  beforeAll(async () => {
    if (regressions().some(({ regression }) => regression.check === 'law')) await loadBundled();
  });
  for (const { file, regression } of regressions()) {
    const title = `${file}: ${regression.title}`;
    if (regression.status === 'open') it.fails(`${title} (open: still fails)`, () => replay(regression));
    else it(title, () => replay(regression));
  }
});
