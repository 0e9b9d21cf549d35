/**
 * Recorder integration (src/recorder, IndexedDB in the extension's origin — no permission needed):
 * - Record: every live frame from now on is appended to a new session until Stop;
 * - Export: the frames in the panel are written to a temporary session and exported as NDJSON or
 *   as HAR with Chrome's `_webSocketMessages`, then downloaded;
 * - Import: an NDJSON or HAR file is imported into a session and its frames are added to the panel
 *   as an imported document, browsed like a live one.
 * Every failure ends in a visible message; nothing is dropped silently. Export and Record take only
 * whole frames the recorder can store: a frame with a time no `Date` can hold (a page can report
 * anything), a truncated frame (a recording is replayed, and a cut frame would be sent as a broken
 * one), a marker row or a frame the page dispatched itself is left out and counted, and one frame the
 * recorder refuses never fails the whole export. While recording, each reason is reported once and
 * then only counted (a stream of big frames must not flood the status bar).
 */
import { exportHar, exportNdjson, FrameLog, importHar, importNdjson, RecorderError, type FrameRecorder, type RecordedFrame } from '../../src/recorder/index.js';
import { DISPLAY_FRAME_BYTES, DISPLAY_TEXT_CHARS, MAX_FRAME_BYTES, MAX_TEXT_CHARS } from '../shared/limits.js';
import { isDateTime } from './model/format.js';
import { hasMagic, summarizeBinary, summarizeText } from './model/summarize.js';
import type { CaptureModel } from './model/capture-model.js';
import type { FrameRecord } from './model/types.js';
import { UIStrings } from './strings.js';

/** Connection key prefix of imported frames. */
export const IMPORT_DOC_PREFIX = 'import:';

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** Why a frame is not exported or recorded, or null when it can be. */
export function unexportable(frame: FrameRecord): 'time' | 'marker' | 'page' | 'truncated' | null {
  if (frame.summary.kind === 'navigation') return 'marker';
  if (frame.pageDispatched === true) return 'page';
  if (frame.truncated === true) return 'truncated';
  if (!isDateTime(frame.t)) return 'time';
  return null;
}

/** What an export or recording left out, per reason. */
export interface Skipped {
  /** Frames whose time is outside the Date range. */
  time: number;
  /** Frames the page dispatched itself (not traffic). */
  page: number;
  /** Frames of which the capture kept only the first part (their real size was larger). */
  truncated: number;
  /** Frames the recorder refused, with the last reason. */
  refused: number;
  lastError: string;
}

/** A count of nothing left out. */
export function noneSkipped(): Skipped {
  return { time: 0, page: 0, truncated: 0, refused: 0, lastError: '' };
}

const TRUNCATED_WHY =
  `the capture kept only their first ${DISPLAY_FRAME_BYTES >> 10} KiB, or ${MAX_FRAME_BYTES >> 20} MiB with ${UIStrings.fullCapture} on; ` +
  `text: ${DISPLAY_TEXT_CHARS >> 10} Ki / ${MAX_TEXT_CHARS >> 20} Mi characters`;

/** ` (left out: 2 with a time outside the Date range, …)`, or '' when nothing was left out. */
export function skippedText(s: Skipped): string {
  const parts: string[] = [];
  if (s.time > 0) parts.push(`${s.time} with a time outside the Date range`);
  if (s.page > 0) parts.push(`${s.page} dispatched by the page itself`);
  if (s.truncated > 0) parts.push(`${s.truncated} truncated (${TRUNCATED_WHY})`);
  if (s.refused > 0) parts.push(`${s.refused} refused by the recorder (${s.lastError})`);
  return parts.length === 0 ? '' : ` (left out: ${parts.join(', ')})`;
}

const LEFT_OUT_REPORT: Record<Exclude<ReturnType<typeof unexportable>, 'marker' | null>, string> = {
  time: 'time outside the Date range',
  page: 'dispatched by the page itself',
  truncated: 'truncated by the capture cap',
};

/** Record / export / import for one panel. */
export class Recording {
  #log: Promise<FrameLog> | null = null;
  #recorder: FrameRecorder | null = null;
  #imports = 0;
  #leftOut = noneSkipped();
  /** Reasons already reported in the status bar during this recording (once each, then counted). */
  #reported = new Set<string>();

  constructor(
    readonly capture: CaptureModel,
    readonly report: (message: string, isError?: boolean) => void,
  ) {}

  /** Called when recording stops by itself (a write failed for good), so the controls can follow. */
  onStopped: () => void = () => undefined;

  /** True while recording. */
  get recording(): boolean {
    return this.#recorder !== null;
  }

  /** The panel's frame log (opened on first use); the Recordings view shares it. */
  log(): Promise<FrameLog> {
    return this.#open();
  }

  /** The recorder while recording, else null. */
  get recorder(): FrameRecorder | null {
    return this.#recorder;
  }

  /**
   * Frames the current (or last) recording left out, per reason. Frames the recorder's queue
   * refused are not here: they are `stats.dropped` of the recorder.
   */
  get leftOut(): Readonly<Skipped> {
    return this.#leftOut;
  }

  /** Panel records of frames read from a stored session, shown as a new imported document. */
  toRecords(frames: readonly RecordedFrame[], connections: Record<string, { url?: string; protocol?: string }>, label: string, doc = `${IMPORT_DOC_PREFIX}${++this.#imports}`): { doc: string; records: FrameRecord[] } {
    return { doc, records: frames.map((f) => this.#toRecord(doc, f, connections, label)) };
  }

  #open(): Promise<FrameLog> {
    this.#log ??= FrameLog.open();
    return this.#log;
  }

  /** Starts recording live frames into a new session. */
  async start(url: string): Promise<void> {
    const log = await this.#open();
    const recorder = await log.startRecording({ name: `CLASP DevTools ${new Date().toISOString()}`, url, origin: safeOrigin(url) });
    recorder.addEventListener('error', (event) => {
      const { error, fatal } = event as Event & { error?: unknown; fatal?: boolean };
      // Not fatal: the queue is full and frames are refused (counted in stats.dropped); it records on.
      if (fatal === false) return this.report(`recording: ${String(error)}`, true);
      this.report(`recording stopped: ${String(error ?? 'write failed')}`, true);
      if (this.#recorder !== recorder) return;
      this.#recorder = null;
      this.onStopped();
    });
    this.#leftOut = noneSkipped();
    this.#reported.clear();
    this.#recorder = recorder;
    this.report(`recording into session ${recorder.sessionId}`);
  }

  /** Stops recording and writes what is pending. */
  async stop(): Promise<void> {
    const recorder = this.#recorder;
    this.#recorder = null;
    if (recorder === null) return;
    await recorder.close();
    this.report(`recorded session ${recorder.sessionId}: ${recorder.stats.committed} frames${skippedText(this.#leftOut)}`);
  }

  /** Appends live frames while recording. */
  append(frames: readonly FrameRecord[]): void {
    const recorder = this.#recorder;
    if (recorder === null) return;
    for (const f of frames) {
      if (f.conn.doc.startsWith(IMPORT_DOC_PREFIX)) continue;
      const why = unexportable(f);
      if (why === 'marker') continue;
      if (why !== null) {
        this.#leftOut[why] += 1;
        this.#reportOnce(why, LEFT_OUT_REPORT[why]);
        continue;
      }
      try {
        recorder.describeConnection(f.conn.key, { url: f.conn.url, protocol: f.conn.protocol });
        recorder.append(f.bytes ?? utf8Encoder.encode(f.text ?? ''), { direction: f.dir, connection: f.conn.key, time: f.t, text: f.text !== undefined });
      } catch (error) {
        // A full queue is counted by the recorder (stats.dropped) and reported by its error event.
        if (error instanceof RecorderError && error.code === 'QueueFull') continue;
        this.#leftOut.refused += 1;
        this.#leftOut.lastError = error instanceof Error ? error.message : String(error);
        this.#reportOnce('refused', this.#leftOut.lastError);
      }
    }
  }

  /** The first frame left out for `reason` in this recording is reported; the rest are counted. */
  #reportOnce(reason: string, what: string): void {
    if (this.#reported.has(reason)) return;
    this.#reported.add(reason);
    this.report(`recording: frame not stored: ${what} (further ones are counted in the recording state)`, true);
  }

  /** Exports frames as NDJSON or HAR text (through a temporary session). */
  async export(frames: Iterable<FrameRecord>, format: 'ndjson' | 'har', url: string): Promise<{ text: string; count: number; skipped: Skipped }> {
    const log = await this.#open();
    const rec = await log.startRecording({ name: `export ${new Date().toISOString()}`, url, origin: safeOrigin(url) });
    let count = 0;
    let seen = 0;
    const skipped = noneSkipped();
    try {
      for (const f of frames) {
        if ((seen++ & 1023) === 0) await rec.ready();
        const why = unexportable(f);
        if (why === 'marker') continue;
        if (why !== null) {
          skipped[why] += 1;
          continue;
        }
        try {
          rec.describeConnection(f.conn.key, { url: f.conn.url, protocol: f.conn.protocol });
          rec.append(f.bytes ?? utf8Encoder.encode(f.text ?? ''), { direction: f.dir, connection: f.conn.key, time: f.t, text: f.text !== undefined });
          count += 1;
        } catch (error) {
          skipped.refused += 1;
          skipped.lastError = error instanceof Error ? error.message : String(error);
        }
      }
      await rec.close();
      let text = '';
      for await (const part of format === 'ndjson' ? exportNdjson(log, rec.sessionId) : exportHar(log, rec.sessionId)) text += part;
      return { text, count, skipped };
    } finally {
      await log.deleteSession(rec.sessionId).catch(() => undefined);
    }
  }

  /** Imports an NDJSON or HAR file and returns its frames as panel records. */
  async import(file: Blob, name: string): Promise<FrameRecord[]> {
    const log = await this.#open();
    const head = await file.slice(0, 64).text();
    const isHar = /\.har$/i.test(name) || /^\s*\{\s*"log"/.test(head);
    const result = isHar ? await importHar(log, file, { name }) : await importNdjson(log, file, { name });
    const session = await log.session(result.sessionId);
    const doc = `${IMPORT_DOC_PREFIX}${++this.#imports}`;
    const records: FrameRecord[] = [];
    try {
      for await (const batch of log.batches({ sessionId: result.sessionId })) for (const f of batch) records.push(this.#toRecord(doc, f, session?.connections ?? {}, name));
    } finally {
      await log.deleteSession(result.sessionId).catch(() => undefined);
    }
    this.report(`imported ${records.length} frames from ${name}${result.skipped > 0 ? ` (${result.skipped} items skipped)` : ''}`);
    return records;
  }

  #toRecord(doc: string, f: RecordedFrame, connections: Record<string, { url?: string; protocol?: string }>, file: string): FrameRecord {
    const conn = this.capture.connection(doc, f.connection || 'imported', -1);
    if (conn.url === '') {
      const info = connections[f.connection];
      conn.url = info?.url ?? file;
      conn.protocol = info?.protocol ?? '';
      conn.source = `imported from ${file}`;
      conn.name = `${file}${f.connection === '' ? '' : ` ${conn.label}`}`;
      conn.clasp = conn.protocol === 'clasp';
      conn.state = 'closed';
    }
    const bytes = f.bytes.slice();
    const base = { id: this.capture.takeId(), conn, dir: f.direction, t: f.time, size: bytes.length, truncated: false };
    if (f.text) {
      const text = utf8.decode(bytes);
      return { ...base, text, summary: summarizeText(text) };
    }
    if (!conn.clasp && hasMagic(bytes)) conn.clasp = true;
    return { ...base, bytes, summary: summarizeBinary(bytes, conn.clasp) };
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** Saves text (or a Blob) as a file download. */
export function download(data: string | Blob, filename: string, type: string): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
