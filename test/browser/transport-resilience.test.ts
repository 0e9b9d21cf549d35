/**
 * What's tested (real headless Chromium against real servers on 127.0.0.1):
 * - reconnect: the exact delay sequence (jitter 0) as events, attempts never earlier than their delay,
 *   then RetriesExhausted and the end of the receiver; nothing left behind;
 * - reconnect success: Disconnected → Reconnecting → Connected, sending fails NotConnected meanwhile
 *   and works again afterwards; a drop within minUptime continues the attempt count; close() during
 *   backoff stops it;
 * - the default shouldReconnect does not reconnect after a normal close (1000);
 * - keepalive: CLASP PINGs go out when idle, PONGs reach the app; a peer that never answers is
 *   declared dead (DeadPeer, then Disconnected with that reason);
 * - WebSocketStream: a slow reader pushes back on the network (the server's own buffer grows, the
 *   receive queue stays bounded, nothing overflows), and everything then arrives in order;
 * - WebSocketStream: close() while reading is paused still completes cleanly;
 * - sends while closing fail with NotConnected;
 * - DevTools hook: connection (with the WebSocket as `socket`), open, frames in and out, close; one
 *   id across reconnect attempts.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { useBrowser } from '../support/browser-fixture.js';
import { openTransportPage, type TransportPage } from '../support/transport-page.js';
import { startEchoServer, type EchoServer } from '../support/ws-test-servers.js';

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

const fastReconnect = { minReconnectionDelay: 50, reconnectionDelayGrowFactor: 2, maxReconnectionDelay: 300, jitter: 0 };

test('reconnect follows the exact delay sequence, then gives up with RetriesExhausted', async () => {
  await tab.call('open', { url: echo.url, reconnect: { ...fastReconnect, maxRetries: 5 } });
  expect(await tab.call('next', 1)).toEqual([{ type: 'Connected', protocol: 'clasp' }]);
  echo.refuseUpgrades(true);
  const cutAt = Date.now();
  (await echo.connection(0)).cut();
  const events = await tab.call('drain');
  const refused = { type: 'Error', code: 'ConnectionRefused' };
  expect(events.map((e) => (e.type === 'Error' ? { type: 'Error', code: e['code'] } : e))).toEqual([
    { type: 'Disconnected', code: 1006, reason: '', wasClean: false },
    { type: 'Reconnecting', attempt: 1, delayMs: 50 }, refused,
    { type: 'Reconnecting', attempt: 2, delayMs: 100 }, refused,
    { type: 'Reconnecting', attempt: 3, delayMs: 200 }, refused,
    { type: 'Reconnecting', attempt: 4, delayMs: 300 }, refused,
    { type: 'Reconnecting', attempt: 5, delayMs: 300 }, refused,
    { type: 'Error', code: 'RetriesExhausted' },
  ]);
  // Each attempt reached the server no earlier than its delay after the previous one ended.
  const attempts = echo.claspAttempts.slice(1); // [0] is the first, accepted connect
  expect(attempts.length).toBe(5);
  const delays = [50, 100, 200, 300, 300];
  let previous = cutAt;
  attempts.forEach((at, i) => {
    expect(at - previous).toBeGreaterThanOrEqual((delays[i] as number) - 2);
    previous = at;
  });
  expect(await tab.call('state')).toBe('closed');
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('a reconnect that succeeds: Disconnected, Reconnecting, Connected; sends fail only meanwhile', async () => {
  await tab.call('installHook');
  // Delays long enough (1.5 s, then 15 s) that the checks made during backoff cannot race the timer.
  const slow = { minReconnectionDelay: 1_500, reconnectionDelayGrowFactor: 10, maxReconnectionDelay: 30_000, jitter: 0 };
  await tab.call('open', { url: echo.url, reconnect: slow });
  await tab.call('next', 1);
  (await echo.connection(0)).cut();
  expect(await tab.call('next', 2)).toEqual([
    { type: 'Disconnected', code: 1006, reason: '', wasClean: false },
    { type: 'Reconnecting', attempt: 1, delayMs: 1_500 },
  ]);
  expect(await tab.call('state')).toBe('backoff');
  expect(await tab.call('send', [1])).toMatchObject({ code: 'NotConnected' });
  expect(await tab.call('next', 1)).toEqual([{ type: 'Connected', protocol: 'clasp' }]);
  expect(await tab.call('send', [7, 7])).toBe('ok');
  expect(await tab.call('next', 1)).toEqual([{ type: 'Data', bytes: [7, 7] }]);
  expect((await echo.connection(1)).received.map((b) => [...b])).toEqual([[7, 7]]);
  // The inspector sees both attempts as one logical connection (same id, attempt 0 then 1).
  const connections = (await tab.call('hookEvents')).filter((e) => e['kind'] === 'connection');
  expect(connections.map((e) => e['attempt'])).toEqual([0, 1]);
  expect(new Set(connections.map((e) => e['id'])).size).toBe(1);
  // A drop within minUptime (default 5 s) of the reconnect continues the count instead of resetting it.
  (await echo.connection(1)).cut();
  expect(await tab.call('next', 2)).toMatchObject([{ type: 'Disconnected' }, { type: 'Reconnecting', attempt: 2, delayMs: 15_000 }]);
  expect(await tab.call('state')).toBe('backoff');
  // close() while backing off stops reconnecting at once.
  expect(await tab.call('close')).toEqual({ result: 'ok', state: 'closed' });
  expect(await tab.call('next', 1)).toEqual([null]);
  await tab.call('sleep', 400);
  expect(echo.connections.length).toBe(2);
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('the default shouldReconnect does not reconnect after a normal close (1000)', async () => {
  await tab.call('open', { url: echo.url, reconnect: fastReconnect });
  await tab.call('next', 1);
  (await echo.connection(0)).ws.close(1000, 'done');
  expect(await tab.call('drain')).toEqual([{ type: 'Disconnected', code: 1000, reason: 'done', wasClean: true }]);
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('keepalive: idle connections send CLASP PING and PONGs reach the app', async () => {
  await tab.call('open', { url: echo.url, keepalive: { idleMs: 100, timeoutMs: 2_000 } });
  expect(await tab.call('next', 3)).toEqual([
    { type: 'Connected', protocol: 'clasp' },
    { type: 'Data', bytes: [0x53, 0x01, 0x00, 0x01, 0x42] },
    { type: 'Data', bytes: [0x53, 0x01, 0x00, 0x01, 0x42] },
  ]);
  const conn = await echo.connection(0);
  expect(conn.received.slice(0, 2).map((b) => [...b])).toEqual([[0x53, 0x01, 0x00, 0x01, 0x41], [0x53, 0x01, 0x00, 0x01, 0x41]]);
  expect(await tab.call('state')).toBe('open');
  await tab.call('close');
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('keepalive: a peer that never answers is declared dead', async () => {
  const mute = await startEchoServer({ echo: false, answerPing: false });
  try {
    await tab.call('open', { url: mute.url, keepalive: { idleMs: 100, timeoutMs: 200 } });
    const events = await tab.call('drain');
    expect(events).toEqual([
      { type: 'Connected', protocol: 'clasp' },
      { type: 'Error', code: 'DeadPeer', message: 'no frame within 200 ms of a keepalive PING' },
      { type: 'Disconnected', code: 1006, reason: 'keepalive: no frame within 200 ms of PING', wasClean: false },
    ]);
    expect((await mute.connection(0)).received.map((b) => [...b])).toEqual([[0x53, 0x01, 0x00, 0x01, 0x41]]);
    expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
  } finally {
    await mute.close();
  }
});

test('WebSocketStream: a slow reader pushes back on the network instead of growing the queue', async () => {
  await tab.call('open', { url: echo.url, useWebSocketStream: true, receiveQueueLimit: 100 });
  const conn = await echo.connection(0);
  const frames = 300;
  for (let i = 0; i < frames; i += 1) {
    const frame = Buffer.alloc(64 * 1024, i & 0xff);
    frame.writeUInt32BE(i);
    conn.ws.send(frame);
  }
  await tab.call('sleep', 500);
  expect(await tab.call('queued')).toBeLessThanOrEqual(100);
  // What the page does not read stays on the server's side of the TCP connection.
  expect(conn.ws.bufferedAmount).toBeGreaterThan(0);
  const result = await tab.call('countUntilDisconnected', frames);
  expect(result).toEqual({ data: frames, lastSeq: frames - 1, others: [{ type: 'Connected', protocol: 'clasp' }] });
  await tab.call('close');
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('DevTools hook: connection with its socket, open, frames both ways, close', async () => {
  await tab.call('installHook');
  await tab.call('open', { url: echo.url, name: 'test client' });
  await tab.call('send', [0x53, 0x01, 0x00, 0x01, 0x41]);
  await tab.call('next', 2);
  await tab.call('close', 4002, 'hook test');
  const events = await tab.call('hookEvents');
  const id = events[0]?.['id'];
  expect(typeof id).toBe('string');
  expect(events.every((e) => e['id'] === id && typeof e['time'] === 'number')).toBe(true);
  expect(events.map(({ time: _t, id: _i, ...rest }) => rest)).toEqual([
    { kind: 'connection', url: echo.url, protocols: ['clasp'], source: 'clasp-wasm-transport', attempt: 0, name: 'test client', socketIsWebSocket: true },
    { kind: 'open', protocol: 'clasp' },
    { kind: 'frame', direction: 'out', data: [0x53, 0x01, 0x00, 0x01, 0x41] },
    { kind: 'frame', direction: 'in', data: [0x53, 0x01, 0x00, 0x01, 0x42] },
    { kind: 'close', code: 4002, reason: 'hook test', wasClean: true },
  ]);
});

test('WebSocketStream: close() while reading is paused completes the closing handshake', async () => {
  await tab.call('open', { url: echo.url, useWebSocketStream: true, receiveQueueLimit: 10 });
  const conn = await echo.connection(0);
  for (let i = 0; i < 100; i += 1) conn.ws.send(Buffer.from([0, 0, 0, i]));
  await tab.call('sleep', 200);
  expect(await tab.call('queued')).toBeLessThanOrEqual(10);
  expect(await tab.call('close', 4003, 'stop while paused')).toEqual({ result: 'ok', state: 'closed' });
  const events = await tab.call('drain');
  expect(events.at(-1)).toEqual({ type: 'Disconnected', code: 4003, reason: 'stop while paused', wasClean: true });
  expect(events.filter((e) => e.type === 'Data').every((e, i) => (e['bytes'] as number[])[3] === i)).toBe(true);
  expect(await tab.call('leftovers')).toEqual({ timers: 0, listeners: 0 });
});

test('sends while closing fail with NotConnected instead of vanishing', async () => {
  await tab.call('open', { url: echo.url });
  await tab.call('next', 1);
  const conn = await echo.connection(0);
  conn.pause(); // the close handshake cannot complete until the server reads again
  const closing = tab.page.evaluate(() => (globalThis as unknown as { P: { close(): Promise<unknown> } }).P.close());
  await expect.poll(() => tab.call('state')).toBe('closing');
  expect(await tab.call('send', [1])).toMatchObject({ code: 'NotConnected', message: 'cannot send: the connection is closing' });
  expect(await tab.call('trySend', [1])).toMatchObject({ code: 'NotConnected' });
  conn.resume();
  expect(await closing).toEqual({ result: 'ok', state: 'closed' });
});
