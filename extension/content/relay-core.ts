/**
 * The relay's logic without the browser around it (unit-tested): validates page events, keeps the
 * since-load backlog, and streams to the service worker while a panel is subscribed.
 *
 * Invariants:
 * - every record of an accepted batch gets the next arrival number `n` (per document; a refused
 *   object event keeps its number as a DROPPED record), so a panel that receives the backlog again
 *   after a service worker restart drops what it already has;
 * - a batch stays one block from the page to the panel: no object or base64 string per frame;
 * - nothing is sent while no panel is subscribed (no IPC, no base64) — the backlog only grows;
 * - the port carries data only; commands from the service worker are `subscribe` / `dormant`.
 *
 * @packageDocumentation
 */
import { MAX_BACKLOG_BYTES, MAX_BACKLOG_EVENTS } from '../shared/limits.js';
import { RECORD_KIND, type BlockView } from '../shared/frame-block.js';
import type { PageEvent, RelayCommand, RelayMessage, RelayStats, WireChunk, WireEvent } from '../shared/messages.js';
import { bytesToBase64, parsePageDetail } from '../shared/validate.js';
import { ChunkBacklog } from './chunk-backlog.js';

/** One accepted batch of the page: a checked frame block and its clean object events. */
interface Chunk {
  /** Arrival number of record 0. */
  readonly n0: number;
  readonly count: number;
  readonly view: BlockView;
  readonly cids: readonly string[];
  /** The objects of the OBJECT records, with their arrival numbers. */
  readonly events: readonly { readonly n: number; readonly event: PageEvent }[];
  readonly weight: number;
  skip: number;
}

/** Bytes per port message before a new one starts (keeps each far below Chrome's 64 MiB). */
const MAX_BATCH_BYTES = 4 << 20;

/** Queued live events that are sent at once instead of at the next timer. */
const LIVE_FLUSH_EVENTS = 2048;

/** Bookkeeping charged per event on top of its payload, in bytes. */
const EVENT_OVERHEAD = 64;

/** Converts one object event to its JSON-safe wire form. */
export function toWire(n: number, event: PageEvent): WireEvent {
  if (event.k === 'frame' && event.bytes !== undefined) {
    return { k: 'frame', seq: event.seq, t: event.t, cid: event.cid, dir: event.dir, bytes: bytesToBase64(new Uint8Array(event.bytes)), size: event.size, n };
  }
  return { ...event, n } as WireEvent;
}

/** A chunk as it travels to the service worker. */
function chunkToWire(chunk: Chunk, skip: number): WireChunk {
  const block = bytesToBase64(new Uint8Array(chunk.view.buffer));
  return { n0: chunk.n0, skip, block, cids: chunk.cids, events: chunk.events.map(({ n, event }) => toWire(n, event)) };
}

/** Memory an object event keeps alive (its own payload buffer or text). */
function weightOf(event: PageEvent): number {
  if (event.k !== 'frame') return EVENT_OVERHEAD;
  return EVENT_OVERHEAD + (event.bytes?.byteLength ?? (event.text?.length ?? 0) * 2);
}

/** Relay state for one document. */
export class RelayCore {
  readonly #backlog: ChunkBacklog<Chunk>;
  readonly #send: (message: RelayMessage) => void;
  readonly #schedule: (flush: () => void) => void;
  /** Batches waiting to stream, with the eviction point each had when queued (see #queueLive). */
  #live: { chunk: Chunk; skip: number }[] = [];
  #liveEvents = 0;
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
    this.#backlog = new ChunkBacklog(caps.maxEvents ?? MAX_BACKLOG_EVENTS, caps.maxBytes ?? MAX_BACKLOG_BYTES);
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

  /** Takes the `detail` of one page CustomEvent: one untrusted batch (PageDetail). */
  acceptDetail(detail: unknown): void {
    const parsed = parsePageDetail(detail);
    if (!parsed.ok) {
      this.#rejected += parsed.lost;
      return;
    }
    const { view, cids } = parsed;
    const n0 = this.#n + 1;
    const events: { n: number; event: PageEvent }[] = [];
    let weight = view.buffer.byteLength + EVENT_OVERHEAD * view.count;
    let next = 0;
    // Most batches are frames only: their records need no second pass.
    for (let i = 0; next < parsed.events.length && i < view.count; i++) {
      if (view.kind(i) !== RECORD_KIND.OBJECT) continue;
      const event = parsed.events[next++];
      if (event === null || event === undefined) {
        view.markDropped(i);
        this.#rejected += 1;
        continue;
      }
      events.push({ n: n0 + i, event });
      weight += weightOf(event);
    }
    this.#n += view.count;
    this.#truncated += parsed.truncated;
    const chunk: Chunk = { n0, count: view.count, view, cids, events, weight, skip: 0 };
    this.#backlog.push(chunk);
    if (this.#subscribed) this.#queueLive(chunk);
  }

  /** Handles a command from the service worker. @returns false when the port should be left closed. */
  command(message: RelayCommand): boolean {
    if (message.type === 'subscribe') {
      this.#subscribed = true;
      this.#live = [];
      this.#liveEvents = 0;
      this.#sendBatches(this.#backlog.toArray().map((chunk) => ({ chunk, skip: chunk.skip })), true);
      return true;
    }
    this.#subscribed = false;
    this.#live = [];
    this.#liveEvents = 0;
    return false;
  }

  /** The port dropped (service worker restart, navigation): stop streaming until subscribed again. */
  disconnected(): void {
    this.#subscribed = false;
    this.#live = [];
    this.#liveEvents = 0;
  }

  // A queued batch keeps the eviction point it had when queued: the backlog may evict it before the
  // timer fires (a busy page can delay timers by seconds), but a watching panel must still get it.
  // A full queue is sent at once, which also bounds what the queue holds.
  #queueLive(chunk: Chunk): void {
    this.#live.push({ chunk, skip: chunk.skip });
    this.#liveEvents += chunk.count;
    if (this.#liveEvents >= LIVE_FLUSH_EVENTS) this.flush();
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
    this.#liveEvents = 0;
    this.#sendBatches(live, false);
  }

  #sendBatches(chunks: readonly { chunk: Chunk; skip: number }[], backlog: boolean): void {
    let batch: WireChunk[] = [];
    let bytes = 0;
    const post = (): void => {
      this.#send({ type: 'events', doc: this.doc, backlog, chunks: batch, stats: this.stats });
      batch = [];
      bytes = 0;
    };
    for (const { chunk, skip } of chunks) {
      if (skip >= chunk.count) continue;
      batch.push(chunkToWire(chunk, skip));
      bytes += chunk.weight;
      if (bytes >= MAX_BATCH_BYTES) post();
    }
    if (batch.length > 0 || backlog) post();
  }
}
