// `fix` on every broken bundled scenario: a denial or a structural issue is fixed to green, each
// round verified and within the failing call's scope; the fixed scenario is written back as YAML
// (comments kept) that loads and runs green. A failure that is not a denial has no fix.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import { patchScenarioText } from '../engine/analysis/fix-output.js';
import { fixScenario } from '../engine/analysis/fix.js';
import { applyPatch } from '../engine/analysis/patch.js';
import { simulate } from '../engine/execution/simulate.js';
import { loadScenario } from '../model/load.js';
import { listBundledScenarios, loadScenarioFile } from '../model/source.js';
import { addedAllowances, wideningProblems } from './fix-scope.js';

const memo = createMemo();
const broken = listBundledScenarios();

describe('fix on every broken bundled scenario', () => {
  for (const entry of broken) {
    it(`${entry.id}`, async () => {
      const loaded = await loadScenarioFile(entry.file);
      if (!loaded.success) throw new Error(`${entry.id} does not load`);
      if (loaded.data.expect?.status === 'Succeeded') return;
      const before = await simulate(loaded.data, { memo });
      const run = await fixScenario(loaded.data, { memo });
      if (before.status === 'Succeeded') {
        expect(run.rounds).toEqual([]);
        return;
      }
      if (before.firstDenial === null && before.status !== 'Invalid') {
        // Failed without a denied call (an injected failure): nothing a policy change could fix.
        expect({ status: run.status, stopped: run.stopped, rounds: run.rounds.length }).toEqual({ status: 'Failed', stopped: 'no-fix', rounds: 0 });
        expect(run.remaining?.explanation).toMatch(/no call was denied/);
        return;
      }
      expect({ status: run.status, stopped: run.stopped }).toEqual({ status: 'Succeeded', stopped: 'green' });
      let current = loaded.data;
      for (const round of run.rounds) {
        expect(addedAllowances(current, round.fix.patch).flatMap(wideningProblems), round.fix.description).toEqual([]);
        const applied = applyPatch(current, round.fix.patch);
        if (!applied.success) throw new Error(applied.issues[0]?.message);
        current = applied.data;
      }
      // Written back as YAML: the comments stay, and the text loads and runs green.
      const source = readFileSync(entry.file, 'utf8');
      const written = patchScenarioText(source, loaded.data, run.patch, { format: 'yaml', file: loaded.file });
      if (!written.success) throw new Error(written.message);
      expect(written.preserved).toBe(true);
      const firstComment = source.split('\n').find((l) => l.startsWith('#'));
      if (firstComment) expect(written.text).toContain(firstComment);
      const reloaded = loadScenario(written.text, { file: loaded.file });
      if (!reloaded.success) throw new Error(reloaded.issues[0]?.message);
      expect((await simulate(reloaded.data, { memo })).status).toBe('Succeeded');
    });
  }
});
