/**
 * What's tested (fake-indexeddb): every failure stops recording with one fatal `error` event, rejects
 * waiting flushes, keeps committed frames readable and leaves no unhandled rejection —
 * QuotaExceededError, a closed database, a connection closed for another tab's upgrade, a blocked
 * upgrade — and the upgrade from schema v1 keeps data and adds the v2 index.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { deleteDatabase, freshDbName, setFrame } from '../../test/unit/recorder-fixtures.js';
import { RecorderErrorEvent } from './errors.js';
import { FrameLog } from './frame-log.js';
import { FrameRecorder } from './recorder.js';
import { DB_VERSION, migrate, type FrameLogDB } from './schema.js';

let name: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeEach(() => {
  name = freshDbName();
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  await new Promise((r) => setTimeout(r, 20));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  await deleteDatabase(name);
});

function nextError(rec: FrameRecorder): Promise<RecorderErrorEvent> {
  return new Promise((resolve) => rec.addEventListener('error', (e) => resolve(e as RecorderErrorEvent), { once: true }));
}

describe('failures stop recording loudly and keep committed data', () => {
  test('QuotaExceededError', async () => {
    const log = await FrameLog.open({ name });
    const rec = await log.startRecording();
    for (let i = 0; i < 10; i++) rec.append(setFrame('/q', i));
    await rec.flush();
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function quotaFull(): never {
      throw new DOMException('simulated: quota exceeded', 'QuotaExceededError');
    };
    try {
      const failed = nextError(rec);
      for (let i = 10; i < 15; i++) rec.append(setFrame('/q', i));
      await expect(rec.flush()).rejects.toMatchObject({ name: 'QuotaExceededError' });
      const event = await failed;
      expect(event.fatal).toBe(true);
      expect(event.lostFrames).toBe(5);
      expect(rec.state).toBe('failed');
      expect(() => rec.append(setFrame('/q', 99))).toThrow(expect.objectContaining({ code: 'NotRecording' }));
      await expect(rec.close()).rejects.toMatchObject({ name: 'QuotaExceededError' });
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    const seqs: number[] = [];
    for await (const f of log.frames({ sessionId: rec.sessionId })) seqs.push(f.seq);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await log.session(rec.sessionId))?.frameCount).toBe(10);
    log.close();
  });

  test('a background write failing with nobody awaiting is only an event (no unhandled rejection)', async () => {
    const log = await FrameLog.open({ name });
    const rec = await log.startRecording({ flushIntervalMs: 1 });
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function quotaFull(): never {
      throw new DOMException('simulated: quota exceeded', 'QuotaExceededError');
    };
    try {
      const failed = nextError(rec);
      rec.append(setFrame('/bg', 1));
      expect(await failed).toMatchObject({ fatal: true, lostFrames: 1, error: { name: 'QuotaExceededError' } });
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    log.close();
  });

  test('closed database (FrameLog.close while recording)', async () => {
    const log = await FrameLog.open({ name });
    const rec = await log.startRecording();
    rec.append(setFrame('/c', 1));
    await rec.flush();
    rec.append(setFrame('/c', 2));
    const failed = nextError(rec);
    log.close();
    const event = await failed;
    expect(event).toMatchObject({ fatal: true, lostFrames: 1 });
    expect(event.error).toMatchObject({ code: 'DatabaseClosed' });
    await expect(rec.flush()).rejects.toMatchObject({ code: 'DatabaseClosed' });
    const again = await FrameLog.open({ name });
    expect(await again.count({ sessionId: rec.sessionId })).toBe(1);
    again.close();
  });

  test('closing while a write is in flight: that write still commits and lostFrames is exact', async () => {
    const log = await FrameLog.open({ name });
    const rec = await log.startRecording({ chunkFrames: 4, flushIntervalMs: 60_000 });
    const failed = nextError(rec);
    for (let i = 0; i < 4; i++) rec.append(setFrame('/f', i)); // a full chunk: its write starts now
    rec.append(setFrame('/f', 4)); // waits in the open chunk
    log.close();
    const event = await failed;
    expect(event).toMatchObject({ fatal: true, lostFrames: 1, error: { code: 'DatabaseClosed' } });
    expect(rec.stats.committed).toBe(4);
    const again = await FrameLog.open({ name });
    expect(await again.count({ sessionId: rec.sessionId })).toBe(4);
    again.close();
  });

  test('connection closed because another tab upgrades: recording stops, data survives the upgrade', async () => {
    const log = await FrameLog.open({ name });
    const rec = await log.startRecording();
    rec.append(setFrame('/v', 1));
    await rec.flush();
    const failed = nextError(rec);
    const newer = await openDB<FrameLogDB>(name, DB_VERSION + 1);
    expect((await failed).error).toMatchObject({ code: 'DatabaseClosed' });
    expect(await newer.count('chunks')).toBe(1);
    newer.close();
  });

  test('blocked upgrade: open rejects with UpgradeBlocked and leaves no connection behind', async () => {
    // An old connection that ignores versionchange, like a tab running an old build would.
    const v1 = await openDB<FrameLogDB>(name, 1, {
      upgrade(db, oldVersion, _newVersion, tx) {
        migrate(db, oldVersion, 1, tx);
      },
    });
    await expect(FrameLog.open({ name })).rejects.toMatchObject({ code: 'UpgradeBlocked' });
    v1.close();
    await new Promise((r) => setTimeout(r, 20));
    const log = await FrameLog.open({ name });
    expect(await log.sessions()).toEqual([]);
    log.close();
  });
});

describe('schema upgrade', () => {
  test('upgrade from v1 keeps sessions and frames and indexes old chunks for retention', async () => {
    const v1 = await openDB<FrameLogDB>(name, 1, {
      upgrade(db, oldVersion, _newVersion, tx) {
        migrate(db, oldVersion, 1, tx);
      },
    });
    expect([...v1.objectStoreNames].sort()).toEqual(['chunkData', 'chunks', 'meta', 'sessions']);
    expect([...v1.transaction('chunks').store.indexNames]).toEqual([]);
    const id = await v1.add('sessions', {
      name: 'from v1', origin: '', url: '', startedAt: 1, endedAt: null, frameCount: 0, byteCount: 0,
      nextSeq: 0, droppedFrames: 0, evictedFrames: 0, connections: {},
    } as never);
    const old = new FrameRecorder(v1, id, { chunkFrames: 10 });
    for (let i = 0; i < 50; i++) old.append(setFrame('/old', i), { time: 1000 + i });
    await old.close();
    v1.close();

    const log = await FrameLog.open({ name });
    expect(await log.count({ sessionId: id })).toBe(50);
    expect((await log.session(id))?.name).toBe('from v1');
    // Store-wide retention walks the v2 `by-end` index, so it must see the chunks written under v1.
    const rec = await log.startRecording({ chunkFrames: 10, retention: { maxFrames: 30 } });
    for (let i = 0; i < 10; i++) rec.append(setFrame('/new', i), { time: 9000 + i });
    await rec.close();
    const oldSeqs: number[] = [];
    for await (const f of log.frames({ sessionId: id })) oldSeqs.push(f.seq);
    expect(oldSeqs).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    log.close();
  });
});
