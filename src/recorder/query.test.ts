/**
 * What's tested: every query filter, alone and combined, and `count()`, against a brute-force filter
 * of the same frames (fake-indexeddb); resuming with `fromSeq`; reads never see another session.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteDatabase, freshDbName, mixedFrames, setFrame, type TestFrame } from '../../test/unit/recorder-fixtures.js';
import { FrameLog } from './frame-log.js';
import { compileAddressGlob } from './glob.js';
import type { FrameQuery } from './query.js';

const frames = mixedFrames(3000);
let name: string;
let log: FrameLog;
let sessionId: number;

beforeAll(async () => {
  name = freshDbName();
  log = await FrameLog.open({ name });
  const other = await log.startRecording({ name: 'noise' });
  const rec = await log.startRecording({ name: 'mixed', chunkFrames: 64 });
  sessionId = rec.sessionId;
  for (const f of frames) {
    rec.append(f.bytes, { direction: f.direction, connection: f.connection, time: f.time });
    other.append(setFrame('/mixer/0/gain', 1), { time: f.time });
  }
  await Promise.all([rec.close(), other.close()]);
});

afterAll(async () => {
  log.close();
  await deleteDatabase(name);
});

function bruteForce(q: Omit<FrameQuery, 'sessionId'>): number[] {
  const glob = q.address === undefined ? undefined : compileAddressGlob(q.address);
  const seqs: number[] = [];
  frames.forEach((f: TestFrame, seq) => {
    if (q.from !== undefined && f.time < q.from) return;
    if (q.to !== undefined && f.time > q.to) return;
    if (q.fromSeq !== undefined && seq < q.fromSeq) return;
    if (q.direction !== undefined && f.direction !== q.direction) return;
    if (q.types !== undefined && !q.types.includes(f.type)) return;
    if (q.connection !== undefined && f.connection !== q.connection) return;
    if (glob !== undefined && (f.address === null || !glob(f.address))) return;
    seqs.push(seq);
  });
  return seqs;
}

const t0 = frames[0]!.time;
const cases: [string, Omit<FrameQuery, 'sessionId'>][] = [
  ['everything', {}],
  ['time range', { from: t0 + 1000, to: t0 + 4000 }],
  ['time range beyond the end', { from: t0 + 1e9 }],
  ['direction out', { direction: 'out' }],
  ['direction in', { direction: 'in' }],
  ['type SET', { types: [0x21] }],
  ['types PUBLISH+PING', { types: [0x20, 0x41] }],
  ['unknown type (not CLASP)', { types: [-1] }],
  ['connection', { connection: 'c1' }],
  ['connection that never occurs', { connection: 'nope' }],
  ['address one segment', { address: '/mixer/*/gain' }],
  ['address any depth', { address: '/cue/**' }],
  ['address exact', { address: frames.find((f) => f.type === 0x21)!.address! }],
  ['cursor fromSeq', { fromSeq: 1234 }],
  ['combined', { from: t0 + 500, to: t0 + 8000, direction: 'in', types: [0x21], connection: 'c2', address: '/mixer/**' }],
];

describe('queries match a brute-force filter', () => {
  test.each(cases)('%s', async (_name, q) => {
    const want = bruteForce(q);
    if (!/never|beyond/.test(_name)) expect(want.length).toBeGreaterThan(0);
    const got: number[] = [];
    for await (const f of log.frames({ sessionId, ...q })) got.push(f.seq);
    expect(got).toEqual(want);
    expect(await log.count({ sessionId, ...q })).toBe(want.length);
  });

  test('batches() yields the same frames as frames()', async () => {
    const seqs: number[] = [];
    for await (const batch of log.batches({ sessionId, types: [0x21] })) seqs.push(...batch.map((f) => f.seq));
    expect(seqs).toEqual(bruteForce({ types: [0x21] }));
  });

  test('resuming a read with fromSeq = last seen + 1 continues exactly', async () => {
    const first: number[] = [];
    for await (const f of log.frames({ sessionId, address: '/mixer/**' })) {
      first.push(f.seq);
      if (first.length === 100) break;
    }
    const rest: number[] = [];
    for await (const f of log.frames({ sessionId, address: '/mixer/**', fromSeq: first[99]! + 1 })) rest.push(f.seq);
    expect([...first, ...rest]).toEqual(bruteForce({ address: '/mixer/**' }));
  });

  test('summaries let queries skip chunks: only chunks that can match are loaded', async () => {
    const rec = await log.startRecording({ name: 'skip', chunkFrames: 100 });
    for (let i = 0; i < 5000; i++) rec.append(setFrame(i === 2345 ? '/rare/one' : '/common/x', i), { time: 1000 + i });
    await rec.close();
    const get = IDBObjectStore.prototype.get;
    let dataReads = 0;
    IDBObjectStore.prototype.get = function counted(this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      if (this.name === 'chunkData') dataReads++;
      return get.call(this, key);
    };
    try {
      const hits: number[] = [];
      for await (const f of log.frames({ sessionId: rec.sessionId, address: '/rare/**' })) hits.push(f.seq);
      expect(hits).toEqual([2345]);
      expect(dataReads).toBe(1);
      dataReads = 0;
      expect(await log.count({ sessionId: rec.sessionId, from: 1000 + 1950, to: 1000 + 2149 })).toBe(200);
      expect(dataReads).toBe(2); // chunks 1900–1999 and 2100–2199 are partial; 2000–2099 is counted from its summary
      dataReads = 0;
      expect(await log.count({ sessionId: rec.sessionId })).toBe(5000);
      expect(dataReads).toBe(0);
    } finally {
      IDBObjectStore.prototype.get = get;
    }
  });

  test('an unknown session reads as empty', async () => {
    expect(await log.count({ sessionId: 9999 })).toBe(0);
  });
});
