/**
 * Page side of the replay tests (test/browser/replay.test.ts, replay-relay.test.ts) and of
 * `npm run bench:replay`: records sessions into the page's real IndexedDB and replays them on the
 * real clock, into counting or timing sinks or into a relay through `WasmWebSocketTransport`.
 */
import { Clasp } from '@clasp-to/core';
import { encode } from '../../../src/protocol/index.js';
import { FrameLog, replaySession, type ReplayResult } from '../../../src/recorder/index.js';
import { WasmWebSocketTransport } from '../../../src/transport/index.js';

const T0 = 1_700_000_000_000;
const logs = new Map<string, Promise<FrameLog>>();

function open(dbName: string): Promise<FrameLog> {
  let log = logs.get(dbName);
  if (log === undefined) logs.set(dbName, (log = FrameLog.open({ name: dbName })));
  return log;
}

/** A CLASP PUBLISH (stream) frame of a fader value, as our codec (byte-exact with the SDK) encodes it. */
function faderFrame(i: number): Uint8Array {
  return encode({ type: 'PUBLISH', address: `/replay/fader/${i % 8}`, signal: 'stream', value: i / 1000 });
}

/**
 * Records `n` out frames `spacingMs` apart (plus an `in` frame after every 10th, which a default
 * replay must skip), with backpressure; returns the session id.
 */
export async function seed(dbName: string, n: number, spacingMs: number, options: { hello?: boolean; close?: boolean } = {}): Promise<number> {
  const log = await open(dbName);
  const rec = await log.startRecording({ name: `seed ${n}`, startedAt: T0 });
  let t = T0;
  if (options.hello === true) {
    rec.append(encode({ type: 'HELLO', version: 1, name: 'replayed show', features: ['param', 'event', 'stream'] }), { direction: 'out', time: t, connection: 'show' });
  }
  for (let i = 0; i < n; i++) {
    if ((i & 1023) === 0) await rec.ready();
    t += spacingMs;
    rec.append(faderFrame(i), { direction: 'out', time: t, connection: 'show' });
    if (i % 10 === 9) rec.append(Uint8Array.of(0x53, 0x41, 0, 0), { direction: 'in', time: t, connection: 'show' });
  }
  if (options.close === false) await rec.flush();
  else await rec.close();
  return rec.sessionId;
}

/** Replays into a sink that only counts; returns frames/s over the whole replay (reads included). */
export async function replayCount(dbName: string, sessionId: number, speed: number): Promise<{ result: ReplayResult; frames: number; seconds: number; bytes: number }> {
  const log = await open(dbName);
  let frames = 0;
  let bytes = 0;
  const t0 = performance.now();
  const result = await replaySession(log, sessionId, { speed, send: (b) => void ((frames += 1), (bytes += b.length)) }).done;
  return { result, frames, bytes, seconds: (performance.now() - t0) / 1000 };
}

/** Reads the whole session through `batches()` (the read-back baseline of the bench). */
export async function readAll(dbName: string, sessionId: number): Promise<{ frames: number; seconds: number }> {
  const log = await open(dbName);
  let frames = 0;
  const t0 = performance.now();
  for await (const b of log.batches({ sessionId, direction: 'out' })) frames += b.length;
  return { frames, seconds: (performance.now() - t0) / 1000 };
}

/** What a timed replay saw: each send's clock offset from the first, and the recorded offsets. */
export interface TimedReplay {
  result: ReplayResult;
  sentAt: number[];
  recordedAt: number[];
  seqs: number[];
}

/** Replays at `speed` on the real clock, noting when each frame reached the sink. */
export async function replayTimed(dbName: string, sessionId: number, speed: number, options: { slowEvery?: number; slowMs?: number } = {}): Promise<TimedReplay> {
  const log = await open(dbName);
  const sentAt: number[] = [];
  const recordedAt: number[] = [];
  const seqs: number[] = [];
  const result = await replaySession(log, sessionId, {
    speed,
    send: (_b, f) => {
      sentAt.push(performance.now());
      recordedAt.push(f.time);
      seqs.push(f.seq);
      if (options.slowEvery !== undefined && seqs.length % options.slowEvery === 0) {
        return new Promise((r) => setTimeout(r, options.slowMs ?? 20));
      }
    },
  }).done;
  const s0 = sentAt[0] ?? 0;
  const r0 = recordedAt[0] ?? 0;
  return { result, sentAt: sentAt.map((t) => t - s0), recordedAt: recordedAt.map((t) => t - r0), seqs };
}

/**
 * The naive baseline of the bench: one `setTimeout(gap to the previous frame)` per frame, as a
 * hand-written replay loop would; its lateness (against the same schedule) accumulates.
 */
export async function naiveTimed(dbName: string, sessionId: number): Promise<number[]> {
  const log = await open(dbName);
  const lateness: number[] = [];
  let start = NaN;
  let first = NaN;
  let previous = NaN;
  for await (const batch of log.batches({ sessionId, direction: 'out' })) {
    for (const f of batch) {
      if (Number.isNaN(first)) {
        first = previous = f.time;
        start = performance.now();
      }
      await new Promise((r) => setTimeout(r, f.time - previous));
      previous = f.time;
      lateness.push(performance.now() - (start + f.time - first));
    }
  }
  return lateness;
}

/**
 * The machine's own timer floor, the baseline of the bench's timing part: `n` absolute deadlines
 * `spacingMs` apart, each waited with one `setTimeout`, no IndexedDB and no replay. Its lateness is
 * what the page's event loop and the OS scheduler cost at that moment.
 */
export async function timerFloor(n: number, spacingMs: number): Promise<number[]> {
  const lateness: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const due = start + i * spacingMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lateness.push(Math.max(0, performance.now() - due));
  }
  return lateness;
}

/** Aborts a real-clock replay after `afterFrames` frames; returns what was sent and the rejection. */
export async function replayAbort(dbName: string, sessionId: number, afterFrames: number): Promise<{ sent: number; error: string; sentAfter: number }> {
  const log = await open(dbName);
  const controller = new AbortController();
  let sent = 0;
  const run = replaySession(log, sessionId, {
    signal: controller.signal,
    send: () => {
      sent += 1;
      if (sent === afterFrames) controller.abort();
    },
  });
  const error = await run.done.then(() => 'resolved', (e: unknown) => (e as Error).name);
  const atAbort = sent;
  await new Promise((r) => setTimeout(r, 100));
  return { sent: atAbort, error, sentAfter: sent - atAbort };
}

/**
 * Replays a session (whose first out frame is HELLO) into `relayUrl` through our transport, while an
 * `@clasp-to/core` client subscribed to `/replay/**` records the raw frames its socket receives.
 */
export async function replayToRelay(dbName: string, sessionId: number, relayUrl: string, speed: number): Promise<{ recorded: number[][]; received: number[][]; sdkValues: number; result: ReplayResult }> {
  const log = await open(dbName);
  const received: number[][] = [];
  // Spy on the SDK's own socket (it uses the page's WebSocket): every binary frame it receives.
  const Native = globalThis.WebSocket;
  globalThis.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent) => {
        if (e.data instanceof ArrayBuffer) received.push([...new Uint8Array(e.data)]);
      });
    }
  } as typeof WebSocket;
  const sdk = new Clasp(relayUrl, { name: 'subscriber', reconnect: false });
  let sdkValues = 0;
  try {
    await sdk.connect();
  } finally {
    globalThis.WebSocket = Native;
  }
  sdk.subscribe('/replay/**', () => void (sdkValues += 1));
  // The relay handles the SDK's frames in order: once the SET sent after SUBSCRIBE comes back
  // (its broadcast, then the ACK), the subscription is in place.
  const subscribed = received.length;
  sdk.set('/replay/ready', 1);
  while (received.length < subscribed + 2) await new Promise((r) => setTimeout(r, 5));
  sdkValues = 0;

  const conn = await WasmWebSocketTransport.connect({ url: relayUrl });
  const connected = await conn.receiver.recv();
  if (connected?.type !== 'Connected') throw new Error(`expected Connected, got ${connected?.type}`);
  // Drain what the relay answers the replayer (WELCOME, SNAPSHOT) so nothing backs up.
  void (async () => {
    while ((await conn.receiver.recv()) !== null);
  })();
  const recorded: number[][] = [];
  for await (const b of log.batches({ sessionId, direction: 'out' })) for (const f of b) recorded.push([...f.bytes]);
  const before = received.length;
  const result = await replaySession(log, sessionId, { speed, send: (bytes) => conn.sender.send(bytes) }).done;
  const expected = recorded.length - 1; // all but HELLO reach the subscriber
  const deadline = performance.now() + 10_000;
  while (received.length - before < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await conn.sender.close();
  sdk.close();
  return { recorded, received: received.slice(before), sdkValues, result };
}

(globalThis as { replayPage?: unknown }).replayPage = { seed, replayCount, readAll, replayTimed, naiveTimed, timerFloor, replayAbort, replayToRelay };
