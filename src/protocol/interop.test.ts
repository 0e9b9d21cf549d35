/**
 * What's tested: interop with the official JS SDK `@clasp-to/core` 3.3.2, both ways.
 * - What it encodes (its 17 types, JS-shaped messages) we decode to the same message, and our
 *   encoder writes the very same payload bytes for the same JS message (plain numbers → f64).
 * - What we encode (its 17 types) it decodes to the same message.
 * - The documented differences, each pinned by a test (see docs/codec.md "Where Rust and the JS SDK differ").
 */
import * as js from '@clasp-to/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { message } from '../../test/fixtures/arbitraries.js';
import { fromHex, toHex } from '../../test/fixtures/hex.js';
import { type DecodedMessage, type Message, decode, decodeMessage, encode, encodeMessageBinary } from './index.js';

type JsMessage = js.Message;

/** Comparable form: bigint → number, Map → object, undefined fields and `false` lock/unlock dropped. */
function norm(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Array.from(v);
  if (v instanceof Map) return norm(Object.fromEntries(v));
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || ((k === 'lock' || k === 'unlock') && x === false)) continue;
      out[k] = norm(x);
    }
    return out;
  }
  return v;
}

const JS_SAFE = 2n ** 52n;
/**
 * Restricts a message to what the JS SDK can carry: no FEDERATION_SYNC/REPLAY, integers within
 * ±2^52 (JS reads i64/u64 through `Number`), no leading U+FEFF (JS strips it), no `__proto__`
 * map key (JS swallows it). Fields JS 3.3.2 ignores (SET TTL, HELLO federation) are kept.
 */
function jsCarriable(v: unknown): unknown {
  if (typeof v === 'bigint') return v % JS_SAFE;
  if (typeof v === 'string') return v.startsWith('\uFEFF') ? `x${v.slice(1)}` : v;
  if (v instanceof Uint8Array) return v;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k === '__proto__' ? 'proto' : jsCarriable(k), jsCarriable(x)]));
  if (Array.isArray(v)) return v.map(jsCarriable);
  if (typeof v === 'object' && v !== null) {
    const t = (v as { type?: unknown }).type;
    if (t === 'FEDERATION_SYNC' || t === 'REPLAY') return { type: 'PING' };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsCarriable(x)]));
  }
  return v;
}

/** What JS 3.3.2 makes of a message: no TTL, no federation feature. */
function jsView(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(jsView);
  if (v instanceof Map || v instanceof Uint8Array || typeof v !== 'object' || v === null) return v;
  const o = { ...(v as Record<string, unknown>) };
  if (o['type'] === 'SET') { delete o['ttl']; delete o['absolute']; }
  if (o['type'] === 'HELLO') o['features'] = (o['features'] as string[]).filter((f) => f !== 'federation');
  if (o['type'] === 'BUNDLE') o['messages'] = jsView(o['messages']);
  return o;
}

const OPTIONAL_STRINGS = new Set(['token', 'datatype', 'access', 'unit', 'description', 'writer', 'holder']);
/** A JS-shaped message: numbers instead of bigints, objects instead of Maps, '' optionals absent (JS tests truthiness). */
function toJsShape(v: unknown, key = ''): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return v;
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toJsShape(x)]));
  if (Array.isArray(v)) return v.map((x) => toJsShape(x));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    const isMsg = typeof (v as { type?: unknown }).type === 'string' && key !== 'value';
    for (const [k, x] of Object.entries(v)) {
      if (x === '' && (OPTIONAL_STRINGS.has(k) || (isMsg && k === 'address' && ['ACK', 'ERROR'].includes(String((v as { type: string }).type))))) continue;
      out[k] = toJsShape(x, k);
    }
    return out;
  }
  return v;
}

const jsMessages = message.map((m) => toJsShape(jsView(jsCarriable(m))) as JsMessage);
const ourMessages = message.map((m) => jsCarriable(m) as DecodedMessage);

describe('@clasp-to/core → this codec', () => {
  test('its frames decode to the same message, and our encoder writes the same payload bytes', () => {
    fc.assert(
      fc.property(jsMessages, (m) => {
        let jsBytes: Uint8Array;
        try {
          jsBytes = js.encode(m);
        } catch (e) {
          // JS sizes its buffer by a rough estimate (max(2×, 4096) bytes) and throws RangeError beyond it.
          fc.pre(!(e instanceof RangeError));
          throw e;
        }
        const ours = decodeMessage(jsBytes);
        expect(norm(ours.message)).toEqual(norm(js.decode(jsBytes)));
        expect(norm(ours.message)).toEqual(norm(m));
        expect(toHex(encodeMessageBinary(m as Message))).toBe(toHex(js.encodeMessageBinary(m)));
        if (!(m.type === 'PUBLISH' && m.signal === 'timeline')) expect(ours.flags.qos).toBe(js.decodeMessage(jsBytes).flags.qos);
      }),
      { numRuns: 800 },
    );
  }, 60_000); // property runs: seconds on an idle core, generous for a shared machine
});

describe('this codec → @clasp-to/core', () => {
  test('our frames (its 17 types) decode in JS to the same message', () => {
    fc.assert(
      fc.property(ourMessages, (m) => {
        const bytes = encode(m);
        expect(norm(js.decode(bytes))).toEqual(norm(jsView(m)));
      }),
      { numRuns: 800 },
    );
  }, 60_000); // property runs: seconds on an idle core, generous for a shared machine
});

describe('documented differences', () => {
  test('integers: a bigint goes out as i64 (Rust Int), a number as f64 exactly as JS writes it', () => {
    expect(toHex(encode({ type: 'SET', address: '/x', value: 42n }))).toBe('53 41 00 0e 21 05 00 02 2f 78 00 00 00 00 00 00 00 2a');
    expect(toHex(encode({ type: 'SET', address: '/x', value: 42 }))).toBe(toHex(js.encode({ type: 'SET', address: '/x', value: 42 })));
  });

  test('i64 beyond 2^53 keeps its precision here, JS rounds it', () => {
    const bytes = encode({ type: 'SET', address: '/x', value: 2n ** 60n + 1n, revision: 2n ** 63n + 5n });
    const m = decode(bytes);
    expect(m.type === 'SET' && [m.value, m.revision]).toEqual([2n ** 60n + 1n, 2n ** 63n + 5n]);
    const j = js.decode(bytes) as js.SetMessage;
    expect(j.value).toBe(Number(2n ** 60n));
  });

  test('PUBLISH timeline and no-signal default QoS: Rust Commit / Fire, JS Confirm', () => {
    expect(decodeMessage(encode({ type: 'PUBLISH', address: '/t', signal: 'timeline' })).flags.qos).toBe(2);
    expect(js.decodeMessage(js.encode({ type: 'PUBLISH', address: '/t', signal: 'timeline' })).flags.qos).toBe(1);
    expect(decodeMessage(encode({ type: 'PUBLISH', address: '/t' })).flags.qos).toBe(0);
    expect(js.decodeMessage(js.encode({ type: 'PUBLISH', address: '/t' })).flags.qos).toBe(1);
  });

  test('empty optional strings are written here (Rust is_some), dropped by JS (truthiness)', () => {
    expect(toHex(encode({ type: 'ACK', address: '' }))).toBe('53 01 00 04 50 01 00 00');
    expect(toHex(js.encode({ type: 'ACK', address: '' }))).toBe('53 01 00 02 50 00');
  });

  test('strict UTF-8 and BOM: we reject invalid bytes and keep U+FEFF; JS replaces and strips', () => {
    const bom = fromHex('53 01 00 08 22 00 05 ef bb bf 2f 61');
    expect(decode(bom)).toEqual({ type: 'GET', address: '\uFEFF/a' });
    expect(js.decode(bom)).toEqual({ type: 'GET', address: '/a' });
    const bad = fromHex('53 01 00 05 22 00 02 c3 28');
    expect(() => decode(bad)).toThrow(/UTF-8/);
    expect((js.decode(bad) as js.GetMessage).address).toBe('\uFFFD(');
  });

  test('SET TTL and the HELLO federation bit are Rust-only: JS 3.3.2 ignores both but still decodes the frame', () => {
    const set = encode({ type: 'SET', address: '/x', value: 1, ttl: 30, absolute: true });
    expect(js.decode(set)).toEqual({ type: 'SET', address: '/x', value: 1 });
    const hello = encode({ type: 'HELLO', version: 1, name: 'r', features: ['federation'] });
    expect((js.decode(hello) as js.HelloMessage).features).toEqual([]);
  });

  test('FEDERATION_SYNC and REPLAY: JS cannot decode them', () => {
    expect(() => js.decode(encode({ type: 'REPLAY', pattern: '/a/**' }))).toThrow(/Unknown message type/);
    expect(() => js.decode(encode({ type: 'FEDERATION_SYNC', op: 'SyncComplete' }))).toThrow(/Unknown message type/);
  });

  test('large messages: JS throws past its 4 KiB estimate, this encoder grows its buffer', () => {
    const params = Array.from({ length: 300 }, (_, i) => ({ address: `/p/${i}`, value: i, revision: i }));
    expect(() => js.encode({ type: 'SNAPSHOT', params })).toThrow(RangeError);
    expect((decode(encode({ type: 'SNAPSHOT', params })) as { params: unknown[] }).params).toHaveLength(300);
  });

  test('JS decodes maps into plain objects and loses a "__proto__" key; we keep it as an ordinary Map key', () => {
    const bytes = encode({ type: 'SET', address: '/m', value: new Map([['__proto__', 1n], ['a', 2n]]) });
    const ours = decode(bytes);
    expect(ours.type === 'SET' && [...(ours.value as Map<string, unknown>).keys()]).toEqual(['__proto__', 'a']);
    expect(Object.keys((js.decode(bytes) as js.SetMessage).value as object)).toEqual(['a']);
  });
});
