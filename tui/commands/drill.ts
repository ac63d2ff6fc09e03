/**
 * `pipesim drill [<scenario>] [--random] [--seed N] [--answer <id>] [--json]`: an exam-style drill.
 * With no scenario, the next drill of the bank (scenarios/drills/) not yet seen; `--random`, a
 * generated drill (seeded). On a terminal, the drill view; without one, or with `--answer`, a
 * scripted mode (the answer from `--answer` or standard input). Progress is kept in the user's
 * config directory. Exit codes: 0 the answer is right, 1 wrong, 2 usage or load errors, 70 a bug.
 */
import { Option, type Command } from 'commander';
import type { DrillVerdicts } from '../../engine/drills/evaluate.js';
import type { Progress } from '../../engine/drills/progress.js';
import { EXIT, err, loadScenarioArgument, out } from '../cli-support.js';

/** Options of `drill`. */
export interface DrillOptions {
  readonly random?: boolean;
  readonly seed?: string;
  readonly answer?: string;
  readonly json?: boolean;
}

/** A drill ready to show: its verdicts and where it came from. */
interface ReadyDrill {
  readonly verdicts: DrillVerdicts;
  readonly source: string;
  /** The seed of a generated drill. */
  readonly seed?: number;
}

/** Registers `drill`. */
export function register(program: Command): void {
  program
    .command('drill')
    .description('an exam-style drill: the stem, the symptom, four choices; every choice is simulated')
    .argument('[scenario]', 'a drill scenario (path, - or bundled id); default: the next drill of the bank not yet seen')
    .addOption(new Option('--random', 'a generated drill (a green topology with one injected fault)'))
    .addOption(new Option('--seed <n>', 'the seed of a generated drill (implies --random)'))
    .addOption(new Option('--answer <id>', 'answer without the drill view and exit 0 if right, 1 if wrong'))
    .addOption(new Option('--json', 'print the verdict as JSON (scripted mode)'))
    .action(async (scenario: string | undefined, options: DrillOptions) => {
      await runDrill(scenario, options);
    });
}

async function runDrill(scenario: string | undefined, options: DrillOptions): Promise<void> {
  const random = options.random === true || options.seed !== undefined;
  if (scenario !== undefined && random) {
    err('error: a scenario and --random/--seed cannot be used together');
    process.exitCode = EXIT.unloadable;
    return;
  }
  let seed: number | undefined;
  if (options.seed !== undefined) {
    if (!/^\d{1,9}$/.test(options.seed)) {
      err(`error: --seed must be a whole number (0-999999999), got \`${options.seed}\``);
      process.exitCode = EXIT.unloadable;
      return;
    }
    seed = Number(options.seed);
  }
  const [{ createDrillContext }, { progressFile, readProgress, writeProgress }] = await Promise.all([import('../../engine/drills/context.js'), import('../drill/progress-file.js')]);
  const context = createDrillContext();
  const file = progressFile();
  let progress: Progress = readProgress(file, err);

  const first = await prepare(scenario, random, seed, progress, context);
  if (!first) return;

  const { recordAnswer } = await import('../../engine/drills/progress.js');
  const record = (v: DrillVerdicts, answer: string, correct: boolean) => {
    progress = recordAnswer(progress, { id: v.scenario, topic: v.topic, correct });
    try {
      writeProgress(file, progress);
    } catch (error) {
      err(`warning: cannot save drill progress to \`${file}\`: ${(error as Error).message}`);
    }
    return { topic: progress.topics[v.topic] };
  };
  const { isRightAnswer, choiceFor } = await import('../../engine/drills/evaluate.js');

  const { interactiveTerminal } = await import('./run.js');
  if (options.answer === undefined && !options.json && interactiveTerminal()) {
    const { drillSession } = await import('../drill/session.js');
    const info = (v: DrillVerdicts, source: string) => ({ source, ...(progress.topics[v.topic] ? { topic: progress.topics[v.topic]! } : {}) });
    let last = first;
    let lastCorrect: boolean | undefined;
    await drillSession(
      { verdicts: first.verdicts, info: info(first.verdicts, first.source) },
      async () => {
        // The next drill: the next seed, or the bank's next one (a named scenario continues with the bank).
        const next = await prepare(undefined, random, last.seed !== undefined ? last.seed + 1 : undefined, progress, context, last.verdicts.scenario);
        if (!next) return undefined;
        last = next;
        return { verdicts: next.verdicts, info: info(next.verdicts, next.source) };
      },
      (v, answer) => {
        lastCorrect = isRightAnswer(v, answer);
        return record(v, answer, lastCorrect);
      },
    );
    process.exitCode = lastCorrect === false ? EXIT.failed : EXIT.ok;
    return;
  }

  // Scripted mode: the answer from --answer, else from standard input when it is not a terminal.
  const v = first.verdicts;
  const given = options.answer ?? (process.stdin.isTTY ? undefined : await readAnswer());
  if (given === undefined || given === '') {
    if (options.json) out(JSON.stringify(questionJson(first), null, 2));
    else {
      const { formatQuestion } = await import('../drill/view.js');
      process.stdout.write(formatQuestion(v));
    }
    err(`answer with --answer <id> (one of ${v.choices.map((c) => c.id).join(', ')}) or on standard input`);
    process.exitCode = EXIT.unloadable;
    return;
  }
  const choice = choiceFor(v.choices, given);
  if (!choice) {
    err(`error: no choice \`${given}\` in drill \`${v.scenario}\`: expected one of ${v.choices.map((c) => c.id).join(', ')}`);
    process.exitCode = EXIT.unloadable;
    return;
  }
  const correct = isRightAnswer(v, choice.id);
  const saved = record(v, choice.id, correct);
  if (options.json) {
    out(JSON.stringify({ ...questionJson(first), answer: choice.id, correct, rightAnswer: v.answer, verdicts: v.choices, explanation: v.explanation, progress: saved.topic ?? null }, null, 2));
  } else {
    const { formatQuestion, formatVerdict } = await import('../drill/view.js');
    process.stdout.write(formatQuestion(v));
    out();
    out(`Your answer: ${choice.id}`);
    process.stdout.write(formatVerdict(v, choice.id));
    if (saved.topic) out(`\nProgress in ${v.topic}: ${saved.topic.correct}/${saved.topic.seen} right, streak ${saved.topic.streak}`);
  }
  process.exitCode = correct ? EXIT.ok : EXIT.failed;
}

/** The question part of the JSON output (no answers revealed). */
function questionJson(d: ReadyDrill): Record<string, unknown> {
  const v = d.verdicts;
  return {
    formatVersion: 1,
    drill: v.scenario,
    source: d.source,
    ...(d.seed !== undefined ? { seed: d.seed } : {}),
    topic: v.topic,
    guideItem: v.guideItem,
    stem: v.stem,
    goal: v.goal,
    symptom: v.symptom,
    choices: v.choices.map((c) => ({ id: c.id, text: c.text })),
  };
}

/** Reads the answer from standard input: its first word. */
async function readAnswer(): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim().split(/\s+/)[0];
}

/**
 * Loads and evaluates the drill to show: the named scenario, a generated one, or the next of the
 * bank (after `after`, when the user asks for another). Prints problems and sets the exit code;
 * undefined when there is nothing to show.
 */
async function prepare(scenario: string | undefined, random: boolean, seed: number | undefined, progress: Progress, context: import('../../engine/drills/context.js').DrillContext, after?: string): Promise<ReadyDrill | undefined> {
  const { evaluateDrill } = await import('../../engine/drills/evaluate.js');
  if (random) {
    const { generateFrom } = await import('../../engine/drills/generate.js');
    // Without --seed, a seed from the clock (printed, so the drill can be had again).
    const start = seed ?? Date.now() % 1_000_000;
    const drill = await generateFrom(start, { context });
    if (!drill) {
      err(`error: no drill could be generated from seeds ${start}-${start + 19}`);
      process.exitCode = EXIT.failed;
      return undefined;
    }
    return { verdicts: drill.verdicts, source: `generated, seed ${drill.seed}`, seed: drill.seed };
  }
  let target = scenario;
  if (target === undefined) {
    const [{ listBundledScenarios }, { nextBankDrill }] = await Promise.all([import('../../model/source.js'), import('../../engine/drills/progress.js')]);
    const bank = listBundledScenarios()
      .map((s) => s.id)
      .filter((id) => id.startsWith('drills/'));
    const pool = after ? bank.filter((id) => id !== after) : bank;
    target = nextBankDrill(pool, progress);
    if (target === undefined) {
      err('error: the drill bank is empty');
      process.exitCode = EXIT.unloadable;
      return undefined;
    }
  }
  const loaded = await loadScenarioArgument(target);
  if (!loaded) return undefined;
  if (!loaded.data.drill) {
    err(`error: \`${target}\` has no drill block: try \`pipesim run ${target}\`, or \`pipesim drill\` for the bank`);
    process.exitCode = EXIT.unloadable;
    return undefined;
  }
  const verdicts = await evaluateDrill(loaded.data, { context });
  return { verdicts, source: scenario === undefined ? 'bank' : loaded.file };
}
