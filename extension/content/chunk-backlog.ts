/**
 * The relay's "events since page load" store: a first-in first-out list of batches (chunks), capped
 * by event count and by bytes. The oldest events go first and are counted; a chunk can be evicted in
 * part (its first `skip` events), so the event cap is exact even though chunks hold up to a few
 * hundred events each.
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

/** Bounded FIFO of chunks. */
export class ChunkBacklog<T extends BacklogChunk> {
  #chunks: T[] = [];
  #head = 0;
  #events = 0;
  #bytes = 0;
  #evicted = 0;

  /**
   * @param maxEvents most events kept (≥ 1).
   * @param maxBytes most total chunk weight kept; a single heavier chunk is still kept alone.
   * @throws RangeError when a cap is below 1.
   */
  constructor(
    readonly maxEvents: number,
    readonly maxBytes: number,
  ) {
    if (!(maxEvents >= 1) || !(maxBytes >= 1)) throw new RangeError(`backlog caps must be ≥ 1 (got ${maxEvents}, ${maxBytes})`);
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

  /** Appends a chunk (its `skip` is reset to 0), then evicts the oldest events that no longer fit. */
  push(chunk: T): void {
    chunk.skip = 0;
    this.#chunks.push(chunk);
    this.#events += chunk.count;
    this.#bytes += chunk.weight;
    while (this.#chunks.length - this.#head > 1 && this.#bytes > this.maxBytes) this.#dropHead();
    while (this.#events > this.maxEvents) {
      const head = this.#chunks[this.#head]!;
      const excess = this.#events - this.maxEvents;
      const left = head.count - head.skip;
      if (excess >= left) this.#dropHead();
      else {
        head.skip += excess;
        this.#events -= excess;
        this.#evicted += excess;
      }
    }
    if (this.#head > 256 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The chunks kept, oldest first (a copy of the list; the chunks themselves are shared). */
  toArray(): T[] {
    return this.#chunks.slice(this.#head);
  }

  #dropHead(): void {
    const head = this.#chunks[this.#head]!;
    const left = head.count - head.skip;
    this.#events -= left;
    this.#evicted += left;
    this.#bytes -= head.weight;
    head.skip = head.count;
    this.#head += 1;
  }
}
