/**
 * What's tested:
 * - every DecodeErrorCode is produced by some input (error vectors + the cases here);
 * - limits: value depth (default 100, exact boundary), bundle depth (default 16), payload size,
 *   custom limits on a Decoder instance;
 * - hostile counts in tiny inputs are refused at the count, before anything is allocated, for
 *   every counted field (arrays, maps, samples, SNAPSHOT, ANNOUNCE, RESULT, BUNDLE, FEDERATION_SYNC);
 * - a full 65 535-byte payload decodes; the decoder instance works after each error.
 */
import { describe, expect, test } from 'vitest';
import { fromHex } from '../../test/fixtures/hex.js';
import { ERROR_VECTORS, VECTORS } from '../../test/fixtures/vectors.js';
import { ClaspDecodeError, DECODE_ERROR_CODES, DEFAULT_LIMITS, Decoder, type DecodeErrorCode, decode, inspect } from './index.js';

function frame(payload: number[] | Uint8Array, flags = 0x01): Uint8Array {
  const p = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  const out = new Uint8Array(4 + p.length);
  out.set([0x53, flags, p.length >> 8, p.length & 0xff]);
  out.set(p, 4);
  return out;
}

function decodeError(run: () => unknown): ClaspDecodeError {
  try {
    run();
  } catch (e) {
    if (e instanceof ClaspDecodeError) return e;
    throw e;
  }
  throw new Error('expected a ClaspDecodeError');
}

const canary = fromHex(VECTORS[0]?.hex ?? '');
const canaryMessage = decode(canary);

/** SET `/` whose value is `depth` arrays nested in each other, the innermost empty. */
function nestedArrays(depth: number): Uint8Array {
  const payload = [0x21, 0x0a, 0x00, 0x01, 0x2f];
  for (let d = 1; d < depth; d++) payload.push(0x00, 0x01, 0x0a); // count 1, element: array
  payload.push(0x00, 0x00);
  return frame(payload);
}

/** `depth` BUNDLEs nested, the innermost holding one PING. */
function nestedBundles(depth: number): Uint8Array {
  let inner = [0x41];
  for (let d = 0; d < depth; d++) inner = [0x30, 0x00, 0x00, 0x01, inner.length >> 8, inner.length & 0xff, ...inner];
  return frame(inner, 0x81);
}

const seen = new Set<DecodeErrorCode>(ERROR_VECTORS.map((v) => v.code));

describe('limits', () => {
  test('DEFAULT_LIMITS are documented values', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxDepth: 100, maxBundleDepth: 16, maxPayloadSize: 65535 });
  });

  test('value nesting: depth 100 decodes, depth 101 is limit-exceeded at the 101st array', () => {
    expect(() => decode(nestedArrays(100))).not.toThrow();
    const e = decodeError(() => decode(nestedArrays(101)));
    expect(e.code).toBe('limit-exceeded');
    expect(e.offset).toBe(4 + 3 * 100 + 4); // the type byte of the 101st array
    expect(decodeError(() => inspect(nestedArrays(101))).offset).toBe(e.offset);
    seen.add(e.code);
    expect(decode(canary)).toEqual(canaryMessage);
  });

  test('a payload nesting 21 000 arrays neither overflows the stack nor gets past the limit', () => {
    expect(decodeError(() => decode(nestedArrays(21_000))).code).toBe('limit-exceeded');
  });

  test('bundle nesting: 16 decode, 17 are limit-exceeded', () => {
    expect(() => decode(nestedBundles(16))).not.toThrow();
    const e = decodeError(() => decode(nestedBundles(17)));
    expect([e.code, e.offset]).toEqual(['limit-exceeded', 4 + 16 * 6]);
    expect(decodeError(() => decode(nestedBundles(1600)))).toBeInstanceOf(ClaspDecodeError);
  });

  test('custom limits on a Decoder instance', () => {
    const d = new Decoder({ limits: { maxDepth: 2, maxPayloadSize: 16 } });
    expect(() => d.decodeMessage(nestedArrays(2))).not.toThrow();
    expect(decodeError(() => d.decodeMessage(nestedArrays(3))).code).toBe('limit-exceeded');
    const big = decodeError(() => d.decodeMessage(canary));
    expect([big.code, big.offset]).toEqual(['limit-exceeded', 2]);
    expect(decodeError(() => d.decodePayload(canary.subarray(4))).code).toBe('limit-exceeded');
    expect(decode(canary)).toEqual(canaryMessage); // the shared decoder keeps its defaults
  });

  test('a full 65 535-byte payload (65 528 NULL array elements) decodes', () => {
    const payload = new Uint8Array(65535);
    payload.set([0x21, 0x0a, 0x00, 0x01, 0x2f, 0xff, 0xf8]);
    const m = decode(frame(payload));
    expect(m.type === 'SET' && (m.value as unknown[]).length).toBe(65528);
  });
});

describe('hostile counts in tiny inputs are refused at the count field', () => {
  const cases: [string, number[], number][] = [
    ['array of 65535', [0x21, 0x0a, 0x00, 0x01, 0x2f, 0xff, 0xff], 9],
    ['map of 65535', [0x21, 0x0b, 0x00, 0x01, 0x2f, 0xff, 0xff, 0x00], 9],
    ['bytes of 65535', [0x21, 0x09, 0x00, 0x01, 0x2f, 0xff, 0xff], 11],
    ['PUBLISH samples 65535', [0x20, 0x40, 0x00, 0x01, 0x2f, 0x02, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0], 10],
    ['SNAPSHOT 65535 params', [0x23, 0xff, 0xff, 0x00, 0x01], 5],
    ['ANNOUNCE 65535 signals', [0x03, 0x00, 0x00, 0xff, 0xff], 7],
    ['RESULT 65535 signals', [0x61, 0xff, 0xff, 0, 0, 0], 5],
    ['BUNDLE 65535 messages', [0x30, 0x00, 0xff, 0xff, 0x00, 0x01, 0x41], 6],
    ['FEDERATION_SYNC 65535 patterns', [0x04, 0x01, 0xff, 0xff, 0x00], 6],
    ['FEDERATION_SYNC 65535 revisions', [0x04, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0], 8],
  ];
  for (const [name, payload, offset] of cases) {
    test(`${name} → truncated @ ${offset}`, () => {
      const before = process.memoryUsage().heapUsed;
      const e = decodeError(() => decode(frame(payload)));
      expect([e.code, e.offset]).toEqual(['truncated', offset]);
      // Nothing count-sized was allocated (65535 slots would be ≥ 512 KiB).
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(256 * 1024);
      expect(decode(canary)).toEqual(canaryMessage);
    });
  }
});

test('a v0 payload at a decoder without the v0 reader → legacy-not-enabled at the payload', () => {
  const v0Ping = frame([0x81, 0xa4, 0x74, 0x79, 0x70, 0x65, 0xa4, 0x50, 0x49, 0x4e, 0x47], 0x00);
  const e = decodeError(() => new Decoder({ legacy: undefined }).decode(v0Ping));
  expect([e.code, e.offset]).toEqual(['legacy-not-enabled', 4]);
  seen.add(e.code);
  expect(decode(v0Ping)).toEqual({ type: 'PING' }); // the root entry's decode has it
});

test('every DecodeErrorCode has a test producing it', () => {
  expect([...seen].sort()).toEqual([...DECODE_ERROR_CODES].sort());
});
