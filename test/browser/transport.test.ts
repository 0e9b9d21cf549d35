/**
 * What's tested (real headless Chromium against real servers on 127.0.0.1):
 * - handshake: `connect` resolves with subprotocol `clasp`, the first event is `Connected`;
 * - send/receive order over 10 000 frames (echo), plain WebSocket and WebSocketStream;
 * - binary frames always arrive as Uint8Array, also when binaryType is forced to 'blob'; text frames
 *   arrive as `Text` events, in order with the binary ones;
 * - backpressure: a server that stops reading makes `send` wait and `trySend` fail with BufferFull;
 *   everything arrives once it reads again; a waiting send fails NotConnected if the connection drops;
 * - close: code/reason validation before the browser, close resolves once closed, the server sees the
 *   code and reason, `Disconnected` carries them, `recv()` then yields null, sending fails NotConnected;
 * - server-initiated close with a code; server cut mid-stream (1006) after the last Data;
 * - connect failures: refused, handshake timeout (TCP accepted, never answered), subprotocol refused,
 *   invalid URL — each a typed TransportError with a hint, and no timer or listener left behind;
 * - receive-queue overflow closes with a ReceiveQueueFull error event right after the last delivered frame.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { useBrowser } from '../support/browser-fixture.js';
import { openTransportPage, type TransportPage } from '../support/transport-page.js';
import {
  freeClosedPort,
  startEchoServer,
  startSilentTcpServer,
  type EchoServer,
} from '../support/ws-test-servers.js';

const browser = useBrowser();
let echo: EchoServer;
let tab: TransportPage;


beforeEach(async () => {
  echo = await startEchoServer();
  tab = await openTransportPage(browser.chromium, browser.pages);
});

afterEach(async () => {
  await tab?.close();
  await echo?.close();
});

test('handshake: connect resolves open with subprotocol clasp, first event Connected', async () => {
  const opened = await tab.call('open', { url: echo.url });
  expect(opened).toEqual({ ok: true, protocol: 'clasp', state: 'open' });
  expect((await echo.connection(0)).protocol).toBe('clasp');
  expect(await tab.call('next', 1)).toEqual([{ type: 'Connected', protocol: 'clasp' }]);
  expect(await tab.call('send', [0x53, 0x01, 0x00, 0x01, 0x41])).toBe('ok');
  expect(await tab.call('next', 1)).toEqual([{ type: 'Data', bytes: [0x53, 0x01, 0x00, 0x01, 0x42] }]);
  await tab.call('close');
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('10 000 frames keep their order both ways (plain WebSocket)', async () => {
  await tab.call('open', { url: echo.url });
  await tab.call('next', 1);
  const result = await tab.call('roundTripOrder', 10_000);
  expect(result).toEqual({ received: 10_000, firstMismatch: -1, sendErrors: 0 });
  const conn = await echo.connection(0);
  expect(conn.received.length).toBe(10_000);
  expect(conn.received.every((b, i) => b.readUInt32BE(0) === i)).toBe(true);
  await tab.call('close');
});

test('10 000 frames keep their order both ways (WebSocketStream)', async () => {
  await tab.call('open', { url: echo.url, useWebSocketStream: true });
  expect(await tab.call('next', 1)).toEqual([{ type: 'Connected', protocol: 'clasp' }]);
  expect(await tab.call('roundTripOrder', 10_000)).toEqual({ received: 10_000, firstMismatch: -1, sendErrors: 0 });
  expect(await tab.call('close', 4000, 'stream done')).toEqual({ result: 'ok', state: 'closed' });
  expect(await tab.call('drain')).toEqual([{ type: 'Disconnected', code: 4000, reason: 'stream done', wasClean: true }]);
  expect((await echo.connection(0)).closed).toEqual({ code: 4000, reason: 'stream done' });
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('binary frames are Uint8Array even with binaryType blob; text frames are Text events, in order', async () => {
  await tab.call('open', { url: echo.url, blobSocket: true });
  await tab.call('next', 1);
  const conn = await echo.connection(0);
  conn.ws.send(Buffer.from([1, 2, 3]));
  conn.ws.send('hello text');
  conn.ws.send(Buffer.from([4, 5]));
  expect(await tab.call('next', 3)).toEqual([
    { type: 'Data', bytes: [1, 2, 3] },
    { type: 'Text', text: 'hello text' },
    { type: 'Data', bytes: [4, 5] },
  ]);
  conn.ws.send(Buffer.from([6]));
  conn.ws.close(4100, 'after blob');
  expect(await tab.call('drain')).toEqual([
    { type: 'Data', bytes: [6] },
    { type: 'Disconnected', code: 4100, reason: 'after blob', wasClean: true },
  ]);
});

test('backpressure: send waits and trySend fails while the server does not read', async () => {
  const highWaterMark = 256 * 1024;
  await tab.call('open', { url: echo.url, highWaterMark });
  await tab.call('next', 1);
  const conn = await echo.connection(0);
  conn.pause();
  const fill = await tab.call('fillUntilBlocked', 60_000, 400, 2_000);
  expect(fill.blocked).toBe(true);
  expect(fill.bufferedAmount).toBeGreaterThanOrEqual(highWaterMark);
  expect(await tab.call('trySend', [1, 2, 3])).toMatchObject({ code: 'BufferFull' });
  conn.resume();
  expect(await tab.call('awaitBlocked')).toBe('ok');
  await tab.call('close');
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
  await expect.poll(() => conn.received.length, { timeout: 30_000 }).toBe(fill.sent);
  expect(conn.received.every((b, i) => b.length === 60_000 && b[0] === (i & 0xff))).toBe(true);
});

test('a send waiting for the buffer fails with NotConnected when the connection drops', async () => {
  await tab.call('open', { url: echo.url, highWaterMark: 64 * 1024 });
  await tab.call('next', 1);
  const conn = await echo.connection(0);
  conn.pause();
  expect((await tab.call('fillUntilBlocked', 60_000, 400, 2_000)).blocked).toBe(true);
  conn.cut();
  expect(await tab.call('awaitBlocked')).toMatchObject({ code: 'NotConnected' });
  expect(await tab.call('drain')).toEqual([{ type: 'Disconnected', code: 1006, reason: '', wasClean: false }]);
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('close validates code and reason before the browser, then resolves once closed', async () => {
  await tab.call('open', { url: echo.url });
  await tab.call('next', 1);
  for (const code of [1001, 1005, 2999, 5000, 3000.5]) {
    expect((await tab.call('close', code)).result).toMatchObject({ code: 'InvalidCloseCode', supplied: code });
  }
  const tooLong = 'é'.repeat(62); // 124 UTF-8 bytes
  expect((await tab.call('close', 1000, tooLong)).result).toMatchObject({ code: 'InvalidCloseReason' });
  expect(await tab.call('state')).toBe('open');
  const longest = `${'é'.repeat(61)}x`; // 123 bytes
  expect(await tab.call('close', 4321, longest)).toEqual({ result: 'ok', state: 'closed' });
  expect((await echo.connection(0)).closed).toEqual({ code: 4321, reason: longest });
  expect(await tab.call('drain')).toEqual([{ type: 'Disconnected', code: 4321, reason: longest, wasClean: true }]);
  expect(await tab.call('next', 1)).toEqual([null]);
  expect(await tab.call('send', [1])).toMatchObject({ code: 'NotConnected' });
  expect(await tab.call('trySend', [1])).toMatchObject({ code: 'NotConnected' });
  expect(await tab.call('close')).toEqual({ result: 'ok', state: 'closed' });
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('a server close with code and reason reaches the app after the last Data', async () => {
  await tab.call('open', { url: echo.url });
  await tab.call('next', 1);
  const conn = await echo.connection(0);
  for (let i = 0; i < 50; i += 1) conn.ws.send(Buffer.from([0, 0, 0, i]));
  conn.ws.close(4001, 'server says bye');
  const result = await tab.call('countUntilDisconnected');
  expect(result).toEqual({ data: 50, lastSeq: 49, others: [{ type: 'Disconnected', code: 4001, reason: 'server says bye', wasClean: true }] });
  expect(await tab.call('next', 1)).toEqual([null]);
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('a server cut mid-stream gives Disconnected 1006 after the last Data', async () => {
  await tab.call('open', { url: echo.url });
  await tab.call('next', 1);
  const conn = await echo.connection(0);
  // Stream 2 000 numbered frames in bursts, then cut the TCP connection while they are in flight.
  for (let seq = 0; seq < 2_000; seq += 1) {
    const frame = Buffer.alloc(4);
    frame.writeUInt32BE(seq);
    conn.ws.send(frame);
    if (seq % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  conn.cut();
  const result = await tab.call('countUntilDisconnected');
  expect(result.others).toEqual([{ type: 'Disconnected', code: 1006, reason: '', wasClean: false }]);
  expect(result.data).toBeGreaterThan(0);
  expect(result.lastSeq).toBe(result.data - 1);
  expect(await tab.call('next', 1)).toEqual([null]);
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('refused connection: ConnectionRefused naming the likely cause, reported to the hook', async () => {
  const port = await freeClosedPort();
  await tab.call('installHook');
  const result = await tab.call('open', { url: `ws://127.0.0.1:${port}/` });
  expect((await tab.call('hookEvents')).map((e) => e['kind'])).toEqual(['connection', 'error', 'close']);
  expect(result).toMatchObject({ ok: false, error: { name: 'TransportError', code: 'ConnectionRefused' } });
  if (result.ok) throw new Error('unreachable');
  expect(result.error.hint).toContain('is the relay running');
  expect(result.error.hint).toContain('wss://');
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('handshake timeout: a server that accepts TCP and never answers', async () => {
  const silent = await startSilentTcpServer();
  try {
    const result = await tab.call('open', { url: silent.url, connectionTimeout: 500 });
    expect(result).toMatchObject({ ok: false, error: { code: 'ConnectTimeout' } });
    if (result.ok) throw new Error('unreachable');
    expect(result.error.hint).toContain('did not complete the WebSocket handshake within 500 ms');
    expect(silent.accepted()).toBeGreaterThanOrEqual(1);
    expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
  } finally {
    await silent.close();
  }
});

test('subprotocol refused: SubprotocolRejected', async () => {
  const plain = await startEchoServer({ acceptSubprotocol: false });
  try {
    const result = await tab.call('open', { url: plain.url });
    expect(result).toMatchObject({ ok: false, error: { code: 'SubprotocolRejected', supplied: 'clasp' } });
    if (result.ok) throw new Error('unreachable');
    expect(result.error.hint).toContain('not a CLASP relay');
    expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
  } finally {
    await plain.close();
  }
});

test('invalid URLs are rejected before any socket exists', async () => {
  for (const url of ['ftp://127.0.0.1/', 'ws://127.0.0.1:1/#frag', 'http://[::1']) {
    const result = await tab.call('open', { url });
    expect(result).toMatchObject({ ok: false, error: { code: 'InvalidUrl', supplied: url } });
  }
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('a full receive queue closes the connection with a ReceiveQueueFull event after the last delivered frame', async () => {
  await tab.call('open', { url: echo.url, receiveQueueLimit: 100 });
  const conn = await echo.connection(0);
  for (let i = 0; i < 500; i += 1) conn.ws.send(Buffer.from([0, 0, i >> 8, i & 0xff]));
  await expect.poll(() => conn.closed, { timeout: 10_000 }).toEqual({ code: 4000, reason: 'receive queue full' });
  // The browser discards what arrives once close() was called (WHATWG: only OPEN sockets fire
  // message), so the Error event marks exactly where delivery stopped: Connected + 99 Data filled the
  // 100-event queue, then the Error, then the Disconnected.
  const events = await tab.call('drain');
  expect(events[0]).toEqual({ type: 'Connected', protocol: 'clasp' });
  const data = events.filter((e) => e.type === 'Data');
  expect(data.every((e, i) => (e['bytes'] as number[])[3] === (i & 0xff))).toBe(true);
  const errorAt = events.findIndex((e) => e.type === 'Error');
  expect(events[errorAt]).toMatchObject({ type: 'Error', code: 'ReceiveQueueFull' });
  expect(errorAt).toBe(100);
  expect(events.length).toBe(102);
  expect(events.at(-1)).toEqual({ type: 'Disconnected', code: 4000, reason: 'receive queue full', wasClean: true });
});
