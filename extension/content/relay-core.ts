/**
 * The relay's logic without the browser around it (unit-tested): validates page events, keeps the
 * since-load backlog, and streams to the service worker while a panel is subscribed.
 *
 * Invariants:
 * - every accepted event gets the next arrival number `n` (per document), so a panel that receives the
 *   backlog again after a service worker restart drops what it already has;
 * - nothing is sent while no panel is subscribed (no IPC, no base64) — the backlog only grows;
 * - the port carries data only; commands from the service worker are `subscribe` / `dormant`.
 *
 * @packageDocumentation
 */
import { Backlog } from '../shared/backlog.js';
import { MAX_BACKLOG_BYTES, MAX_BACKLOG_EVENTS, MAX_EVENTS_PER_BATCH } from '../shared/limits.js';
import type { PageEvent, RelayCommand, RelayMessage, RelayStats, WireEvent } from '../shared/messages.js';
import { bytesToBase64, parsePageEvent } from '../shared/validate.js';

/** An accepted event with its arrival number. */
interface Stored {
  readonly n: number;
  readonly event: PageEvent;
  /** Bytes it keeps alive (see weightsOf). */
  readonly weight: number;
}

/** Bytes per batch before a new batch starts (keeps each port message far below Chrome's 64 MiB). */
const MAX_BATCH_BYTES = 4 << 20;

/** Converts one stored event to its JSON-safe wire form. */
export function toWire({ n, event }: Stored): WireEvent {
  if (event.k === 'frame' && event.bytes !== undefined) {
    const view = event.bytes instanceof Uint8Array ? event.bytes : new Uint8Array(event.bytes); // a view, never a copy
    return { k: 'frame', seq: event.seq, t: event.t, cid: event.cid, dir: event.dir, bytes: bytesToBase64(view), size: event.size, n };
  }
  return { ...event, n } as WireEvent;
}

/**
 * Memory one accepted event keeps alive, for the backlog's byte cap. A view shares its buffer with
 * the other views of the same page dispatch; each is charged its share of the whole buffer, so a
 * page cannot pin large buffers with tiny views (the batches the hook sends use all of their
 * buffer, so there each view costs its own length).
 */
function weightsOf(events: readonly PageEvent[]): number[] {
  const used = new Map<ArrayBufferLike, number>();
  for (const e of events) if (e.k === 'frame' && e.bytes instanceof Uint8Array) used.set(e.bytes.buffer, (used.get(e.bytes.buffer) ?? 0) + e.bytes.byteLength);
  return events.map((e) => {
    if (e.k !== 'frame') return 64;
    if (e.bytes instanceof Uint8Array) {
      const total = used.get(e.bytes.buffer) ?? 0;
      return 64 + (total === 0 ? e.bytes.buffer.byteLength : Math.ceil((e.bytes.byteLength / total) * e.bytes.buffer.byteLength));
    }
    return 64 + (e.bytes?.byteLength ?? (e.text?.length ?? 0) * 2);
  });
}

/** Relay state for one document. */
export class RelayCore {
  readonly #backlog: Backlog<Stored>;
  readonly #send: (message: RelayMessage) => void;
  readonly #schedule: (flush: () => void) => void;
  #live: Stored[] = [];
  #flushPending = false;
  #subscribed = false;
  #n = 0;
  #rejected = 0;
  #truncated = 0;

  /**
   * @param doc random id of this document.
   * @param send posts one message to the service worker (only called while subscribed).
   * @param schedule runs `flush` a little later (a timer in the browser), batching bursts.
   */
  constructor(
    readonly doc: string,
    send: (message: RelayMessage) => void,
    schedule: (flush: () => void) => void,
    caps: { maxEvents?: number; maxBytes?: number } = {},
  ) {
    this.#backlog = new Backlog(caps.maxEvents ?? MAX_BACKLOG_EVENTS, caps.maxBytes ?? MAX_BACKLOG_BYTES);
    this.#send = send;
    this.#schedule = schedule;
  }

  /** Counters shown by the panel. */
  get stats(): RelayStats {
    return { rejected: this.#rejected, evicted: this.#backlog.evicted, truncated: this.#truncated };
  }

  /** Events currently in the since-load backlog. */
  get buffered(): number {
    return this.#backlog.size;
  }

  /** True while a panel is subscribed. */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  /** Takes the `detail` of one page CustomEvent: an array of untrusted events. */
  acceptDetail(detail: unknown): void {
    if (!Array.isArray(detail)) {
      this.#rejected += 1;
      return;
    }
    const events: PageEvent[] = [];
    for (const item of detail as unknown[]) {
      const parsed = parsePageEvent(item);
      if (!parsed.ok) {
        this.#rejected += 1;
        continue;
      }
      if (parsed.truncated) this.#truncated += 1;
      events.push(parsed.event);
    }
    const weights = weightsOf(events);
    for (let i = 0; i < events.length; i++) {
      const stored = { n: ++this.#n, event: events[i]!, weight: weights[i]! };
      this.#backlog.push(stored, stored.weight);
      if (this.#subscribed) this.#queueLive(stored);
    }
  }

  /** Handles a command from the service worker. @returns false when the port should be left closed. */
  command(message: RelayCommand): boolean {
    if (message.type === 'subscribe') {
      this.#subscribed = true;
      this.#live = [];
      this.#sendBatches(this.#backlog.toArray(), true);
      return true;
    }
    this.#subscribed = false;
    this.#live = [];
    return false;
  }

  /** The port dropped (service worker restart, navigation): stop streaming until subscribed again. */
  disconnected(): void {
    this.#subscribed = false;
    this.#live = [];
  }

  #queueLive(stored: Stored): void {
    this.#live.push(stored);
    if (this.#live.length >= MAX_EVENTS_PER_BATCH) this.flush();
    else if (!this.#flushPending) {
      this.#flushPending = true;
      this.#schedule(() => this.flush());
    }
  }

  /** Sends the queued live events now. */
  flush(): void {
    this.#flushPending = false;
    if (!this.#subscribed || this.#live.length === 0) return;
    const live = this.#live;
    this.#live = [];
    this.#sendBatches(live, false);
  }

  #sendBatches(items: readonly Stored[], backlog: boolean): void {
    let batch: WireEvent[] = [];
    let bytes = 0;
    const post = (): void => {
      this.#send({ type: 'events', doc: this.doc, backlog, events: batch, stats: this.stats });
      batch = [];
      bytes = 0;
    };
    for (const item of items) {
      batch.push(toWire(item));
      bytes += item.weight;
      if (batch.length >= MAX_EVENTS_PER_BATCH || bytes >= MAX_BATCH_BYTES) post();
    }
    if (batch.length > 0 || backlog) post();
  }
}
