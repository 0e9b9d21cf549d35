/**
 * What's tested: the example Rust client in real headless Chromium, through src/wasm and the
 * TypeScript transport, against the development relay (src/relay) on a free port:
 * - HELLO → WELCOME, SUBSCRIBE, 10 000 SETs out and, for each, the relay's SET broadcast and ACK
 *   back, complete and in order (10 000 frames each way, and more)
 * - memory stays flat over 100 000 messages: wasm `memory.buffer.byteLength` sampled every
 *   10 000 answers, and the JS heap after garbage collection (CDP) at 10 000 and at the end
 * - the demo mode (on clasp-wasm-client): the 60 Hz fader's SETs come back from the relay and are reported
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRelay, type Relay } from '../../src/relay/index.js';
import { launchChromium, startPageServer, type LaunchedChromium, type PageServer } from '../support/browser.js';
import { openWasmPage, reportsOf, type WasmPage } from '../support/wasm-page.js';

let chromium: LaunchedChromium;
let server: PageServer;
let page: WasmPage;
let relay: Relay;

beforeAll(async () => {
  relay = await startRelay({ host: '127.0.0.1', port: 0 });
  server = await startPageServer();
  chromium = await launchChromium();
  page = await openWasmPage(chromium, server);
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await relay?.close();
});

test('HELLO, SUBSCRIBE, then 10 000 SETs each answered by the broadcast SET and an ACK, in order', async () => {
  const id = await page.start(`mode=stream relay=1 n=10000 window=256 url=${relay.url}`);
  const reports = await page.waitFor(id, 'end');
  expect(await page.panic(id)).toBeUndefined();
  const [done] = reportsOf(reports, 'stream_done');
  expect(done).toEqual(
    expect.objectContaining({ sent: 10_000, answers: 10_000, sets_in: 10_000, welcome: true, in_order: true }),
  );
  // WELCOME + SNAPSHOT(s) + 10 000 SET broadcasts + 10 000 ACKs.
  expect(Number(done?.['frames_in'])).toBeGreaterThanOrEqual(20_002);
  expect(reportsOf(reports, 'disconnected')).toEqual([{ event: 'disconnected', code: 1000, reason: '', clean: true }]);
  expect(await page.connectionCount(id)).toBe(0);
});

async function jsHeapAfterGc(): Promise<number> {
  const cdp = await page.page.context().newCDPSession(page.page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

test('memory stays flat over 100 000 messages', async () => {
  const id = await page.start(`mode=stream relay=1 n=100000 window=256 progress=10000 url=${relay.url}`);
  await page.waitFor(id, 'progress');
  const heapEarly = await jsHeapAfterGc();
  const reports = await page.waitFor(id, 'end', 380_000);
  const heapEnd = await jsHeapAfterGc();
  expect(reportsOf(reports, 'stream_done')).toEqual([
    expect.objectContaining({ sent: 100_000, answers: 100_000, sets_in: 100_000, in_order: true }),
  ]);
  const wasm = await page.memory(id);
  console.log(`wasm memory samples: ${wasm.join(' ')}; JS heap after GC: ${heapEarly} → ${heapEnd}`);
  expect(wasm).toHaveLength(10);
  // Linear memory never shrinks, so "flat" = no growth after the first 10 000 answers.
  expect(Math.max(...wasm)).toBe(wasm[0]);
  expect(heapEnd - heapEarly).toBeLessThan(1024 * 1024);
}, 400_000); // ≈ 1 000 round trips/s through Chromium's WebSocket on a loaded 2-core machine

test('demo mode: the fader SETs come back from the relay and the state is reported', async () => {
  const id = await page.start(`mode=demo ticks=30 url=${relay.url}`);
  await page.waitFor(id, 'welcome');
  let state: Record<string, unknown> | undefined;
  while (state === undefined || Number(state['sets_in']) < 10) {
    await new Promise((r) => setTimeout(r, 50));
    state = reportsOf(await page.reports(id), 'state').at(-1);
  }
  expect(state['reconnects']).toBe(0);
  expect(Number(state['in'])).toBeGreaterThanOrEqual(Number(state['sets_in']));
  expect(state['connected']).toBe(true);
  expect(Number(state['out'])).toBeGreaterThan(Number(state['sets_in']));
  await page.dispose(id);
  expect(await page.connectionCount(id)).toBe(0);
});
