/**
 * What's tested: the one base64 codec of the project on both of its paths. Node 20 has no native
 * `Uint8Array.fromBase64` / `toBase64`, so the portable loops are compared with Node's Buffer, and
 * the native fast path is exercised with a stand-in that behaves as the ES2026 methods do (strict
 * last chunk, whitespace skipped): results and errors must not depend on the path.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { fromBase64, fromBase64Portable, toBase64, toBase64Portable } from './base64.js';

const ctor = Uint8Array as unknown as Record<string, unknown> & { prototype: Record<string, unknown> };

/** Installs a stand-in for the native codec; returns how often each method ran. */
function installNative(): { decodes: number; encodes: number } {
  const calls = { decodes: 0, encodes: 0 };
  ctor['fromBase64'] = (text: string, options?: { lastChunkHandling?: string }) => {
    calls.decodes += 1;
    const clean = text.replace(/[\t\n\f\r ]/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) throw new SyntaxError('bad base64');
    const bytes = new Uint8Array(Buffer.from(clean, 'base64'));
    if (options?.lastChunkHandling === 'strict' && Buffer.from(bytes).toString('base64') !== clean) throw new SyntaxError('non-zero padding bits');
    return bytes;
  };
  ctor.prototype['toBase64'] = function (this: Uint8Array) {
    calls.encodes += 1;
    return Buffer.from(this).toString('base64');
  };
  return calls;
}

afterEach(() => {
  delete ctor['fromBase64'];
  delete ctor.prototype['toBase64'];
});

const errorOf = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
};

const BAD = ['abc', 'ab!d', 'a=bc', 'ab d', 'QUJD\n', '====', 'ab=d'];

describe('portable path', () => {
  test('matches Node for random bytes, both ways', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const text = toBase64Portable(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64Portable(text)).toEqual(bytes);
    }));
  });

  test('refuses a wrong length, a character outside the alphabet and misplaced padding, naming where', () => {
    expect(errorOf(() => fromBase64('abc'))).toMatch(/RangeError: .*multiple of 4/);
    expect(errorOf(() => fromBase64('ab!d'))).toMatch(/RangeError: .*at 2/);
    expect(errorOf(() => fromBase64('a=bc'))).toMatch(/RangeError: .*at 1/);
    expect(errorOf(() => fromBase64('ab d'))).toMatch(/RangeError: .*at 2/);
  });
});

describe('native fast path', () => {
  test('is used for valid input and gives the same bytes and text', () => {
    const calls = installNative();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const text = toBase64(bytes);
      expect(text).toBe(toBase64Portable(bytes));
      expect(fromBase64(text)).toEqual(bytes);
    }));
    expect(calls.encodes).toBeGreaterThan(0);
    expect(calls.decodes).toBeGreaterThan(0);
  });

  test('input it would read differently or refuse gets the portable answer', () => {
    for (const text of BAD) {
      const portable = errorOf(() => fromBase64Portable(text));
      installNative();
      expect([text, errorOf(() => fromBase64(text))]).toEqual([text, portable]);
    }
    // non-zero padding bits: the native strict mode refuses, the loop accepts; the loop decides
    installNative();
    expect(fromBase64('QR==')).toEqual(fromBase64Portable('QR=='));
  });
});
