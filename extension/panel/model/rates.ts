/**
 * Per-connection frame and byte rates in one-second buckets over the last minute, for the rate graph.
 * Pure; unit-tested.
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
  readonly second: Int32Array;
  readonly frames: Float64Array;
  readonly bytes: Float64Array;
  totalFrames: number;
  totalBytes: number;
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
        b = { second: new Int32Array(RATE_WINDOW_S).fill(-1), frames: new Float64Array(RATE_WINDOW_S), bytes: new Float64Array(RATE_WINDOW_S), totalFrames: 0, totalBytes: 0 };
        this.#byConn.set(f.conn.key, b);
      }
      const s = Math.floor(f.t / 1000);
      const slot = s % RATE_WINDOW_S;
      if (b.second[slot] !== s) {
        b.second[slot] = s;
        b.frames[slot] = 0;
        b.bytes[slot] = 0;
      }
      b.frames[slot]! += 1;
      b.bytes[slot]! += f.size;
      b.totalFrames += 1;
      b.totalBytes += f.size;
      if (s > this.#newest) this.#newest = s;
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#byConn.clear();
    this.#newest = 0;
  }

  /** Connection keys with counters. */
  connections(): string[] {
    return [...this.#byConn.keys()];
  }

  /** The series of one connection for the minute ending at `endSecond`. */
  series(key: string, endSecond: number): RateSeries {
    const b = this.#byConn.get(key);
    const frames: number[] = [];
    const bytes: number[] = [];
    for (let s = endSecond - RATE_WINDOW_S + 1; s <= endSecond; s++) {
      const slot = ((s % RATE_WINDOW_S) + RATE_WINDOW_S) % RATE_WINDOW_S;
      const hit = b !== undefined && b.second[slot] === s;
      frames.push(hit ? b.frames[slot]! : 0);
      bytes.push(hit ? b.bytes[slot]! : 0);
    }
    return { frames, bytes, totalFrames: b?.totalFrames ?? 0, totalBytes: b?.totalBytes ?? 0 };
  }
}
