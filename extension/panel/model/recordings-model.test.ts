/**
 * What's tested: the retention setting (defaults, hostile stored values, 0 = no limit), byte and
 * duration formats, a session's row, the recording-state line, and the replay selection (offsets and
 * address glob).
 */
import { describe, expect, test } from 'vitest';
import type { SessionRecord } from '../../../src/recorder/index.js';
import {
  formatBytes, formatDuration, loadRetention, parseOffset, parseReplaySelection, parseRetention, recordingStateText, RETENTION_DEFAULTS, RETENTION_KEY, sessionRow, storeText, toRetention,
} from './recordings-model.js';

const store = (raw: string | null): Pick<Storage, 'getItem'> => ({ getItem: (k) => (k === RETENTION_KEY ? raw : null) });

describe('retention setting', () => {
  test('defaults to 500 MB and 30 days; stored values are validated field by field', () => {
    expect(loadRetention(store(null))).toEqual({ maxMb: 500, maxDays: 30 });
    expect(loadRetention(store('{"maxMb":100,"maxDays":7}'))).toEqual({ maxMb: 100, maxDays: 7 });
    expect(loadRetention(store('not json'))).toEqual(RETENTION_DEFAULTS);
    expect(loadRetention(store('{"maxMb":-1,"maxDays":"7"}'))).toEqual(RETENTION_DEFAULTS);
    expect(loadRetention(store('{"__proto__":{"maxMb":1}}'))).toEqual(RETENTION_DEFAULTS);
    expect(parseRetention({ maxMb: NaN, maxDays: 3 })).toEqual({ setting: { maxMb: 500, maxDays: 3 }, ok: false });
  });

  test('as FrameLog retention: 0 means no limit', () => {
    expect(toRetention({ maxMb: 500, maxDays: 30 }, [4])).toEqual({ maxBytes: 500 * 1024 * 1024, maxAgeMs: 30 * 86_400_000, keep: [4] });
    expect(toRetention({ maxMb: 0, maxDays: 0 })).toEqual({ keep: [] });
  });
});

describe('formats', () => {
  test('bytes and durations', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 * 1024, 3 * 1024 ** 4].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KB', '1.5 KB', '5.0 MB', '3.0 TB']);
    expect([0, 4500, 61_000, 3_723_000].map(formatDuration)).toEqual(['0:00.0', '0:04.5', '1:01', '1:02:03']);
    expect(formatDuration(-1)).toBe('');
  });

  test('a session row, live or not closed, and the recording state', () => {
    const s: SessionRecord = {
      id: 3, name: 'show', origin: '', url: '', startedAt: 1_700_000_000_000, endedAt: null, frameCount: 10, byteCount: 2048,
      nextSeq: 12, droppedFrames: 2, evictedFrames: 0, connections: { a: {}, b: { url: 'ws://x' } },
    };
    expect(sessionRow(s, true)).toMatchObject({ id: 3, duration: 'recording', frames: 10, bytes: '2.0 KB', connections: 2, dropped: 2 });
    expect(sessionRow(s, false).duration).toBe('not closed');
    expect(sessionRow({ ...s, connections: {} }, false, 3).connections).toBe(3);
    expect(sessionRow({ ...s, endedAt: s.startedAt + 90_000 }, false).duration).toBe('1:30');
    expect(recordingStateText(3, { appended: 12, committed: 10, queued: 2, dropped: 0 }, 2048)).toBe('● Recording session 3: 12 frames (2 waiting), 2.0 KB stored, 0 dropped');
    expect(storeText([s, s], { maxMb: 0, maxDays: 30 })).toBe('2 recordings, 4.0 KB (keeping any size, 30 days)');
  });
});

describe('replay selection', () => {
  test('offsets: seconds, m:ss, h:mm:ss, tenths; empty is none; anything else is refused', () => {
    expect(['', ' ', '80', '80.5', '1:20', '1:20.5', '1:02:03', '0:00', '90:00'].map(parseOffset)).toEqual([
      undefined, undefined, 80_000, 80_500, 80_000, 80_500, 3_723_000, 0, 5_400_000,
    ]);
    for (const bad of ['-1', '1:60', '1:2:60', 'abc', '1e3', '1::2', ':20', '1:20:30:40', '1.5:20', 'Infinity']) expect(parseOffset(bad), bad).toBeNull();
  });

  test('a selection is absolute times from the recording start plus an address glob, with a label', () => {
    const start = 1_700_000_000_000;
    expect(parseReplaySelection({ from: '', to: '', address: '' }, start)).toEqual({ ok: true, label: '' });
    expect(parseReplaySelection({ from: '1:20', to: '1:45', address: ' /lights/** ' }, start)).toEqual({ ok: true, from: start + 80_000, to: start + 105_000, address: '/lights/**', label: '1:20–1:45, /lights/**' });
    expect(parseReplaySelection({ from: '10', to: '', address: '' }, start)).toEqual({ ok: true, from: start + 10_000, label: '0:10.0–end' });
    expect(parseReplaySelection({ from: '20', to: '10', address: '' }, start)).toEqual({ ok: false, error: 'replay: "from" is after "to"' });
    expect(parseReplaySelection({ from: 'soon', to: '', address: '' }, start)).toEqual({ ok: false, error: 'replay: "soon" is not a time (write 80, 1:20 or 1:02:03)' });
    const badAddress = parseReplaySelection({ from: '', to: '', address: '/a/k*?' }, start);
    expect(badAddress.ok).toBe(false);
    expect(!badAddress.ok && badAddress.error).toMatch(/^replay: address /);
  });
});
