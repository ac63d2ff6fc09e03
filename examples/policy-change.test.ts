// A policy-change property as a user of the library writes one: no removal of a statement or a
// principal from the artifact key and bucket policies leaves the reference pipeline green —
// unless no call of the green run relied on that statement.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createMemo, loadScenarioFile, mutatedRun, policyMutation, simulate } from '../index.js';

it('every key and bucket policy statement the pipeline relies on is needed', async () => {
  const loaded = await loadScenarioFile('reference/four-accounts-two-regions');
  if (!loaded.success) throw new Error(loaded.issues[0]?.message);
  const scenario = loaded.data;
  const memo = createMemo();
  const green = await simulate(scenario, { memo });
  const used = new Set(green.events.flatMap((e) => (e.type === 'call.evaluated' ? e.statements.map((s) => `${s.policy}#${s.index}`) : [])));
  const removals = policyMutation(scenario, { kinds: ['remove-statement', 'remove-principal'], sites: (site) => site.kind === 'key' || site.kind === 'bucket' });
  await fc.assert(
    fc.asyncProperty(removals, async (m) => {
      const after = await mutatedRun(scenario, m, memo);
      if (after.status === 'Succeeded') expect(used, m.label).not.toContain(`${m.statement!.policy}#${m.statement!.index}`);
    }),
  );
});
