/**
 * Codec throughput: this codec vs `@clasp-to/core` 3.3.2 on the same mixed corpus, in one run.
 *
 * - Corpus: SET with revision, PUBLISH stream / event / gesture, SNAPSHOT, BUNDLE, HELLO,
 *   WELCOME, ACK — JS-shaped messages (plain numbers), so both codecs encode the very same
 *   objects to the very same bytes (checked before timing).
 * - Decode: frame bytes → message object (`decode`), both codecs from the same `Uint8Array`s.
 * - Encode: message object → complete frame as a new exact-length `Uint8Array` (`encode`).
 * - Warm-up, then ROUNDS short rounds (default 31 × 60 ms per codec and direction), the two
 *   codecs back to back in alternating order. Throughputs are the medians over rounds; each
 *   ratio is the median of the per-round ratios, so slow drifts of a shared machine cancel out.
 * - Throughput is messages per second of process CPU time (`process.cpuUsage`, user + system,
 *   GC threads included), which stays comparable on a shared, loaded machine where wall-clock
 *   rounds mostly measure scheduling; wall-clock figures are printed alongside.
 *
 * Run: `npm run bench:codec`. The last line is machine-readable.
 */
import * as sdk from '@clasp-to/core';
import { decode, encode, encodeMessageSharedRef, type Message } from '../src/index.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 31);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 60);

function corpus(): Message[] {
  const t = 1_732_560_000_000_000;
  const set = (i: number): Message => ({ type: 'SET', address: `/lumen/layer/${i}/opacity`, value: i / 10, revision: 1000 + i });
  return [
    set(1),
    set(2),
    { type: 'PUBLISH', address: '/audio/level/left', signal: 'stream', value: 0.731 },
    { type: 'PUBLISH', address: '/sensor/accel', signal: 'stream', value: { x: 0.1, y: -0.98, z: 0.03 }, timestamp: t },
    { type: 'PUBLISH', address: '/cue/fire', signal: 'event', payload: { cue: 'intro', fadeTime: 2 }, timestamp: t },
    { type: 'PUBLISH', address: '/input/touch/0', signal: 'gesture', phase: 'move', id: 7, value: { x: 105, y: 210, pressure: 0.8 }, timestamp: t },
    {
      type: 'SNAPSHOT',
      params: Array.from({ length: 8 }, (_, i) => ({ address: `/mixer/ch/${i}/gain`, value: i * 0.125, revision: 40 + i, writer: 'sess-1', timestamp: t })),
    },
    { type: 'BUNDLE', timestamp: t, messages: [set(3), set(4), { type: 'PUBLISH', address: '/cue/go', signal: 'event', payload: null }] },
    { type: 'HELLO', version: 1, name: 'CLASP JS Client', features: ['param', 'event', 'stream'] },
    { type: 'WELCOME', version: 1, session: 'sess-4f2a9c', name: 'CLASP Router', features: ['param', 'event', 'stream', 'gesture', 'timeline'], time: t },
    { type: 'ACK', address: '/lumen/layer/1/opacity', revision: 1001 },
  ];
}

interface Codec {
  name: string;
  encode(m: Message): Uint8Array;
  decode(b: Uint8Array): { type: string };
}

const ours: Codec = { name: 'this codec', encode: (m) => encode(m), decode: (b) => decode(b) };
const theirs: Codec = {
  name: '@clasp-to/core 3.3.2',
  encode: (m) => sdk.encode(m as sdk.Message),
  decode: (b) => sdk.decode(b),
};

let sink = 0;

interface Rate {
  cpu: number;
  wall: number;
}

/** Messages per CPU second and per wall second of `op` over the corpus, during one round of ~ROUND_MS. */
function round<T>(items: readonly T[], op: (x: T) => { length?: number; type?: string }): Rate {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ROUND_MS) {
    for (let r = 0; r < 50; r++) {
      for (const item of items) {
        const out = op(item);
        sink += out.length ?? (out.type as string).length;
      }
    }
    n += 50 * items.length;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpu: n / ((cpu.user + cpu.system) / 1e6), wall: (n / (now - start)) * 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

type Result = { enc: number; dec: number; encWall: number; decWall: number };
type Ratios = { enc: number; dec: number; encWall: number; decWall: number };

function measure(items: Message[], frames: Uint8Array[]): { results: Record<string, Result>; ratios: Ratios } {
  type Acc = { enc: number[]; dec: number[]; encWall: number[]; decWall: number[] };
  const fresh = (): Acc => ({ enc: [], dec: [], encWall: [], decWall: [] });
  const results: Record<string, Acc> = { [ours.name]: fresh(), [theirs.name]: fresh() };
  for (let r = -2; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [ours, theirs] : [theirs, ours];
    for (const c of order) {
      const enc = round(items, (m) => c.encode(m));
      const dec = round(frames, (b) => c.decode(b));
      const acc = results[c.name];
      if (r >= 0 && acc) {
        acc.enc.push(enc.cpu);
        acc.dec.push(dec.cpu);
        acc.encWall.push(enc.wall);
        acc.decWall.push(dec.wall);
      }
    }
  }
  const out: Record<string, Result> = {};
  for (const [name, v] of Object.entries(results)) {
    out[name] = { enc: median(v.enc), dec: median(v.dec), encWall: median(v.encWall), decWall: median(v.decWall) };
  }
  const o = results[ours.name] as Acc;
  const t = results[theirs.name] as Acc;
  const ratio = (a: number[], b: number[]): number => median(a.map((x, i) => x / (b[i] as number)));
  return {
    results: out,
    ratios: { enc: ratio(o.enc, t.enc), dec: ratio(o.dec, t.dec), encWall: ratio(o.encWall, t.encWall), decWall: ratio(o.decWall, t.decWall) },
  };
}

function main(): void {
  const items = corpus();
  const frames = items.map((m) => sdk.encode(m as sdk.Message));
  for (const [i, m] of items.entries()) {
    const a = Buffer.from(encode(m)).toString('hex');
    const b = Buffer.from(frames[i] as Uint8Array).toString('hex');
    if (a !== b) throw new Error(`corpus item ${i} (${m.type}) encodes differently:\n${a}\n${b}`);
  }
  const bytes = frames.reduce((s, f) => s + f.length, 0);
  console.log(`corpus: ${items.length} messages, ${bytes} bytes; ${ROUNDS} rounds of ~${ROUND_MS} ms per codec and direction; msgs/s per CPU second and per wall second (medians)\n`);
  const { results: r, ratios: q } = measure(items, frames);
  // Informational: the zero-copy variant (a view into the encoder's buffer, for WebSocket.send).
  const shared: number[] = [];
  for (let i = 0; i < 9; i++) shared.push(round(items, (m) => encodeMessageSharedRef(m)).cpu);
  // Informational: the copy alone — a new exact-length Uint8Array per corpus frame, sliced from
  // one buffer. Every encode that returns its own ArrayBuffer pays at least this; V8 keeps only
  // typed arrays of up to 64 bytes on its heap, the rest are malloc'ed outside it.
  const scratch = new Uint8Array(4096);
  const lengths = frames.map((f) => f.length);
  const copies: number[] = [];
  for (let i = 0; i < 9; i++) copies.push(round(lengths, (n) => scratch.slice(0, n)).cpu);
  const o = r[ours.name] as Result;
  const t = r[theirs.name] as Result;
  const fmt = (x: number): string => `${(x / 1e6).toFixed(2)} M`;
  console.log('| codec | decode msgs/s (CPU) | encode msgs/s (CPU) | decode msgs/s (wall) | encode msgs/s (wall) |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| ${ours.name} | ${fmt(o.dec)} | ${fmt(o.enc)} | ${fmt(o.decWall)} | ${fmt(o.encWall)} |`);
  console.log(`| ${theirs.name} | ${fmt(t.dec)} | ${fmt(t.enc)} | ${fmt(t.decWall)} | ${fmt(t.encWall)} |`);
  console.log(`| ratio (median of per-round ratios) | ${q.dec.toFixed(1)}× | ${q.enc.toFixed(1)}× | ${q.decWall.toFixed(1)}× | ${q.encWall.toFixed(1)}× |`);
  console.log(`| this codec, \`encodeMessageSharedRef\` (no copy; not in the ratio) | | ${fmt(median(shared))} | | |`);
  console.log(`| the exact-length copy alone (\`slice\` of the corpus frame lengths; not in the ratio) | | ${fmt(median(copies))} | | |`);
  console.log(`\n(sink ${sink % 10})`);
  console.log(
    `BENCH codec decode_ratio=${q.dec.toFixed(2)} encode_ratio=${q.enc.toFixed(2)} ` +
      `decode_msgs_per_s=${Math.round(o.dec)} encode_msgs_per_s=${Math.round(o.enc)}`,
  );
}

main();
