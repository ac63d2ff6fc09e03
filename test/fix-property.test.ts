// Property: in the reference topology, remove any single policy statement; when that breaks the
// run, `fix` restores green with at most the removed statement's scope — every added statement's
// actions, resources and principals within the removed one's (`*` expanded; an account root
// covers the account's roles).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import { fixScenario } from '../engine/analysis/fix.js';
import { applyPatch } from '../engine/analysis/patch.js';
import { simulate } from '../engine/execution/simulate.js';
import { loadBundled, REFERENCE } from './fix-cases.js';
import { addedAllowances, statementSites, wideningProblems, withinScope } from './fix-scope.js';

describe('fix after removing one statement of the reference', async () => {
  const reference = await loadBundled(REFERENCE);
  const sites = statementSites(reference);
  const memo = createMemo();

  it('there are statements to remove, in every kind of policy', () => {
    const kinds = new Set(sites.map((s) => s.label.split(' ')[0]));
    expect(kinds).toEqual(new Set(['trust', 'inline', 'managed', 'key', 'bucket', 'topic']));
  });

  it('restores green within the removed statement\'s scope', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...sites), async (site) => {
        const broken = applyPatch(reference, [{ op: 'remove', path: site.pointer }]);
        if (!broken.success) throw new Error(`${site.label}: ${broken.issues[0]?.message}`);
        const before = await simulate(broken.data, { memo });
        fc.pre(before.status !== 'Succeeded');
        const run = await fixScenario(broken.data, { memo });
        expect(run.status, site.label).toBe('Succeeded');
        let current = broken.data;
        for (const round of run.rounds) {
          for (const added of addedAllowances(current, round.fix.patch)) {
            expect(withinScope(added, site), `${site.label}: ${round.fix.description}`).toEqual([]);
            expect(wideningProblems(added)).toEqual([]);
          }
          const applied = applyPatch(current, round.fix.patch);
          if (!applied.success) throw new Error(applied.issues[0]?.message);
          current = applied.data;
        }
      }),
      { numRuns: 30 },
    );
  });
});
