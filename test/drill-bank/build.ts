/**
 * Builds the drill bank: `npx tsx test/drill-bank/build.ts [name-filter]`.
 *
 * Each spec of test/drill-bank/specs.ts names a bundled scenario as its topology, changes it
 * (the fault the drill is about), writes the stem, the four choices as JSON Patches and the
 * explanation, and re-skins the whole document. The builder then loads the result as pipesim
 * would, simulates the unpatched run (which must fail the way the spec says; that becomes the
 * `expect` block), evaluates every choice (exactly the declared answer must meet the goal),
 * and writes scenarios/drills/<name>.yaml and the index in scenarios/drills/README.md.
 *
 * The committed YAML is what the tests check; this script only has to be re-run when a spec
 * changes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createDrillContext } from '../../engine/drills/context.js';
import { evaluateDrill } from '../../engine/drills/evaluate.js';
import { simulate } from '../../engine/execution/simulate.js';
import { loadScenario } from '../../model/load.js';
import { ROOT } from '../helpers/cli.js';
import { applySkin, clone, readBase, SKINS, type Doc } from './kit.js';
import { SPECS, type DrillSpec } from './specs.js';

const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** The document of one drill, before its `expect` block. */
function draft(spec: DrillSpec): Doc {
  const base = readBase(spec.base);
  delete base.drill;
  delete base.expect;
  const doc = clone(base);
  spec.mutate?.(doc);
  const right = { text: spec.right.text, patch: spec.right.patch(doc) };
  const wrong = spec.wrong.map((w) => ({ text: w.text, patch: w.patch(doc) }));
  const order = [...wrong];
  order.splice(spec.answerAt, 0, right);
  const choices = order.map((c, i) => ({ id: LETTERS[i]!, text: c.text, patch: c.patch }));
  const { $schema: _schema, id: _id, title: _title, description: _description, references, ...world } = doc;
  void _schema;
  void _id;
  void _title;
  void _description;
  const out: Doc = {
    id: `drills/${spec.name}`,
    title: spec.title,
    description: spec.description.trim(),
    references: spec.references ?? references ?? [],
    ...world,
    drill: {
      topic: spec.topic,
      guideItem: spec.guideItem,
      stem: spec.stem.trim(),
      goal: spec.goal,
      choices,
      answer: LETTERS[spec.answerAt],
      explanation: spec.explanation.trim(),
    },
  };
  return applySkin(out, SKINS[spec.skin % SKINS.length]!);
}

const HEADER = '# yaml-language-server: $schema=../../schema/scenario.schema.json\n';

function yamlText(doc: Doc): string {
  return HEADER + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }).replace(/^(\s*Version: )(2012-10-17|2008-10-17)$/gm, "$1\"$2\"");
}

async function build(spec: DrillSpec, context: ReturnType<typeof createDrillContext>): Promise<{ readonly ok: boolean; readonly text: string; readonly log: string[] }> {
  const log: string[] = [];
  const doc = draft(spec);
  const skin = SKINS[spec.skin % SKINS.length]!;
  const file = `scenarios/drills/${spec.name}.yaml`;
  const loaded = loadScenario(yamlText(doc), { file });
  if (!loaded.success) {
    log.push(...loaded.issues.map((i) => `  load: ${i.line}:${i.column} ${i.path}: ${i.message}`));
    return { ok: false, text: '', log };
  }
  const result = await simulate(loaded.data, { memo: context.memo });
  const want = applySkin({ e: spec.expect }, skin).e as DrillSpec['expect'];
  const d = result.firstDenial;
  let ok = true;
  if (result.status !== want.status) {
    log.push(`  unpatched run is ${result.status}, expected ${want.status}: ${d?.message ?? result.issues.map((i) => i.message).join('; ')}`);
    ok = false;
  }
  if (want.category && (d?.category ?? result.issues[0]?.category) !== want.category) {
    log.push(`  unpatched run fails with ${d?.category ?? result.issues[0]?.category ?? 'nothing'}, expected ${want.category}: ${d?.message ?? result.issues[0]?.message ?? ''}`);
    ok = false;
  }
  if (want.principal && d && d.principal !== want.principal) {
    log.push(`  first denial by ${d.principal}, expected ${want.principal}`);
    ok = false;
  }
  const expect: Doc = { status: result.status };
  if (d) expect.firstDenial = { operation: d.operation, category: d.category, principal: d.principal, ...(d.stage ? { stage: d.stage } : {}), ...(d.action ? { action: d.action } : {}) };
  if (result.status === 'Invalid') expect.issues = result.issues.slice(0, 1).map((i) => ({ code: i.code, ...(i.category ? { category: i.category } : {}) }));
  const verdicts = await evaluateDrill(loaded.data, { context });
  if (!verdicts.sound) {
    ok = false;
    log.push(`  not sound: winners [${verdicts.winners.join(', ')}], answer ${verdicts.answer}, baseline meets goal: ${verdicts.baseline.meetsGoal}`);
  }
  log.push(`  symptom: ${verdicts.symptom.headline}`);
  for (const c of verdicts.choices) log.push(`  ${c.meetsGoal ? '✔' : '✖'} ${c.id}${c.isAnswer ? '*' : ' '} ${c.status.padEnd(9)} ${c.reason}`);
  return { ok, text: yamlText({ ...doc, expect }), log };
}

/** The README index: drills by domain-guide item. */
function readme(): string {
  const rows = SPECS.map((s) => `| [${s.name}](${s.name}.yaml) | ${s.guideItem} | ${s.goal.kind}${s.goal.kind === 'lint-clean' ? ` ${s.goal.rule}` : ''} | ${s.topic} |`);
  return `# The drill bank

Exam-style drills, one scenario each: a topology (re-dressed from a bundled scenario, with its own
account ids, names and Regions), a \`drill\` block (stem, four choices as JSON Patches, the answer, the
explanation, the domain-guide item) and an \`expect\` block for the unpatched run. \`pipesim drill\`
shows the stem and the symptom of the unpatched run, takes an answer, then applies and simulates every
choice and says why the right one works and where each wrong one still fails.

Goals: \`run-succeeds\` (the execution succeeds), \`denied\` (a named call is denied while another stays
allowed), \`lint-clean\` (a lint rule's finding disappears and the run is no worse), \`trace-has\` (CloudTrail
records or a trace event).

The files are generated by \`npx tsx test/drill-bank/build.ts\` from test/drill-bank/specs.ts, which
checks each one (the unpatched run fails as intended, exactly the declared answer meets the goal)
before writing it. test/drills.test.ts checks them again, choice by choice.

| drill | domain-guide item | goal | topic |
|---|---|---|---|
${rows.join('\n')}
`;
}

const filter = process.argv[2];
const context = createDrillContext();
let failed = 0;
for (const spec of SPECS) {
  if (filter && !spec.name.includes(filter)) continue;
  const started = performance.now();
  const built = await build(spec, context);
  process.stdout.write(`${built.ok ? 'ok  ' : 'FAIL'} ${spec.name} (${Math.round(performance.now() - started)} ms)\n${built.log.join('\n')}\n`);
  if (!built.ok) {
    failed += 1;
    continue;
  }
  writeFileSync(join(ROOT, 'scenarios', 'drills', `${spec.name}.yaml`), built.text);
}
if (!filter) writeFileSync(join(ROOT, 'scenarios', 'drills', 'README.md'), readme());
process.exitCode = failed ? 1 : 0;
