// Every bundled scenario declares what it must do; this walks them all (STYLE §29).
import { describe, expect, it } from 'vitest';
import { simulate } from '../engine/execution/simulate.js';
import { listBundledScenarios, loadScenarioFile } from '../model/source.js';

const bundled = listBundledScenarios();

describe('bundled scenarios', () => {
  it('there are bundled scenarios, the reference among them', () => {
    expect(bundled.map((s) => s.id)).toContain('reference/four-accounts-two-regions');
  });

  for (const entry of bundled) {
    it(`${entry.id} meets its expect block`, async () => {
      const loaded = await loadScenarioFile(entry.file);
      if (!loaded.success) throw new Error(`${entry.id} does not load: ${loaded.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('; ')}`);
      const scenario = loaded.data;
      expect(scenario.expect, `${entry.id} has no expect block`).toBeDefined();
      const want = scenario.expect!;
      const result = await simulate(scenario);
      // Then: the status, and for a failure the reason — operation, category and principal.
      expect({ status: result.status, denial: result.firstDenial?.message ?? result.issues.map((i) => i.message).join('; ') }).toMatchObject({ status: want.status });
      if (want.firstDenial) {
        expect(result.firstDenial).not.toBeNull();
        const d = result.firstDenial!;
        expect(d.operation).toBe(want.firstDenial.operation);
        expect(d.category).toBe(want.firstDenial.category);
        if (want.firstDenial.principal) expect(d.principal).toBe(want.firstDenial.principal);
        if (want.firstDenial.stage) expect(d.stage).toBe(want.firstDenial.stage);
        if (want.firstDenial.action) expect(d.action).toBe(want.firstDenial.action);
      } else if (want.status === 'Succeeded') {
        expect(result.firstDenial).toBeNull();
      }
      if (want.issues) {
        for (const issue of want.issues) {
          expect(result.issues).toContainEqual(expect.objectContaining({ code: issue.code, ...(issue.category ? { category: issue.category } : {}) }));
        }
      }
      // Law: the result survives a JSON round trip unchanged.
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    });
  }
});
