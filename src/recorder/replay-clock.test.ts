/**
 * What's tested (vitest fake timers for `setTimeout` and `performance`; the MessageChannel yields are
 * real): the default clock never resolves before its deadline, waits out a gap longer than a timer
 * can hold, sets a short wait's timer from a message task, and resolves early on abort.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { monotonicClock } from './replay-clock.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function track(p: Promise<void>): { settled: () => boolean } {
  let settled = false;
  void p.then(() => (settled = true));
  return { settled: () => settled };
}

const realTask = (): Promise<void> => new Promise((r) => setImmediate(r));

test('never before the deadline, also for a gap longer than a 32-bit timer', async () => {
  const start = performance.now();
  const gap = 2 ** 31 + 5000; // ~24.9 days
  const sleep = track(monotonicClock.sleepUntil(start + gap, new AbortController().signal));
  await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
  await realTask();
  expect(sleep.settled()).toBe(false);
  await vi.advanceTimersByTimeAsync(5000); // 1 ms short of the deadline
  await realTask();
  expect(sleep.settled()).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  for (let i = 0; i < 5 && !sleep.settled(); i++) await realTask();
  expect(sleep.settled()).toBe(true);
  expect(performance.now() - start).toBe(gap);
});

test('a wait under 4 ms sets its timer from a message task; abort resolves at once', async () => {
  const short = track(monotonicClock.sleepUntil(performance.now() + 2, new AbortController().signal));
  expect(vi.getTimerCount()).toBe(0);
  for (let i = 0; i < 5 && vi.getTimerCount() === 0; i++) await realTask();
  expect(vi.getTimerCount()).toBe(1);
  expect(short.settled()).toBe(false);
  await vi.advanceTimersByTimeAsync(2);
  for (let i = 0; i < 5 && !short.settled(); i++) await realTask();
  expect(short.settled()).toBe(true);

  const controller = new AbortController();
  const long = track(monotonicClock.sleepUntil(performance.now() + 60_000, controller.signal));
  await realTask();
  expect(vi.getTimerCount()).toBe(1);
  controller.abort();
  for (let i = 0; i < 5 && !long.settled(); i++) await realTask();
  expect(long.settled()).toBe(true);
  expect(vi.getTimerCount()).toBe(0);
});
