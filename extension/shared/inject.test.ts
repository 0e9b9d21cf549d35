import { expect, test } from 'vitest';
import { MAX_FRAME_BYTES, MAX_INJECT_FRAMES, MAX_TEXT_CHARS } from './limits.js';
import { injectDetail, parseInjectCommand, parseInjectResult } from './inject.js';
import { bytesToBase64 } from './validate.js';

test('an inject command keeps its known fields only; its frames within the caps; one frame may come as bytes or text', () => {
  const bytes = bytesToBase64(new Uint8Array([1, 2, 3]));
  const head = { type: 'inject', id: 'p-1', cid: 'w1' } as const;
  expect(parseInjectCommand({ ...head, frames: [{ bytes }, { text: 'two', evil: 1 }], doc: 'd', evil: 1 })).toEqual({ ...head, frames: [{ bytes }, { text: 'two' }] });
  expect(parseInjectCommand({ ...head, bytes, doc: 'd' })).toEqual({ ...head, frames: [{ bytes }] });
  expect(parseInjectCommand({ ...head, text: '' })).toEqual({ ...head, frames: [{ text: '' }] });
  expect(parseInjectCommand(head)).toEqual({ ...head, frames: [] }); // a probe
  expect(parseInjectCommand({ ...head, frames: [] })).toEqual({ ...head, frames: [] });
  expect(parseInjectCommand({ ...head, dir: 'in', text: 'x' })).toEqual({ ...head, dir: 'in', frames: [{ text: 'x' }] });
  expect(parseInjectCommand({ ...head, dir: 'out', text: 'x' })).toEqual({ ...head, frames: [{ text: 'x' }] });
  const many = Array.from({ length: MAX_INJECT_FRAMES }, () => ({ bytes }));
  expect(parseInjectCommand({ ...head, frames: many })?.frames).toHaveLength(MAX_INJECT_FRAMES);
  const refused = [
    null, [], 'inject', { type: 'other', id: 'a', cid: 'w1' },
    { ...head, dir: 'sideways', text: 'x' },
    { ...head, id: '' }, { ...head, id: 'a'.repeat(81) }, { ...head, cid: 'w'.repeat(65) }, { ...head, id: 7 },
    { ...head, bytes, text: 'x' }, { ...head, bytes: 'AAA' }, { ...head, bytes: 'AA!=' }, { ...head, bytes: 7 },
    { ...head, frames: [{ bytes, text: 'x' }] }, { ...head, frames: [{}] }, { ...head, frames: [null] }, { ...head, frames: ['raw'] }, { ...head, frames: {} },
    { ...head, frames: [{ text: 'x' }], text: 'y' },
    { ...head, frames: [...many, { bytes }] },
    { ...head, text: 'x'.repeat(MAX_TEXT_CHARS + 1) },
    { ...head, frames: [{ text: 'x'.repeat(MAX_TEXT_CHARS) }, { text: 'x' }] },
    { ...head, bytes: 'A'.repeat((Math.ceil(MAX_FRAME_BYTES / 3) + 1) * 4) },
    { ...head, frames: [{ bytes: bytesToBase64(new Uint8Array(MAX_FRAME_BYTES)) }, { bytes: 'AAAA' }] },
  ];
  for (const value of refused) expect(parseInjectCommand(value), JSON.stringify(value)?.slice(0, 100)).toBeNull();
  // the largest binary frame passes
  const largest = bytesToBase64(new Uint8Array(MAX_FRAME_BYTES).fill(0x53));
  expect(parseInjectCommand({ ...head, bytes: largest })?.frames).toEqual([{ bytes: largest }]);
});

test('the relay decodes each binary frame into an ArrayBuffer of exactly that frame, in order', () => {
  const frame = new Uint8Array([0x53, 0x21, 0, 2, 9, 8]);
  const detail = injectDetail({ type: 'inject', id: 'a', cid: 'w2', frames: [{ bytes: bytesToBase64(frame) }, { text: 'hi' }, { bytes: '' }] });
  expect(detail.frames[0]).toBeInstanceOf(ArrayBuffer);
  expect([...new Uint8Array(detail.frames[0] as ArrayBuffer)]).toEqual([...frame]);
  expect(detail.frames[1]).toBe('hi');
  expect((detail.frames[2] as ArrayBuffer).byteLength).toBe(0);
  expect(injectDetail({ type: 'inject', id: 'a', cid: 'w2', dir: 'in', frames: [{ text: 'hi' }] })).toEqual({ id: 'a', cid: 'w2', dir: 'in', frames: ['hi'] });
  expect(injectDetail({ type: 'inject', id: 'a', cid: 'w2', frames: [] })).toEqual({ id: 'a', cid: 'w2', frames: [] });
});

test('a result is checked field by field', () => {
  expect(parseInjectResult({ id: 'a', ok: true, error: '', buffered: 10, sent: 3, more: 1 })).toEqual({ id: 'a', ok: true, error: '', buffered: 10, sent: 3 });
  expect(parseInjectResult({ id: 'a', ok: false, error: 'e'.repeat(1000), buffered: 0, sent: 0 })?.error).toHaveLength(256);
  const ok = { id: 'a', ok: true, error: '', buffered: 0, sent: 0 };
  for (const bad of [null, { ...ok, ok: 1 }, { ...ok, buffered: -1 }, { ...ok, buffered: 1.5 }, { ...ok, id: '' }, { ...ok, error: undefined }, { ...ok, sent: -1 }, { ...ok, sent: MAX_INJECT_FRAMES + 1 }, { ...ok, sent: undefined }]) {
    expect(parseInjectResult(bad), JSON.stringify(bad)).toBeNull();
  }
});
