/**
 * What's tested (Node, real `ws` clients against the relay on 127.0.0.1):
 * - subprotocol: `clasp` is echoed; a client asking for none is accepted too;
 * - HELLO → WELCOME (relay features) + the empty SNAPSHOT `53 01 00 03 23 00 00`;
 * - SET: ACK {address, revision} to the writer, SET with revision to subscribers (writer included),
 *   revisions count up, revision conflict → ERROR 400, lock held → ERROR 401;
 * - SUBSCRIBE with `*` and `**`, snapshot of matching params on subscribe, type filter, UNSUBSCRIBE;
 * - PUBLISH to subscribers but not the sender; GET → SNAPSHOT; BUNDLE → SETs, PUBLISHes, ACK;
 *   PING → PONG; SYNC answered;
 * - malformed frames (bad magic, truncated message, text, before HELLO) → ERROR 100/101, and the
 *   relay keeps serving that client and the others;
 * - a client that stops reading is disconnected once its buffer is full; the others get everything;
 * - a connection without HELLO is closed after the handshake timeout.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { connectClient, type TestClient } from '../../test/support/relay-client.js';
import { encode, type DecodedMessage } from '../protocol/index.js';
import { startRelay, type Relay } from './server.js';

let relay: Relay;
const clients: TestClient[] = [];

beforeEach(async () => {
  relay = await startRelay({ port: 0, maxClientBuffer: 2 * 1024 * 1024, handshakeTimeout: 2_000 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay.close();
});

async function client(protocols?: string[]): Promise<TestClient> {
  const c = await connectClient(relay.url, protocols);
  clients.push(c);
  return c;
}

/** Sends SUBSCRIBE and waits until the relay processed it (PING → PONG on the same socket); returns what came before the PONG. */
async function subscribe(c: TestClient, id: number, pattern: string, types?: ('param' | 'event' | 'stream')[]): Promise<DecodedMessage[]> {
  c.send({ type: 'SUBSCRIBE', id, pattern, ...(types === undefined ? {} : { types }) });
  c.send({ type: 'PING' });
  const before: DecodedMessage[] = [];
  for (let m = await c.next(); m.type !== 'PONG'; m = await c.next()) before.push(m);
  return before;
}

async function helloClient(): Promise<TestClient> {
  const c = await client();
  await c.hello();
  return c;
}

test('echoes subprotocol clasp and accepts clients asking for none', async () => {
  expect((await client()).ws.protocol).toBe('clasp');
  expect((await client([])).ws.protocol).toBe('');
});

test('HELLO → WELCOME + the empty SNAPSHOT, byte for byte', async () => {
  const c = await client();
  c.send({ type: 'HELLO', version: 1, name: 'n', features: ['param'] });
  const welcome = await c.next();
  expect(welcome).toMatchObject({ type: 'WELCOME', version: 1, name: 'clasp-dev-relay', features: ['param', 'event', 'stream', 'gesture', 'timeline'] });
  expect((welcome as { session: string }).session).toMatch(/^[0-9a-f-]{36}$/);
  expect([...(await c.nextRaw())]).toEqual([0x53, 0x01, 0x00, 0x03, 0x23, 0x00, 0x00]);
});

test('SET: ACK to the writer, broadcast with revision to subscribers, revisions count up', async () => {
  const writer = await helloClient();
  const star = await helloClient();
  const globstar = await helloClient();
  await subscribe(star, 1, '/mix/*/gain');
  await subscribe(globstar, 1, '/mix/**');
  await subscribe(writer, 9, '/mix/1/gain');
  writer.send({ type: 'SET', address: '/mix/1/gain', value: 0.5 });
  expect(await writer.next()).toMatchObject({ type: 'SET', address: '/mix/1/gain', value: 0.5, revision: 1n });
  expect(await writer.next()).toEqual({ type: 'ACK', address: '/mix/1/gain', revision: 1n });
  expect(await star.next()).toMatchObject({ type: 'SET', address: '/mix/1/gain', value: 0.5, revision: 1n });
  expect(await globstar.next()).toMatchObject({ type: 'SET', revision: 1n });
  writer.send({ type: 'SET', address: '/mix/1/eq/low', value: 3n });
  expect(await globstar.next()).toMatchObject({ type: 'SET', address: '/mix/1/eq/low', value: 3n, revision: 1n });
  writer.send({ type: 'SET', address: '/mix/1/gain', value: 0.75 });
  expect(await star.next()).toMatchObject({ value: 0.75, revision: 2n });
  // `*` is one segment: /mix/1/eq/low did not reach `star`.
  expect(star.pending()).toBe(0);
});

test('SET with a stale revision → ERROR 400; a lock held by another session → ERROR 401', async () => {
  const a = await helloClient();
  const b = await helloClient();
  a.send({ type: 'SET', address: '/x', value: 1n, lock: true });
  expect(await a.next()).toMatchObject({ type: 'ACK', revision: 1n });
  b.send({ type: 'SET', address: '/x', value: 2n });
  expect(await b.next()).toMatchObject({ type: 'ERROR', code: 401, address: '/x' });
  a.send({ type: 'SET', address: '/x', value: 3n, revision: 5n });
  expect(await a.next()).toMatchObject({ type: 'ERROR', code: 400, address: '/x' });
  a.send({ type: 'SET', address: '/x', value: 4n, revision: 1n, unlock: true });
  expect(await a.next()).toMatchObject({ type: 'ACK', revision: 2n });
  b.send({ type: 'SET', address: '/x', value: 5n });
  expect(await b.next()).toMatchObject({ type: 'ACK', revision: 3n });
});

test('SUBSCRIBE sends a snapshot of matching params; UNSUBSCRIBE stops delivery; types filter', async () => {
  const a = await helloClient();
  a.send({ type: 'SET', address: '/s/a', value: 'one' });
  a.send({ type: 'SET', address: '/t/b', value: 'two' });
  await a.next();
  await a.next();
  const b = await helloClient();
  const [snap, ...more] = await subscribe(b, 1, '/s/**');
  expect(snap).toMatchObject({ type: 'SNAPSHOT', params: [{ address: '/s/a', value: 'one', revision: 1n }] });
  expect(more).toEqual([]);
  expect(await subscribe(b, 2, '/ev/**', ['event'])).toEqual([]);
  a.send({ type: 'PUBLISH', address: '/ev/x', signal: 'stream', value: 1 });
  a.send({ type: 'PUBLISH', address: '/ev/y', signal: 'event', payload: 'go' });
  expect(await b.next()).toMatchObject({ type: 'PUBLISH', address: '/ev/y', signal: 'event', value: 'go' });
  b.send({ type: 'UNSUBSCRIBE', id: 1 });
  b.send({ type: 'PING' });
  expect(await b.next()).toEqual({ type: 'PONG' });
  a.send({ type: 'SET', address: '/s/a', value: 'three' });
  await a.next();
  b.send({ type: 'PING' });
  expect(await b.next()).toEqual({ type: 'PONG' });
});

test('PUBLISH reaches subscribers but not the sender; GET → SNAPSHOT; BUNDLE → SETs, PUBLISHes, ACK', async () => {
  const a = await helloClient();
  const b = await helloClient();
  await subscribe(a, 1, '/**');
  await subscribe(b, 1, '/**');
  a.send({ type: 'PUBLISH', address: '/cue/go', signal: 'event', payload: 7n });
  expect(await b.next()).toMatchObject({ type: 'PUBLISH', address: '/cue/go', value: 7n });
  a.send({
    type: 'BUNDLE',
    messages: [
      { type: 'SET', address: '/b/1', value: true },
      { type: 'PUBLISH', address: '/b/ev', signal: 'event', payload: null },
      { type: 'SET', address: '/b/2', value: false },
    ],
  });
  expect(await b.next()).toMatchObject({ type: 'SET', address: '/b/1', revision: 1n });
  expect(await b.next()).toMatchObject({ type: 'SET', address: '/b/2', revision: 1n });
  expect(await b.next()).toMatchObject({ type: 'PUBLISH', address: '/b/ev' });
  expect(await a.next()).toMatchObject({ type: 'SET', address: '/b/1' });
  expect(await a.next()).toMatchObject({ type: 'SET', address: '/b/2' });
  expect(await a.next()).toEqual({ type: 'ACK', revision: 1n });
  a.send({ type: 'GET', address: '/b/1' });
  expect(await a.next()).toMatchObject({ type: 'SNAPSHOT', params: [{ address: '/b/1', value: true, revision: 1n }] });
  a.send({ type: 'PING' });
  expect([...(await a.nextRaw())]).toEqual([0x53, 0x01, 0x00, 0x01, 0x42]);
  a.send({ type: 'SYNC', t1: 5n });
  expect(await a.next()).toMatchObject({ type: 'SYNC', t1: 5n });
});

test('malformed input gets ERROR 100/101 and the relay keeps serving everyone', async () => {
  const bad = await client();
  bad.send({ type: 'PING' });
  expect(await bad.next()).toMatchObject({ type: 'ERROR', code: 101, message: 'expected HELLO first, got PING' });
  await bad.hello();
  bad.sendRaw(new Uint8Array([0x00, 0x01, 0x00, 0x01, 0x41]));
  expect(await bad.next()).toMatchObject({ type: 'ERROR', code: 100 });
  bad.sendRaw(new Uint8Array([0x53, 0x01, 0x00, 0x09, 0x41]));
  expect(await bad.next()).toMatchObject({ type: 'ERROR', code: 100 });
  bad.sendRaw(new Uint8Array([0x53, 0x01, 0x00, 0x02, 0x21, 0x07]));
  expect(await bad.next()).toMatchObject({ type: 'ERROR', code: 101 });
  bad.sendRaw(new Uint8Array([0x53, 0x01, 0x00, 0x01, 0x99]));
  expect(await bad.next()).toMatchObject({ type: 'ERROR', code: 101 });
  bad.sendRaw('{"type":"SET"}');
  expect(await bad.next()).toMatchObject({ type: 'ERROR', code: 100 });
  const good = await helloClient();
  good.send({ type: 'SET', address: '/ok', value: 1 });
  expect(await good.next()).toMatchObject({ type: 'ACK', revision: 1n });
  bad.send({ type: 'PING' });
  expect(await bad.next()).toEqual({ type: 'PONG' });
});

test('a client that stops reading is disconnected; the others receive everything', async () => {
  const writer = await helloClient();
  const fast = await helloClient();
  const slow = await helloClient();
  await subscribe(fast, 1, '/big/**');
  await subscribe(slow, 1, '/big/**');
  const slowClosed = new Promise<void>((resolve) => slow.ws.once('close', () => resolve()));
  (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const value = 'x'.repeat(60_000);
  const count = 300; // 18 MB: far beyond the kernel buffers and the 2 MiB client limit
  // Paced by the fast reader: relay and clients share this process's event loop, so an unpaced burst
  // can queue more than the limit for the *fast* client too before its socket gets a turn to read.
  for (let i = 0; i < count; i += 1) {
    writer.send({ type: 'PUBLISH', address: `/big/${i}`, signal: 'stream', value });
    expect(await fast.next()).toMatchObject({ address: `/big/${i}` });
  }
  (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  await slowClosed;
  expect(relay.router.clientCount).toBe(2);
}, 60_000); // 18 MB through loopback: seconds on a loaded 2-core machine

test('a connection that never says HELLO is closed after the handshake timeout', async () => {
  const quick = await startRelay({ port: 0, handshakeTimeout: 100 });
  try {
    const c = await connectClient(quick.url);
    const [code, reason] = (await new Promise((resolve) => c.ws.once('close', (...a) => resolve(a)))) as [number, Buffer];
    expect(code).toBe(1008);
    expect(reason.toString()).toContain('HELLO');
  } finally {
    await quick.close();
  }
});

test('encode() of the relay replies matches the codec (sanity: PONG)', () => {
  expect([...encode({ type: 'PONG' })]).toEqual([0x53, 0x01, 0x00, 0x01, 0x42]);
});
