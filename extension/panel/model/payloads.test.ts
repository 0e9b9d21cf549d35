import { expect, test } from 'vitest';
import { base64ToBytesPortable, bytesToBase64 } from '../../shared/validate.js';
import { decodePayloads } from './payloads.js';

/** setFromBase64 as ES2026 specifies it for valid input (Node 20 has none): writes into `this`. */
function portableSetFromBase64(this: Uint8Array, text: string): { read: number; written: number } {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new SyntaxError('bad character');
  const bytes = base64ToBytesPortable(text);
  this.set(bytes);
  return { read: text.length, written: bytes.length };
}

const b64 = (bytes: number[]): string => bytesToBase64(new Uint8Array(bytes));

test('decodes every payload into views of one shared buffer', () => {
  const out = decodePayloads([b64([0x53, 1]), undefined, b64([1, 2, 3, 4]), b64([])], portableSetFromBase64);
  expect(out.map((p) => (p instanceof Uint8Array ? [...p] : p))).toEqual([[0x53, 1], undefined, [1, 2, 3, 4], []]);
  const [a, , c] = out as Uint8Array[];
  expect(a!.buffer).toBe(c!.buffer);
  expect(c!.byteOffset).toBe(2);
});

test('an unreadable payload becomes a RangeError for that frame only', () => {
  const out = decodePayloads([b64([9]), '!!not base64', b64([7, 8])], portableSetFromBase64);
  expect([...(out[0] as Uint8Array)]).toEqual([9]);
  expect(out[1]).toBeInstanceOf(RangeError);
  expect((out[1] as Error).message).toMatch(/invalid base64/);
  expect([...(out[2] as Uint8Array)]).toEqual([7, 8]);
});

test('large payloads, or no native setFromBase64, get buffers of their own', () => {
  const big = new Uint8Array(20_000).fill(5);
  const [small, large] = decodePayloads([b64([1]), bytesToBase64(big)], portableSetFromBase64) as Uint8Array[];
  expect(large).toEqual(big);
  expect(large!.buffer).not.toBe(small!.buffer);
  const [x, y] = decodePayloads([b64([1]), b64([2])], undefined) as Uint8Array[];
  expect([...x!, ...y!]).toEqual([1, 2]);
  expect(x!.buffer).not.toBe(y!.buffer);
});
