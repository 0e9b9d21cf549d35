import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_FRAME_BYTES, MAX_TEXT_CHARS } from './limits.js';
import { pageDetail } from './detail-fixtures.js';
import { base64ToBytes, bytesToBase64, keepPrefix, parsePageDetail, parsePageEvent } from './validate.js';

const header = { seq: 1, t: 1_700_000_000_000, cid: 'w1' };

describe('parsePageEvent', () => {
  test('accepts a binary frame and copies only known fields', () => {
    const bytes = new Uint8Array([0x53, 1, 0, 1, 0x41]).buffer;
    const result = parsePageEvent({ k: 'frame', ...header, dir: 'out', bytes, size: 5, extra: 'dropped' });
    expect(result).toEqual({ ok: true, truncated: false, event: { k: 'frame', ...header, dir: 'out', bytes, size: 5 } });
  });

  test('accepts text frames and marks truncated ones', () => {
    expect(parsePageEvent({ k: 'frame', ...header, dir: 'in', text: 'hi', size: 2 })).toMatchObject({ ok: true, truncated: false });
    expect(parsePageEvent({ k: 'frame', ...header, dir: 'in', text: 'hi', size: 10 })).toMatchObject({ ok: true, truncated: true });
  });

  test('times at both ends of the Date range are accepted (every consumer can make a Date of them)', () => {
    for (const t of [8.64e15, -8.64e15, 0]) {
      const result = parsePageEvent({ k: 'open', ...header, t, protocol: '' });
      expect(result.ok).toBe(true);
      expect(Number.isNaN(new Date(result.ok ? result.event.t : NaN).getTime())).toBe(false);
    }
  });

  test('keeps the page-dispatched flag of frames and errors, and nothing else of it', () => {
    expect(parsePageEvent({ k: 'frame', ...header, dir: 'in', text: 'x', size: 1, page: true })).toMatchObject({ ok: true, event: { page: true } });
    expect(parsePageEvent({ k: 'error', ...header, message: 'm', page: true })).toMatchObject({ ok: true, event: { page: true } });
    const notFlagged = parsePageEvent({ k: 'frame', ...header, dir: 'in', text: 'x', size: 1, page: 'yes' });
    expect(notFlagged.ok && 'page' in notFlagged.event).toBe(false);
  });

  test('keeps the replay flag of frames (never together with page-dispatched), and nothing else of it', () => {
    const replayed = parsePageEvent({ k: 'frame', ...header, dir: 'out', bytes: new ArrayBuffer(2), size: 2, replay: true });
    expect(replayed).toMatchObject({ ok: true, event: { replay: true } });
    const both = parsePageEvent({ k: 'frame', ...header, dir: 'in', text: 'x', size: 1, page: true, replay: true });
    expect(both.ok && both.event).toMatchObject({ page: true });
    expect(both.ok && 'replay' in both.event).toBe(false);
    const notFlagged = parsePageEvent({ k: 'frame', ...header, dir: 'out', text: 'x', size: 1, replay: 1 });
    expect(notFlagged.ok && 'replay' in notFlagged.event).toBe(false);
  });

  test('a capped text is a copy of its kept part (the whole original is not kept alive)', () => {
    const long = 'ab'.repeat(MAX_TEXT_CHARS);
    const result = parsePageEvent({ k: 'frame', ...header, dir: 'in', text: long, size: long.length });
    expect(result.ok && result.truncated).toBe(true);
    const kept = result.ok && result.event.k === 'frame' ? result.event.text : undefined;
    expect(kept).toBe(long.slice(0, MAX_TEXT_CHARS));
    expect(keepPrefix('short', 10)).toBe('short');
  });

  test('caps a payload above MAX_FRAME_BYTES and reports it truncated', () => {
    const big = new ArrayBuffer(MAX_FRAME_BYTES + 10);
    const result = parsePageEvent({ k: 'frame', ...header, dir: 'in', bytes: big, size: big.byteLength });
    expect(result.ok && result.truncated).toBe(true);
    expect(result.ok && result.event.k === 'frame' && result.event.bytes?.byteLength).toBe(MAX_FRAME_BYTES);
  });

  test.each([
    ['a non-object', 'frame'],
    ['an array', [1, 2]],
    ['an unknown kind', { k: 'command', ...header }],
    ['a bad direction', { k: 'frame', ...header, dir: 'sideways', text: 'x', size: 1 }],
    ['an object payload', { k: 'frame', ...header, dir: 'in', bytes: { length: 3 }, size: 3 }],
    ['both text and bytes', { k: 'frame', ...header, dir: 'in', text: 'x', bytes: new ArrayBuffer(1), size: 1 }],
    ['a negative size', { k: 'frame', ...header, dir: 'in', text: 'x', size: -1 }],
    ['a size below the payload', { k: 'frame', ...header, dir: 'in', bytes: new ArrayBuffer(8), size: 2 }],
    ['a non-integer seq', { k: 'open', ...header, seq: 1.5, protocol: '' }],
    ['an infinite time', { k: 'open', ...header, t: Infinity, protocol: '' }],
    ['a time beyond the Date range (1e300)', { k: 'frame', ...header, t: 1e300, dir: 'in', text: 'x', size: 1 }],
    ['a time before the Date range', { k: 'open', ...header, t: -8.64e15 - 1, protocol: '' }],
    ['a seq beyond the u32 range', { k: 'open', ...header, seq: 2 ** 32, protocol: '' }],
    ['a size beyond the u32 range', { k: 'frame', ...header, dir: 'in', text: 'x', size: 2 ** 32 }],
    ['a text longer than its size', { k: 'frame', ...header, dir: 'in', text: 'xyz', size: 2 }],
    ['an attempt beyond the u32 range', { k: 'conn', ...header, url: 'ws://a', protocols: [], source: 'x', attempt: 2 ** 40 }],
    ['a close code beyond 16 bits', { k: 'close', ...header, code: 70000, reason: '', wasClean: true }],
    ['an empty connection id', { k: 'open', ...header, cid: '', protocol: '' }],
    ['a non-numeric close code', { k: 'close', ...header, code: 'nope', reason: '', wasClean: true }],
    ['a close code above 65535', { k: 'close', ...header, code: 70000, reason: '', wasClean: true }],
    ['protocols that are not strings', { k: 'conn', ...header, url: 'ws://x', protocols: [{}], source: 'websocket', attempt: 0 }],
  ])('refuses %s', (_what, value) => {
    expect(parsePageEvent(value).ok).toBe(false);
  });

  test('caps strings', () => {
    const result = parsePageEvent({ k: 'conn', ...header, url: 'x'.repeat(10_000), protocols: ['clasp'], source: 'websocket', attempt: 0 });
    expect(result.ok && result.event.k === 'conn' && result.event.url.length).toBe(2048);
  });

  test('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.anything(), (value) => typeof parsePageEvent(value).ok === 'boolean'));
  });
});

describe('parsePageDetail', () => {
  test('accepts a batch: checked block, connection table, object events in order', () => {
    const detail = pageDetail([{ bytes: [1] }, { object: { k: 'open', ...header, protocol: 'clasp' } }, { object: 'junk' }]);
    const result = parsePageDetail(detail);
    expect(result.ok && result.view.count).toBe(3);
    expect(result.ok && result.cids).toEqual(['w1']);
    expect(result.ok && result.events.map((e) => e?.k ?? null)).toEqual(['open', null]);
  });

  test.each([
    ['a non-object', 42],
    ['events that are not an array', { ...pageDetail([]), events: {} }],
    ['a connection table that is not an array', { ...pageDetail([]), cids: 'w1' }],
    ['an empty connection id', { ...pageDetail([{ bytes: [1] }]), cids: [''] }],
    ['a missing block', { cids: [], events: [] }],
  ])('refuses %s', (_what, value) => {
    expect(parsePageDetail(value).ok).toBe(false);
  });

  test('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.anything(), (value) => typeof parsePageDetail(value).ok === 'boolean'));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.string()), (bytes, cids) => typeof parsePageDetail({ block: bytes.slice().buffer, cids, events: [] }).ok === 'boolean'));
  });
});

describe('base64', () => {
  test('matches Node for known bytes', () => {
    for (const bytes of [[], [0], [0, 1], [0, 1, 2], [0xde, 0xad, 0xbe, 0xef]]) {
      const u8 = new Uint8Array(bytes);
      expect(bytesToBase64(u8)).toBe(Buffer.from(u8).toString('base64'));
    }
  });

  test('round-trips random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    }));
  });

  test('rejects characters outside the alphabet and impossible lengths', () => {
    expect(() => base64ToBytes('ab$d')).toThrow(RangeError);
    expect(() => base64ToBytes('abcde')).toThrow(/length/);
  });
});
