/**
 * In-page helpers for test/browser/recorder*.test.ts. Everything runs against Chromium's real
 * IndexedDB; the test drives these functions through `page.evaluate` and compares results.
 */
import { encode, type Message } from '../../../src/protocol/index.js';
import {
  FrameLog, compileAddressGlob, exportHar, exportNdjson, importHar, importNdjson, toBlob,
  type FrameQuery, type RecorderErrorEvent,
} from '../../../src/recorder/index.js';

/** One generated frame with the fields a query sees. */
export interface PageFrame {
  bytes: Uint8Array;
  direction: 'in' | 'out';
  connection: string;
  time: number;
  type: number;
  address: string | null;
}

/** Deterministic mixed frames (SET / PUBLISH / PING / not-CLASP) over 3 connections. */
export function makeFrames(n: number, seed: number, t0 = 1_750_000_000_000): PageFrame[] {
  let x = seed;
  const rand = (m: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x >>> 16) % m;
  };
  return Array.from({ length: n }, (_, i) => {
    const kind = rand(10);
    const setAddress = `/mixer/${rand(4)}/${['gain', 'pan', 'mute'][rand(3)]!}`;
    const cue = `/cue/${rand(5)}`;
    const base = { direction: rand(2) === 0 ? 'in' : 'out', connection: `c${rand(3)}`, time: t0 + i * 2 + rand(2) } as const;
    if (kind < 5) return { ...base, bytes: encode({ type: 'SET', address: setAddress, value: i } as Message), type: 0x21, address: setAddress };
    if (kind < 8) return { ...base, bytes: encode({ type: 'PUBLISH', address: cue, signal: 'event', value: 'go' } as Message), type: 0x20, address: cue };
    if (kind < 9) return { ...base, bytes: encode({ type: 'PING' } as Message), type: 0x41, address: null };
    return { ...base, bytes: Uint8Array.of(0xde, 0xad, rand(256), i & 0xff), type: -1, address: null };
  });
}

/** Hex digest-ish of bytes (FNV-1a), to compare frames across the page boundary cheaply. */
export function fnv(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

/** Records `n` generated frames into a new session; returns its id and stats. */
export async function record(dbName: string, n: number, seed: number, opts: { close?: boolean; name?: string } = {}) {
  const log = await FrameLog.open({ name: dbName });
  const rec = await log.startRecording({ name: opts.name ?? `seed ${seed}`, chunkFrames: 256 });
  for (const [i, f] of makeFrames(n, seed).entries()) {
    if ((i & 1023) === 0) await rec.ready();
    rec.append(f.bytes, { direction: f.direction, connection: f.connection, time: f.time });
  }
  if (opts.close === false) await rec.flush();
  else await rec.close();
  const sessionId = rec.sessionId;
  log.close();
  return { sessionId, stats: rec.stats };
}

/** Frames of a session as comparable rows `[seq, fnv, direction, connection, time, type, address]`. */
export async function readRows(dbName: string, query: FrameQuery) {
  const log = await FrameLog.open({ name: dbName });
  const rows: [number, string, string, string, number, number, string | null][] = [];
  for await (const f of log.frames(query)) rows.push([f.seq, fnv(f.bytes), f.direction, f.connection, f.time, f.type, f.address]);
  const session = await log.session(query.sessionId);
  const count = await log.count(query);
  log.close();
  return { rows, count, session };
}

/** Brute-force filter of the generated frames, the reference for queries. */
export function bruteForce(n: number, seed: number, q: Omit<FrameQuery, 'sessionId'>) {
  const glob = q.address === undefined ? undefined : compileAddressGlob(q.address);
  return makeFrames(n, seed)
    .map((f, seq) => ({ f, seq }))
    .filter(({ f, seq }) =>
      (q.from === undefined || f.time >= q.from) && (q.to === undefined || f.time <= q.to) &&
      (q.fromSeq === undefined || seq >= q.fromSeq) && (q.direction === undefined || f.direction === q.direction) &&
      (q.types === undefined || q.types.includes(f.type)) && (q.connection === undefined || f.connection === q.connection) &&
      (glob === undefined || (f.address !== null && glob(f.address))))
    .map(({ f, seq }) => [seq, fnv(f.bytes), f.direction, f.connection, f.time, f.type, f.address]);
}

/**
 * Records until the first fatal error (e.g. QuotaExceededError); returns what the recorder reported
 * and what is readable afterwards.
 */
export async function recordUntilFailure(dbName: string, maxFrames: number) {
  const log = await FrameLog.open({ name: dbName });
  const rec = await log.startRecording({ name: 'until failure', chunkFrames: 512 });
  const fatal = new Promise<RecorderErrorEvent>((resolve) =>
    rec.addEventListener('error', (e) => (e as RecorderErrorEvent).fatal && resolve(e as RecorderErrorEvent)));
  const unhandled: string[] = [];
  addEventListener('unhandledrejection', (e) => unhandled.push(String(e.reason)));
  // Fresh random bytes per frame: Chromium compresses IndexedDB values, so repeated content would
  // never fill the quota.
  const payload = new Uint8Array(2000);
  let appended = 0;
  while (appended < maxFrames && rec.state === 'recording') {
    await rec.ready();
    for (let i = 0; i < 64 && rec.state === 'recording'; i++, appended++) {
      crypto.getRandomValues(payload);
      payload[0] = appended & 0xff;
      payload[1] = (appended >> 8) & 0xff;
      payload[2] = (appended >> 16) & 0xff;
      rec.append(payload);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  const flushError = await rec.flush().then(() => null, (e: unknown) => (e as Error).name);
  const event = await Promise.race([fatal, new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
  const committed = rec.stats.committed;
  // Everything committed must read back, intact and in order.
  let readable = 0;
  let intact = true;
  for await (const f of log.frames({ sessionId: rec.sessionId })) {
    const n = f.bytes[0]! | (f.bytes[1]! << 8) | (f.bytes[2]! << 16);
    if (f.seq !== readable || (n & 0xffffff) !== (f.seq & 0xffffff) || f.bytes.length !== 2000) intact = false;
    readable++;
  }
  await new Promise((r) => setTimeout(r, 50));
  const state = rec.state;
  log.close();
  return {
    appended, committed, readable, intact, flushError, unhandled, state,
    errorName: event === null ? null : (event.error as Error).name, lostFrames: event?.lostFrames ?? null,
  };
}

/** Exports a session to NDJSON and HAR Blobs and imports both back; returns the new session ids. */
export async function roundTrip(dbName: string, sessionId: number) {
  const log = await FrameLog.open({ name: dbName });
  const ndjson = await toBlob(exportNdjson(log, sessionId), 'application/x-ndjson');
  const har = await toBlob(exportHar(log, sessionId), 'application/json');
  const fromNdjson = await importNdjson(log, ndjson, { name: 'ndjson copy' });
  const fromHar = await importHar(log, har, { name: 'har copy' });
  const badLine = await importNdjson(log, `${(await ndjson.text()).split('\n')[0]}\n{"time":1}\n`).catch((e: { line?: number }) => e.line);
  const sessions = (await log.sessions()).map((s) => s.name);
  log.close();
  return { fromNdjson, fromHar, harBytes: har.size, ndjsonBytes: ndjson.size, badLine, sessions };
}

/** Sends `n` SET frames and one text message over a WebSocket to an echo server; returns what was sent. */
export async function exchange(url: string, n: number): Promise<{ sent: string[] }> {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let echoes = 0;
  const allEchoed = new Promise<void>((resolve) => {
    ws.onmessage = () => {
      if (++echoes === n + 1) resolve();
    };
  });
  const sent: string[] = [];
  for (let i = 0; i < n; i++) {
    const frame = encode({ type: 'SET', address: `/devtools/${i}`, value: i } as Message);
    sent.push(fnv(frame));
    ws.send(frame as Uint8Array<ArrayBuffer>);
  }
  ws.send('hello devtools');
  await allEchoed;
  ws.close();
  await new Promise((resolve) => (ws.onclose = resolve));
  return { sent };
}

/** Imports a HAR text into a new session and returns the result and its rows. */
export async function importHarRows(dbName: string, har: string) {
  const log = await FrameLog.open({ name: dbName });
  const result = await importHar(log, har, { name: 'from devtools' });
  log.close();
  return { result, ...(await readRows(dbName, { sessionId: result.sessionId })) };
}

/** Records `n` generated frames and returns the session's HAR export as text. */
export async function exportHarText(dbName: string, n: number, seed: number): Promise<string> {
  const { sessionId } = await record(dbName, n, seed);
  const log = await FrameLog.open({ name: dbName });
  const text = await (await toBlob(exportHar(log, sessionId), 'application/json')).text();
  log.close();
  return text;
}

// Large results cross into the test as one JSON string: Playwright serializes big nested arrays slowly.
const readRowsJson = async (dbName: string, query: FrameQuery): Promise<string> => JSON.stringify(await readRows(dbName, query));
const bruteForceJson = (n: number, seed: number, q: Omit<FrameQuery, 'sessionId'>): string => JSON.stringify(bruteForce(n, seed, q));

Object.assign(globalThis, {
  recorderPage: {
    makeFrames, record, readRows, readRowsJson, bruteForce, bruteForceJson, recordUntilFailure, roundTrip, exchange,
    importHarRows, exportHarText,
  },
});
