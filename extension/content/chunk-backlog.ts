/**
 * The relay's "events since page load" store: a first-in first-out list of batches (chunks), capped
 * by event count and by the bytes the chunks keep alive. The oldest events go first and are
 * reported to the owner (who counts them by reason); a chunk can be evicted in part (its first
 * `skip` events), so the event cap is exact even though chunks hold up to a few hundred events each.
 *
 * A chunk that is evicted whole is released at once (its slot is cleared), so what the cap counts is
 * what stays reachable. A partly evicted chunk keeps its weight until it goes whole.
 *
 * @packageDocumentation
 */

/** What the backlog needs to know of a chunk. */
export interface BacklogChunk {
  /** Events in the chunk. */
  readonly count: number;
  /** Memory the chunk keeps alive, in bytes. */
  readonly weight: number;
  /** Leading events evicted from this chunk (set by the backlog). */
  skip: number;
}

/** Called for each run of events evicted: `count` events of `chunk` starting at index `first`. */
export type EvictListener<T> = (chunk: T, first: number, count: number) => void;

/** Bounded FIFO of chunks. */
export class ChunkBacklog<T extends BacklogChunk> {
  #chunks: (T | undefined)[] = [];
  #head = 0;
  #events = 0;
  #bytes = 0;
  #evicted = 0;
  readonly #onEvict: EvictListener<T> | null;

  /**
   * @param maxEvents most events kept (≥ 1).
   * @param maxBytes most total chunk weight kept; a single heavier chunk is still kept alone (the
   *   hook's batches are bounded by HOOK_BATCH_BYTES, so that chunk is at most about that heavy).
   * @param onEvict told of every eviction, in order.
   * @throws RangeError when a cap is below 1.
   */
  constructor(
    readonly maxEvents: number,
    readonly maxBytes: number,
    onEvict: EvictListener<T> | null = null,
  ) {
    if (!(maxEvents >= 1) || !(maxBytes >= 1)) throw new RangeError(`backlog caps must be ≥ 1 (got ${maxEvents}, ${maxBytes})`);
    this.#onEvict = onEvict;
  }

  /** Events currently kept. */
  get size(): number {
    return this.#events;
  }

  /** Total weight of the chunks kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Events evicted since construction. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Chunks kept. */
  get length(): number {
    return this.#chunks.length - this.#head;
  }

  /** The `i`-th chunk kept, oldest first (0 ≤ i < {@link length}). */
  at(i: number): T {
    return this.#chunks[this.#head + i]!;
  }

  /**
   * Index of the first chunk kept for which `before(chunk)` is false, by binary search; `before`
   * must be true for a prefix of the chunks and false after it (e.g. "ends at or before n").
   */
  search(before: (chunk: T) => boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.at(mid))) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Appends a chunk (its `skip` is reset to 0), then evicts the oldest events that no longer fit. */
  push(chunk: T): void {
    chunk.skip = 0;
    this.#chunks.push(chunk);
    this.#events += chunk.count;
    this.#bytes += chunk.weight;
    while (this.length > 1 && this.#bytes > this.maxBytes) this.#dropHead();
    while (this.#events > this.maxEvents) {
      const head = this.at(0);
      const excess = this.#events - this.maxEvents;
      const left = head.count - head.skip;
      if (excess >= left) this.#dropHead();
      else {
        this.#onEvict?.(head, head.skip, excess);
        head.skip += excess;
        this.#events -= excess;
        this.#evicted += excess;
      }
    }
    // The cleared slots are only `undefined`s; the array is compacted once they are half of it.
    if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The chunks kept, oldest first (a copy of the list; the chunks themselves are shared). */
  toArray(): T[] {
    return this.#chunks.slice(this.#head) as T[];
  }

  #dropHead(): void {
    const head = this.at(0);
    const left = head.count - head.skip;
    if (left > 0) this.#onEvict?.(head, head.skip, left);
    this.#events -= left;
    this.#evicted += left;
    this.#bytes -= head.weight;
    head.skip = head.count;
    this.#chunks[this.#head] = undefined; // released now, not at the next compaction
    this.#head += 1;
  }
}
