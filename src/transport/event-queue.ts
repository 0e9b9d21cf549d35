/**
 * The receiver's queue: a growable ring buffer (O(1) push and shift) plus the `recv()` waiters it
 * resolves directly from socket events. No timers, no polling.
 *
 * Invariants:
 * - Items and waiters are never both non-empty: a pushed item goes straight to the oldest waiter.
 * - After `end()`, pending and future `recv()` calls drain the items, then resolve `null`.
 *
 * @packageDocumentation
 */

/** A FIFO ring buffer that doubles when full. */
export class RingQueue<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private count = 0;

  /** Number of queued items. */
  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count += 1;
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // let the frame be collected
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count -= 1;
    return item;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i += 1) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}

type Waiter<T> = (value: T | null) => void;

/** An async channel: `push` from event handlers, `recv` from the application. */
export class EventChannel<T> {
  private readonly items = new RingQueue<T>();
  private readonly waiters = new RingQueue<Waiter<T>>();
  private ended = false;
  /** Called after an item is taken, so a producer can resume (WebSocketStream backpressure). */
  onDrain: (() => void) | undefined;

  /** Number of undelivered items. */
  get length(): number {
    return this.items.length;
  }

  /** True once `end()` was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Delivers an item to the oldest waiter, or queues it. Ignored after `end()`. */
  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(item);
    else this.items.push(item);
  }

  /** No more items will come: waiters get `null` once the queue is drained. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) w(null);
  }

  /** The next item, or `null` when ended and drained. */
  recv(): Promise<T | null> {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      this.onDrain?.();
      return Promise.resolve(item);
    }
    if (this.ended) return Promise.resolve(null);
    return new Promise<T | null>((resolve) => this.waiters.push(resolve));
  }
}
