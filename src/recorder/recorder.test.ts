/**
 * What's tested (fake-indexeddb under Node): append → flush → read back in order; stored bytes are
 * copies; batching by size and by time; the bounded queue refuses loudly; close() ends the session;
 * retention per session and store-wide, oldest first; deleteSession; recordTransport with a fake
 * receiver; the schema's compile-time types.
 */
import 'fake-indexeddb/auto';
import { describe, expect, expectTypeOf, test } from 'vitest';
import type { TransportEvent, TransportReceiver } from '../transport/types.js';
import { mixedFrames, setFrame, useFrameLog } from '../../test/unit/recorder-fixtures.js';
import { RecorderError, RecorderErrorEvent } from './errors.js';
import type { RecordedFrame } from './query.js';
import type { ChunkSummary, FrameLogDB, SessionRecord } from './schema.js';
import { recordTransport } from './transport.js';

const fixture = useFrameLog();
const all = fixture.all;

describe('write path', () => {
  test('frames read back in order with their fields, across many chunks', async () => {
    const rec = await fixture.log.startRecording({ name: 'a', chunkFrames: 16 });
    const frames = mixedFrames(200);
    for (const f of frames) rec.append(f.bytes, { direction: f.direction, connection: f.connection, time: f.time });
    await rec.flush();
    const got = await all(rec.sessionId);
    expect(got.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    got.forEach((f, i) => {
      const want = frames[i]!;
      expect([...f.bytes]).toEqual([...want.bytes]);
      expect([f.direction, f.connection, f.time, f.type, f.address]).toEqual([
        want.direction, want.connection, want.time, want.type, want.address,
      ]);
    });
    const session = await fixture.log.session(rec.sessionId);
    expect(session?.frameCount).toBe(200);
    expect(session?.byteCount).toBe(frames.reduce((n, f) => n + f.bytes.length, 0));
  });

  test('stored bytes are a copy: reusing the caller buffer does not change them', async () => {
    const rec = await fixture.log.startRecording();
    const shared = new Uint8Array(setFrame('/a', 1));
    const original = [...shared];
    rec.append(shared);
    shared.fill(0xff);
    rec.append(shared);
    await rec.flush();
    const got = await all(rec.sessionId);
    expect([...got[0]!.bytes]).toEqual(original);
    expect([...got[1]!.bytes]).toEqual(new Array(shared.length).fill(0xff));
  });

  test('a batch is written by time without flush()', async () => {
    const rec = await fixture.log.startRecording({ flushIntervalMs: 5 });
    rec.append(setFrame('/t', 1));
    rec.append(setFrame('/t', 2));
    await expect.poll(() => fixture.log.count({ sessionId: rec.sessionId }), { timeout: 2000 }).toBe(2);
    expect(rec.stats).toEqual({ appended: 2, committed: 2, queued: 0, dropped: 0 });
  });

  test('a full chunk is written by size without waiting for the interval', async () => {
    const rec = await fixture.log.startRecording({ flushIntervalMs: 60_000, chunkFrames: 4 });
    for (let i = 0; i < 4; i++) rec.append(setFrame('/s', i));
    await expect.poll(() => fixture.log.count({ sessionId: rec.sessionId }), { timeout: 2000 }).toBe(4);
  });

  test('a full queue refuses frames with QueueFull, reports once, counts them, loses nothing accepted', async () => {
    const rec = await fixture.log.startRecording({ maxQueuedFrames: 10, chunkFrames: 1024, flushIntervalMs: 60_000 });
    const events: RecorderErrorEvent[] = [];
    rec.addEventListener('error', (e) => events.push(e as RecorderErrorEvent));
    for (let i = 0; i < 10; i++) rec.append(setFrame('/q', i));
    for (let i = 0; i < 3; i++) {
      expect(() => rec.append(setFrame('/q', 99))).toThrow(expect.objectContaining({ code: 'QueueFull' }));
    }
    expect(events).toHaveLength(1);
    expect(events[0]!.fatal).toBe(false);
    expect((events[0]!.error as RecorderError).code).toBe('QueueFull');
    await rec.ready();
    await rec.flush();
    expect(rec.state).toBe('recording');
    rec.append(setFrame('/q', 10));
    await rec.close();
    expect(await fixture.log.count({ sessionId: rec.sessionId })).toBe(11);
    const session = await fixture.log.session(rec.sessionId);
    expect(session?.droppedFrames).toBe(3);
    expect(rec.stats.dropped).toBe(3);
  });

  test('the byte bound of the queue also refuses', async () => {
    const rec = await fixture.log.startRecording({ maxQueuedBytes: 100, flushIntervalMs: 60_000 });
    rec.append(new Uint8Array(60));
    expect(() => rec.append(new Uint8Array(60))).toThrow(expect.objectContaining({ code: 'QueueFull' }));
    await rec.close();
  });

  test('close() writes everything, sets endedAt, and later appends throw NotRecording', async () => {
    const rec = await fixture.log.startRecording({ name: 'closing' });
    rec.append(setFrame('/c', 1));
    rec.describeConnection('', { url: 'ws://127.0.0.1:1/x', protocol: 'clasp' });
    await rec.close();
    await rec.close();
    const session = await fixture.log.session(rec.sessionId);
    expect(session?.endedAt).toBeTypeOf('number');
    expect(session?.connections['']).toEqual({ url: 'ws://127.0.0.1:1/x', protocol: 'clasp' });
    expect(session?.frameCount).toBe(1);
    expect(rec.state).toBe('closed');
    expect(() => rec.append(setFrame('/c', 2))).toThrow(expect.objectContaining({ code: 'NotRecording' }));
  });

  test("hostile connection ids such as '__proto__' are ordinary keys", async () => {
    const rec = await fixture.log.startRecording();
    rec.describeConnection('__proto__', { url: 'ws://127.0.0.1:1/' });
    rec.append(setFrame('/p', 1), { connection: '__proto__' });
    await rec.close();
    const session = await fixture.log.session(rec.sessionId);
    expect(Object.hasOwn(session!.connections, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(session!.connections)).toBe(Object.prototype);
    expect((await all(rec.sessionId))[0]!.connection).toBe('__proto__');
    expect(await fixture.log.connections(rec.sessionId)).toEqual(['__proto__']);
  });

  test('large frames beyond the chunk byte size get their own chunk', async () => {
    const rec = await fixture.log.startRecording({ chunkBytes: 1024 });
    const big = new Uint8Array(5000).map((_, i) => i & 0xff);
    rec.append(setFrame('/x', 1));
    rec.append(big);
    rec.append(setFrame('/x', 2));
    await rec.close();
    const got = await all(rec.sessionId);
    expect(got.map((f) => f.bytes.length)).toEqual([setFrame('/x', 1).length, 5000, setFrame('/x', 2).length]);
    expect([...got[1]!.bytes]).toEqual([...big]);
  });
});

describe('retention', () => {
  test('per-session frame limit evicts the oldest chunks first', async () => {
    const rec = await fixture.log.startRecording({ chunkFrames: 10, retention: { sessionMaxFrames: 25 } });
    for (let i = 0; i < 100; i++) rec.append(setFrame('/r', i));
    await rec.close();
    const seqs = (await all(rec.sessionId)).map((f) => f.seq);
    expect(seqs.length).toBeLessThanOrEqual(25);
    expect(seqs.length).toBeGreaterThan(15);
    expect(seqs[seqs.length - 1]).toBe(99);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const session = await fixture.log.session(rec.sessionId);
    expect(session?.frameCount).toBe(seqs.length);
    expect(session?.evictedFrames).toBe(100 - seqs.length);
    expect((await fixture.log.totals()).frames).toBe(seqs.length);
  });

  test('per-session byte limit', async () => {
    const rec = await fixture.log.startRecording({ chunkFrames: 4, retention: { sessionMaxBytes: 200 } });
    for (let i = 0; i < 40; i++) rec.append(new Uint8Array(20).fill(i));
    await rec.close();
    const got = await all(rec.sessionId);
    expect(got.length * 20).toBeLessThanOrEqual(200);
    expect(got[got.length - 1]!.bytes[0]).toBe(39);
    expect((await fixture.log.session(rec.sessionId))?.byteCount).toBe(got.length * 20);
  });

  test('store-wide limit evicts the oldest chunks of any session first', async () => {
    const old = await fixture.log.startRecording({ name: 'old', chunkFrames: 10 });
    for (let i = 0; i < 30; i++) old.append(setFrame('/o', i), { time: 1000 + i });
    await old.close();
    const young = await fixture.log.startRecording({ name: 'young', chunkFrames: 10, retention: { maxFrames: 40 } });
    for (let i = 0; i < 30; i++) young.append(setFrame('/y', i), { time: 5000 + i });
    await young.close();
    expect((await all(old.sessionId)).map((f) => f.seq)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(await fixture.log.count({ sessionId: young.sessionId })).toBe(30);
    expect(await fixture.log.totals()).toMatchObject({ frames: 40 });
    expect((await fixture.log.session(old.sessionId))?.frameCount).toBe(10);
  });
});

test('store-wide byte limit counts every session', async () => {
  const a = await fixture.log.startRecording({ chunkFrames: 5 });
  for (let i = 0; i < 20; i++) a.append(new Uint8Array(10).fill(i), { time: 100 + i });
  await a.close();
  const b = await fixture.log.startRecording({ chunkFrames: 5, retention: { maxBytes: 250 } });
  for (let i = 0; i < 10; i++) b.append(new Uint8Array(10).fill(100 + i), { time: 900 + i });
  await b.close();
  const totals = await fixture.log.totals();
  expect(totals.bytes).toBeLessThanOrEqual(250);
  expect(totals.bytes).toBe(250);
  expect((await all(a.sessionId)).map((f) => f.bytes[0])).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  expect(await fixture.log.count({ sessionId: b.sessionId })).toBe(10);
});

describe('sessions', () => {
  test('deleteSession removes its frames and totals, leaves others intact', async () => {
    const a = await fixture.log.startRecording({ name: 'a' });
    const b = await fixture.log.startRecording({ name: 'b' });
    for (let i = 0; i < 5; i++) a.append(setFrame('/a', i));
    for (let i = 0; i < 7; i++) b.append(setFrame('/b', i));
    await Promise.all([a.close(), b.close()]);
    await fixture.log.deleteSession(a.sessionId);
    expect(await fixture.log.count({ sessionId: a.sessionId })).toBe(0);
    expect(await fixture.log.count({ sessionId: b.sessionId })).toBe(7);
    expect((await fixture.log.sessions()).map((s) => s.name)).toEqual(['b']);
    expect((await fixture.log.totals()).frames).toBe(7);
    await expect(fixture.log.deleteSession(a.sessionId)).rejects.toMatchObject({ code: 'SessionNotFound' });
  });

  test('deleting a session being recorded stops its recorder with SessionDeleted', async () => {
    const rec = await fixture.log.startRecording();
    rec.append(setFrame('/d', 1));
    await rec.flush();
    await fixture.log.deleteSession(rec.sessionId);
    const failed = new Promise<RecorderErrorEvent>((resolve) => rec.addEventListener('error', (e) => resolve(e as RecorderErrorEvent)));
    rec.append(setFrame('/d', 2));
    await expect(rec.flush()).rejects.toMatchObject({ code: 'SessionDeleted' });
    expect((await failed).lostFrames).toBe(1);
    expect(await fixture.log.count({ sessionId: rec.sessionId })).toBe(0);
  });
});

describe('recordTransport', () => {
  function fakeReceiver(events: TransportEvent[]): TransportReceiver {
    const queue = [...events];
    return {
      recv: async () => queue.shift() ?? null,
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const e = queue.shift();
          if (e === undefined) return;
          yield e;
        }
      },
    };
  }

  test('records Data and Text events, the subprotocol, and passes events on', async () => {
    const rec = await fixture.log.startRecording();
    const seen: string[] = [];
    const data = setFrame('/t/x', 3);
    const run = recordTransport(
      fakeReceiver([
        { type: 'Connected', protocol: 'clasp' },
        { type: 'Data', data },
        { type: 'Text', text: 'hello' },
        { type: 'Disconnected', code: 1000, reason: '', wasClean: true },
      ]),
      rec,
      { connection: 'ws1', url: 'ws://127.0.0.1:9/', onEvent: (e) => seen.push(e.type) },
    );
    await run.done;
    await rec.close();
    expect(seen).toEqual(['Connected', 'Data', 'Text', 'Disconnected']);
    const got = await all(rec.sessionId);
    expect(got.map((f) => [f.connection, f.direction, f.text, f.type, f.address])).toEqual([
      ['ws1', 'in', false, 0x21, '/t/x'],
      ['ws1', 'in', true, -1, null],
    ]);
    expect(new TextDecoder().decode(got[1]!.bytes)).toBe('hello');
    expect((await fixture.log.session(rec.sessionId))?.connections['ws1']).toEqual({ url: 'ws://127.0.0.1:9/', protocol: 'clasp' });
  });

  test('a stopped recorder does not stall the transport; it is reported once', async () => {
    const rec = await fixture.log.startRecording();
    await rec.close();
    const errors: unknown[] = [];
    rec.addEventListener('error', (e) => errors.push((e as RecorderErrorEvent).error));
    const frames = Array.from({ length: 5 }, (_, i): TransportEvent => ({ type: 'Data', data: setFrame('/z', i) }));
    await recordTransport(fakeReceiver(frames), rec).done;
    expect(errors).toHaveLength(1);
    expect((errors[0] as RecorderError).code).toBe('NotRecording');
  });
});

test('schema types (compile-time)', () => {
  expectTypeOf<FrameLogDB['sessions']['value']>().toEqualTypeOf<SessionRecord>();
  expectTypeOf<FrameLogDB['chunks']['key']>().toEqualTypeOf<[sessionId: number, firstSeq: number]>();
  expectTypeOf<FrameLogDB['chunks']['value']>().toEqualTypeOf<ChunkSummary>();
  expectTypeOf<FrameLogDB['chunks']['indexes']>().toEqualTypeOf<{ 'by-end': number }>();
  expectTypeOf<RecordedFrame['direction']>().toEqualTypeOf<'in' | 'out'>();
});
