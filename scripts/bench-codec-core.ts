/**
 * The codec benchmark's corpus and measuring loop, shared by the Node run (scripts/bench-codec.ts)
 * and the Chromium run (test/browser/pages/bench-codec-page.ts), so both measure the same thing:
 *
 * - Corpus: SET with revision, PUBLISH stream / event / gesture, SNAPSHOT, BUNDLE, HELLO,
 *   WELCOME, ACK — JS-shaped messages (plain numbers), so both codecs encode the very same
 *   objects to the very same bytes (checked before timing).
 * - Decode: frame bytes → message object (`decode`), both codecs from the same `Uint8Array`s.
 * - Encode: message object → complete frame as a new exact-length `Uint8Array` with its own
 *   `ArrayBuffer` (`encode`; both codecs return that).
 * - Warm-up, then `rounds` short rounds per codec and direction, the two codecs back to back in
 *   alternating order. Throughputs are medians over rounds; each ratio is the median of the
 *   per-round ratios, so slow drifts of a shared machine cancel out.
 */
import * as sdk from '@clasp-to/core';
import { decode, encode, type Message } from '../src/index.js';

/** The mixed corpus. */
export function corpus(): Message[] {
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

/** The corpus as frames, encoded by the SDK; throws when this codec writes different bytes. */
export function corpusFrames(items: readonly Message[]): Uint8Array[] {
  const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return items.map((m, i) => {
    const theirs = sdk.encode(m as sdk.Message);
    const ours = encode(m);
    if (hex(ours) !== hex(theirs)) throw new Error(`corpus item ${i} (${m.type}) encodes differently:\n${hex(ours)}\n${hex(theirs)}`);
    return theirs;
  });
}

interface Codec {
  readonly name: string;
  encode(m: Message): Uint8Array;
  decode(b: Uint8Array): { type: string };
}

export const OURS: Codec = { name: 'this codec', encode: (m) => encode(m), decode: (b) => decode(b) };
export const THEIRS: Codec = { name: '@clasp-to/core 3.3.2', encode: (m) => sdk.encode(m as sdk.Message), decode: (b) => sdk.decode(b) };

/** Time sources: `cpu` may be the same as `wall` where no CPU clock exists (a browser). Milliseconds. */
export interface Clocks {
  readonly wall: () => number;
  readonly cpu: () => number;
}

/** Messages per second of one round, by each clock. */
export interface Rate {
  readonly cpu: number;
  readonly wall: number;
}

let sink = 0;

/** A value that depends on every result, so no work can be optimised away. */
export function sinkValue(): number {
  return sink;
}

/** Runs `op` over `items` for about `roundMs` of wall time. */
export function round<T>(items: readonly T[], op: (x: T) => { length?: number; type?: string }, roundMs: number, clocks: Clocks): Rate {
  let n = 0;
  const cpu0 = clocks.cpu();
  const start = clocks.wall();
  let now = start;
  while (now - start < roundMs) {
    for (let r = 0; r < 50; r++) {
      for (const item of items) {
        const out = op(item);
        sink += out.length ?? (out.type as string).length;
      }
    }
    n += 50 * items.length;
    now = clocks.wall();
  }
  return { cpu: (n / (clocks.cpu() - cpu0)) * 1000, wall: (n / (now - start)) * 1000 };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Medians per codec and the medians of the per-round ratios (ours / theirs). */
export interface CodecResult {
  readonly ours: { enc: number; dec: number; encWall: number; decWall: number };
  readonly theirs: { enc: number; dec: number; encWall: number; decWall: number };
  readonly ratios: { enc: number; dec: number; encWall: number; decWall: number };
}

/** Alternating rounds of both codecs, both directions; 2 warm-up rounds are not counted. */
export function measure(items: readonly Message[], frames: readonly Uint8Array[], rounds: number, roundMs: number, clocks: Clocks): CodecResult {
  const acc = new Map<Codec, { enc: Rate[]; dec: Rate[] }>([[OURS, { enc: [], dec: [] }], [THEIRS, { enc: [], dec: [] }]]);
  for (let r = -2; r < rounds; r++) {
    for (const c of r % 2 === 0 ? [OURS, THEIRS] : [THEIRS, OURS]) {
      const enc = round(items, (m) => c.encode(m), roundMs, clocks);
      const dec = round(frames, (b) => c.decode(b), roundMs, clocks);
      if (r >= 0) {
        acc.get(c)!.enc.push(enc);
        acc.get(c)!.dec.push(dec);
      }
    }
  }
  const o = acc.get(OURS)!;
  const t = acc.get(THEIRS)!;
  const summary = (x: { enc: Rate[]; dec: Rate[] }) => ({
    enc: median(x.enc.map((r) => r.cpu)),
    dec: median(x.dec.map((r) => r.cpu)),
    encWall: median(x.enc.map((r) => r.wall)),
    decWall: median(x.dec.map((r) => r.wall)),
  });
  const ratio = (a: Rate[], b: Rate[], key: keyof Rate): number => median(a.map((x, i) => x[key] / b[i]![key]));
  return {
    ours: summary(o),
    theirs: summary(t),
    ratios: { enc: ratio(o.enc, t.enc, 'cpu'), dec: ratio(o.dec, t.dec, 'cpu'), encWall: ratio(o.enc, t.enc, 'wall'), decWall: ratio(o.dec, t.dec, 'wall') },
  };
}
