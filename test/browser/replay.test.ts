/**
 * What's tested (real headless Chromium, its real IndexedDB and real clock; page in
 * test/browser/pages/replay-page.ts):
 * - speed 1 and speed 4: every out frame in recorded order, none sent before it was due, and the
 *   reported lateness agrees with the send times the sink saw;
 * - a sink that is slow now and then: nothing dropped or reordered, later frames catch up;
 * - speed Infinity over many chunks: everything, in order, frames counted once;
 * - abort: `done` rejects with AbortError and nothing is sent after it;
 * - a replay into the development relay that an `@clasp-to/core` subscriber receives byte-exactly.
 * Timing is asserted only as an order relation (never early) and for consistency; figures are for
 * `npm run bench:replay`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRelay, type Relay } from '../../src/relay/index.js';
import { useBrowser } from '../support/browser-fixture.js';
import type * as ReplayPage from './pages/replay-page.js';

type Api = typeof ReplayPage;
const browser = useBrowser();
let relay: Relay;

beforeAll(async () => {
  relay = await startRelay({ port: 0 });
});
afterAll(async () => {
  await relay?.close();
});

async function openPage(): Promise<Page> {
  const page = await browser.chromium.context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${browser.pages.url}/test/browser/pages/replay.html`);
  await page.waitForFunction(() => 'replayPage' in globalThis);
  return page;
}

function call<K extends 'seed' | 'replayCount' | 'replayTimed' | 'replayAbort' | 'replayToRelay'>(
  page: Page,
  name: K,
  ...args: Parameters<Api[K]>
): Promise<Awaited<ReturnType<Api[K]>>> {
  return page.evaluate(
    ([n, a]) => {
      const api = (globalThis as unknown as { replayPage: Record<string, (...x: unknown[]) => unknown> }).replayPage;
      return api[n as string]!(...(a as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<Api[K]>>>;
}

/**
 * Allowance for "never early": the sink's times are relative to the first frame it saw, which itself
 * reached the sink a little after its schedule (first call, JIT), and performance.now() is coarsened
 * in pages. Recorded gaps here are 2–5 ms, so an early send by a timer would still show.
 */
const EPS = 1;

function expectOnSchedule(r: ReplayPage.TimedReplay, speed: number, frames: number): void {
  expect(r.seqs.length).toBe(frames);
  expect(r.seqs).toEqual([...r.seqs].sort((a, b) => a - b));
  const late = r.sentAt.map((t, i) => t - r.recordedAt[i]! / speed);
  expect(Math.min(...late)).toBeGreaterThanOrEqual(-EPS);
  // The run's lateness and the sink's view agree (the sink sees a frame just after it is stamped).
  expect(r.result.lateness.max).toBeLessThanOrEqual(Math.max(...late) + EPS);
  expect(r.result.frames).toBe(frames);
}

test('real clock, speed 1 and 4: recorded order, never early, lateness consistent', async () => {
  const page = await openPage();
  const id = await call(page, 'seed', 'timing', 150, 5);
  const normal = await call(page, 'replayTimed', 'timing', id, 1);
  expectOnSchedule(normal, 1, 150);
  expect(normal.result.recordedMs).toBe(149 * 5);
  expect(normal.result.elapsedMs).toBeGreaterThanOrEqual(149 * 5 - EPS);
  const fast = await call(page, 'replayTimed', 'timing', id, 4);
  expectOnSchedule(fast, 4, 150);
  await page.close();
});

test('real clock, a sink slow every 40th frame: nothing dropped or reordered, lateness does not accumulate', async () => {
  const page = await openPage();
  const id = await call(page, 'seed', 'slow', 800, 2);
  const r = await call(page, 'replayTimed', 'slow', id, 1, { slowEvery: 40, slowMs: 50 });
  expectOnSchedule(r, 1, 800);
  expect(r.result.lateness.max).toBeGreaterThanOrEqual(40);
  // 19 stalls of 50 ms come before the last frame: were lateness to add up, it would be ≥ 950 ms
  // late. Each stall is caught up within the next 40 frames (80 ms of recording), so only a machine
  // stalling for most of a second right at the end could reach that.
  const lastLate = r.sentAt.at(-1)! - r.recordedAt.at(-1)!;
  expect(lastLate).toBeLessThan(19 * 50);
  await page.close();
});

test('speed Infinity over many chunks, a session still open, and abort', async () => {
  const page = await openPage();
  const id = await call(page, 'seed', 'fast', 20_000, 1, { close: false });
  const r = await call(page, 'replayCount', 'fast', id, Infinity);
  expect(r.frames).toBe(20_000);
  expect(r.result.frames).toBe(20_000);
  expect(r.result.lateness.max).toBe(0);
  const aborted = await call(page, 'replayAbort', 'fast', id, 50);
  expect(aborted).toEqual({ sent: 50, error: 'AbortError', sentAfter: 0 });
  await page.close();
});

test('replay into the development relay: an @clasp-to/core subscriber receives the frames byte-exactly', async () => {
  const page = await openPage();
  const id = await call(page, 'seed', 'relay', 300, 2, { hello: true });
  const r = await call(page, 'replayToRelay', 'relay', id, relay.url, 1);
  expect(r.result.frames).toBe(301);
  expect(r.recorded.length).toBe(301);
  // HELLO is answered to the replayer only; every PUBLISH reaches the subscriber as recorded.
  expect(r.received).toEqual(r.recorded.slice(1));
  expect(r.sdkValues).toBe(300);
  await page.close();
});
