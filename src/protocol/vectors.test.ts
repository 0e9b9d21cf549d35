/**
 * What's tested: every worked vector of docs/wire-format.md §9.3 byte-exact in both directions (with
 * a hex diff on failure), the legacy v0 examples of §7, named Rust fuzz-corpus seeds, and the
 * error vectors (code and offset) through every decoding entry point.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { fromHex, hexDiff, toHex } from '../../test/fixtures/hex.js';
import { ERROR_VECTORS, LEGACY_VECTORS, SEED_VECTORS, VECTORS, type Vector } from '../../test/fixtures/vectors.js';
import { ClaspDecodeError, checkComplete, decode, decodeMessage, encodeMessage, inspect, summarize } from './index.js';

function expectBytes(actual: Uint8Array, expectedHex: string): void {
  const diff = hexDiff(actual, fromHex(expectedHex));
  if (diff !== undefined) expect.fail(diff);
}

describe('encode → exact bytes', () => {
  for (const v of VECTORS.filter((x) => !x.decodeOnly)) {
    test(`${v.name}: ${v.hex}`, () => {
      expectBytes(encodeMessage(v.message, { qos: v.qos, timestamp: v.timestamp }), v.hex);
    });
  }
});

describe('bytes → exact message', () => {
  const all: Vector[] = [...VECTORS, ...LEGACY_VECTORS, ...SEED_VECTORS];
  for (const v of all) {
    test(`${v.name}: ${v.hex}`, () => {
      const bytes = fromHex(v.hex);
      const { message, timestamp } = decodeMessage(bytes);
      expect(message).toEqual(v.decoded ?? v.message);
      expect(timestamp).toBe(v.timestamp);
      expect(checkComplete(bytes)).toBe(bytes.length);
    });
  }
});

test('decode → encode reproduces every Rust vector (Int stays i64, Float stays f64)', () => {
  for (const v of VECTORS.filter((x) => !x.decodeOnly && x.name !== 'V24 PUBLISH without signal or value')) {
    const { message, flags, timestamp } = decodeMessage(fromHex(v.hex));
    const again = encodeMessage(message, { qos: flags.qos, timestamp });
    expect(toHex(again), v.name).toBe(v.hex);
  }
});

test('V24: a Rust PUBLISH without signal goes out as Fire, its decoded form (event) as Confirm', () => {
  const v24 = VECTORS.find((v) => v.name.startsWith('V24'));
  const msg = decode(fromHex(v24?.hex ?? ''));
  expect(toHex(encodeMessage(msg))).toBe('53 41 00 07 20 20 00 02 2f 78 00');
});

describe('error vectors: code and offset, from decode, inspect and (header) summarize', () => {
  for (const v of ERROR_VECTORS) {
    test(`${v.name}: ${v.hex} → ${v.code} @ ${v.offset}`, () => {
      const bytes = fromHex(v.hex);
      for (const run of [() => decode(bytes), () => inspect(bytes)]) {
        let caught: unknown;
        try {
          run();
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(ClaspDecodeError);
        expect((caught as ClaspDecodeError).code).toBe(v.code);
        expect((caught as ClaspDecodeError).offset).toBe(v.offset);
      }
      // summarize reads less than decode; whatever it throws is still a ClaspDecodeError.
      try {
        summarize(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ClaspDecodeError);
      }
    });
  }
});

test('input kinds: Node Buffer, a view into a larger buffer, a Uint8Array of another realm; anything else is a ClaspDecodeError', () => {
  const v1 = VECTORS[0] as Vector;
  const bytes = fromHex(v1.hex);
  expect(decode(Buffer.from(bytes))).toEqual(v1.message);
  const padded = new Uint8Array(bytes.length + 20).fill(0xee);
  padded.set(bytes, 10);
  expect(decode(padded.subarray(10, 10 + bytes.length))).toEqual(v1.message);
  const foreign = runInNewContext(`new Uint8Array([${Array.from(bytes).join(',')}])`) as Uint8Array;
  expect(foreign instanceof Uint8Array).toBe(false);
  expect(decode(foreign)).toEqual(v1.message);
  expect(summarize(foreign).address).toBe('/test/value');
  for (const bad of [v1.hex, bytes.buffer, Array.from(bytes), new Float64Array(4), null] as unknown[]) {
    for (const run of [() => decode(bad as Uint8Array), () => inspect(bad as Uint8Array), () => summarize(bad as Uint8Array)]) {
      expect(run).toThrow(ClaspDecodeError);
    }
  }
});
