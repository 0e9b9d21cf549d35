/**
 * What's tested (issue 13, item 5, consumer side): every consumer of a frame is robust to any value
 * that got in — a time of ±1e300, NaN or ±Infinity, a size of 1e300 or -5, absurd counters: the rate
 * counters end (fixed number of steps, no hang), rows, tooltips, the detail title and the status bar
 * render without throwing, the list keeps a consistent order, and Export leaves such frames out
 * with a count instead of failing (real IndexedDB recorder under fake-indexeddb).
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { noneSkipped, Recording, skippedText, unexportable } from '../recording.js';
import { statusText } from '../strings.js';
import { rowContent, rowTexts } from '../view/frame-table.js';
import { CaptureModel } from './capture-model.js';
import { formatBytes, formatClock, formatDelta, formatIsoTime } from './format.js';
import { FrameList } from './frame-list.js';
import { graphEndSecond, RATE_WINDOW_S, RateModel } from './rates.js';
import { claspFrame, conn, textFrame } from './test-fixtures.js';
import type { FrameRecord } from './types.js';

const ABSURD_TIMES = [1e300, -1e300, Number.MAX_VALUE, 8.64e15 + 1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
const ABSURD_SIZES = [1e300, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 2];
const at = (t: number, size = 3): FrameRecord => ({ ...textFrame('abc'), t, size });

describe('hostile values in consumers', () => {
  test('rates: a frame at t = 1e300 counts in totals, ends in a fixed number of steps, never hangs', () => {
    const r = new RateModel();
    r.add([at(1e300), at(2000), ...ABSURD_TIMES.map((t) => at(t)), ...ABSURD_SIZES.map((s) => at(3000, s))]);
    const key = conn().key;
    for (const end of [1e297, 1e300 / 1000, -1e300, Number.NaN, Number.POSITIVE_INFINITY, 2, r.newestSecond]) {
      const s = r.series(key, end);
      expect(s.frames).toHaveLength(RATE_WINDOW_S);
      expect(s.bytes.every((b) => Number.isFinite(b))).toBe(true);
    }
    expect(r.newestSecond).toBeLessThanOrEqual(8.64e12);
    expect(r.series(key, 3).frames.at(-1)).toBe(ABSURD_SIZES.length);
  });

  test('the graph ends now, not at a forged far-future time', () => {
    expect(graphEndSecond(1e297, 1_700_000_000_000)).toBe(1_700_000_000);
    expect(graphEndSecond(1_700_000_010, 1_700_000_000_000)).toBe(1_700_000_010); // a clock a little ahead
  });

  test('rows, tooltip times, deltas and sizes render for any time or size', () => {
    for (const t of ABSURD_TIMES) {
      const frame = at(t);
      expect(() => rowContent(rowTexts(frame, at(0)))).not.toThrow();
      expect(typeof formatIsoTime(t)).toBe('string');
      expect(typeof formatClock(t)).toBe('string');
      expect(typeof formatDelta(t - 1)).toBe('string');
    }
    expect(formatClock(1e300)).toBe('bad time');
    expect(formatIsoTime(1e300)).toContain('outside the Date range');
    for (const size of ABSURD_SIZES) expect(() => rowContent(rowTexts(at(1, size), undefined))).not.toThrow();
    expect(formatBytes(-5)).toBe('-5 B');
    expect(formatBytes(1e300)).toBe('1e+300 B');
  });

  test('the list keeps a consistent order with NaN and infinite times', () => {
    const list = new FrameList();
    const frames = [...ABSURD_TIMES, 5, 1, 3].map((t) => at(t));
    list.append(frames);
    list.append(ABSURD_TIMES.map((t) => at(t)));
    expect(list.size).toBe(frames.length + ABSURD_TIMES.length);
    for (const f of frames) expect(list.visibleIndexOf(f.id)).toBeGreaterThanOrEqual(0);
  });

  test('the status bar renders absurd counters', () => {
    const counts = { total: 1, shown: 1, dropped: 0, rejected: 1e300, evicted: Number.NaN, behind: Number.POSITIVE_INFINITY, inboxDropped: 0, truncated: -1, paused: 0, pageDispatched: 0, droppedConnections: 0, unreadable: 0 };
    expect(() => statusText(counts)).not.toThrow();
  });

  test('a model fed unknown event kinds and odd fields never throws', () => {
    const m = new CaptureModel();
    const weird = [
      { n: 1, k: 'teleport', seq: 1, t: 1, cid: 'w1' },
      { n: 2, k: 'conn', seq: 2, t: 2, cid: 'w1', url: 5, protocols: 'clasp', source: null, attempt: 0 },
      { n: 3, k: 'error', seq: 3, t: 3, cid: 'w1', message: { toString: () => 'obj' } },
    ] as unknown as never[];
    expect(() => m.ingest({ type: 'events', frameId: 0, url: '', doc: 'd', backlog: false, events: weird, stats: { rejected: 0, evicted: 0, truncated: 0 } })).not.toThrow();
    expect(m.connections.get('d/w1')).toMatchObject({ url: '5', protocols: [] });
  });

  test('export leaves out frames with a time no Date can hold, and counts them; the rest is exported', async () => {
    const recording = new Recording(new CaptureModel(), () => undefined);
    const good = claspFrame({ type: 'SET', address: '/ok', value: 1 }, 'in', { t: 1_700_000_000_000 });
    const frames = [good, at(1e300), at(Number.NaN), { ...good, id: 99_999, pageDispatched: true as const }];
    expect(frames.map(unexportable)).toEqual([null, 'time', 'time', 'page']);
    for (const format of ['ndjson', 'har'] as const) {
      const result = await recording.export(frames, format, 'https://app.test/');
      expect(result.count).toBe(1);
      expect(result.skipped).toMatchObject({ time: 2, page: 1, refused: 0 });
      expect(result.text.length).toBeGreaterThan(0);
    }
    expect(skippedText({ ...noneSkipped(), time: 2, page: 1 })).toBe(' (left out: 2 with a time outside the Date range, 1 dispatched by the page itself)');
  });
});
