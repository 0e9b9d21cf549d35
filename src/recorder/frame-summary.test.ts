import { encode, type Message } from '@clasp-to/core';
import { describe, expect, test } from 'vitest';
import { compileAddressGlob } from './glob.js';
import { messageTypeCode, messageTypeName, summarizeFrame } from './frame-summary.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

describe('summarizeFrame', () => {
  test.each<[string, Message, number, string | null]>([
    ['SET', { type: 'SET', address: '/mixer/1/gain', value: 0.5 } as Message, 0x21, '/mixer/1/gain'],
    ['PUBLISH', { type: 'PUBLISH', address: '/cue/go', signal: 'event', payload: 1 } as Message, 0x20, '/cue/go'],
    ['GET', { type: 'GET', address: '/a/b' } as Message, 0x22, '/a/b'],
    ['SUBSCRIBE', { type: 'SUBSCRIBE', id: 7, pattern: '/mixer/**' } as Message, 0x10, '/mixer/**'],
    ['PING', { type: 'PING' } as Message, 0x41, null],
    ['HELLO', { type: 'HELLO', version: 1, name: 'x', features: [] } as unknown as Message, 0x01, null],
  ])('%s frame from the official encoder', (_name, message, type, address) => {
    expect(summarizeFrame(encode(message))).toEqual({ type, address });
  });

  test('frame with timestamp header (flags 0x21) reads the payload after 12 bytes', () => {
    // 53 21 len=0001 ts(8) 41 = PING with timestamp
    expect(summarizeFrame(hex('53 21 0001 0000000000000001 41'))).toEqual({ type: 0x41, address: null });
  });

  test('legacy v0 MessagePack SET (docs/wire-format.md §7 worked example)', () => {
    const payload = hex(
      '86 a4 74 79 70 65 a3 53 45 54 a7 61 64 64 72 65 73 73 ab 2f 74 65 73 74 2f 76 61 6c 75 65 a5 76 61 6c 75 65 cb 3f e0 00 00 00 00 00 00 a8 72 65 76 69 73 69 6f 6e 01 a4 6c 6f 63 6b c2 a6 75 6e 6c 6f 63 6b c2',
    );
    const frame = new Uint8Array(4 + payload.length);
    frame.set([0x53, 0x00, 0x00, payload.length]);
    frame.set(payload, 4);
    expect(summarizeFrame(frame)).toEqual({ type: 0x21, address: '/test/value' });
  });

  test.each([
    ['empty', ''],
    ['wrong magic', '54 01 0001 41'],
    ['length beyond the buffer', '53 01 0005 41'],
    ['zero-length payload', '53 01 0000'],
    ['unknown type code', '53 01 0001 99'],
    ['v0 map with a non-CLASP type', '53 00 000b 81 a4 74 79 70 65 a4 4e 4f 50 45'],
    ['v0 map with a prototype key as type', '53 00 0012 81 a4 74 79 70 65 ab 63 6f 6e 73 74 72 75 63 74 6f 72'],
  ])('%s → type -1, never throws', (_name, bytes) => {
    expect(summarizeFrame(hex(bytes || '00').subarray(0, bytes ? undefined : 0))).toEqual({ type: -1, address: null });
  });

  test('SET whose address runs past the payload is not valid CLASP → type -1', () => {
    expect(summarizeFrame(hex('53 01 0006 21 07 00ff 2f 61'))).toEqual({ type: -1, address: null });
  });

  test('type names and codes', () => {
    expect(messageTypeName(0x21)).toBe('SET');
    expect(messageTypeName(-1)).toBe('UNKNOWN');
    expect(messageTypeCode('PUBLISH')).toBe(0x20);
    expect(messageTypeCode('UNKNOWN')).toBe(-1);
    expect(() => messageTypeCode('toString')).toThrow(RangeError);
  });
});

describe('compileAddressGlob', () => {
  test.each<[string, string, boolean]>([
    ['/mixer/*/gain', '/mixer/1/gain', true],
    ['/mixer/*/gain', '/mixer/1/2/gain', false],
    ['/mixer/*', '/mixer', false],
    ['/mixer/**', '/mixer', true],
    ['/mixer/**', '/mixer/1/gain', true],
    ['/mixer/**', '/mixerx/1', false],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a/**/z', '/a/b/c/y', false],
    ['**', '/anything/at/all', true],
    ['/fader*', '/fader12', true],
    ['/fader*', '/fader/12', false],
    ['/a.b/(c)', '/a.b/(c)', true],
    ['/a.b', '/aXb', false],
  ])('%s against %s → %s', (glob, address, expected) => {
    expect(compileAddressGlob(glob)(address)).toBe(expected);
  });

  test('empty glob is a programmer error', () => {
    expect(() => compileAddressGlob('')).toThrow(RangeError);
  });
});
