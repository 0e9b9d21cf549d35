/**
 * What's tested (real `ws` sockets and an `@clasp-to/core` client against the relay on 127.0.0.1):
 * - the legal frames that used to stop the process (SET forwarded over 65 535 bytes with its
 *   revision, GET of it, an ERROR repeating a 65 490-byte address, QUERY over two 40 KB ANNOUNCEs):
 *   the sender gets an ERROR naming the limit, the relay stays up and the SDK client keeps
 *   receiving;
 * - overload: 10 writers flood 19 subscribers that read as fast as they can and one that stopped
 *   reading; the stopped one is cut, every reading one gets every SET in order and none is cut.
 */
import { Clasp } from '@clasp-to/core';
import { afterEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import { connectClient, type TestClient } from '../../test/support/relay-client.js';
import { encode, type DecodedMessage, type Message } from '../protocol/index.js';
import { startRelay, type Relay } from './server.js';

let relay: Relay | undefined;
const closers: (() => unknown)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await relay?.close();
});

async function hello(url: string): Promise<TestClient> {
  const c = await connectClient(url);
  closers.push(() => c.close());
  await c.hello();
  return c;
}

/** The next message that is not a SNAPSHOT. */
async function nextReply(c: TestClient): Promise<DecodedMessage> {
  for (;;) {
    const m = await c.next();
    if (m.type !== 'SNAPSHOT') return m;
  }
}

function setOfPayload(address: string, payload: number): Message {
  const bare = encode({ type: 'SET', address, value: new Uint8Array(0) }).length - 4;
  return { type: 'SET', address, value: new Uint8Array(payload - bare) };
}

test('frames that cannot be forwarded as they are: ERROR to the sender, the relay and an SDK client carry on', async () => {
  const log: string[] = [];
  relay = await startRelay({ port: 0, log: (l) => log.push(l) });
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  const sdk = new Clasp(relay.url, { reconnect: false, name: 'sdk subscriber' });
  await sdk.connect();
  closers.push(() => sdk.close());
  const seen: string[] = [];
  sdk.on('/big/**', (_value: unknown, address: string) => seen.push(address));

  const announcers = [await hello(relay.url), await hello(relay.url)];
  const writer = await hello(relay.url);
  writer.send({ type: 'PING' }); // the SDK's SUBSCRIBE was handled before this PONG comes back
  expect(await nextReply(writer)).toEqual({ type: 'PONG' });

  writer.send(setOfPayload('/big/x', 65_530));
  expect(await writer.next()).toMatchObject({ type: 'ERROR', message: expect.stringMatching(/SET \/big\/x to 1 subscriber not sent.*65 535-byte payload limit/) });
  expect(await writer.next()).toMatchObject({ type: 'ACK', address: '/big/x' });

  writer.send({ type: 'GET', address: '/big/x' });
  expect(await writer.next()).toMatchObject({ type: 'ERROR', message: expect.stringMatching(/SNAPSHOT of \/big\/x not sent.*payload limit/) });

  const long = `/${'a'.repeat(65_489)}`;
  writer.send({ type: 'SET', address: long, value: 1 });
  expect(await writer.next()).toMatchObject({ type: 'ACK', revision: 1n });
  writer.send({ type: 'SET', address: long, value: 2, revision: 9n });
  expect(await writer.next()).toMatchObject({ type: 'ERROR', code: 400, message: expect.stringMatching(/address left out/) });

  for (const [i, n] of ['a', 'b'].entries()) {
    const announcer = announcers[i]!;
    announcer.send({ type: 'ANNOUNCE', namespace: `/${n}`, signals: [{ address: `/${n}/sig`, type: 'param', datatype: 'd'.repeat(40_000) }] });
    expect(await announcer.next()).toMatchObject({ type: 'ACK' });
  }
  writer.send({ type: 'QUERY', pattern: '/**' });
  const results = [await writer.next(), await writer.next()];
  expect(results.map((m) => m.type)).toEqual(['RESULT', 'RESULT']);

  sdk.set('/big/y', 1);
  await expect.poll(() => seen, { timeout: 10_000 }).toContain('/big/y');
  expect(seen).not.toContain('/big/x');
  expect(relay.router.stats.unencodable).toBe(2);
  expect(log.filter((l) => /not sent/.test(l))).toHaveLength(2);
});

test('overload: the reader that stopped is cut, the 19 that read get every SET and stay', async () => {
  const log: string[] = [];
  relay = await startRelay({ port: 0, highWaterMark: 256 * 1024, maxClientBuffer: 2 * 1024 * 1024, stallTimeout: 2_000, log: (l) => log.push(l) });
  const WRITERS = 10;
  const PER_WRITER = 400;
  const value = new Uint8Array(2048);

  const readers = await Promise.all(Array.from({ length: 19 }, async () => {
    const ws = new WebSocket(relay!.url, ['clasp']);
    closers.push(() => ws.terminate());
    const state = { got: 0, ordered: true, closed: false, last: new Map<string, number>() };
    ws.on('close', () => { state.closed = true; });
    ws.on('message', (data: Buffer) => {
      if (data[4] !== 0x21) return; // SET
      state.got += 1;
      // the address /w<writer>/<n> tells the order per writer
      const text = data.toString('latin1');
      const match = /\/w(\d+)\/(\d+)/.exec(text);
      if (match === null) return;
      const previous = state.last.get(match[1]!) ?? -1;
      if (Number(match[2]) !== previous + 1) state.ordered = false;
      state.last.set(match[1]!, Number(match[2]));
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(encode({ type: 'HELLO', version: 1, name: 'reader', features: [] }));
    ws.send(encode({ type: 'SUBSCRIBE', id: 1, pattern: '/**' }));
    return { ws, state };
  }));
  const stopped = await hello(relay.url);
  stopped.send({ type: 'SUBSCRIBE', id: 1, pattern: '/**' });
  stopped.send({ type: 'PING' });
  expect(await nextReply(stopped)).toEqual({ type: 'PONG' });
  stopped.ws.pause();
  closers.unshift(() => stopped.ws.resume()); // so that it can see its connection was closed

  const writers = await Promise.all(Array.from({ length: WRITERS }, () => hello(relay!.url)));
  for (const [w, writer] of writers.entries()) {
    for (let n = 0; n < PER_WRITER; n += 1) writer.send({ type: 'SET', address: `/w${w}/${n}`, value });
  }
  const total = WRITERS * PER_WRITER;
  await expect.poll(() => readers.map((r) => r.state.got), { timeout: 50_000, interval: 200 }).toEqual(readers.map(() => total));
  expect(readers.every((r) => r.state.ordered && !r.state.closed)).toBe(true);
  await expect.poll(() => relay!.cutCount, { timeout: 10_000 }).toBe(1);
  expect(log.filter((l) => l.startsWith('cut a client'))).toHaveLength(1);
}, 70_000);
