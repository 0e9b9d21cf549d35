/**
 * What's tested (fuzz, deterministic seed, > 100k inputs in the normal run):
 * - random byte strings, random payloads behind a valid header, and mutated valid frames
 *   (byte flips, random bytes, truncation, insertion, splices; header length fixed up or not);
 * - `decode`, `decodeMessage`, `summarize` and `inspect` throw nothing but `ClaspDecodeError`;
 * - `decode` and `inspect` agree: both succeed, or both fail with the same code and offset;
 * - the shared decoder keeps decoding valid frames correctly between hostile ones.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { message } from '../../test/fixtures/arbitraries.js';
import { fromHex } from '../../test/fixtures/hex.js';
import { LEGACY_VECTORS, VECTORS } from '../../test/fixtures/vectors.js';
import { ClaspDecodeError, decode, decodeMessage, encode, inspect, summarize } from './index.js';

const SEED = Number(process.env['CLASP_FUZZ_SEED'] ?? 0x5eed);
const RANDOM_INPUTS = 40_000;
const MUTATED_INPUTS = 70_000;

/** xorshift32: reproducible without fast-check's shrinking overhead. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const corpus: Uint8Array[] = [
  ...VECTORS.map((v) => fromHex(v.hex)),
  ...LEGACY_VECTORS.map((v) => fromHex(v.hex)),
  ...fc.sample(message, { numRuns: 300, seed: SEED }).map((m) => encode(m)),
];
const canary = fromHex(VECTORS[0]?.hex ?? '');
const canaryMessage = decode(canary);

function randomBytes(next: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (next() * 256) | 0;
  return b;
}

function randomInput(next: () => number): Uint8Array {
  const kind = next();
  if (kind < 0.3) return randomBytes(next, (next() * 40) | 0);
  // A valid header (sometimes with timestamp) in front of a random payload whose first byte is a known type.
  const payload = randomBytes(next, 1 + ((next() * 60) | 0));
  const types = [0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x20, 0x21, 0x22, 0x23, 0x24, 0x30, 0x40, 0x41, 0x42, 0x50, 0x51, 0x60, 0x61, 0x85];
  payload[0] = types[(next() * types.length) | 0] as number;
  return frame(payload, next() < 0.2);
}

function frame(payload: Uint8Array, withTs: boolean): Uint8Array {
  const h = withTs ? 12 : 4;
  const out = new Uint8Array(h + payload.length);
  out.set([0x53, withTs ? 0x21 : 0x01, payload.length >> 8, payload.length & 0xff]);
  out.set(payload, h);
  return out;
}

function mutate(next: () => number, src: Uint8Array): Uint8Array {
  let b: Uint8Array = src.slice();
  const edits = 1 + ((next() * 4) | 0);
  for (let e = 0; e < edits; e++) {
    const at = (next() * b.length) | 0;
    const op = next();
    if (op < 0.35) b[at] = (b[at] as number) ^ (1 << ((next() * 8) | 0));
    else if (op < 0.6) b[at] = (next() * 256) | 0;
    else if (op < 0.75) b = b.slice(0, at);
    else if (op < 0.9) b = concat(b.slice(0, at), randomBytes(next, 1 + ((next() * 8) | 0)), b.slice(at));
    else b = concat(b, b.slice(at, at + 16));
  }
  // Half of the time, make the header length match so the payload decoder sees the damage.
  if (next() < 0.5 && b.length >= 4 && b[0] === 0x53) {
    const h = ((b[1] as number) & 0x20) !== 0 ? 12 : 4;
    const len = Math.max(0, Math.min(0xffff, b.length - h));
    b[2] = len >> 8;
    b[3] = len & 0xff;
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs `decode`, and on a share of the inputs the other entry points, checking what escapes. */
function probe(input: Uint8Array, i: number): void {
  let decodeOutcome = 'ok';
  try {
    decode(input);
  } catch (e) {
    if (!(e instanceof ClaspDecodeError)) throw new Error(`decode threw ${String(e)} for ${Buffer.from(input).toString('hex')}`);
    decodeOutcome = `${e.code}@${e.offset}`;
  }
  if (i % 2 !== 0) return;
  for (const run of [() => decodeMessage(input), () => summarize(input)]) {
    try {
      run();
    } catch (e) {
      if (!(e instanceof ClaspDecodeError)) throw new Error(`threw ${String(e)} for ${Buffer.from(input).toString('hex')}`);
    }
  }
  if (i % 4 !== 0) return;
  let inspectOutcome = 'ok';
  try {
    inspect(input);
  } catch (e) {
    if (!(e instanceof ClaspDecodeError)) throw new Error(`inspect threw ${String(e)} for ${Buffer.from(input).toString('hex')}`);
    expect(e.partial).toBeDefined();
    inspectOutcome = `${e.code}@${e.offset}`;
  }
  if (inspectOutcome !== decodeOutcome) {
    throw new Error(`decode ${decodeOutcome} but inspect ${inspectOutcome} for ${Buffer.from(input).toString('hex')}`);
  }
}

test(`fuzz: ${RANDOM_INPUTS} random and ${MUTATED_INPUTS} mutated frames (seed ${SEED})`, () => {
  const next = rng(SEED);
  let canaryChecks = 0;
  for (let i = 0; i < RANDOM_INPUTS + MUTATED_INPUTS; i++) {
    const input = i < RANDOM_INPUTS ? randomInput(next) : mutate(next, corpus[(next() * corpus.length) | 0] as Uint8Array);
    probe(input, i);
    if (i % 997 === 0) {
      // The decoder still works after whatever it just rejected.
      expect(decode(canary)).toEqual(canaryMessage);
      canaryChecks++;
    }
  }
  expect(canaryChecks).toBeGreaterThan(100);
  for (const valid of corpus) expect(() => decode(valid)).not.toThrow();
}, 120_000); // ~3 s on an idle core; generous for a loaded shared machine
