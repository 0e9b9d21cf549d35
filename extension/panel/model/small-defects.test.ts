/**
 * What's tested (issue 13, item 9, panel side): undecodable frames and CLASP ERROR messages are
 * distinct types in rows and in the type filter; text sizes are UTF-8 bytes (what export writes);
 * `-0` shows as `-0`; integers show without the JS `n`; page-dispatched frames are marked and never
 * change the state view; the navigation marker row passes every filter and is no type of its own.
 */
import { describe, expect, test } from 'vitest';
import { encode } from '../../../src/protocol/index.js';
import type { PanelMessage, WireEvent } from '../../shared/messages.js';
import { bytesToBase64 } from '../../shared/validate.js';
import { rowContent, rowTexts } from '../view/frame-table.js';
import { rowFields } from '../view/row-text.js';
import { CaptureModel, utf8Length } from './capture-model.js';
import { compileFilter, EMPTY_FILTER, typeKey } from './filter.js';
import { formatValue } from './format.js';
import { messageLine } from './summarize.js';

const stats = { rejected: 0, evicted: 0, truncated: 0 };
const batch = (events: WireEvent[]): PanelMessage => ({ type: 'events', frameId: 0, url: 'https://app.test/', doc: 'd1', backlog: false, events, stats });
const b64 = (bytes: Uint8Array) => bytesToBase64(bytes);

describe('small defects', () => {
  test('undecodable frames and CLASP ERROR messages are different types, filtered apart', () => {
    const m = new CaptureModel();
    const error = encode({ type: 'ERROR', code: 404, message: 'not found' });
    const conn: WireEvent = { n: 1, k: 'conn', seq: 1, t: 1, cid: 'w1', url: 'ws://x/', protocols: ['clasp'], source: 'websocket', attempt: 0 };
    const { frames } = m.ingest(
      batch([
        conn,
        { n: 2, k: 'frame', seq: 2, t: 2, cid: 'w1', dir: 'in', bytes: b64(error), size: error.length },
        { n: 3, k: 'frame', seq: 3, t: 3, cid: 'w1', dir: 'in', bytes: b64(new Uint8Array([0x53, 0xff, 0xff])), size: 3 },
      ]),
    );
    expect(frames.map(typeKey)).toEqual(['ERROR', 'undecodable']);
    expect(frames.map((f) => rowFields(rowContent(rowTexts(f, undefined)).line)[4])).toEqual(['ERROR', 'undecodable']);
    const hideError = compileFilter({ ...EMPTY_FILTER, hiddenTypes: new Set(['ERROR']) });
    const hideUndecodable = compileFilter({ ...EMPTY_FILTER, hiddenTypes: new Set(['undecodable']) });
    if (!hideError.ok || !hideUndecodable.ok) throw new Error('filter');
    expect(frames.map((f) => hideError.test(f))).toEqual([false, true]);
    expect(frames.map((f) => hideUndecodable.test(f))).toEqual([true, false]);
  });

  test('a text frame\'s size is its UTF-8 bytes (not UTF-16 units), as export writes it', () => {
    const text = '{"msg":"grüße — ok","n":1234567890,"pad":"abcdefg"}';
    const bytes = new TextEncoder().encode(text).length;
    expect(bytes).toBe(text.length + 4); // ü, ß: 2 bytes each; —: 3 bytes
    expect(utf8Length(text)).toBe(bytes);
    expect(utf8Length('😀a\uD800')).toBe(new TextEncoder().encode('😀a\uD800').length);
    const m = new CaptureModel();
    // the page reports UTF-16 units (older relays) or bytes: both give the UTF-8 size for a whole text
    for (const size of [text.length, bytes]) {
      const [frame] = m.ingest(batch([{ n: size, k: 'frame', seq: 1, t: 1, cid: 'w1', dir: 'in', text, size }])).frames;
      expect(frame).toMatchObject({ size: bytes, truncated: false });
      expect(rowFields(rowContent(rowTexts(frame!, undefined)).line)[7]).toBe(`${bytes} B`);
    }
    const [cut] = m.ingest(batch([{ n: 1000, k: 'frame', seq: 1, t: 1, cid: 'w1', dir: 'in', text: 'abc', size: 70_000 }])).frames;
    expect(cut).toMatchObject({ size: 70_000, truncated: true });
    expect(rowFields(rowContent(rowTexts(cut!, undefined)).line)[8]).toBe('[truncated, 70,000 B total] abc');
  });

  test('-0 shows as -0 and integers show as digits (revision: 1, never 1n)', () => {
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue(0)).toBe('0');
    expect(formatValue([1n, -0])).toBe('[1, -0]');
    expect(messageLine({ type: 'SET', address: '/a', value: -0, revision: 1n })).toBe('/a = -0 rev 1');
    expect(messageLine({ type: 'ACK', address: '/a', revision: 1n })).toBe('/a  revision: 1');
  });

  test('a page-dispatched frame is marked in its row and never reaches the state view', () => {
    const m = new CaptureModel();
    const decoded: unknown[] = [];
    m.onMessage = (_f, message) => decoded.push(message);
    const set = encode({ type: 'SET', address: '/fake', value: 1 });
    const { frames } = m.ingest(batch([
      { n: 1, k: 'conn', seq: 1, t: 1, cid: 'w1', url: 'ws://x/', protocols: ['clasp'], source: 'websocket', attempt: 0 },
      { n: 2, k: 'frame', seq: 2, t: 2, cid: 'w1', dir: 'in', bytes: b64(set), size: set.length, page: true },
      { n: 3, k: 'frame', seq: 3, t: 3, cid: 'w1', dir: 'in', text: 'forged', size: 6, page: true },
      { n: 4, k: 'frame', seq: 4, t: 4, cid: 'w1', dir: 'in', bytes: b64(set), size: set.length },
    ]));
    expect(frames.map((f) => f.pageDispatched === true)).toEqual([true, true, false]);
    expect(decoded).toHaveLength(1);
    expect(rowFields(rowContent(rowTexts(frames[0]!, undefined)).line)[8]).toMatch(/^\[page-dispatched, not traffic\] \/fake = 1/);
  });

  test('a frame DevTools replayed into the page is marked in its row and, being traffic, reaches the state view', () => {
    const m = new CaptureModel();
    const decoded: unknown[] = [];
    m.onMessage = (_f, message) => decoded.push(message);
    const set = encode({ type: 'SET', address: '/replayed', value: 2 });
    const { frames } = m.ingest(batch([
      { n: 1, k: 'conn', seq: 1, t: 1, cid: 'w1', url: 'ws://x/', protocols: ['clasp'], source: 'websocket', attempt: 0 },
      { n: 2, k: 'frame', seq: 2, t: 2, cid: 'w1', dir: 'out', bytes: b64(set), size: set.length, replay: true },
      { n: 3, k: 'frame', seq: 3, t: 3, cid: 'w1', dir: 'out', text: 'again', size: 5, replay: true },
      { n: 4, k: 'frame', seq: 4, t: 4, cid: 'w1', dir: 'out', bytes: b64(set), size: set.length },
    ]));
    expect(frames.map((f) => f.replayed === true)).toEqual([true, true, false]);
    expect(frames.some((f) => f.pageDispatched === true)).toBe(false);
    expect(decoded).toHaveLength(2);
    expect(rowFields(rowContent(rowTexts(frames[0]!, undefined)).line)[8]).toMatch(/^\[replayed by DevTools\] \/replayed = 2/);
    expect(rowFields(rowContent(rowTexts(frames[1]!, undefined)).line)[8]).toMatch(/^\[replayed by DevTools\] again/);
  });

  test('the navigation marker passes every filter and names the new page', () => {
    const m = new CaptureModel();
    const marker = m.navigationMarker('d2', 'https://app.test/next', 5);
    const filter = compileFilter({ direction: 'out', hiddenTypes: new Set(['navigation']), connection: 'd1/w1', address: '/x/**', text: 'zzz', regex: false });
    if (!filter.ok) throw new Error('filter');
    expect(filter.test(marker)).toBe(true);
    expect(m.connections.size).toBe(0);
    const fields = rowFields(rowContent(rowTexts(marker, undefined)).line);
    expect(fields[4]).toBe('navigation');
    expect(fields[8]).toContain('navigated to https://app.test/next');
  });
});
