/**
 * In-page part of `npm run bench:recorder` (scripts/bench-recorder.ts drives it in Chromium):
 * recorder write rate, the naive one-transaction-per-frame baseline, and read-back rates.
 */
import { openDB } from 'idb';
import { FrameLog } from '../../../src/recorder/index.js';

/** Parameters chosen by the driver. */
export interface BenchParams {
  durationS: number;
  naiveS: number;
  frameBytes: number;
}

/** What one run measured. */
export interface BenchResult {
  frames: number;
  seconds: number;
  framesPerS: number;
  minWindowFramesPerS: number;
  refused: number;
  naiveFrames: number;
  naiveSeconds: number;
  naiveFramesPerS: number;
  readFrames: number;
  readSeconds: number;
  readBatchSeconds: number;
  filteredMatched: number;
  filteredSeconds: number;
  timeRangeMatched: number;
  timeRangeSeconds: number;
}

const now = (): number => performance.now();
const channel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
channel.port1.onmessage = () => yieldQueue.shift()?.();
/** A macrotask yield without setTimeout's 4 ms clamp, so IndexedDB callbacks get to run. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    yieldQueue.push(resolve);
    channel.port2.postMessage(0);
  });

/** 64 SET frames of exactly `size` bytes (header 4 + type/flags 2 + str len 2 + f64 8 = 16 + address). */
function templates(size: number): Uint8Array[] {
  return Array.from({ length: 64 }, (_, i) => {
    const prefix = `/bench/ch${String(i).padStart(2, '0')}/`;
    const address = prefix + 'g'.repeat(size - 16 - prefix.length);
    const frame = new Uint8Array(size);
    const view = new DataView(frame.buffer);
    frame.set([0x53, 0x41]);
    view.setUint16(2, size - 4);
    frame.set([0x21, 0x07], 4);
    view.setUint16(6, address.length);
    frame.set(new TextEncoder().encode(address), 8);
    view.setFloat64(8 + address.length, i / 64);
    return frame;
  });
}

async function recordPhase(log: FrameLog, p: BenchParams) {
  const rec = await log.startRecording({ name: 'bench' });
  let refused = 0;
  rec.addEventListener('error', () => undefined);
  const frames = templates(p.frameBytes);
  const shared = new Uint8Array(p.frameBytes); // reused like a transport's receive buffer
  const view = new DataView(shared.buffer);
  const t0 = now();
  const end = t0 + p.durationS * 1000;
  let windowStart = t0;
  let windowCommitted = 0;
  let minWindow = Infinity;
  let n = 0;
  while (now() < end) {
    await rec.ready();
    for (let i = 0; i < 1024; i++, n++) {
      shared.set(frames[n & 63]!);
      view.setFloat64(p.frameBytes - 8, n);
      try {
        rec.append(shared, { direction: (n & 1) === 0 ? 'in' : 'out', connection: (n & 4) === 0 ? 'a' : 'b' });
      } catch {
        refused++;
      }
    }
    await yieldToEventLoop();
    if (now() - windowStart >= 5000) {
      const committed = rec.stats.committed;
      minWindow = Math.min(minWindow, ((committed - windowCommitted) * 1000) / (now() - windowStart));
      windowStart = now();
      windowCommitted = committed;
    }
  }
  await rec.close();
  const seconds = (now() - t0) / 1000;
  const frames_ = rec.stats.committed;
  return { rec, frames: frames_, seconds, minWindow: Number.isFinite(minWindow) ? minWindow : frames_ / seconds, refused };
}

async function naivePhase(p: BenchParams) {
  const name = `bench-naive-${Math.random().toString(36).slice(2)}`;
  const db = await openDB(name, 1, { upgrade: (d) => void d.createObjectStore('frames', { autoIncrement: true }) });
  const frame = templates(p.frameBytes)[0]!;
  const t0 = now();
  const end = t0 + p.naiveS * 1000;
  let committed = 0;
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  // One transaction per frame, as an onmessage handler doing `db.add()` per frame would; up to 256
  // in flight so the baseline is not limited by waiting for each commit in turn.
  while (now() < end) {
    const tx = db.transaction('frames', 'readwrite', { durability: 'relaxed' });
    void tx.store.add({ seq: n++, time: Date.now(), dir: 'in', bytes: frame.slice().buffer });
    const done = tx.done.then(() => void committed++);
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    if (inFlight.size >= 256) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (now() - t0) / 1000;
  db.close();
  await new Promise((r) => { const req = indexedDB.deleteDatabase(name); req.onsuccess = r; req.onerror = r; });
  return { frames: committed, seconds };
}

async function timed(run: () => Promise<number>): Promise<[number, number]> {
  const t0 = now();
  const count = await run();
  return [count, (now() - t0) / 1000];
}

/** Runs every phase once. */
export async function runRecorderBench(p: BenchParams): Promise<BenchResult> {
  const log = await FrameLog.open({ name: `bench-${Math.random().toString(36).slice(2)}` });
  const w = await recordPhase(log, p);
  const naive = await naivePhase(p);
  const sessionId = w.rec.sessionId;
  const [readFrames, readSeconds] = await timed(async () => {
    let c = 0;
    for await (const f of log.frames({ sessionId })) c += f.bytes.length > 0 ? 1 : 0;
    return c;
  });
  const [, readBatchSeconds] = await timed(async () => {
    let c = 0;
    for await (const b of log.batches({ sessionId })) c += b.length;
    return c;
  });
  const [filteredMatched, filteredSeconds] = await timed(async () => {
    let c = 0;
    for await (const _ of log.frames({ sessionId, address: '/bench/ch08/*', direction: 'in', types: [0x21] })) c++;
    return c;
  });
  const session = await log.session(sessionId);
  const mid = session!.startedAt + (w.seconds * 1000) / 2;
  const [timeRangeMatched, timeRangeSeconds] = await timed(async () => {
    let c = 0;
    for await (const _ of log.frames({ sessionId, from: mid, to: mid + 2000 })) c++;
    return c;
  });
  await log.deleteSession(sessionId);
  log.close();
  if (filteredMatched === 0 || timeRangeMatched === 0) throw new Error('bench queries matched nothing: the benchmark is broken');
  return {
    frames: w.frames, seconds: w.seconds, framesPerS: w.frames / w.seconds, minWindowFramesPerS: w.minWindow,
    refused: w.refused, naiveFrames: naive.frames, naiveSeconds: naive.seconds,
    naiveFramesPerS: naive.frames / naive.seconds, readFrames, readSeconds, readBatchSeconds,
    filteredMatched, filteredSeconds, timeRangeMatched, timeRangeSeconds,
  };
}

(globalThis as { runRecorderBench?: typeof runRecorderBench }).runRecorderBench = runRecorderBench;
