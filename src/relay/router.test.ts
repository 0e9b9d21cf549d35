/**
 * What's tested (the router alone, clients are arrays of frames):
 * - every legal frame that used to kill the relay: a SET of 65 518–65 523 payload bytes forwarded
 *   with its revision, a GET of such a param, the ERROR repeating a 65 490-byte address, QUERY over
 *   two 40 KB ANNOUNCEs, a HELLO snapshot holding a too-large param; each time the sender or
 *   requester gets an ERROR naming the limit, others keep their traffic, and the stats count it;
 * - patterns: `k*` within a segment, `/a/**` gets `/a`, the 25-second pattern of the issue, absurd
 *   patterns refused with ERROR 202 (SUBSCRIBE and QUERY);
 * - slicing: a fan-out to 500 sessions and a snapshot of 5 000 params yield between slices, and
 *   the forwarded frame is one buffer shared by all recipients.
 */
import { describe, expect, test } from 'vitest';
import { decode, encode, type DecodedMessage, type Message } from '../protocol/index.js';
import { ClaspRouter, type RelayClient } from './router.js';

class FakeClient implements RelayClient {
  readonly frames: Uint8Array[] = [];
  send(frame: Uint8Array): void {
    this.frames.push(frame);
  }
  take(): DecodedMessage[] {
    return this.frames.splice(0).map((f) => decode(f));
  }
}

function setup(): { router: ClaspRouter; log: string[]; client: (hello?: boolean) => FakeClient; send: (c: FakeClient, m: Message) => void } {
  const log: string[] = [];
  const router = new ClaspRouter({ log: (l) => log.push(l) });
  const send = (c: FakeClient, m: Message): void => router.handle(c, encode(m));
  const client = (hello = true): FakeClient => {
    const c = new FakeClient();
    router.connect(c);
    if (hello) {
      send(c, { type: 'HELLO', version: 1, name: 't', features: [] });
      c.take();
    }
    return c;
  };
  return { router, log, client, send };
}

/** A SET whose payload is exactly `payload` bytes (before the relay adds a revision). */
function setOfPayload(address: string, payload: number): Message {
  const bare = encode({ type: 'SET', address, value: new Uint8Array(0) }).length - 4;
  return { type: 'SET', address, value: new Uint8Array(payload - bare) };
}

describe('legal frames the relay cannot forward as they are', () => {
  test.each([65_528, 65_535])('a SET of %i payload bytes to a subscribed address: ERROR to the writer, others unaffected', (payload) => {
    const { router, log, client, send } = setup();
    const writer = client();
    const sub = client();
    send(sub, { type: 'SUBSCRIBE', id: 1, pattern: '/big/**' });
    sub.take();
    const m = setOfPayload('/big/x', payload);
    expect(encode(m).length).toBe(payload + 4);
    send(writer, m);
    const replies = writer.take();
    expect(replies[0]).toMatchObject({ type: 'ERROR', code: 500, message: expect.stringMatching(/SET \/big\/x to 1 subscriber not sent: .*exceeds.*65535.*65 535-byte payload limit/) });
    expect(replies[1]).toEqual({ type: 'ACK', address: '/big/x', revision: 1n });
    expect(sub.take()).toEqual([]);
    expect(router.stats).toMatchObject({ unencodable: 1, undelivered: 1 });
    expect(log.some((l) => /not sent/.test(l))).toBe(true);
    send(writer, { type: 'SET', address: '/big/y', value: 1 });
    expect(sub.take()).toMatchObject([{ type: 'SET', address: '/big/y', revision: 1n }]);
  });

  test('a GET of a param whose SET payload was 65 479 bytes: ERROR to the requester', () => {
    const { client, send } = setup();
    const writer = client();
    send(writer, setOfPayload('/big/x', 65_479));
    writer.take();
    const reader = client();
    send(reader, { type: 'GET', address: '/big/x' });
    expect(reader.take()).toMatchObject([{ type: 'ERROR', message: expect.stringMatching(/SNAPSHOT of \/big\/x not sent.*payload limit/) }]);
  });

  test('HELLO snapshot with a too-large param: the others arrive, the big one is named in an ERROR', () => {
    const { client, send } = setup();
    const writer = client();
    send(writer, { type: 'SET', address: '/a', value: 1 });
    send(writer, setOfPayload('/big/x', 65_500));
    send(writer, { type: 'SET', address: '/b', value: 2 });
    const late = client(false);
    send(late, { type: 'HELLO', version: 1, name: 'late', features: [] });
    const got = late.take();
    expect(got[0]?.type).toBe('WELCOME');
    const snapshots = got.filter((m) => m.type === 'SNAPSHOT').flatMap((m) => (m.type === 'SNAPSHOT' ? m.params.map((p) => p.address) : []));
    expect(snapshots.sort()).toEqual(['/a', '/b']);
    expect(got.some((m) => m.type === 'ERROR' && /SNAPSHOT of \/big\/x/.test(m.message))).toBe(true);
  });

  test('a revision conflict on a 65 490-byte address: the ERROR is sent without the address', () => {
    const { client, send } = setup();
    const writer = client();
    const address = `/${'a'.repeat(65_489)}`;
    send(writer, { type: 'SET', address, value: 1 });
    expect(writer.take()).toEqual([{ type: 'ACK', address, revision: 1n }]);
    send(writer, { type: 'SET', address, value: 2, revision: 7n });
    const [error] = writer.take();
    expect(error).toMatchObject({ type: 'ERROR', code: 400, message: expect.stringMatching(/Revision conflict.*address left out/) });
    expect((error as { address?: string }).address).toBeUndefined();
  });

  test('QUERY /** over two 40 KB ANNOUNCEs: RESULT is split into frames that fit', () => {
    const { client, send } = setup();
    for (const n of ['a', 'b']) {
      send(client(), { type: 'ANNOUNCE', namespace: `/${n}`, signals: [{ address: `/${n}/sig`, type: 'param', datatype: 'd'.repeat(40_000) }] });
    }
    const q = client();
    send(q, { type: 'QUERY', pattern: '/**' });
    const results = q.take();
    expect(results.map((m) => m.type)).toEqual(['RESULT', 'RESULT']);
    expect(results.flatMap((m) => (m.type === 'RESULT' ? m.signals.map((s) => s.address) : []))).toEqual(['/a/sig', '/b/sig']);
  });
});

describe('patterns', () => {
  test('k* within a segment, /a/** receives /a itself', () => {
    const { client, send } = setup();
    const writer = client();
    const glob = client();
    const globstar = client();
    send(glob, { type: 'SUBSCRIBE', id: 1, pattern: '/e/pre/k*' });
    send(globstar, { type: 'SUBSCRIBE', id: 1, pattern: '/a/**' });
    send(writer, { type: 'SET', address: '/e/pre/kick', value: 1 });
    send(writer, { type: 'SET', address: '/e/pre/snare', value: 1 });
    send(writer, { type: 'SET', address: '/a', value: 1 });
    expect(glob.take()).toMatchObject([{ type: 'SET', address: '/e/pre/kick' }]);
    expect(globstar.take()).toMatchObject([{ type: 'SET', address: '/a' }]);
  });

  test('10 × /** then /z against a 30-segment address is answered (it stalled the old relay 25 s)', () => {
    const { client, send } = setup();
    const writer = client();
    const sub = client();
    send(sub, { type: 'SUBSCRIBE', id: 1, pattern: `${'/**'.repeat(10)}/z` });
    send(writer, { type: 'SET', address: `/${Array(30).fill('a').join('/')}`, value: 1 });
    send(writer, { type: 'SET', address: `/${Array(30).fill('a').join('/')}/z`, value: 1 });
    expect(sub.take()).toMatchObject([{ type: 'SET', address: expect.stringMatching(/\/z$/) }]);
  });

  test.each([
    ['SUBSCRIBE', `/${Array(256).fill('x').join('/')}`, /256 segments \(limit 255\)/],
    ['SUBSCRIBE', `/${Array(65).fill('**').join('/')}`, /limit 64/],
    ['SUBSCRIBE', 'no-slash', /start with/],
    ['QUERY', '/a//b', /empty segment/],
  ])('%s %s is refused with ERROR 202', (type, pattern, why) => {
    const { router, client, send } = setup();
    const c = client();
    send(c, type === 'QUERY' ? { type: 'QUERY', pattern } : { type: 'SUBSCRIBE', id: 1, pattern });
    expect(c.take()).toMatchObject([{ type: 'ERROR', code: 202, message: expect.stringMatching(why) }]);
    expect(router.stats.refusedPatterns).toBe(1);
  });
});

describe('slicing', () => {
  test('a fan-out to 500 sessions runs in slices and sends one shared buffer', () => {
    const { router, client, send } = setup();
    const subs = Array.from({ length: 500 }, () => client());
    for (const s of subs) send(s, { type: 'SUBSCRIBE', id: 1, pattern: '/**' });
    for (const s of subs) s.take();
    const writer = client();
    const work = router.receive(writer, encode({ type: 'SET', address: '/x', value: 1 }));
    let steps = 0;
    while (!work.next().done) steps += 1;
    expect(steps).toBeGreaterThanOrEqual(500 / 64 - 1);
    const first = subs[0]!.frames[0];
    expect(subs.every((s) => s.frames.length === 1 && s.frames[0] === first)).toBe(true);
  });

  test('a snapshot of 5 000 params runs in slices, 800 params per frame at most', () => {
    const { router, client, send } = setup();
    const writer = client();
    for (let i = 0; i < 5000; i += 1) send(writer, { type: 'SET', address: `/p/${i}`, value: i });
    const late = new FakeClient();
    router.connect(late);
    const work = router.receive(late, encode({ type: 'HELLO', version: 1, name: 'late', features: [] }));
    let steps = 0;
    while (!work.next().done) steps += 1;
    expect(steps).toBeGreaterThanOrEqual(5000 / 64);
    const snapshots = late.take().filter((m) => m.type === 'SNAPSHOT');
    expect(snapshots.map((m) => (m.type === 'SNAPSHOT' ? m.params.length : 0))).toEqual([800, 800, 800, 800, 800, 800, 200]);
  });
});
