/**
 * A bounded first-in first-out buffer, capped both by item count and by total bytes: the relay's
 * "frames since page load" store. Oldest items are evicted first and counted.
 *
 * @packageDocumentation
 */

/** Bounded FIFO of items with a byte weight each. */
export class Backlog<T> {
  #items: T[] = [];
  #weights: number[] = [];
  #head = 0;
  #bytes = 0;
  #evicted = 0;

  /**
   * @param maxItems most items kept (≥ 1).
   * @param maxBytes most total weight kept; a single heavier item is still kept alone.
   * @throws RangeError when a cap is below 1.
   */
  constructor(
    readonly maxItems: number,
    readonly maxBytes: number,
  ) {
    if (!(maxItems >= 1) || !(maxBytes >= 1)) throw new RangeError(`Backlog caps must be ≥ 1 (got ${maxItems}, ${maxBytes})`);
  }

  /** Items currently kept. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Total weight currently kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Items evicted since construction. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Appends one item, evicting the oldest ones that no longer fit. */
  push(item: T, weight: number): void {
    this.#items.push(item);
    this.#weights.push(weight);
    this.#bytes += weight;
    while (this.size > 1 && (this.size > this.maxItems || this.#bytes > this.maxBytes)) {
      this.#bytes -= this.#weights[this.#head]!;
      this.#head += 1;
      this.#evicted += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) this.#compact();
  }

  /** The kept items, oldest first (a copy). */
  toArray(): T[] {
    return this.#items.slice(this.#head);
  }

  #compact(): void {
    this.#items = this.#items.slice(this.#head);
    this.#weights = this.#weights.slice(this.#head);
    this.#head = 0;
  }
}
