/**
 * What's tested:
 * - inspect: the exact tree of a SET frame (names, wire types, values, [start, end) ranges),
 *   the header with timestamp, nested values and bundle members, partial trees on errors;
 * - summarize: type, address (or pattern/namespace), signal, count and frame fields per message
 *   type, and its errors.
 */
import { describe, expect, test } from 'vitest';
import { fromHex } from '../../test/fixtures/hex.js';
import { VECTORS } from '../../test/fixtures/vectors.js';
import { ClaspDecodeError, type InspectNode, encode, inspect, summarize } from './index.js';

const hexOf = (name: string): Uint8Array => fromHex(VECTORS.find((v) => v.name.startsWith(name))?.hex ?? '');

/** Finds a node by a path of names. */
function at(node: InspectNode, ...path: string[]): InspectNode {
  let n = node;
  for (const name of path) {
    const next = n.children?.find((c) => c.name === name);
    if (next === undefined) throw new Error(`no ${name} under ${n.name}`);
    n = next;
  }
  return n;
}

describe('inspect', () => {
  test('V1 SET: every field with its bytes', () => {
    const tree = inspect(hexOf('V1 '));
    expect(tree).toMatchObject({ name: 'frame', wireType: 'frame', start: 0, end: 35 });
    expect(at(tree, 'header')).toMatchObject({ start: 0, end: 4 });
    expect(at(tree, 'header', 'magic')).toEqual({ name: 'magic', wireType: 'u8', value: 0x53, start: 0, end: 1 });
    expect(at(tree, 'header', 'flags').children).toEqual([
      { name: 'qos', wireType: 'bits', value: 'Confirm', start: 1, end: 2 },
      { name: 'timestamp', wireType: 'bits', value: false, start: 1, end: 2 },
      { name: 'encrypted', wireType: 'bits', value: false, start: 1, end: 2 },
      { name: 'compressed', wireType: 'bits', value: false, start: 1, end: 2 },
      { name: 'version', wireType: 'bits', value: 1, start: 1, end: 2 },
    ]);
    expect(at(tree, 'header', 'length')).toEqual({ name: 'length', wireType: 'u16', value: 31, start: 2, end: 4 });
    const msg = at(tree, 'message');
    expect(msg).toMatchObject({ wireType: 'message', value: 'SET', start: 4, end: 35 });
    expect(msg.children?.map((c) => [c.name, c.wireType, c.start, c.end])).toEqual([
      ['type', 'u8', 4, 5], ['flags', 'u8', 5, 6], ['address', 'str', 6, 19], ['value', 'f64', 19, 27], ['revision', 'u64', 27, 35],
    ]);
    expect(at(msg, 'flags', 'valueType').value).toBe('f64');
    expect(at(msg, 'address')).toMatchObject({ value: '/test/value' });
    expect(at(msg, 'address', 'length')).toMatchObject({ value: 11, start: 6, end: 8 });
    expect(at(msg, 'value')).toMatchObject({ value: 0.5 });
    expect(at(msg, 'revision').value).toBe(1n);
  });

  test('frame timestamp in the header (V26 PING)', () => {
    const tree = inspect(hexOf('V26'));
    expect(at(tree, 'header', 'timestamp')).toEqual({ name: 'timestamp', wireType: 'u64', value: 1_000_000n, start: 4, end: 12 });
    expect(at(tree, 'message')).toMatchObject({ value: 'PING', start: 12, end: 13 });
  });

  test('BUNDLE members and nested values recursively (V12, V6, V22)', () => {
    const bundle = at(inspect(hexOf('V12')), 'message');
    const second = at(bundle, 'messages[1]');
    expect(second).toMatchObject({ wireType: 'slot', start: 38, end: 60 });
    expect(at(second, 'message')).toMatchObject({ value: 'SET', start: 40, end: 60 });
    expect(at(second, 'message', 'address').value).toBe('/light/2');
    const gesture = at(inspect(hexOf('V6')), 'message', 'value');
    expect(gesture).toMatchObject({ wireType: 'map', start: 21, end: 36 });
    expect(at(gesture, 'x', 'value')).toMatchObject({ wireType: 'f64', value: 0.5 });
    const nested = at(inspect(hexOf('V22')), 'message', 'value', 'k', 'value');
    expect(nested).toMatchObject({ wireType: 'array' });
    expect(at(nested, '[0]')).toMatchObject({ wireType: 'bool', value: false });
  });

  test('on a decode error the partial tree shows what was readable', () => {
    const truncated = hexOf('V1 ').subarray(0, 30);
    truncated[3] = 26; // claim only what is there, so the message itself is cut
    let caught: unknown;
    try {
      inspect(truncated);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ClaspDecodeError);
    const e = caught as ClaspDecodeError;
    expect([e.code, e.offset]).toEqual(['truncated', 27]);
    const msg = at(e.partial as InspectNode, 'message');
    expect(at(msg, 'address').value).toBe('/test/value');
    expect(msg.children?.map((c) => c.name)).toEqual(['type', 'flags', 'address', 'value']);
  });
});

describe('summarize', () => {
  const cases: [string, object][] = [
    ['V1 ', { type: 0x21, typeName: 'SET', address: '/test/value', qos: 1, frameLength: 35, payloadLength: 31, legacy: false }],
    ['V6 ', { typeName: 'PUBLISH', address: '/input/touch', signal: 'gesture', qos: 0 }],
    ['V11', { typeName: 'SUBSCRIBE', address: '/lumen/scene/*/layer/**' }],
    ['V12', { typeName: 'BUNDLE', count: 2, qos: 2 }],
    ['V13 ', { typeName: 'SNAPSHOT', count: 1, address: undefined }],
    ['V14', { typeName: 'ACK', address: '/test/value' }],
    ['V15', { typeName: 'ERROR', address: undefined }],
    ['V17', { typeName: 'REPLAY', address: '/lights/**' }],
    ['V18 ', { typeName: 'FEDERATION_SYNC', address: undefined }],
    ['V19', { typeName: 'ANNOUNCE', address: '/lumen', count: 1 }],
    ['V20', { typeName: 'RESULT', count: 1 }],
    ['V26', { typeName: 'PING', timestamp: 1_000_000n, frameLength: 13, payloadLength: 1 }],
    ['V27 GET', { typeName: 'GET', address: '/test/param' }],
  ];
  for (const [name, expected] of cases) {
    test(name.trim(), () => {
      const s = summarize(hexOf(name)) as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(expected)) expect(s[key], key).toEqual(value);
    });
  }

  test('ERROR with an address, QUERY', () => {
    expect(summarize(encode({ type: 'ERROR', code: 401, message: 'locked', address: '/a/b' })).address).toBe('/a/b');
    expect(summarize(encode({ type: 'QUERY', pattern: '/q/**' })).address).toBe('/q/**');
  });

  test('reads only what it needs: a SET with a broken value still summarises, decode would fail', () => {
    expect(summarize(fromHex('53 41 00 05 21 0c 00 01 2f'))).toMatchObject({ typeName: 'SET', address: '/' });
  });
});
