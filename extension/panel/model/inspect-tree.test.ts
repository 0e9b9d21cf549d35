import { expect, test } from 'vitest';
import { encode } from '../../../src/protocol/index.js';
import { inspectFrame, rowAtByte } from './inspect-tree.js';

const SET = encode({ type: 'SET', address: '/test/value', value: 0.5, revision: 1n });

test('the tree covers the frame and each row knows its bytes', () => {
  const { rows, error } = inspectFrame(SET);
  expect(error).toBeUndefined();
  expect(rows[0]!.node).toMatchObject({ start: 0, end: SET.length });
  const address = rows.find((r) => r.node.name === 'address')!;
  expect(new TextDecoder().decode(SET.subarray(address.node.start + 2, address.node.end))).toBe('/test/value');
  expect(rows.every((r) => r.parent < r.index)).toBe(true);
});

test('a byte maps to the deepest field that holds it', () => {
  const { rows } = inspectFrame(SET);
  expect(rows[rowAtByte(rows, 0)]!.node.name).toBe('magic');
  const address = rows.find((r) => r.node.name === 'address')!;
  const at = rowAtByte(rows, address.node.start + 3);
  expect(rows[at]!.node.start).toBeGreaterThanOrEqual(address.node.start);
  expect(rows[at]!.node.end).toBeLessThanOrEqual(address.node.end);
  expect(rowAtByte(rows, SET.length + 5)).toBe(-1);
});

test('a broken frame keeps the partial tree and reports the error', () => {
  const broken = SET.subarray(0, 12);
  const { rows, error } = inspectFrame(broken);
  expect(error).toMatch(/^\w[\w-]* at byte \d+/);
  expect(rows.length).toBeGreaterThan(0);
});

test('random bytes never throw', () => {
  for (let i = 0; i < 2000; i++) {
    const bytes = new Uint8Array(Math.floor(Math.random() * 40)).map(() => Math.floor(Math.random() * 256));
    if (bytes.length > 0 && i % 2 === 0) bytes[0] = 0x53;
    expect(() => inspectFrame(bytes)).not.toThrow();
  }
});
