/**
 * What's tested: Export and Record take whole frames only. A truncated frame (the capture kept only
 * its first part) is left out of an NDJSON/HAR export and counted in the export message; a
 * recording of a mix (whole binary and text, truncated binary and text, page-dispatched, a time no
 * Date can hold, a marker) stores exactly the whole frames, byte for byte, reports each reason once
 * (not once per frame) and shows the counts in the recording state and the Stop message; a full
 * recorder queue is reported once and recording goes on (real recorder under fake-indexeddb).
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { DISPLAY_FRAME_BYTES, DISPLAY_TEXT_CHARS, MAX_FRAME_BYTES } from '../shared/limits.js';
import { CaptureModel } from './model/capture-model.js';
import { recordingStateText } from './model/recordings-model.js';
import { summarizeBinary, summarizeText } from './model/summarize.js';
import { claspFrame, conn, textFrame } from './model/test-fixtures.js';
import type { FrameRecord } from './model/types.js';
import { RecorderErrorEvent } from '../../src/recorder/errors.js';
import { Recording, skippedText, unexportable } from './recording.js';

const T0 = 1_700_000_000_000;
const raw = conn('doc/w2', { clasp: false, protocol: '', protocols: [] });

/** A binary frame of `size` bytes of which the capture kept the first `kept`. */
function cutBinary(size: number, kept = DISPLAY_FRAME_BYTES): FrameRecord {
  const bytes = new Uint8Array(kept).fill(0x61);
  return { ...claspFrame({ type: 'PING' }, 'in', { t: T0, c: raw }), bytes, size, truncated: true, summary: summarizeBinary(bytes, false) };
}

/** A text frame of `size` UTF-8 bytes of which the capture kept the first 64 Ki characters. */
function cutText(size: number): FrameRecord {
  const text = 'x'.repeat(DISPLAY_TEXT_CHARS);
  return { ...textFrame(text, 'in', T0), size, truncated: true, summary: summarizeText(text) };
}

const whole = (i: number): FrameRecord => claspFrame({ type: 'SET', address: `/whole/${i}`, value: i }, 'out', { t: T0 + i });

describe('truncated frames are never exported or recorded as whole', () => {
  test('export leaves a truncated frame out and counts it in the message', async () => {
    const recording = new Recording(new CaptureModel(), () => undefined);
    const frames = [whole(1), cutBinary(200_000), cutText(3 * MAX_FRAME_BYTES), whole(2)];
    expect(frames.map(unexportable)).toEqual([null, 'truncated', 'truncated', null]);
    for (const format of ['ndjson', 'har'] as const) {
      const { text, count, skipped } = await recording.export(frames, format, 'https://app.test/');
      expect(count).toBe(2);
      expect(skipped).toMatchObject({ truncated: 2, time: 0, page: 0, refused: 0 });
      // Only the two whole frames are in the file: no 64 KiB payload of a cut frame.
      expect(text.length).toBeLessThan(DISPLAY_FRAME_BYTES);
      if (format === 'ndjson') expect(text.trim().split('\n').map((l) => (JSON.parse(l) as { address: string }).address)).toEqual(['/whole/1', '/whole/2']);
      expect(skippedText(skipped)).toBe(
        ' (left out: 2 truncated (the capture kept only their first 64 KiB, or 1 MiB with Full capture on; text: 64 Ki / 1 Mi characters))',
      );
    }
  });

  test('a recording of a mix stores exactly the whole frames, reports once per reason and shows the counts', async () => {
    const reports: Array<{ message: string; isError: boolean }> = [];
    const capture = new CaptureModel();
    const recording = new Recording(capture, (message, isError = false) => reports.push({ message, isError }));
    await recording.start('https://app.test/');
    const recorder = recording.recorder!;
    const text = textFrame('{"whole":true}', 'in', T0 + 50);
    const kept: FrameRecord[] = [whole(1), text, whole(2), whole(3)];
    const pageDispatched = { ...whole(4), pageDispatched: true as const };
    const marker = capture.navigationMarker('doc', 'https://app.test/next', T0);
    recording.append([kept[0]!, cutBinary(200_000), pageDispatched, kept[1]!, marker]);
    recording.append([cutText(300_000), cutBinary(5 * MAX_FRAME_BYTES, MAX_FRAME_BYTES), kept[2]!, { ...whole(5), t: 1e300 }]);
    // A stream of big frames: counted, never one report each.
    recording.append(Array.from({ length: 50 }, () => cutBinary(100_000)));
    recording.append([pageDispatched, kept[3]!]);

    expect(recording.leftOut).toMatchObject({ truncated: 53, page: 2, time: 1, refused: 0 });
    const state = recordingStateText(recorder.sessionId, recorder.stats, 0, recording.leftOut);
    expect(state).toBe(
      `● Recording session ${recorder.sessionId}: 4 frames (4 waiting), 0 B stored, 0 dropped (left out: 1 with a time outside the Date range, ` +
        '2 dispatched by the page itself, 53 truncated (the capture kept only their first 64 KiB, or 1 MiB with Full capture on; text: 64 Ki / 1 Mi characters))',
    );
    expect(reports.filter((r) => r.isError).map((r) => r.message)).toEqual([
      'recording: frame not stored: truncated by the capture cap (further ones are counted in the recording state)',
      'recording: frame not stored: dispatched by the page itself (further ones are counted in the recording state)',
      'recording: frame not stored: time outside the Date range (further ones are counted in the recording state)',
    ]);

    await recording.stop();
    expect(reports.at(-1)).toEqual({ message: `recorded session ${recorder.sessionId}: 4 frames${skippedText(recording.leftOut)}`, isError: false });
    expect(reports.at(-1)!.message).toContain('53 truncated');

    const log = await recording.log();
    const stored = [];
    for await (const batch of log.batches({ sessionId: recorder.sessionId })) stored.push(...batch.map((f) => ({ ...f, bytes: f.bytes.slice() })));
    expect(stored.map((f) => f.time)).toEqual(kept.map((f) => f.t));
    expect(stored.map((f) => f.text)).toEqual(kept.map((f) => f.text !== undefined));
    expect(stored.map((f) => f.bytes)).toEqual(kept.map((f) => f.bytes ?? new TextEncoder().encode(f.text!)));
    expect(Math.max(...stored.map((f) => f.bytes.length))).toBeLessThan(100);

    // A new recording starts from zero and reports again.
    await recording.start('https://app.test/');
    expect(recording.leftOut).toMatchObject({ truncated: 0, page: 0, time: 0, refused: 0 });
    recording.append([cutBinary(70_000)]);
    expect(reports.at(-1)?.message).toMatch(/^recording: frame not stored: truncated/);
    await recording.stop();
    expect(reports.at(-1)?.message).toMatch(/^recorded session \d+: 0 frames \(left out: 1 truncated /);
  });

  test('a full recorder queue is reported once and counted as dropped; recording goes on', async () => {
    const reports: string[] = [];
    const recording = new Recording(new CaptureModel(), (message) => reports.push(message));
    await recording.start('https://app.test/');
    const recorder = recording.recorder!;
    // 300 whole 60 000-byte frames in one go: more than the recorder's 16 MiB queue holds.
    const big = (i: number): FrameRecord => {
      const bytes = new Uint8Array(60_000).fill(i & 0xff);
      return { ...claspFrame({ type: 'PING' }, 'in', { t: T0 + i, c: raw }), bytes, size: bytes.length, summary: summarizeBinary(bytes, false) };
    };
    recording.append(Array.from({ length: 300 }, (_, i) => big(i)));
    const dropped = recorder.stats.dropped;
    expect(dropped).toBeGreaterThan(0);
    expect(recording.recording).toBe(true);
    expect(recording.leftOut.refused).toBe(0); // counted once, as the recorder's `dropped`
    expect(reports.filter((m) => m.includes('frame refused'))).toHaveLength(1);
    expect(reports.some((m) => m.startsWith('recording stopped'))).toBe(false);
    await recording.stop();
    expect(reports.at(-1)).toBe(`recorded session ${recorder.sessionId}: ${300 - dropped} frames`);
  });

  test('a recording that stops by itself (a fatal write error) tells the controls, once', async () => {
    const reports: string[] = [];
    const recording = new Recording(new CaptureModel(), (message) => reports.push(message));
    let stopped = 0;
    recording.onStopped = () => (stopped += 1);
    await recording.start('https://app.test/');
    const recorder = recording.recorder!;
    recorder.dispatchEvent(new RecorderErrorEvent(new Error('disk full'), true, 3));
    expect(recording.recording).toBe(false);
    expect(stopped).toBe(1);
    expect(reports.at(-1)).toBe('recording stopped: Error: disk full');
    recorder.dispatchEvent(new RecorderErrorEvent(new Error('again'), true, 0)); // an old recorder: no second call
    expect(stopped).toBe(1);
    await recorder.close().catch(() => undefined);
  });

  test('the recording state says nothing more when nothing was left out', () => {
    expect(recordingStateText(3, { appended: 12, committed: 10, queued: 2, dropped: 0 }, 2048, { time: 0, page: 0, truncated: 0, refused: 0, lastError: '' })).toBe(
      '● Recording session 3: 12 frames (2 waiting), 2.0 KB stored, 0 dropped',
    );
  });
});
