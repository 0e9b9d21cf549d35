/**
 * The TypeScript baseline of `npm run bench:wasm`: the same work as the Rust example's `bench`
 * mode (HELLO, SUBSCRIBE, `n` SETs with at most `window` unanswered, each answered by the relay's
 * broadcast SET and an ACK; then `rtt` sequential PING → PONG), on the same transport, written
 * with the project's TypeScript codec.
 */
import { decode, encode } from '../../../src/protocol/index.js';
import { WasmWebSocketTransport } from '../../../src/transport/index.js';
import { LoopbackPair } from '../../support/loopback-transport.js';

/** What one run measured, in the shape of the Rust client's reports. */
export interface TsStreamResult {
  readonly answers: number;
  readonly setsIn: number;
  readonly inOrder: boolean;
  readonly elapsedUs: number;
  readonly rttMeanUs: number;
  readonly rttMinUs: number;
}

/** Runs the baseline against the relay at `url`. */
export async function tsStream(url: string, n: number, window: number, rtt: number): Promise<TsStreamResult> {
  const { sender, receiver } = await WasmWebSocketTransport.connect({ url, name: 'ts-baseline' });
  await sender.send(encode({ type: 'HELLO', version: 1, name: 'ts-baseline', features: ['param', 'event', 'stream'] }));
  await sender.send(encode({ type: 'SUBSCRIBE', id: 1, pattern: '/bench/**' }));
  let answers = 0;
  let setsIn = 0;
  let inOrder = true;
  let lastRevision = 0n;
  let wakeSender: (() => void) | undefined;
  const started = performance.now();
  const sending = (async () => {
    for (let i = 0; i < n; i++) {
      while (i >= window && answers < i + 1 - window) await new Promise<void>((r) => (wakeSender = r));
      await sender.send(encode({ type: 'SET', address: '/bench/seq', value: i }));
    }
  })();
  while (answers < n) {
    const event = await receiver.recv();
    if (event === null) break;
    if (event.type !== 'Data') continue;
    const m = decode(event.data);
    if (m.type === 'ACK' && m.revision !== undefined) {
      const revision = BigInt(m.revision);
      inOrder &&= revision > lastRevision;
      lastRevision = revision;
      answers += 1;
      wakeSender?.();
      wakeSender = undefined;
    } else if (m.type === 'SET' && m.address === '/bench/seq') {
      inOrder &&= m.value === setsIn;
      setsIn += 1;
    }
  }
  const elapsedUs = (performance.now() - started) * 1000;
  await sending;
  const samples: number[] = [];
  for (let i = 0; i < rtt; i++) {
    const t0 = performance.now();
    await sender.send(encode({ type: 'PING' }));
    for (;;) {
      const event = await receiver.recv();
      if (event === null) break;
      if (event.type === 'Data' && decode(event.data).type === 'PONG') break;
    }
    samples.push((performance.now() - t0) * 1000);
  }
  await sender.close();
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return { answers, setsIn, inOrder, elapsedUs, rttMeanUs: mean, rttMinUs: Math.min(...samples) };
}

/**
 * The ceiling: the same SET/ACK workload on a bare browser `WebSocket` (no transport, no codec:
 * pre-built frames, ACKs recognised by their type byte). Returns SETs per second.
 */
export async function rawStream(url: string, n: number, window: number): Promise<number> {
  const ws = new WebSocket(url, 'clasp');
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  // The codec's frames own their ArrayBuffer (exact length), which is what WebSocket.send wants.
  const frame = (m: Parameters<typeof encode>[0]): Uint8Array<ArrayBuffer> => encode(m) as Uint8Array<ArrayBuffer>;
  ws.send(frame({ type: 'HELLO', version: 1, name: 'raw-baseline', features: ['param'] }));
  const frames = Array.from({ length: n }, (_, i) => frame({ type: 'SET', address: '/bench/raw', value: i }));
  let sent = 0;
  let acks = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (sent < n && sent - acks < window) ws.send(frames[sent++] as Uint8Array<ArrayBuffer>);
    };
    ws.onmessage = (e: MessageEvent<ArrayBuffer>) => {
      if (new Uint8Array(e.data)[4] !== 0x50) return;
      acks += 1;
      if (acks === n) resolve();
      else pump();
    };
    pump();
  });
  const rate = n / ((performance.now() - started) / 1000);
  ws.close();
  return rate;
}

/**
 * Bridge overhead without a socket: the Rust example's `stream relay=0` work in TypeScript over an
 * in-memory loopback (each SET comes back as sent). Returns SETs per second.
 */
export async function tsLoopback(n: number, window: number): Promise<number> {
  const pair = new LoopbackPair(false);
  let answers = 0;
  let inOrder = true;
  let wakeSender: (() => void) | undefined;
  const started = performance.now();
  const sending = (async () => {
    for (let i = 0; i < n; i++) {
      while (i >= window && answers < i + 1 - window) await new Promise<void>((r) => (wakeSender = r));
      await pair.send(encode({ type: 'SET', address: '/bench/seq', value: i }));
    }
  })();
  while (answers < n) {
    const event = await pair.recv();
    if (event === null) break;
    if (event.type !== 'Data') continue;
    const m = decode(event.data);
    if (m.type === 'SET' && m.address === '/bench/seq') {
      inOrder &&= m.value === answers;
      answers += 1;
      wakeSender?.();
      wakeSender = undefined;
    }
  }
  const rate = n / ((performance.now() - started) / 1000);
  await sending;
  await pair.close();
  if (answers !== n || !inOrder) throw new Error(`TS loopback run incomplete: ${answers}/${n}, in order ${inOrder}`);
  return rate;
}
