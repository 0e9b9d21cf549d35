/**
 * What's tested:
 * - every EncodeErrorCode, with its field path, and the encoder keeps working after each error;
 * - value representation on encode: bigint → i64, number → f64, Map and plain objects → MAP
 *   (including a `__proto__` key), undefined → NULL, u64 fields from number or bigint;
 * - the shared-buffer variant and the frame helpers (encodeFrame/decodeFrame/checkComplete/flags);
 * - the encode path's name → bit derivations against the code tables, and the checked paths
 *   (bigint ranges, long strings, depth limits) at their edges, with their error texts.
 */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../test/fixtures/hex.js';
import { VECTORS } from '../../test/fixtures/vectors.js';
import {
  ClaspEncodeError, ENCODE_ERROR_CODES, Encoder, type EncodeErrorCode, type Message, QoS, type Value, checkComplete, decode,
  decodeFlags, decodeFrame, defaultQoS, encode, encodeFlags, encodeFrame, encodeMessage, encodeMessageBinary, encodeMessageSharedRef,
} from './index.js';
import { FEATURE_BITS, MAX_PAYLOAD_SIZE, SIGNAL_MASK_BITS, SIGNAL_NAMES, featureMask, signalCode, signalMask } from './codes.js';
import { SHORT_STRING } from './encode-helpers.js';

const v1 = VECTORS[0] as { hex: string; message: Message };
const seen = new Set<EncodeErrorCode>();

function encodeError(message: unknown, encoder?: Encoder): ClaspEncodeError {
  try {
    if (encoder) encoder.encodeFrame(message as Message);
    else encode(message as Message);
  } catch (e) {
    if (!(e instanceof ClaspEncodeError)) throw e;
    seen.add(e.code);
    expect(toHex(encode(v1.message))).toBe(v1.hex); // still works afterwards
    return e;
  }
  throw new Error('expected a ClaspEncodeError');
}

const set = (value: unknown): unknown => ({ type: 'SET', address: '/x', value });

describe('encode errors', () => {
  const cases: [string, unknown, EncodeErrorCode, string][] = [
    ['string over 65535 bytes', { type: 'GET', address: 'a'.repeat(65536) }, 'too-large', 'address'],
    ['multi-byte string over 65535 bytes', { type: 'GET', address: 'é'.repeat(40000) }, 'too-large', 'address'],
    ['bytes over 65535', set(new Uint8Array(70000)), 'too-large', 'value'],
    ['array over 65535 elements', set(new Array<null>(70000).fill(null)), 'too-large', 'value'],
    ['payload over 65535 bytes', set(Array.from({ length: 8 }, () => 'x'.repeat(9000))), 'too-large', 'payload'],
    ['u32 id negative', { type: 'UNSUBSCRIBE', id: -1 }, 'out-of-range', 'id'],
    ['u32 id 2^32', { type: 'UNSUBSCRIBE', id: 2 ** 32 }, 'out-of-range', 'id'],
    ['u32 fractional', { type: 'UNSUBSCRIBE', id: 1.5 }, 'out-of-range', 'id'],
    ['u16 ERROR code', { type: 'ERROR', code: 70000, message: '' }, 'out-of-range', 'code'],
    ['u64 revision beyond 2^53 as number', { type: 'SET', address: '/x', value: 1, revision: 2 ** 53 }, 'out-of-range', 'revision'],
    ['u64 revision -1n', { type: 'SET', address: '/x', value: 1, revision: -1n }, 'out-of-range', 'revision'],
    ['u64 revision 2^64', { type: 'SET', address: '/x', value: 1, revision: 2n ** 64n }, 'out-of-range', 'revision'],
    ['i64 value 2^63', set(2n ** 63n), 'out-of-range', 'value'],
    ['TTL 2^31', { type: 'SET', address: '/x', value: 1, ttl: 2 ** 31 }, 'out-of-range', 'ttl'],
    ['Date value', set(new Date()), 'unsupported-value', 'value'],
    ['function value', set(() => 1), 'unsupported-value', 'value'],
    ['symbol in an array', set([1, Symbol('s')]), 'unsupported-value', 'value'],
    ['Int16Array value', set(new Int16Array(2)), 'unsupported-value', 'value'],
    ['unknown type', { type: 'NOPE' }, 'unknown-message', 'type'],
    ['missing address', { type: 'SET', value: 1 }, 'bad-field', 'address'],
    ['non-array params', { type: 'SNAPSHOT', params: 3 }, 'bad-field', 'params'],
    ['not an object', 42, 'bad-field', 'message'],
    ['unknown federation op', { type: 'FEDERATION_SYNC', op: 'Nope' }, 'bad-field', 'op'],
  ];
  for (const [name, message, code, path] of cases) {
    test(`${name} → ${code} at ${path}`, () => {
      const e = encodeError(message);
      expect([e.code, e.path]).toEqual([code, path]);
    });
  }

  test('the reserved QoS 3 is refused', () => {
    let caught: unknown;
    try {
      encode({ type: 'PING' }, 3 as QoS);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ClaspEncodeError);
    expect([(caught as ClaspEncodeError).code, (caught as ClaspEncodeError).path]).toEqual(['out-of-range', 'qos']);
  });

  test('a cyclic array hits maxDepth instead of the stack', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(encodeError(set(cyclic)).code).toBe('limit-exceeded');
  });

  test('bundles nested deeper than maxBundleDepth', () => {
    let m: Message = { type: 'PING' };
    for (let i = 0; i < 17; i++) m = { type: 'BUNDLE', messages: [m] };
    expect(encodeError(m).code).toBe('limit-exceeded');
    expect(encodeError(m, new Encoder({ limits: { maxBundleDepth: 2 } })).code).toBe('limit-exceeded');
  });

  test('every EncodeErrorCode has a test producing it', () => {
    expect([...seen].sort()).toEqual([...ENCODE_ERROR_CODES].sort());
  });
});

describe('value representation on encode', () => {
  const valueHex = (value: Value): string => toHex(encodeMessageBinary({ type: 'PUBLISH', address: '', value })).slice(15);
  test('bigint → i64 0x05, number → f64 0x07 (integers too), undefined → NULL', () => {
    expect(valueHex(5n)).toBe('05 00 00 00 00 00 00 00 05');
    expect(valueHex(5)).toBe('07 40 14 00 00 00 00 00 00');
    expect(valueHex(-1n)).toBe('05 ff ff ff ff ff ff ff ff');
    expect(toHex(encodeMessageBinary({ type: 'PUBLISH', address: '', value: [undefined as unknown as Value] }))).toBe('20 20 00 00 01 0a 00 01 00');
  });

  test('Map and plain object give the same MAP bytes; __proto__ is an ordinary key', () => {
    expect(valueHex(new Map([['a', 1n]]))).toBe(valueHex({ a: 1n }));
    const withProto = JSON.parse('{"__proto__": true}') as Value;
    expect(valueHex(withProto)).toBe('0b 00 01 00 09 5f 5f 70 72 6f 74 6f 5f 5f 01 01');
    expect(valueHex(Object.create(null) as Value)).toBe('0b 00 00');
  });

  test('u64 fields accept number and bigint alike', () => {
    const a = encode({ type: 'SYNC', t1: 1000, t2: 2000n });
    expect(toHex(a)).toBe(toHex(encode({ type: 'SYNC', t1: 1000n, t2: 2000 })));
  });
});

test('buffer growth: a 64-byte encoder writes every vector and a 60 KB message exactly like the shared one', () => {
  const big: Message = { type: 'SNAPSHOT', params: Array.from({ length: 2000 }, (_, i) => ({ address: `/p/${i}`, value: `v${i}`, revision: BigInt(i) })) };
  for (const m of [...VECTORS.filter((v) => !v.decodeOnly).map((v) => v.message), big]) {
    const small = new Encoder({ initialBufferSize: 1 });
    expect(toHex(small.encodeFrame(m))).toBe(toHex(encode(m)));
    expect(toHex(new Encoder({ initialBufferSize: 1 }).encodeFrameSharedRef(m))).toBe(toHex(encode(m)));
    expect(toHex(small.encodeFrame(m))).toBe(toHex(encode(m))); // and again, now grown
  }
  expect(encode(big).length).toBeGreaterThan(30_000);
  expect(decode(encode(big))).toEqual(big);
});

describe('frames', () => {
  test('encodeMessageSharedRef returns a view that the next call overwrites', () => {
    const a = encodeMessageSharedRef({ type: 'PING' });
    expect(toHex(a)).toBe('53 01 00 01 41');
    encodeMessageSharedRef({ type: 'PONG' });
    expect(toHex(a)).toBe('53 01 00 01 42');
    const copy = encode({ type: 'PING' });
    encode({ type: 'PONG' });
    expect(toHex(copy)).toBe('53 01 00 01 41');
  });

  test('encode returns an exact-length array with its own ArrayBuffer, small (on-heap) and large frames alike', () => {
    const small: Message = { type: 'PING' };
    const large: Message = { type: 'PUBLISH', address: '/sensor/accel', signal: 'stream', value: { x: 0.1, y: -0.98, z: 0.03 }, timestamp: 1 };
    const frames = [encode(small), encode(large), encodeMessage(large, { timestamp: 5n })];
    expect(frames.map((f) => f.length)).toEqual([5, 69, 77]);
    for (const f of frames) {
      expect(f).toBeInstanceOf(Uint8Array);
      expect(f.byteOffset).toBe(0);
      expect(f.buffer.byteLength).toBe(f.length);
    }
    expect(new Set(frames.map((f) => f.buffer)).size).toBe(3);
  });

  test('the QoS written without an explicit one is defaultQoS, for every PUBLISH signal (absent and unknown too)', () => {
    for (const signal of [undefined, 'param', 'event', 'stream', 'gesture', 'timeline', 'nope']) {
      const m = { type: 'PUBLISH', address: '/a', signal, value: 1 } as Message;
      expect(decodeFlags(encode(m)[1] as number).qos).toBe(defaultQoS(m));
    }
  });

  test('encodeFrame / decodeFrame / checkComplete around a raw payload', () => {
    const f = encodeFrame(Uint8Array.of(0x41), { qos: QoS.Commit, timestamp: 1_000_000 });
    expect(toHex(f)).toBe('53 a1 00 01 00 00 00 00 00 0f 42 40 41');
    const d = decodeFrame(Uint8Array.of(...f, 0xee));
    expect(d).toEqual({ payload: Uint8Array.of(0x41), qos: 2, timestamp: 1_000_000n, frameLength: 13,
      flags: { qos: 2, hasTimestamp: true, encrypted: false, compressed: false, version: 1 } });
    expect(checkComplete(f)).toBe(13);
    expect(checkComplete(f.subarray(0, 12))).toBeNull();
    expect(checkComplete(Uint8Array.of(0x54, 1, 0, 0))).toBeNull();
    expect(() => encodeFrame(new Uint8Array(65536))).toThrow(ClaspEncodeError);
  });

  test('flags: reserved QoS 11 decodes as Fire (Rust); encrypted/compressed are parsed and ignored', () => {
    expect(decodeFlags(0xff)).toEqual({ qos: 0, hasTimestamp: true, encrypted: true, compressed: true, version: 7 });
    expect(encodeFlags({ qos: 1 })).toBe(0x41);
    expect(decode(fromHex('53 d9 00 01 41'))).toEqual({ type: 'PING' });
  });
});

describe('encode-path tables derived from one signal switch', () => {
  test('type-mask and feature bits of every name agree with SIGNAL_MASK_BITS and FEATURE_BITS', () => {
    SIGNAL_NAMES.forEach((name, code) => {
      expect(signalCode(name)).toBe(code);
      expect(signalMask([name])).toBe(SIGNAL_MASK_BITS[code]);
    });
    for (const [name, bit] of FEATURE_BITS) {
      expect(featureMask([name], true)).toBe(bit);
      expect(featureMask([name], false)).toBe(name === 'federation' ? 0 : bit);
    }
    expect([signalCode(undefined), signalCode('nope'), signalCode('federation')]).toEqual([1, 1, 1]);
    expect([signalMask(['nope', 'federation']), signalMask([]), signalMask(undefined)]).toEqual([0, 0xff, 0xff]);
    expect(featureMask(['nope', 'start'], true)).toBe(0);
  });

  test('SHORT_STRING is the longest string whose UTF-8 always fits the u16 length', () => {
    expect(SHORT_STRING).toBe(Math.floor(MAX_PAYLOAD_SIZE / 3));
  });
});

describe('checked paths at their limits', () => {
  const valueHexOf = (value: Value): string => toHex(encodeMessageBinary({ type: 'PUBLISH', address: '', value })).slice(15);
  test('u64 and i64 bigints at the edges of their ranges', () => {
    const u64Max = 2n ** 64n - 1n;
    expect(toHex(encodeMessageBinary({ type: 'SYNC', t1: u64Max })).slice(6)).toBe('ff ff ff ff ff ff ff ff');
    expect(valueHexOf(-(2n ** 63n))).toBe('05 80 00 00 00 00 00 00 00');
    expect(valueHexOf(2n ** 63n - 1n)).toBe('05 7f ff ff ff ff ff ff ff');
    const e = encodeError(set(-(2n ** 63n) - 1n));
    expect([e.code, e.path, e.message]).toEqual(['out-of-range', 'value', '-9223372036854775809 is not a valid i64 at value']);
    expect(encodeError({ type: 'SYNC', t1: u64Max + 1n }).message).toBe('18446744073709551616 is not a valid u64 at t1');
    expect(encodeError({ type: 'SYNC', t1: 1.5 }).message).toBe('1.5 is not a valid u64 at t1');
    expect(encodeError({ type: 'SYNC', t1: '5' }).message).toBe('expected a u64 integer at t1');
  });

  test('a string longer than SHORT_STRING takes the checked path and still round-trips', () => {
    const address = `/${'é'.repeat(30_000)}`; // 60 001 bytes of UTF-8
    const bytes = encode({ type: 'GET', address });
    expect(bytes.length).toBe(4 + 1 + 2 + 60_001);
    expect(decode(bytes)).toEqual({ type: 'GET', address });
  });

  test('depth errors name the limit and its value', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(encodeError(set(cyclic), new Encoder({ limits: { maxDepth: 3 } })).message).toBe('values nested deeper than maxDepth 3 at value');
    let m: Message = { type: 'PING' };
    for (let i = 0; i < 3; i++) m = { type: 'BUNDLE', messages: [m] };
    expect(encodeError(m, new Encoder({ limits: { maxBundleDepth: 2 } })).message).toBe('bundles nested deeper than maxBundleDepth 2 at messages');
  });
});

test('a null where an object belongs is a ClaspEncodeError (bad-field), from every encode entry', () => {
  const malformed = [
    { type: 'ANNOUNCE', namespace: '/a', signals: [{ address: '/a', type: 'param', meta: null }] },
    { type: 'SNAPSHOT', params: [null] },
    { type: 'HELLO', version: 1, name: null, features: null },
  ] as unknown as Message[];
  for (const m of malformed) {
    for (const run of [() => encode(m), () => encodeMessageBinary(m), () => new Encoder().encodeFrameSharedRef(m)]) {
      let thrown: unknown;
      try {
        run();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ClaspEncodeError);
      expect((thrown as ClaspEncodeError).code).toBe('bad-field');
    }
  }
});
