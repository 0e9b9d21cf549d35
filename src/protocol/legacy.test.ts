/**
 * What's tested: legacy v0 MessagePack payloads (docs/wire-format.md §7) as Rust's rmp-serde writes
 * them — snake_case keys, string type tag anywhere in the map, Ttl externally tagged, untagged
 * values, trailing bytes ignored — for every message type, plus every v0 error path mapped to
 * ClaspDecodeError (`bad-msgpack`, `bad-field`, `unknown-message`, `unknown-federation-op`, `limit-exceeded`).
 */
import { ExtData, encode as msgpack } from '@msgpack/msgpack';
import { describe, expect, test } from 'vitest';
import { ClaspDecodeError, type DecodedMessage, decode, decodeMessageBinary, inspect, summarize } from './index.js';

/** A v0 frame (version bits 0) around a MessagePack payload. */
function v0(obj: unknown, trailing: number[] = []): Uint8Array {
  const p = Uint8Array.from([...msgpack(obj, { maxDepth: 1000, useBigInt64: true }), ...trailing]);
  return Uint8Array.from([0x53, 0x00, p.length >> 8, p.length & 0xff, ...p]);
}

const cases: [string, unknown, DecodedMessage][] = [
  ['SET with Absolute TTL and lock', { type: 'SET', address: '/a', value: 1.5, revision: 9, lock: true, unlock: false, ttl: { Absolute: 30 } },
    { type: 'SET', address: '/a', value: 1.5, revision: 9n, lock: true, unlock: false, ttl: 30, absolute: true }],
  ['SET with TTL Never', { type: 'SET', address: '/a', value: null, lock: false, unlock: false, ttl: 'Never' },
    { type: 'SET', address: '/a', value: null, lock: false, unlock: false, ttl: 0 }],
  ['SUBSCRIBE with snake_case options', { type: 'SUBSCRIBE', id: 3, pattern: '/a/**', types: ['param', 'stream'], options: { max_rate: 30, epsilon: 0.5 } },
    { type: 'SUBSCRIBE', id: 3, pattern: '/a/**', types: ['param', 'stream'], options: { maxRate: 30, epsilon: 0.5 } }],
  ['PUBLISH with timeline keyframes', { type: 'PUBLISH', address: '/t', signal: 'timeline', timeline: { keyframes: [{ time: 0, value: 0.5, easing: 'ease-in' }], loop_: true } },
    { type: 'PUBLISH', address: '/t', signal: 'timeline', keyframes: [{ time: 0n, value: 0.5, easing: 'ease-in' }], loop: true }],
  ['PUBLISH gesture with samples', { type: 'PUBLISH', address: '/g', signal: 'gesture', phase: 'end', id: 4, samples: [0.5, 1], rate: 60 },
    { type: 'PUBLISH', address: '/g', signal: 'gesture', phase: 'end', id: 4, samples: [0.5, 1], rate: 60 }],
  ['WELCOME', { type: 'WELCOME', version: 1, session: 's', name: 'r', features: ['param'], time: 2 ** 40, token: 't' },
    { type: 'WELCOME', version: 1, session: 's', name: 'r', features: ['param'], time: 2n ** 40n, token: 't' }],
  ['ANNOUNCE with meta', { type: 'ANNOUNCE', namespace: '/n', signals: [{ address: '/n/x', type: 'param', meta: { unit: 'dB', range: [0, 1], default: 0.25 } }] },
    { type: 'ANNOUNCE', namespace: '/n', signals: [{ address: '/n/x', type: 'param', meta: { unit: 'dB', range: [0, 1], default: 0.25 } }] }],
  ['FEDERATION_SYNC', { type: 'FEDERATION_SYNC', op: 'RevisionVector', revisions: { '/a': 7 }, since_revision: 5, origin: 'r1' },
    { type: 'FEDERATION_SYNC', op: 'RevisionVector', patterns: [], revisions: new Map([['/a', 7n]]), sinceRevision: 5n, origin: 'r1' }],
  ['REPLAY', { type: 'REPLAY', pattern: '/l/**', from: 1, limit: 10, types: ['event'] },
    { type: 'REPLAY', pattern: '/l/**', from: 1n, limit: 10, types: ['event'] }],
  ['BUNDLE of a SET and a PING', { type: 'BUNDLE', timestamp: 5, messages: [{ type: 'SET', address: '/b', value: 'x', lock: false, unlock: false }, { type: 'PING' }] },
    { type: 'BUNDLE', timestamp: 5n, messages: [{ type: 'SET', address: '/b', value: 'x', lock: false, unlock: false }, { type: 'PING' }] }],
  ['SNAPSHOT', { type: 'SNAPSHOT', params: [{ address: '/p', value: [1, 'a', { k: true }], revision: 3, writer: 'w' }] },
    { type: 'SNAPSHOT', params: [{ address: '/p', value: [1n, 'a', new Map([['k', true]])], revision: 3n, writer: 'w' }] }],
  ['ACK and ERROR with correlation_id', { type: 'ACK', address: '/a', correlation_id: 8, locked: true },
    { type: 'ACK', address: '/a', correlationId: 8, locked: true }],
  ['ERROR', { type: 'ERROR', code: 429, message: 'slow down', correlation_id: 2 }, { type: 'ERROR', code: 429, message: 'slow down', correlationId: 2 }],
  ['SYNC, "type" not first', { t1: 1, t2: 2, type: 'SYNC' }, { type: 'SYNC', t1: 1n, t2: 2n }],
  ['QUERY / RESULT / GET / UNSUBSCRIBE / PONG', { type: 'RESULT', signals: [{ address: '/r', type: 'event', datatype: 'f64' }] },
    { type: 'RESULT', signals: [{ address: '/r', type: 'event', datatype: 'f64' }] }],
  ['HELLO with unknown keys ignored', { type: 'HELLO', version: 1, name: 'n', features: [], extra: { nested: [1, 2] } },
    { type: 'HELLO', version: 1, name: 'n', features: [] }],
  ['u64 beyond 2^53 stays exact; uint64 beyond i64::MAX in a value becomes a float', { type: 'SET', address: '/u', value: 2n ** 63n + 1n, revision: 2n ** 60n + 3n, lock: false, unlock: false },
    { type: 'SET', address: '/u', value: Number(2n ** 63n + 1n), revision: 2n ** 60n + 3n, lock: false, unlock: false }],
  ['bin that is valid UTF-8 becomes a string', { type: 'SET', address: '/s', value: new TextEncoder().encode('hé'), lock: false, unlock: false },
    { type: 'SET', address: '/s', value: 'hé', lock: false, unlock: false }],
];

describe('v0 messages decode as Rust does', () => {
  for (const [name, obj, expected] of cases) {
    test(name, () => {
      const frame = v0(obj, [0xc1, 0xff]); // trailing bytes are ignored (rmp_serde::from_slice)
      expect(decode(frame)).toEqual(expected);
      expect(decodeMessageBinary(frame.subarray(4))).toEqual(expected);
      expect(summarize(frame)).toMatchObject({ typeName: expected.type, legacy: true });
      expect(inspect(frame).children?.[1]).toMatchObject({ name: 'message', wireType: 'msgpack', value: expected, start: 4, end: frame.length });
    });
  }
});

describe('v0 errors', () => {
  const errors: [string, Uint8Array, string][] = [
    ['invalid MessagePack (0xc1 after the map marker)', Uint8Array.of(0x53, 0, 0, 2, 0x81, 0xc1), 'bad-msgpack'],
    ['__proto__ key (rejected by @msgpack/msgpack)', v0({ type: 'SET', address: '/a', value: JSON.parse('{"__proto__": 1}') as unknown }), 'bad-msgpack'],
    ['non-string map key', Uint8Array.of(0x53, 0, 0, 3, 0x81, 0x01, 0x02), 'bad-msgpack'],
    ['type tag not a string', v0({ type: 3 }), 'bad-field'],
    ['wrong field type', v0({ type: 'GET', address: 5 }), 'bad-field'],
    ['u32 out of range', v0({ type: 'UNSUBSCRIBE', id: 2 ** 32 }), 'bad-field'],
    ['unknown signal', v0({ type: 'SUBSCRIBE', id: 1, pattern: '/', types: ['nope'] }), 'bad-field'],
    ['bad TTL shape', v0({ type: 'SET', address: '/a', value: 1, ttl: { Forever: 1 } }), 'bad-field'],
    ['bin that is not UTF-8', v0({ type: 'SET', address: '/a', value: Uint8Array.of(0xff) }), 'bad-field'],
    ['extension value', v0({ type: 'SET', address: '/a', value: new ExtData(1, Uint8Array.of(0)) }), 'bad-field'],
    ['timestamp extension value (a Date)', v0({ type: 'SET', address: '/a', value: new Date(0) }), 'bad-field'],
    ['unknown federation op', v0({ type: 'FEDERATION_SYNC', op: 'Merge' }), 'unknown-federation-op'],
    ['unknown type tag', v0({ type: 'HELLO_THERE' }), 'unknown-message'],
    ['values nested deeper than maxDepth', v0({ type: 'SET', address: '/a', value: JSON.parse('['.repeat(101) + ']'.repeat(101)) as unknown }), 'limit-exceeded'],
    ['bundles nested deeper than maxBundleDepth', v0(Array.from({ length: 17 }).reduce<unknown>((m) => ({ type: 'BUNDLE', messages: [m] }), { type: 'PING' })), 'limit-exceeded'],
  ];
  for (const [name, frame, code] of errors) {
    test(`${name} → ${code}`, () => {
      for (const run of [() => decode(frame), () => inspect(frame), () => summarize(frame)]) {
        let caught: unknown;
        try {
          run();
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(ClaspDecodeError);
        expect((caught as ClaspDecodeError).code).toBe(code);
        expect((caught as ClaspDecodeError).offset).toBe(4);
      }
    });
  }
});

test('known approximation: an integral f64 in v0 decodes as Int (bigint)', () => {
  const p = msgpack({ type: 'SET', address: '/f', value: 1.5, lock: false, unlock: false });
  const at = p.findIndex((b, i) => b === 0xcb && p[i + 1] === 0x3f && p[i + 2] === 0xf8);
  p[at + 2] = 0xf0; // f64 1.5 → f64 1.0, still a float on the wire
  const m = decodeMessageBinary(p);
  expect(m.type === 'SET' && m.value).toBe(1n);
});
