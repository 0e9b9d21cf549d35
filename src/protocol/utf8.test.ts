/**
 * What's tested: the hand-written strict UTF-8 decoder for short strings accepts and rejects
 * exactly what `TextDecoder('utf-8', {fatal: true, ignoreBOM: true})` does, on random bytes,
 * on valid encodings of random strings, and on the classic edge cases; the cached path agrees.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { utf8Decode, utf8DecodeShort } from './utf8.js';

const reference = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function expected(bytes: Uint8Array): string | undefined {
  try {
    return reference.decode(bytes);
  } catch {
    return undefined;
  }
}

test('random bytes: same result as the fatal TextDecoder', () => {
  const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x80, max: 0xbf }), fc.constantFrom(0xc0, 0xc1, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff));
  fc.assert(
    fc.property(fc.array(byte, { maxLength: 48 }).map((a) => Uint8Array.from(a)), (bytes) => {
      expect(utf8DecodeShort(bytes, 0, bytes.length)).toBe(expected(bytes));
      expect(utf8Decode(bytes, 0, bytes.length)).toBe(expected(bytes));
    }),
    { numRuns: 4_000 },
  );
}, 60_000);

test('valid encodings of any string round-trip, BOM kept', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (s) => {
      const bytes = new TextEncoder().encode(`\uFEFF${s}`);
      expect(utf8DecodeShort(bytes, 0, bytes.length)).toBe(expected(bytes));
    }),
    { numRuns: 5_000 },
  );
}, 60_000); // property runs: seconds on an idle core, generous for a shared machine

test('edge cases', () => {
  const cases: [number[], string | undefined][] = [
    [[0xc2, 0x80], '\u0080'], [[0xc1, 0xbf], undefined], [[0xe0, 0x9f, 0xbf], undefined], [[0xe0, 0xa0, 0x80], '\u0800'],
    [[0xed, 0x9f, 0xbf], '\ud7ff'], [[0xed, 0xa0, 0x80], undefined], [[0xef, 0xbf, 0xbf], '\uffff'],
    [[0xf0, 0x8f, 0xbf, 0xbf], undefined], [[0xf0, 0x90, 0x80, 0x80], '\u{10000}'], [[0xf4, 0x8f, 0xbf, 0xbf], '\u{10ffff}'],
    [[0xf4, 0x90, 0x80, 0x80], undefined], [[0xe2, 0x82], undefined], [[0x80], undefined], [[0xef, 0xbb, 0xbf], '\ufeff'],
  ];
  for (const [bytes, want] of cases) expect(utf8DecodeShort(Uint8Array.from(bytes), 0, bytes.length)).toBe(want);
});
