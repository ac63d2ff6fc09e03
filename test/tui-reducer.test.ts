import { describe, expect, it } from 'vitest';
import { filterTrace } from '../engine/trace.js';
import { initReplay, nearestIndex, replayReducer, selectedEvent, type ReplayAction, type ReplayState } from '../tui/replay/reducer.js';
import { keyToCommand } from '../tui/replay/use-replay-input.js';
import { windowStart } from '../tui/replay/layout.js';
import { failingResult, succeedingResult } from './tui-fixtures.js';

const run = (state: ReplayState, ...actions: ReplayAction[]) => actions.reduce(replayReducer, state);
const seqOf = (state: ReplayState) => selectedEvent(state)?.seq;

describe('opening position', () => {
  it('opens on the first denial', () => {
    const state = initReplay(failingResult);
    expect(seqOf(state)).toBe(11);
    expect(state.filter).toBe('full');
    expect(state.playing).toBe(false);
  });

  it('opens on the last event when nothing was denied', () => {
    expect(seqOf(initReplay(succeedingResult))).toBe(16);
  });

  it('opens on the first denial under the fails filter too', () => {
    const state = initReplay(failingResult, { filter: 'fails' });
    expect(seqOf(state)).toBe(11);
    expect(state.visible.map((e) => e.seq)).toEqual(filterTrace(failingResult.events, 'fails').map((e) => e.seq));
  });
});

describe('stepping', () => {
  it('steps forward and back by one visible event', () => {
    // Given the replay on the first denial
    const state = initReplay(failingResult);
    // When stepping forward then back twice
    const after = run(state, { type: 'step-forward' });
    const back = run(after, { type: 'step-back' }, { type: 'step-back' });
    // Then the cursor moved 11 → 12 → 11 → 10
    expect(seqOf(after)).toBe(12);
    expect(seqOf(back)).toBe(10);
  });

  it('stays on the first event at the start and on the last at the end', () => {
    const start = run(initReplay(failingResult), { type: 'jump-to-start' });
    expect(seqOf(start)).toBe(0);
    expect(run(start, { type: 'step-back' })).toEqual(start);
    const end = run(start, { type: 'jump-to-end' });
    expect(seqOf(end)).toBe(16);
    expect(seqOf(run(end, { type: 'step-forward' }, { type: 'step-forward' }))).toBe(16);
  });

  it('pages within the bounds', () => {
    const state = run(initReplay(failingResult), { type: 'page', delta: 100 });
    expect(seqOf(state)).toBe(16);
    expect(seqOf(run(state, { type: 'page', delta: -5 }))).toBe(11);
    expect(seqOf(run(state, { type: 'page', delta: -100 }))).toBe(0);
  });

  it('resets the detail scroll when the selection changes', () => {
    const scrolled = run(initReplay(failingResult), { type: 'scroll-detail', delta: 4, max: 10 });
    expect(scrolled.detailScroll).toBe(4);
    expect(run(scrolled, { type: 'scroll-detail', delta: 40, max: 10 }).detailScroll).toBe(10);
    expect(run(scrolled, { type: 'scroll-detail', delta: -40, max: 10 }).detailScroll).toBe(0);
    expect(run(scrolled, { type: 'step-forward' }).detailScroll).toBe(0);
  });
});

describe('jump to the first denial', () => {
  it('comes back to the denial from anywhere', () => {
    const state = run(initReplay(failingResult), { type: 'jump-to-start' }, { type: 'step-forward' }, { type: 'jump-to-denial' });
    expect(seqOf(state)).toBe(11);
  });

  it('says so when there is no denial, and stays', () => {
    const state = initReplay(succeedingResult);
    const next = run(state, { type: 'jump-to-denial' });
    expect(seqOf(next)).toBe(seqOf(state));
    expect(next.message).toBe('no denial in this run');
  });
});

describe('filters', () => {
  it('cycles full → fails → notes → full', () => {
    const s0 = initReplay(failingResult);
    const s1 = run(s0, { type: 'cycle-filter' });
    const s2 = run(s1, { type: 'cycle-filter' });
    const s3 = run(s2, { type: 'cycle-filter' });
    expect([s1.filter, s2.filter, s3.filter]).toEqual(['fails', 'notes', 'full']);
  });

  it('keeps the cursor on the same event when the filter shows it', () => {
    const state = run(initReplay(failingResult), { type: 'set-filter', filter: 'fails' });
    expect(seqOf(state)).toBe(11);
  });

  it('moves the cursor to the nearest visible event when the filter hides it (the earlier one on a tie)', () => {
    // Given the cursor on #5 (variables.resolved), kept by `notes` but not by `fails`
    const at5 = run(initReplay(failingResult), { type: 'jump-to-start' }, ...Array.from({ length: 5 }, (): ReplayAction => ({ type: 'step-forward' })));
    expect(seqOf(at5)).toBe(5);
    const fails = filterTrace(failingResult.events, 'fails').map((e) => e.seq);
    // When switching to `fails`
    const state = run(at5, { type: 'set-filter', filter: 'fails' });
    // Then the cursor is on the visible seq nearest to 5
    const nearest = [...fails].sort((a, b) => Math.abs(a - 5) - Math.abs(b - 5) || a - b)[0];
    expect(seqOf(state)).toBe(nearest);
    // And back on `full` the cursor stays where `fails` put it
    expect(seqOf(run(state, { type: 'set-filter', filter: 'full' }))).toBe(nearest);
  });

  it('keeps the selection when a filter shows nothing, and finds it again after', () => {
    const state = run(initReplay(succeedingResult), { type: 'jump-to-start' }, { type: 'step-forward' }, { type: 'set-filter', filter: 'fails' });
    expect(state.visible).toEqual([]);
    expect(state.index).toBe(-1);
    expect(selectedEvent(state)).toBeUndefined();
    expect(state.message).toBe('the fails view shows no events');
    expect(run(state, { type: 'step-forward' })).toEqual(state);
    expect(seqOf(run(state, { type: 'set-filter', filter: 'full' }))).toBe(1);
  });

  it('finds the nearest index by seq', () => {
    const events = failingResult.events.filter((e) => [0, 4, 8, 12].includes(e.seq));
    expect([-3, 0, 2, 3, 6, 7, 11, 40].map((s) => nearestIndex(events, s))).toEqual([0, 0, 0, 1, 1, 2, 3, 3]);
    expect(nearestIndex([], 3)).toBe(-1);
  });
});

describe('play', () => {
  it('steps on each tick and stops at the end', () => {
    let state = run(initReplay(failingResult), { type: 'step-back' }, { type: 'toggle-play' });
    expect(state.playing).toBe(true);
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      state = run(state, { type: 'tick' });
      seen.push(seqOf(state) ?? -1);
    }
    expect(seen.slice(0, 6)).toEqual([11, 12, 13, 14, 15, 16]);
    expect(state.playing).toBe(false);
    expect(seqOf(state)).toBe(16);
  });

  it('plays from the start when on the last event; a manual step pauses', () => {
    const state = run(initReplay(succeedingResult), { type: 'toggle-play' });
    expect(seqOf(state)).toBe(0);
    expect(state.playing).toBe(true);
    expect(run(state, { type: 'step-forward' }).playing).toBe(false);
    expect(run(state, { type: 'toggle-play' }).playing).toBe(false);
  });

  it('ignores ticks while paused', () => {
    const state = initReplay(failingResult);
    expect(run(state, { type: 'tick' })).toBe(state);
  });
});

describe('search', () => {
  it('jumps to the next match after the cursor, wrapping around', () => {
    const typed = run(initReplay(failingResult), { type: 'search-open' }, ...[...'sts:Assume'].map((c): ReplayAction => ({ type: 'search-type', text: c })));
    expect(typed.prompt).toBe('sts:Assume');
    const found = run(typed, { type: 'search-submit' });
    expect(found.prompt).toBeNull();
    expect(found.query).toBe('sts:Assume');
    // After #11 the next sts:AssumeRole is #1 (wrapped), then #10.
    expect(seqOf(found)).toBe(1);
    expect(seqOf(run(found, { type: 'search-next' }))).toBe(10);
    expect(seqOf(run(found, { type: 'search-next' }, { type: 'search-next' }))).toBe(1);
  });

  it('matches case-insensitively on who and why, not only the trace line', () => {
    const state = run(initReplay(failingResult), { type: 'jump-to-start' }, { type: 'search-open' }, { type: 'search-type', text: 'EXPLICIT_deny' }, { type: 'search-submit' });
    expect(seqOf(state)).toBe(11);
  });

  it('reports no match and stays', () => {
    const state = run(initReplay(failingResult), { type: 'search-open' }, { type: 'search-type', text: 'zzz-nothing' }, { type: 'search-submit' });
    expect(seqOf(state)).toBe(11);
    expect(state.message).toBe('no match for `zzz-nothing`');
  });

  it('erases, cancels and ignores an empty search', () => {
    const open = run(initReplay(failingResult), { type: 'search-open' }, { type: 'search-type', text: 'ab' }, { type: 'search-erase' });
    expect(open.prompt).toBe('a');
    const cancelled = run(open, { type: 'search-cancel' });
    expect(cancelled.prompt).toBeNull();
    expect(seqOf(cancelled)).toBe(11);
    const empty = run(initReplay(failingResult), { type: 'search-open' }, { type: 'search-submit' });
    expect(empty.prompt).toBeNull();
    expect(seqOf(empty)).toBe(11);
    expect(run(initReplay(failingResult), { type: 'search-next' }).message).toMatch(/no search yet/);
  });
});

describe('focus and help', () => {
  it('switches the focus and toggles help', () => {
    const state = initReplay(failingResult);
    expect(run(state, { type: 'focus-next' }).focus).toBe('detail');
    expect(run(state, { type: 'focus-next' }, { type: 'focus-next' }).focus).toBe('trace');
    expect(run(state, { type: 'toggle-help' }).help).toBe(true);
  });
});

describe('keys', () => {
  const ctx = { detailMax: 30, detailPage: 10, tracePage: 8 };
  const trace = { prompt: null, help: false, focus: 'trace' as const };
  const detail = { ...trace, focus: 'detail' as const };

  it('maps the replay keys', () => {
    expect(keyToCommand('', { rightArrow: true }, trace, ctx)).toEqual({ type: 'step-forward' });
    expect(keyToCommand('j', {}, trace, ctx)).toEqual({ type: 'step-forward' });
    expect(keyToCommand('', { leftArrow: true }, trace, ctx)).toEqual({ type: 'step-back' });
    expect(keyToCommand('k', {}, trace, ctx)).toEqual({ type: 'step-back' });
    expect(keyToCommand(' ', {}, trace, ctx)).toEqual({ type: 'toggle-play' });
    expect(keyToCommand('d', {}, trace, ctx)).toEqual({ type: 'jump-to-denial' });
    expect(keyToCommand('f', {}, trace, ctx)).toEqual({ type: 'cycle-filter' });
    expect(keyToCommand('/', {}, trace, ctx)).toEqual({ type: 'search-open' });
    expect(keyToCommand('', { tab: true }, trace, ctx)).toEqual({ type: 'focus-next' });
    expect(keyToCommand('?', {}, trace, ctx)).toEqual({ type: 'toggle-help' });
    expect(keyToCommand('q', {}, trace, ctx)).toEqual({ type: 'quit' });
    expect(keyToCommand('c', { ctrl: true }, trace, ctx)).toEqual({ type: 'quit', interrupt: true });
    expect(keyToCommand('z', {}, trace, ctx)).toBeNull();
  });

  it('scrolls the detail pane with j/k when it has the focus; ←/→ still step', () => {
    expect(keyToCommand('j', {}, detail, ctx)).toEqual({ type: 'scroll-detail', delta: 1, max: 30 });
    expect(keyToCommand('', { upArrow: true }, detail, ctx)).toEqual({ type: 'scroll-detail', delta: -1, max: 30 });
    expect(keyToCommand('', { pageDown: true }, detail, ctx)).toEqual({ type: 'scroll-detail', delta: 10, max: 30 });
    expect(keyToCommand('', { rightArrow: true }, detail, ctx)).toEqual({ type: 'step-forward' });
  });

  it('sends typed keys to the search prompt; q types a q there, Ctrl-C still quits', () => {
    const prompt = { ...trace, prompt: 'ab' };
    expect(keyToCommand('q', {}, prompt, ctx)).toEqual({ type: 'search-type', text: 'q' });
    expect(keyToCommand('', { return: true }, prompt, ctx)).toEqual({ type: 'search-submit' });
    expect(keyToCommand('', { escape: true }, prompt, ctx)).toEqual({ type: 'search-cancel' });
    expect(keyToCommand('', { backspace: true }, prompt, ctx)).toEqual({ type: 'search-erase' });
    expect(keyToCommand('c', { ctrl: true }, prompt, ctx)).toEqual({ type: 'quit', interrupt: true });
  });

  it('closes help with ? or Esc; q quits from help', () => {
    const help = { ...trace, help: true };
    expect(keyToCommand('?', {}, help, ctx)).toEqual({ type: 'toggle-help' });
    expect(keyToCommand('', { escape: true }, help, ctx)).toEqual({ type: 'toggle-help' });
    expect(keyToCommand('q', {}, help, ctx)).toEqual({ type: 'quit' });
    expect(keyToCommand('j', {}, help, ctx)).toBeNull();
  });
});

describe('window', () => {
  it('keeps the index visible and the window inside the list', () => {
    for (let length = 0; length < 30; length++) {
      for (let height = 1; height < 12; height++) {
        for (let index = 0; index < length; index++) {
          const start = windowStart(length, index, height);
          expect(start).toBeGreaterThanOrEqual(0);
          expect(index).toBeGreaterThanOrEqual(start);
          expect(index).toBeLessThan(start + height);
          expect(start + height).toBeLessThanOrEqual(Math.max(length, height));
        }
      }
    }
  });
});
