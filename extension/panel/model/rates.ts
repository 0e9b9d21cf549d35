/**
 * Per-connection frame and byte rates in one-second buckets over the last minute, for the rate graph.
 * Pure; unit-tested.
 *
 * Robust to any time or size a page reported: a frame whose second is not a safe integer (a forged
 * time far outside the Date range) counts in the totals but in no bucket, and every loop runs a
 * fixed number of steps (never "until `s` reaches `end`": at 1e300 `s++` no longer changes `s`).
 * Memory per connection is small: a connection with frames in one second only keeps three numbers;
 * the 60-second ring is made when a second second is seen.
 *
 * @packageDocumentation
 */
import type { FrameRecord } from './types.js';

/** Seconds of history kept per connection. */
export const RATE_WINDOW_S = 60;

/** One connection's counters. */
export interface RateSeries {
  /** Frames per second, oldest first, `RATE_WINDOW_S` values ending at the requested second. */
  readonly frames: number[];
  /** Bytes per second, same layout. */
  readonly bytes: number[];
  /** Totals since the last clear. */
  readonly totalFrames: number;
  readonly totalBytes: number;
}

interface Buckets {
  /** The one second seen so far, until `ring` exists. */
  second: number;
  frames: number;
  bytes: number;
  /** `[second, frames, bytes]` × RATE_WINDOW_S, made on the second distinct second. */
  ring: Float64Array | null;
  totalFrames: number;
  totalBytes: number;
}

/** Latest second a `Date` can hold (8.64e15 ms). */
const MAX_SECOND = 8.64e12;

/**
 * The second a rate graph ends at: now, or the newest frame's second when it is a little ahead of
 * the panel's clock (a page's clock may run ahead); a forged far-future time is ignored.
 */
export function graphEndSecond(newestSecond: number, nowMs: number): number {
  const now = Math.floor(nowMs / 1000);
  return newestSecond > now && newestSecond - now <= 3600 ? newestSecond : now;
}

/** Rate counters of every connection. */
export class RateModel {
  readonly #byConn = new Map<string, Buckets>();
  #newest = 0;

  /** Time (whole seconds since the epoch) of the newest frame seen. */
  get newestSecond(): number {
    return this.#newest;
  }

  /** Counts frames. */
  add(frames: readonly FrameRecord[]): void {
    for (const f of frames) {
      let b = this.#byConn.get(f.conn.key);
      if (b === undefined) {
        b = { second: Number.NaN, frames: 0, bytes: 0, ring: null, totalFrames: 0, totalBytes: 0 };
        this.#byConn.set(f.conn.key, b);
      }
      const size = Number.isFinite(f.size) && f.size > 0 ? f.size : 0;
      b.totalFrames += 1;
      b.totalBytes += size;
      const s = Math.floor(f.t / 1000);
      if (!(Math.abs(s) <= MAX_SECOND)) continue; // no bucket for a time no Date can hold
      if (s > this.#newest) this.#newest = s;
      if (b.ring === null) {
        if (Number.isNaN(b.second) || b.second === s) {
          b.second = s;
          b.frames += 1;
          b.bytes += size;
          continue;
        }
        b.ring = new Float64Array(RATE_WINDOW_S * 3).fill(Number.NaN);
        count(b.ring, b.second, b.frames, b.bytes);
      }
      count(b.ring, s, 1, size);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#byConn.clear();
    this.#newest = 0;
  }

  /** Forgets one connection (dropped by the connection cap or a navigation). */
  forget(key: string): void {
    this.#byConn.delete(key);
  }

  /** Connection keys with counters. */
  connections(): string[] {
    return [...this.#byConn.keys()];
  }

  /** The series of one connection for the minute ending at `endSecond`. Always RATE_WINDOW_S steps. */
  series(key: string, endSecond: number): RateSeries {
    const b = this.#byConn.get(key);
    const frames: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < RATE_WINDOW_S; i++) {
      const s = endSecond - (RATE_WINDOW_S - 1) + i;
      let f = 0;
      let n = 0;
      if (b !== undefined && Number.isSafeInteger(s)) {
        if (b.ring === null) {
          if (b.second === s) [f, n] = [b.frames, b.bytes];
        } else {
          const at = slotOf(s) * 3;
          if (b.ring[at] === s) [f, n] = [b.ring[at + 1]!, b.ring[at + 2]!];
        }
      }
      frames.push(f);
      bytes.push(n);
    }
    return { frames, bytes, totalFrames: b?.totalFrames ?? 0, totalBytes: b?.totalBytes ?? 0 };
  }
}

function slotOf(second: number): number {
  return ((second % RATE_WINDOW_S) + RATE_WINDOW_S) % RATE_WINDOW_S;
}

function count(ring: Float64Array, second: number, frames: number, bytes: number): void {
  const at = slotOf(second) * 3;
  if (ring[at] !== second) {
    ring[at] = second;
    ring[at + 1] = 0;
    ring[at + 2] = 0;
  }
  ring[at + 1]! += frames;
  ring[at + 2]! += bytes;
}
