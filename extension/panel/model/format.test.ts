import { expect, test } from 'vitest';
import { formatBytes, formatDelta, formatValue, toAscii, toHex } from './format.js';
import { hexDumpLines } from '../view/hex-view.js';

test('formatValue renders CLASP values on one line', () => {
  expect(formatValue(42n)).toBe('42');
  expect(formatValue('a"b')).toBe('"a\\"b"');
  expect(formatValue(new Map<string, unknown>([['x', 1], ['y', [true, null]]]))).toBe('{x: 1, y: [true, null]}');
  expect(formatValue(new Uint8Array([1, 2, 255]))).toBe('<3 B 01 02 ff>');
  expect(formatValue('x'.repeat(500), 20)).toHaveLength(20);
});

test('formatValue bounds depth and width of hostile values', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 1000; i++) deep = [deep];
  expect(formatValue(deep).length).toBeLessThanOrEqual(200);
  expect(formatValue(Array.from({ length: 100_000 }, (_, i) => i)).length).toBeLessThanOrEqual(200);
});

test('hex, ascii and the dump lines are exact', () => {
  const bytes = new TextEncoder().encode('hello world');
  expect(toHex(bytes, '')).toBe('68656c6c6f20776f726c64');
  expect(toAscii(new Uint8Array([0x41, 0x00, 0x7f, 0x20]))).toBe('A.. ');
  const lines = hexDumpLines(new Uint8Array(Array.from({ length: 18 }, (_, i) => i + 0x40)));
  expect(lines).toEqual([
    '00000000  40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  @ABCDEFGHIJKLMNO',
    `00000010  ${'50 51'.padEnd(47)}  PQ`,
  ]);
});

test('sizes and deltas', () => {
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatDelta(0.42)).toBe('+0.4 ms');
  expect(formatDelta(1250)).toBe('+1.25 s');
  expect(formatDelta(-30)).toBe('−30 ms');
});
