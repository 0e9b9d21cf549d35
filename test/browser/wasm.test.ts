/**
 * What's tested: the example Rust client (wasm-bridge/example, built by `npm run build:wasm`)
 * in real headless Chromium, through src/wasm and the TypeScript transport, against `ws` servers
 * on 127.0.0.1 (test/support/ws-test-servers.ts):
 * - connect, 10 000 frames each way in order (echo server checks what arrived)
 * - close with code and reason (an invalid code is rejected first, as a value)
 * - refused connection → `TransportError::ConnectionFailed` carrying the URL
 * - server killed mid-stream → `Disconnected { code: 1006, was_clean: false }`, then sends fail
 * - backpressure: `try_send` → `BufferFull` while the server does not read, `send` waits, then
 *   dropping sender and receiver releases the JS side and closes the socket
 * - a panic reaches JS as an error with its message, the socket is released, the page keeps running
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, startPageServer, type LaunchedChromium, type PageServer } from '../support/browser.js';
import { freeClosedPort, startEchoServer, type EchoServer } from '../support/ws-test-servers.js';
import { openWasmPage, reportsOf, type WasmPage } from '../support/wasm-page.js';

let chromium: LaunchedChromium;
let server: PageServer;
let page: WasmPage;
let echo: EchoServer | undefined;

beforeAll(async () => {
  server = await startPageServer();
  chromium = await launchChromium();
  page = await openWasmPage(chromium, server);
});

afterAll(async () => {
  await echo?.close();
  await chromium?.close();
  await server?.close();
});

async function freshEcho(): Promise<EchoServer> {
  await echo?.close();
  echo = await startEchoServer();
  return echo;
}

/** The i64 value of a `SET /bench/seq` frame (its last 8 bytes). */
function seqOf(frame: Buffer): number {
  return Number(frame.readBigInt64BE(frame.length - 8));
}

test('10 000 frames go out and come back in order, then a clean close', async () => {
  const s = await freshEcho();
  const id = await page.start(`mode=stream relay=0 n=10000 window=256 url=${s.url}`);
  const reports = await page.waitFor(id, 'end');
  expect(await page.panic(id)).toBeUndefined();
  expect(reportsOf(reports, 'stream_done')).toEqual([
    expect.objectContaining({ sent: 10_000, answers: 10_000, frames_in: 10_000, in_order: true }),
  ]);
  expect(reportsOf(reports, 'disconnected')).toEqual([{ event: 'disconnected', code: 1000, reason: '', clean: true }]);
  const conn = await s.connection(0);
  expect(conn.received.map(seqOf)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  expect(conn.closed).toEqual({ code: 1000, reason: '' });
  expect(await page.connectionCount(id)).toBe(0);
});

test('close with a code and a reason; an invalid code is a TransportError value', async () => {
  const s = await freshEcho();
  const id = await page.start(`mode=close code=4001 reason=bye url=${s.url}`);
  const reports = await page.waitFor(id, 'end');
  expect(reportsOf(reports, 'close_rejected')).toEqual([
    expect.objectContaining({ variant: 'InvalidCloseCode', error: expect.stringContaining('1005') }),
  ]);
  expect(reportsOf(reports, 'closed')).toEqual([{ event: 'closed', connected: false }]);
  expect(reportsOf(reports, 'disconnected')).toEqual([{ event: 'disconnected', code: 4001, reason: 'bye', clean: true }]);
  expect((await s.connection(0)).closed).toEqual({ code: 4001, reason: 'bye' });
});

test('a refused connection is a ConnectionFailed error carrying the URL', async () => {
  const port = await freeClosedPort();
  const url = `ws://127.0.0.1:${port}/`;
  const id = await page.start(`mode=stream url=${url}`);
  const reports = await page.waitFor(id, 'connect_error');
  const [error] = reportsOf(reports, 'connect_error');
  expect(error).toEqual(expect.objectContaining({ variant: 'ConnectionFailed' }));
  expect(String(error?.['error'])).toContain(url);
  expect(String(error?.['error'])).toContain('ConnectionRefused');
  expect(await page.connectionCount(id)).toBe(0);
});

test('a server killed mid-stream ends in Disconnected 1006 and failing sends', async () => {
  const s = await freshEcho();
  const id = await page.start(`mode=stream relay=0 n=100000000 window=64 url=${s.url}`);
  const conn = await s.connection(0);
  while (conn.received.length < 1000) await new Promise((r) => setTimeout(r, 10));
  conn.cut();
  const reports = await page.waitFor(id, 'end');
  expect(reportsOf(reports, 'disconnected')).toEqual([{ event: 'disconnected', code: 1006, reason: '', clean: false }]);
  const failures = [...reportsOf(reports, 'send_error'), ...reportsOf(reports, 'send_after_disconnect')];
  expect(failures.length).toBeGreaterThan(0);
  for (const f of failures) expect(f['variant']).toBe('NotConnected');
  const done = reportsOf(reports, 'stream_done')[0];
  expect(Number(done?.['answers'])).toBeGreaterThanOrEqual(1000 - 64);
  expect(done?.['in_order']).toBe(true);
  expect(await page.connectionCount(id)).toBe(0);
});

test('backpressure: try_send gives BufferFull, send waits, dropping both halves releases the socket', async () => {
  const s = await freshEcho();
  // 400 × 60 kB = 24 MB: more than the loopback socket buffers hold while the server does not read.
  const id = await page.start(`mode=backpressure size=60000 hwm=262144 more=400 url=${s.url}`);
  const conn = await s.connection(0);
  conn.pause();
  const reports = await page.waitFor(id, 'waiting_send');
  const [full] = reportsOf(reports, 'buffer_full');
  expect(full).toEqual(expect.objectContaining({ len: 60_000 }));
  expect(Number(full?.['accepted'])).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 500));
  expect(reportsOf(await page.reports(id), 'send_after_full'), 'sends wait while the server does not read').toEqual([]);
  conn.resume();
  const after = await page.waitFor(id, 'dropped');
  expect(reportsOf(after, 'send_after_full')).toEqual([{ event: 'send_after_full', sent: 400 }]);
  expect(await page.connectionCount(id)).toBe(0);
  while (conn.closed === undefined) await new Promise((r) => setTimeout(r, 10));
  expect(conn.closed).toEqual({ code: 1000, reason: 'receiver dropped' });
});

test('a panic reaches JS with its message, the socket is released and the page keeps running', async () => {
  const s = await freshEcho();
  const id = await page.start(`mode=panic msg=on-purpose url=${s.url}`);
  await page.waitFor(id, 'never-reported');
  const message = await page.panic(id);
  expect(message).toContain('example panic: on-purpose');
  expect(message).toContain('scenarios.rs');
  const conn = await s.connection(0);
  while (conn.closed === undefined) await new Promise((r) => setTimeout(r, 10));
  expect(conn.closed).toEqual({ code: 4000, reason: 'wasm client panicked' });
  expect(await page.connectionCount(id)).toBe(0);
  // The page is alive: a new instance of the same module works.
  const next = await page.start(`mode=close code=1000 url=${s.url}`);
  expect(reportsOf(await page.waitFor(next, 'end'), 'closed')).toHaveLength(1);
});
