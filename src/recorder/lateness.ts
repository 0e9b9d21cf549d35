/**
 * Lateness statistics of a replay in constant memory: a histogram of 0.01 ms bins up to 100 ms and
 * one bin per power of two above, so a replay of any length keeps 41 KB, with percentiles exact to
 * 0.01 ms in the range that matters (a replay more than 100 ms late is reported to within a factor 2,
 * and `max` is always exact).
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

const RESOLUTION = 100; // bins per ms
const FINE_BINS = 100 * RESOLUTION;
const COARSE_BINS = 64;

/** Collects lateness samples. */
export class LatenessHistogram {
  private readonly fine = new Uint32Array(FINE_BINS);
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
    else this.coarse[Math.min(COARSE_BINS - 1, Math.floor(Math.log2(v / 100)))]! += 1;
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
    for (let i = 0; i < COARSE_BINS; i++) {
      seen += this.coarse[i]!;
      if (seen >= rank) return Math.min(this.largest, 100 * 2 ** (i + 1));
    }
    return this.largest;
  }
}
