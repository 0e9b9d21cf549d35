/**
 * What the Recordings view shows and keeps, without DOM: a session's row, the retention setting
 * (stored in the panel's localStorage, validated), the recording-state line, and the replay speeds.
 */
import { compileAddressGlob } from '../../../src/recorder/glob.js';
import type { RecorderStats, SessionRecord, SessionRetention } from '../../../src/recorder/index.js';
import { noneSkipped, skippedText, type Skipped } from '../recording.js';

/** The retention setting: whole sessions beyond it are deleted. 0 = no limit. */
export interface RetentionSetting {
  /** Megabytes of frame data kept over all recordings. */
  maxMb: number;
  /** Days a recording is kept after it ended. */
  maxDays: number;
}

/** Default retention: keep at most 500 MB and 30 days of recordings. */
export const RETENTION_DEFAULTS: RetentionSetting = { maxMb: 500, maxDays: 30 };

/** localStorage key of the retention setting. */
export const RETENTION_KEY = 'clasp-devtools.retention';

/** Frames read per page when a recording is opened (a session is never loaded whole). */
export const OPEN_PAGE_FRAMES = 5000;

/** Replay speeds offered in the panel. */
export const REPLAY_SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4, 10, Infinity];

const DAY_MS = 86_400_000;

function valid(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/**
 * Parses a stored or typed setting; anything invalid falls back to the default of that field.
 * @returns the setting and whether it was all valid.
 */
export function parseRetention(value: unknown): { setting: RetentionSetting; ok: boolean } {
  const o = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const mb = Object.hasOwn(o, 'maxMb') ? o['maxMb'] : undefined;
  const days = Object.hasOwn(o, 'maxDays') ? o['maxDays'] : undefined;
  return {
    setting: { maxMb: valid(mb) ? mb : RETENTION_DEFAULTS.maxMb, maxDays: valid(days) ? days : RETENTION_DEFAULTS.maxDays },
    ok: valid(mb) && valid(days),
  };
}

/** Reads the setting from `storage` (defaults when absent or unreadable). */
export function loadRetention(storage: Pick<Storage, 'getItem'>): RetentionSetting {
  try {
    const raw = storage.getItem(RETENTION_KEY);
    return raw === null ? { ...RETENTION_DEFAULTS } : parseRetention(JSON.parse(raw)).setting;
  } catch {
    return { ...RETENTION_DEFAULTS };
  }
}

/** The setting as `FrameLog.applyRetention` takes it. */
export function toRetention(s: RetentionSetting, keep: readonly number[] = []): SessionRetention {
  return {
    ...(s.maxMb > 0 ? { maxBytes: s.maxMb * 1024 * 1024 } : {}),
    ...(s.maxDays > 0 ? { maxAgeMs: s.maxDays * DAY_MS } : {}),
    keep,
  };
}

/** `1.2 MB`, `340 B` (binary units, one decimal from KB up). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** `1:02:03`, `2:03`, `0:04.5` (tenths under a minute). */
export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return '';
  const s = ms / 1000;
  if (s < 60) return `0:${s.toFixed(1).padStart(4, '0')}`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(Math.floor(s % 60)).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One row of the recordings list. */
export interface SessionRow {
  id: number;
  name: string;
  /** Local date and time the recording started. */
  start: string;
  /** Until it ended, or "recording" / "not closed". */
  duration: string;
  frames: number;
  bytes: string;
  connections: number;
  /** Frames refused while recording (the queue was full), shown when not 0. */
  dropped: number;
  /** Frames removed by per-recording retention. */
  evicted: number;
}

/**
 * The row of `s`; `live` when this panel is recording it. `connectionCount` overrides the count of
 * described connections (a session recorded without `describeConnection` has none described).
 */
export function sessionRow(s: SessionRecord, live: boolean, connectionCount?: number): SessionRow {
  return {
    id: s.id,
    name: s.name,
    start: new Date(s.startedAt).toLocaleString(),
    duration: s.endedAt !== null ? formatDuration(s.endedAt - s.startedAt) : live ? 'recording' : 'not closed',
    frames: s.frameCount,
    bytes: formatBytes(s.byteCount),
    connections: connectionCount ?? Object.keys(s.connections).length,
    dropped: s.droppedFrames,
    evicted: s.evictedFrames,
  };
}

/**
 * The line shown while recording: frames, bytes, dropped (refused by the recorder's full queue), and
 * the frames the panel left out by reason (`leftOut`, none by default).
 */
export function recordingStateText(sessionId: number, stats: RecorderStats, committedBytes: number, leftOut: Skipped = noneSkipped()): string {
  return `● Recording session ${sessionId}: ${stats.appended} frames (${stats.queued} waiting), ${formatBytes(committedBytes)} stored, ${stats.dropped} dropped${skippedText(leftOut)}`;
}

/** The summary under the retention setting. */
export function storeText(sessions: readonly SessionRecord[], s: RetentionSetting): string {
  const bytes = sessions.reduce((n, x) => n + x.byteCount, 0);
  const limits = [s.maxMb > 0 ? `≤ ${s.maxMb} MB` : 'any size', s.maxDays > 0 ? `${s.maxDays} days` : 'forever'].join(', ');
  return `${sessions.length} recordings, ${formatBytes(bytes)} (keeping ${limits})`;
}

/** `1×`, `0.25×`, `max`. */
export function speedLabel(speed: number): string {
  return speed === Infinity ? 'max' : `${speed}×`;
}

/**
 * An offset into a recording as typed: `80`, `80.5`, `1:20`, `1:20.5` or `1:02:03` (hours, minutes
 * and seconds; only the first part may be 60 or more).
 * @returns milliseconds, `undefined` for an empty field, `null` for anything else.
 */
export function parseOffset(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^\d+(:\d+){0,2}(\.\d+)?$/.test(t)) return null;
  const parts = t.split(':').map(Number);
  if (parts.slice(1).some((p) => p >= 60)) return null;
  const seconds = parts.reduce((sum, p) => sum * 60 + p, 0);
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
}

/** What part of a recording a replay sends: a time range from its start and an address glob. */
export type ReplaySelection =
  | {
      readonly ok: true;
      /** Absolute times (ms since the epoch), for `replaySession`'s `from` / `to`. */
      readonly from?: number;
      readonly to?: number;
      readonly address?: string;
      /** `0:10–0:20, /lights/**`, or '' for the whole recording. */
      readonly label: string;
    }
  | { readonly ok: false; readonly error: string };

/**
 * Reads the replay bar's selection fields. `from` and `to` are offsets from `startedAt`, the
 * recording's start (as in its Duration column); `address` is a glob (`/lights/**`).
 */
export function parseReplaySelection(input: { readonly from: string; readonly to: string; readonly address: string }, startedAt: number): ReplaySelection {
  const from = parseOffset(input.from);
  const to = parseOffset(input.to);
  if (from === null || to === null) return { ok: false, error: `replay: "${from === null ? input.from : input.to}" is not a time (write 80, 1:20 or 1:02:03)` };
  if (from !== undefined && to !== undefined && from > to) return { ok: false, error: 'replay: "from" is after "to"' };
  const address = input.address.trim();
  if (address !== '') {
    try {
      compileAddressGlob(address);
    } catch (error) {
      return { ok: false, error: `replay: address ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const parts: string[] = [];
  if (from !== undefined || to !== undefined) parts.push(`${formatDuration(from ?? 0)}–${to === undefined ? 'end' : formatDuration(to)}`);
  if (address !== '') parts.push(address);
  return {
    ok: true,
    ...(from === undefined ? {} : { from: startedAt + from }),
    ...(to === undefined ? {} : { to: startedAt + to }),
    ...(address === '' ? {} : { address }),
    label: parts.join(', '),
  };
}
