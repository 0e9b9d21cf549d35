import { expect, test } from 'vitest';
import { MAX_FRAME_BYTES, MAX_TEXT_CHARS } from './limits.js';
import { injectDetail, parseInjectCommand, parseInjectResult } from './inject.js';
import { bytesToBase64 } from './validate.js';

test('an inject command keeps its known fields only; one payload at most, within the caps', () => {
  const bytes = bytesToBase64(new Uint8Array([1, 2, 3]));
  expect(parseInjectCommand({ type: 'inject', id: 'p-1', cid: 'w1', bytes, doc: 'd', evil: 1 })).toEqual({ type: 'inject', id: 'p-1', cid: 'w1', bytes });
  expect(parseInjectCommand({ type: 'inject', id: 'p-1', cid: 'w1', text: '' })).toEqual({ type: 'inject', id: 'p-1', cid: 'w1', text: '' });
  expect(parseInjectCommand({ type: 'inject', id: 'p-1', cid: 'w1' })).toEqual({ type: 'inject', id: 'p-1', cid: 'w1' }); // a probe
  expect(parseInjectCommand({ type: 'inject', id: 'p-1', cid: 'w1', dir: 'in', text: 'x' })).toEqual({ type: 'inject', id: 'p-1', cid: 'w1', dir: 'in', text: 'x' });
  expect(parseInjectCommand({ type: 'inject', id: 'p-1', cid: 'w1', dir: 'out', text: 'x' })).toEqual({ type: 'inject', id: 'p-1', cid: 'w1', text: 'x' });
  expect(parseInjectCommand({ type: 'inject', id: 'p-1', cid: 'w1', dir: 'sideways', text: 'x' })).toBeNull();
  const refused = [
    null, [], 'inject', { type: 'other', id: 'a', cid: 'w1' },
    { type: 'inject', id: '', cid: 'w1' }, { type: 'inject', id: 'a'.repeat(81), cid: 'w1' }, { type: 'inject', id: 'a', cid: 'w'.repeat(65) },
    { type: 'inject', id: 7, cid: 'w1' }, { type: 'inject', id: 'a', cid: 'w1', bytes, text: 'x' },
    { type: 'inject', id: 'a', cid: 'w1', bytes: 'AAA' }, { type: 'inject', id: 'a', cid: 'w1', bytes: 'AA!=' }, { type: 'inject', id: 'a', cid: 'w1', bytes: 7 },
    { type: 'inject', id: 'a', cid: 'w1', text: 'x'.repeat(MAX_TEXT_CHARS + 1) },
    { type: 'inject', id: 'a', cid: 'w1', bytes: 'A'.repeat((Math.ceil(MAX_FRAME_BYTES / 3) + 1) * 4) },
  ];
  for (const value of refused) expect(parseInjectCommand(value), JSON.stringify(value)?.slice(0, 80)).toBeNull();
  // the largest binary frame passes
  const largest = bytesToBase64(new Uint8Array(MAX_FRAME_BYTES).fill(0x53));
  expect(parseInjectCommand({ type: 'inject', id: 'a', cid: 'w1', bytes: largest })?.bytes).toBe(largest);
});

test('the relay decodes the bytes into an ArrayBuffer of exactly the frame', () => {
  const frame = new Uint8Array([0x53, 0x21, 0, 2, 9, 8]);
  const detail = injectDetail({ type: 'inject', id: 'a', cid: 'w2', bytes: bytesToBase64(frame) });
  expect(detail.bytes).toBeInstanceOf(ArrayBuffer);
  expect([...new Uint8Array(detail.bytes!)]).toEqual([...frame]);
  expect(injectDetail({ type: 'inject', id: 'a', cid: 'w2', text: 'hi' })).toEqual({ id: 'a', cid: 'w2', text: 'hi' });
  expect(injectDetail({ type: 'inject', id: 'a', cid: 'w2', dir: 'in', text: 'hi' })).toEqual({ id: 'a', cid: 'w2', dir: 'in', text: 'hi' });
  expect(injectDetail({ type: 'inject', id: 'a', cid: 'w2' })).toEqual({ id: 'a', cid: 'w2' });
});

test('a result is checked field by field', () => {
  expect(parseInjectResult({ id: 'a', ok: true, error: '', buffered: 10, more: 1 })).toEqual({ id: 'a', ok: true, error: '', buffered: 10 });
  expect(parseInjectResult({ id: 'a', ok: false, error: 'e'.repeat(1000), buffered: 0 })?.error).toHaveLength(256);
  for (const bad of [null, { id: 'a', ok: 1, error: '', buffered: 0 }, { id: 'a', ok: true, error: '', buffered: -1 }, { id: 'a', ok: true, error: '', buffered: 1.5 }, { id: '', ok: true, error: '', buffered: 0 }, { id: 'a', ok: true, buffered: 0 }]) {
    expect(parseInjectResult(bad)).toBeNull();
  }
});
