/**
 * What's tested (fake-indexeddb under Node, vitest fake timers for `setTimeout` and `performance`):
 * replay order and timing at speeds 1, 2 and Infinity; a slow sink delays, never reorders or
 * drops, and its lateness does not accumulate; pause/resume keeps the recorded gaps; setSpeed;
 * abort (before and during) leaves no timer behind; filters and direction; only frames committed
 * when the replay started; progress events; bad arguments. The real clock is tested in Chromium
 * (test/browser/replay.test.ts).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { publishFrame, setFrame, useFrameLog } from '../../test/unit/recorder-fixtures.js';
import { RecorderError } from './errors.js';
import type { RecordedFrame } from './query.js';
import type { ReplayClock } from './replay-clock.js';
import { replaySession, type ReplayOptions, type ReplayProgressEvent, type ReplayRun } from './replay.js';

const fixture = useFrameLog();
const T0 = 1_700_000_000_000;

/** A clock on the faked `performance.now()` and `setTimeout`: a frame is sent exactly when due. */
const fakeClock: ReplayClock = {
  now: () => performance.now(),
  sleepUntil: (deadline, signal) =>
    new Promise((resolve) => {
      const id = setTimeout(resolve, Math.max(0, deadline - performance.now()));
      signal.addEventListener('abort', () => (clearTimeout(id), resolve()), { once: true });
    }),
};

/** Real macrotask (fake-indexeddb answers through setImmediate, which is not faked). */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Records `frames` as [offset ms, direction, address] into a closed session. */
async function record(frames: [number, 'in' | 'out', string][], options: { chunkFrames?: number; close?: boolean } = {}): Promise<number> {
  const rec = await fixture.log.startRecording({ name: 'show', chunkFrames: options.chunkFrames ?? 4, flushIntervalMs: 1e9 });
  frames.forEach(([t, direction, address], i) => rec.append(setFrame(address, i), { time: T0 + t, direction, connection: 'c' }));
  if (options.close === false) await rec.flush();
  else await rec.close();
  return rec.sessionId;
}

interface Sent {
  at: number;
  seq: number;
  address: string | null;
}

/** Starts a replay with a recording sink; `slowMs(i)` makes the i-th send take that long. */
function start(sessionId: number, options: Partial<ReplayOptions> = {}, slowMs?: (i: number) => number): { run: ReplayRun; sent: Sent[] } {
  const sent: Sent[] = [];
  const t0 = performance.now();
  const send = (_bytes: Uint8Array, f: RecordedFrame): void | Promise<void> => {
    sent.push({ at: performance.now() - t0, seq: f.seq, address: f.address });
    const ms = slowMs?.(sent.length - 1) ?? 0;
    if (ms > 0) return new Promise((resolve) => setTimeout(resolve, ms));
  };
  const run = replaySession(fixture.log, sessionId, { send, clock: fakeClock, ...options });
  return { run, sent };
}

/** Advances fake time 1 ms at a time (letting IndexedDB answer in between) until `run` settles. */
async function finish(run: ReplayRun, limitMs = 10_000): Promise<Awaited<ReplayRun['done']>> {
  let settled = false;
  run.done.then(() => (settled = true), () => (settled = true));
  for (let t = 0; !settled && t < limitMs; t++) {
    await tick();
    await vi.advanceTimersByTimeAsync(1);
  }
  return run.done;
}

const times: [number, 'in' | 'out', string][] = [
  [0, 'out', '/a'], [3, 'in', '/x'], [10, 'out', '/b'], [10, 'out', '/c'], [35, 'out', '/d'], [36, 'in', '/y'], [100, 'out', '/e'], [250, 'out', '/f'],
];

describe('order and timing', () => {
  test('speed 1: out frames at their recorded offsets from the first, in order, across chunks', async () => {
    const id = await record(times, { chunkFrames: 3 });
    const { run, sent } = start(id);
    const result = await finish(run);
    expect(sent.map((s) => s.address)).toEqual(['/a', '/b', '/c', '/d', '/e', '/f']);
    const base = sent[0]!.at;
    expect(sent.map((s) => s.at - base)).toEqual([0, 10, 10, 35, 100, 250]);
    expect(result).toMatchObject({ frames: 6, recordedMs: 250, lateness: { p50: 0, p99: 0, max: 0 } });
  });

  test("speed 2 halves the gaps; direction 'in' and 'both' select their frames", async () => {
    const id = await record(times);
    const fast = start(id, { speed: 2 });
    await finish(fast.run);
    const base = fast.sent[0]!.at;
    // Fake timers fire on whole milliseconds: 17.5 goes out at 18 (late, never early).
    expect(fast.sent.map((s) => s.at - base)).toEqual([0, 5, 5, 18, 50, 125]);
    const incoming = start(id, { direction: 'in' });
    await finish(incoming.run);
    expect(incoming.sent.map((s) => [s.address, s.at - incoming.sent[0]!.at])).toEqual([['/x', 0], ['/y', 33]]);
    const both = start(id, { direction: 'both', speed: Infinity });
    await finish(both.run);
    expect(both.sent.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('speed Infinity sends everything without waiting on the clock', async () => {
    const id = await record(times);
    const { run, sent } = start(id, { speed: Infinity, direction: 'both' });
    const result = await finish(run);
    expect(new Set(sent.map((s) => s.at)).size).toBeLessThanOrEqual(3); // only IndexedDB ticks pass
    expect(result.frames).toBe(8);
    expect(result.lateness).toEqual({ p50: 0, p99: 0, max: 0 });
  });

  test('filters: address glob, types, from/to', async () => {
    const id = await record(times);
    const r1 = start(id, { address: '/*', direction: 'both', types: [0x21], to: T0 + 10 });
    await finish(r1.run);
    expect(r1.sent.map((s) => s.address)).toEqual(['/a', '/x', '/b', '/c']);
    const r2 = start(id, { from: T0 + 10, to: T0 + 100 });
    await finish(r2.run);
    expect(r2.sent.map((s) => s.address)).toEqual(['/b', '/c', '/d', '/e']);
    expect(r2.sent.map((s) => s.at - r2.sent[0]!.at)).toEqual([0, 0, 25, 90]);
    const r3 = start(id, { types: [0x20] });
    expect((await finish(r3.run)).frames).toBe(0);
  });
});

describe('slow sinks', () => {
  test('a sink slower than the recording delays frames, never reorders or drops them', async () => {
    const id = await record(Array.from({ length: 20 }, (_, i) => [i * 10, 'out', `/f/${i}`]));
    const { run, sent } = start(id, {}, () => 25);
    const result = await finish(run);
    expect(sent.map((s) => s.address)).toEqual(Array.from({ length: 20 }, (_, i) => `/f/${i}`));
    const base = sent[0]!.at;
    expect(sent.map((s) => s.at - base)).toEqual(Array.from({ length: 20 }, (_, i) => i * 25));
    expect(result.lateness.max).toBeCloseTo(19 * 15, 1);
  });

  test('lateness does not accumulate: after one slow send the schedule is met again', async () => {
    const id = await record(Array.from({ length: 10 }, (_, i) => [i * 10, 'out', `/f/${i}`]));
    const { run, sent } = start(id, {}, (i) => (i === 0 ? 45 : 0));
    const result = await finish(run);
    const base = sent[0]!.at;
    // Frames due at 10..40 go out at 45 (in order), then 50, 60, ... exactly on time.
    expect(sent.map((s) => s.at - base)).toEqual([0, 45, 45, 45, 45, 50, 60, 70, 80, 90]);
    expect(result.lateness.max).toBeCloseTo(35, 1);
    expect(result.lateness.p50).toBe(0);
  });
});

describe('control', () => {
  test('pause holds the next frame; resume keeps the recorded gaps', async () => {
    const id = await record([[0, 'out', '/a'], [20, 'out', '/b'], [40, 'out', '/c']]);
    const { run, sent } = start(id);
    while (sent.length < 1) await tick();
    await vi.advanceTimersByTimeAsync(5);
    run.pause();
    expect(run.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.length).toBe(1);
    run.resume();
    const result = await finish(run);
    const base = sent[0]!.at;
    // 5 ms of the 20 ms gap had passed before the pause; the remaining 15 come after it.
    expect(sent.map((s) => s.at - base)).toEqual([0, 1020, 1040]);
    expect(result.lateness.max).toBe(0);
  });

  test('setSpeed re-times what is not sent yet', async () => {
    const id = await record([[0, 'out', '/a'], [100, 'out', '/b'], [200, 'out', '/c']]);
    const { run, sent } = start(id);
    while (sent.length < 1) await tick();
    await vi.advanceTimersByTimeAsync(50);
    run.setSpeed(5);
    await finish(run);
    const base = sent[0]!.at;
    expect(sent.map((s) => s.at - base)).toEqual([50 + 50 / 5, 50 + 150 / 5].reduce((a, t) => [...a, t], [0]));
    expect(() => run.setSpeed(0)).toThrow(RangeError);
  });

  test('abort during a wait rejects done with the reason and leaves no timer', async () => {
    const id = await record([[0, 'out', '/a'], [10_000, 'out', '/b']]);
    const controller = new AbortController();
    const { run, sent } = start(id, { signal: controller.signal });
    while (sent.length < 1) await tick();
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await expect(run.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
    expect(sent.length).toBe(1);
  });

  test('abort while paused, and an already aborted signal', async () => {
    const id = await record([[0, 'out', '/a'], [10, 'out', '/b']]);
    const controller = new AbortController();
    const { run, sent } = start(id, { signal: controller.signal });
    while (sent.length < 1) await tick();
    run.pause();
    controller.abort(new Error('stop'));
    await expect(run.done).rejects.toThrow('stop');
    const pre = start(id, { signal: AbortSignal.abort() });
    await expect(pre.run.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(pre.sent).toEqual([]);
  });

  test('a sink error ends the replay with that error', async () => {
    const id = await record(times);
    const run = replaySession(fixture.log, id, {
      clock: fakeClock,
      speed: Infinity,
      send: (_b, f) => {
        if (f.seq === 2) throw new Error('socket closed');
      },
    });
    await expect(finish(run)).rejects.toThrow('socket closed');
  });

  test('progress events: throttled while sending, a final one with done', async () => {
    const id = await record(Array.from({ length: 30 }, (_, i) => [i * 10, 'out', `/f/${i}`]));
    const { run } = start(id, { progressIntervalMs: 100 });
    const events: Pick<ReplayProgressEvent, 'frames' | 'position' | 'duration' | 'done'>[] = [];
    run.addEventListener('progress', (e) => {
      const p = e as ReplayProgressEvent;
      events.push({ frames: p.frames, position: p.position, duration: p.duration, done: p.done });
    });
    await finish(run);
    expect(events.at(-1)).toEqual({ frames: 30, position: 290, duration: 290, done: true });
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.length).toBeLessThanOrEqual(5);
    expect(events.map((e) => e.frames)).toEqual([...events.map((e) => e.frames)].sort((a, b) => a - b));
  });
});

describe('sessions', () => {
  test('a session still being recorded: only frames committed when the replay started', async () => {
    const rec = await fixture.log.startRecording({ chunkFrames: 4, flushIntervalMs: 1e9 });
    for (let i = 0; i < 10; i++) rec.append(publishFrame(`/live/${i}`, 'x'), { time: T0 + i, direction: 'out' });
    await rec.flush();
    for (let i = 10; i < 13; i++) rec.append(publishFrame(`/live/${i}`, 'x'), { time: T0 + i, direction: 'out' }); // not committed
    const { run, sent } = start(rec.sessionId, { speed: Infinity });
    const done = finish(run);
    for (let i = 13; i < 20; i++) rec.append(publishFrame(`/live/${i}`, 'x'), { time: T0 + i, direction: 'out' });
    await rec.flush(); // committed after the replay started
    expect((await done).frames).toBe(10);
    expect(sent.map((s) => s.address)).toEqual(Array.from({ length: 10 }, (_, i) => `/live/${i}`));
    await rec.close();
  });

  test('exported from the package root and from ./recorder', async () => {
    const root = await import('../index.js');
    const recorder = await import('./index.js');
    expect(root.replaySession).toBe(replaySession);
    expect(recorder.replaySession).toBe(replaySession);
    expect(typeof root.monotonicClock.sleepUntil).toBe('function');
  });

  test('bad arguments', async () => {
    const id = await record(times);
    const send = (): void => undefined;
    for (const speed of [0, -1, NaN]) expect(() => replaySession(fixture.log, id, { send, speed })).toThrow(RangeError);
    expect(() => replaySession(fixture.log, id, { send, direction: 'sideways' as 'in' })).toThrow(RangeError);
    const missing = replaySession(fixture.log, 999, { send });
    await expect(missing.done).rejects.toBeInstanceOf(RecorderError);
    await expect(missing.done).rejects.toMatchObject({ code: 'SessionNotFound' });
  });

  test('renameSession, timeSpan and applyRetention (age, bytes, never the one being recorded)', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'performance'] });
    const log = fixture.log;
    const DAY = 86_400_000;
    vi.setSystemTime(T0);
    const a = await record([[0, 'out', '/a']]);
    vi.setSystemTime(T0 + 10 * DAY);
    const b = await record([[0, 'out', '/b'], [5, 'out', '/b']]);
    vi.setSystemTime(T0 + 20 * DAY);
    const c = await record([[0, 'out', '/c']]);
    await log.renameSession(b, 'glitch at 1:40');
    expect((await log.session(b))?.name).toBe('glitch at 1:40');
    await expect(log.renameSession(999, 'x')).rejects.toMatchObject({ code: 'SessionNotFound' });
    expect(await log.timeSpan({ sessionId: b })).toEqual({ first: T0, last: T0 + 5 });
    const live = await log.startRecording({ startedAt: 0 }); // older than everything, but recording
    live.append(setFrame('/live', 1));
    await live.flush();
    const bytes = new Map((await log.sessions()).map((s) => [s.id, s.byteCount]));
    const byAge = await log.applyRetention({ maxAgeMs: 15 * DAY }, T0 + 22 * DAY);
    expect(byAge.map((s) => s.id)).toEqual([a]);
    const bySize = await log.applyRetention({ maxBytes: bytes.get(c)! + bytes.get(live.sessionId)! });
    expect(bySize.map((s) => s.id)).toEqual([b]);
    expect((await log.sessions()).map((s) => s.id)).toEqual([live.sessionId, c]);
    expect(await log.applyRetention({ maxBytes: 0, keep: [c] })).toEqual([]);
    await live.close();
    expect((await log.applyRetention({ maxBytes: 0 })).map((s) => s.id)).toEqual([live.sessionId, c]);
    expect(await log.totals()).toEqual({ frames: 0, bytes: 0 });
  });
});
