/**
 * Lateness statistics of a replay in constant memory: a histogram of 0.01 ms bins up to 100 ms,
 * 1 ms bins up to 10 s and one bin per power of two above, so a replay of any length keeps about
 * 80 KB, with percentiles to 0.01 ms in the range that matters, to 1 ms up to 10 s (a busy machine),
 * and within a factor 2 beyond; `max` is always exact.
 */

/** Lateness of the frames of a replay against their schedule, in milliseconds. */
export interface LatenessStats {
  /** Median. */
  p50: number;
  /** 99th percentile. */
  p99: number;
  /** Largest. */
  max: number;
}

const RESOLUTION = 100; // fine bins per ms
const FINE_BINS = 100 * RESOLUTION; // up to 100 ms
const MEDIUM_BINS = 9900; // 1 ms each, 100 ms to 10 s
const COARSE_BINS = 64; // powers of two above 10 s

/** Collects lateness samples. */
export class LatenessHistogram {
  private readonly fine = new Uint32Array(FINE_BINS);
  private readonly medium = new Uint32Array(MEDIUM_BINS);
  private readonly coarse = new Uint32Array(COARSE_BINS);
  private zeros = 0;
  private count = 0;
  private largest = 0;

  /** Adds one sample (ms; negative counts as 0). */
  add(ms: number): void {
    const v = ms > 0 ? ms : 0;
    this.count += 1;
    if (v > this.largest) this.largest = v;
    if (v === 0) {
      this.zeros += 1;
      return;
    }
    const bin = Math.floor(v * RESOLUTION);
    if (bin < FINE_BINS) this.fine[bin]! += 1;
    else if (v < 100 + MEDIUM_BINS) this.medium[Math.floor(v - 100)]! += 1;
    else this.coarse[Math.min(COARSE_BINS - 1, Math.floor(Math.log2(v / 10_000)))]! += 1;
  }

  /** Samples added. */
  get samples(): number {
    return this.count;
  }

  /** p50 / p99 / max so far (all 0 without samples). A percentile is its bin's upper edge (exact for 0), capped at max. */
  stats(): LatenessStats {
    return { p50: this.percentile(0.5), p99: this.percentile(0.99), max: this.largest };
  }

  private percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = this.zeros;
    if (seen >= rank) return 0;
    for (let i = 0; i < FINE_BINS; i++) {
      seen += this.fine[i]!;
      if (seen >= rank) return Math.min(this.largest, (i + 1) / RESOLUTION);
    }
    for (let i = 0; i < MEDIUM_BINS; i++) {
      seen += this.medium[i]!;
      if (seen >= rank) return Math.min(this.largest, 101 + i);
    }
    for (let i = 0; i < COARSE_BINS; i++) {
      seen += this.coarse[i]!;
      if (seen >= rank) return Math.min(this.largest, 10_000 * 2 ** (i + 1));
    }
    return this.largest;
  }
}
