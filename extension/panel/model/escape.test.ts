/**
 * What's tested (issue 13, item 6): the one escaping function shows every invisible, bidi and
 * line-breaking character as `\uXXXX`, leaves ordinary text (including non-Latin scripts and emoji)
 * alone, and the frame rows mark exactly where the escapes are after cutting and padding.
 */
import { describe, expect, test } from 'vitest';
import { conn, textFrame } from './test-fixtures.js';
import { escapeInvisible, escapePieces, escapeWithRanges, hasInvisible } from './escape.js';
import { rowContent, rowTexts } from '../view/frame-table.js';
import { rowFields } from '../view/row-text.js';
import type { FrameRecord } from './types.js';

describe('escapeInvisible', () => {
  test.each([
    ['\u202E', '\\u202E'],
    ['\u200B', '\\u200B'],
    ['\u200C', '\\u200C'],
    ['\u200D', '\\u200D'],
    ['\u200E', '\\u200E'],
    ['\u200F', '\\u200F'],
    ['\u2066', '\\u2066'],
    ['\u2067', '\\u2067'],
    ['\u2068', '\\u2068'],
    ['\u2069', '\\u2069'],
    ['\u2028', '\\u2028'],
    ['\u2029', '\\u2029'],
    ['\n', '\\u000A'],
    ['\r', '\\u000D'],
    ['\t', '\\u0009'],
    ['\u0000', '\\u0000'],
    ['\u007F', '\\u007F'],
    ['\u0085', '\\u0085'],
    ['\u00A0', '\\u00A0'],
    ['\u00AD', '\\u00AD'],
    ['\uFEFF', '\\uFEFF'],
    ['\u2060', '\\u2060'],
    ['\u061C', '\\u061C'],
    ['\u3164', '\\u3164'],
    ['\uD800', '\\uD800'],
    ['\u{E0041}', '\\u{E0041}'],
  ])('%j is shown as %s', (char, shown) => {
    expect(escapeInvisible(`/a${char}b`)).toBe(`/a${shown}b`);
    expect(hasInvisible(char)).toBe(true);
  });

  test('ordinary text is returned as it is (the same string), spaces and scripts included', () => {
    for (const text of ['/mixer/1/gain', 'a b', 'Grüße', 'привет', '日本語', 'שלום', 'مرحبا', '😀', '/a\\u202E']) {
      expect(escapeInvisible(text)).toBe(text);
      expect(hasInvisible(text)).toBe(false);
    }
  });

  test('a look-alike address cannot pass for the real one', () => {
    expect(escapeInvisible('/mixer/1/ga\u200Bin')).toBe('/mixer/1/ga\\u200Bin');
    expect(escapeInvisible('/mixer/1/ga\u200Bin')).not.toBe('/mixer/1/gain');
    expect(escapeInvisible('/safe/\u202Etxt.exe')).toBe('/safe/\\u202Etxt.exe');
  });

  test('pieces mark the escapes; keepLines keeps LF, CR LF and tab for multi-line views', () => {
    expect(escapePieces('a\u202Eb')).toEqual([
      { text: 'a', escape: false },
      { text: '\\u202E', escape: true },
      { text: 'b', escape: false },
    ]);
    expect(escapeInvisible('x\ny\r\nz\tq\u2028', { keepLines: true })).toBe('x\ny\r\nz\tq\\u2028');
    expect(escapeInvisible('x\ry', { keepLines: true })).toBe('x\\u000Dy');
  });

  test('ranges point at the escapes in the escaped text', () => {
    const { text, ranges } = escapeWithRanges('ab\u200Bc\u202E');
    expect(text).toBe('ab\\u200Bc\\u202E');
    expect(ranges.map(([s, e]) => text.slice(s, e))).toEqual(['\\u200B', '\\u202E']);
  });
});

describe('frame rows', () => {
  const named = (name: string, address: string): FrameRecord => ({ ...textFrame(`x${address}`), conn: conn('d/w1', { name }), summary: { kind: 'clasp', type: 'SET', qos: 'Fire', address } });

  test('a row with a bidi override or a newline in the address, name or summary shows them escaped, at their places', () => {
    const frame = named('ev\u202Eil', '/a\u200Bb\nc');
    const { line, ranges } = rowContent(rowTexts(frame, undefined));
    const fields = rowFields(line);
    expect(fields[3]).toBe('ev\\u202Eil');
    expect(fields[5]).toBe('/a\\u200Bb\\u000Ac');
    expect(line).not.toMatch(/[\u202E\u200B\n]/);
    expect(ranges.map(([s, e]) => line.slice(s, e))).toEqual(['\\u202E', '\\u200B', '\\u000A']);
  });

  test('an escape cut by a narrow column stays marked up to the cut', () => {
    const frame = named('n', `/${'x'.repeat(24)}\u202Eabc`);
    const { line, ranges } = rowContent(rowTexts(frame, undefined));
    const address = rowFields(line)[5]!;
    expect(address.endsWith('…')).toBe(true);
    // '/' + 24 'x' fill 25 of the 27 kept characters: the escape is cut after `\u`, and that part stays marked
    expect(ranges.map(([s, e]) => line.slice(s, e))).toContain('\\u');
    for (const [s, e] of ranges) expect(line.slice(s, e)).toMatch(/^\\u[0-9A-F{}]*$/);
  });

  test('rows without such characters take the plain path (no ranges)', () => {
    expect(rowContent(rowTexts(named('n', '/mixer/1/gain'), undefined)).ranges).toEqual([]);
  });
});
