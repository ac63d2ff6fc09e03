/**
 * Drill progress as plain data: which drills were seen and answered how, and per topic how many
 * were seen, answered right, and the current and best streak of right answers. Pure: reading
 * and writing the file is the CLI's business (tui/drill/progress-file.ts).
 */

/** One drill's record. */
export interface DrillRecord {
  readonly attempts: number;
  readonly correct: number;
  /** The last answer was right. */
  readonly lastCorrect: boolean;
  /** Order of the last attempt (the progress file's attempt counter), to tell recent from old. */
  readonly lastAttempt: number;
}

/** One topic's record. */
export interface TopicRecord {
  readonly seen: number;
  readonly correct: number;
  /** Right answers in a row, up to the last attempt. */
  readonly streak: number;
  readonly bestStreak: number;
}

/** The progress file's content. */
export interface Progress {
  readonly formatVersion: 1;
  /** Attempts so far (all drills). */
  readonly attempts: number;
  readonly drills: Readonly<Record<string, DrillRecord>>;
  readonly topics: Readonly<Record<string, TopicRecord>>;
}

/** Progress with nothing seen. */
export function emptyProgress(): Progress {
  return { formatVersion: 1, attempts: 0, drills: {}, topics: {} };
}

/** Records one answer. Pure: returns new progress. */
export function recordAnswer(progress: Progress, answer: { readonly id: string; readonly topic: string; readonly correct: boolean }): Progress {
  const attempt = progress.attempts + 1;
  const before = progress.drills[answer.id];
  const drill: DrillRecord = {
    attempts: (before?.attempts ?? 0) + 1,
    correct: (before?.correct ?? 0) + (answer.correct ? 1 : 0),
    lastCorrect: answer.correct,
    lastAttempt: attempt,
  };
  const t = progress.topics[answer.topic] ?? { seen: 0, correct: 0, streak: 0, bestStreak: 0 };
  const streak = answer.correct ? t.streak + 1 : 0;
  const topic: TopicRecord = { seen: t.seen + 1, correct: t.correct + (answer.correct ? 1 : 0), streak, bestStreak: Math.max(t.bestStreak, streak) };
  return { formatVersion: 1, attempts: attempt, drills: { ...progress.drills, [answer.id]: drill }, topics: { ...progress.topics, [answer.topic]: topic } };
}

/**
 * Reads progress from parsed JSON, or says why it is not progress. Tolerates unknown fields;
 * rejects wrong types (the caller then starts fresh and keeps the file aside). Pure.
 */
export function parseProgress(value: unknown): { readonly success: true; readonly progress: Progress } | { readonly success: false; readonly reason: string } {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (!isObject(value)) return { success: false, reason: 'not a JSON object' };
  if (value.formatVersion !== 1) return { success: false, reason: `unknown formatVersion \`${String(value.formatVersion)}\`` };
  if (!isCount(value.attempts)) return { success: false, reason: '`attempts` is not a count' };
  if (!isObject(value.drills) || !isObject(value.topics)) return { success: false, reason: '`drills` and `topics` must be objects' };
  const drills: Record<string, DrillRecord> = {};
  for (const [id, d] of Object.entries(value.drills)) {
    if (!isObject(d) || !isCount(d.attempts) || !isCount(d.correct) || typeof d.lastCorrect !== 'boolean' || !isCount(d.lastAttempt)) return { success: false, reason: `drills.${id} is not a drill record` };
    drills[id] = { attempts: d.attempts, correct: d.correct, lastCorrect: d.lastCorrect, lastAttempt: d.lastAttempt };
  }
  const topics: Record<string, TopicRecord> = {};
  for (const [id, t] of Object.entries(value.topics)) {
    if (!isObject(t) || !isCount(t.seen) || !isCount(t.correct) || !isCount(t.streak) || !isCount(t.bestStreak)) return { success: false, reason: `topics.${id} is not a topic record` };
    topics[id] = { seen: t.seen, correct: t.correct, streak: t.streak, bestStreak: t.bestStreak };
  }
  return { success: true, progress: { formatVersion: 1, attempts: value.attempts, drills, topics } };
}

/**
 * The bank drill to show next: the first one not yet seen (bank order); once all are seen, the
 * one whose last answer was wrong longest ago, then the least practised. Undefined for an empty
 * bank. Pure.
 */
export function nextBankDrill(bank: readonly string[], progress: Progress): string | undefined {
  const unseen = bank.find((id) => !progress.drills[id]);
  if (unseen) return unseen;
  const ranked = [...bank].sort((a, b) => {
    const ra = progress.drills[a]!;
    const rb = progress.drills[b]!;
    if (ra.lastCorrect !== rb.lastCorrect) return ra.lastCorrect ? 1 : -1;
    if (!ra.lastCorrect) return ra.lastAttempt - rb.lastAttempt;
    return ra.correct / ra.attempts - rb.correct / rb.attempts || ra.attempts - rb.attempts || ra.lastAttempt - rb.lastAttempt;
  });
  return ranked[0];
}
