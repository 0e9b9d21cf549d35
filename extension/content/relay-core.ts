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
 * - the backlog is also the only queue: a subscribed relay sends from it what it has not sent yet,
 *   so every byte waiting for a panel is counted by the backlog's caps;
 * - once the panel acknowledges (`ack`), at most `windowBytes` are sent and not yet acknowledged:
 *   a panel that falls behind is caught up from the backlog in steps of up to MAX_BATCH_BYTES;
 * - every evicted event is counted once, by reason: already sent to a panel (not a loss), lost
 *   while a panel was subscribed (`behind`), or lost while none was (`evicted`, before it opened);
 * - the port carries data only; commands from the service worker are RelayCommand.
 *
 * @packageDocumentation
 */
import { MAX_BACKLOG_BYTES, MAX_BACKLOG_EVENTS, RELAY_WINDOW_BYTES } from '../shared/limits.js';
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

/** Bytes per port message before a new one starts, and per task of the relay (which runs on the page's main thread): about 1 MiB of base64 and JSON work at a time. */
const MAX_BATCH_BYTES = 1 << 20;

/** Unsent live events, or their bytes, that are sent at once instead of at the next timer. */
const LIVE_FLUSH_EVENTS = 2048;
const LIVE_FLUSH_BYTES = 1 << 20;

/** Bookkeeping charged per event on top of its payload, in bytes. */
const EVENT_OVERHEAD = 64;

/** Converts one object event to its JSON-safe wire form. */
export function toWire(n: number, event: PageEvent): WireEvent {
  if (event.k === 'frame' && event.bytes !== undefined) {
    const wire = { k: 'frame', seq: event.seq, t: event.t, cid: event.cid, dir: event.dir, bytes: bytesToBase64(new Uint8Array(event.bytes)), size: event.size, n } as const;
    return event.page === true ? { ...wire, page: true } : event.replay === true ? { ...wire, replay: true } : wire;
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

/** Caps of a relay (tests use small ones). */
export interface RelayCaps {
  /** Events in the since-load backlog (default MAX_BACKLOG_EVENTS). */
  readonly maxEvents?: number;
  /** Bytes in the since-load backlog (default MAX_BACKLOG_BYTES). */
  readonly maxBytes?: number;
  /** Bytes sent ahead of the panel's acknowledgement (default RELAY_WINDOW_BYTES). */
  readonly windowBytes?: number;
}

/** Relay state for one document. */
export class RelayCore {
  readonly #backlog: ChunkBacklog<Chunk>;
  readonly #send: (message: RelayMessage) => void;
  readonly #schedule: (flush: () => void) => void;
  readonly #onCapture: (full: boolean) => void;
  readonly #windowBytes: number;
  #flushPending = false;
  #subscribed = false;
  #n = 0;
  /** Last arrival number sent since the current subscribe. */
  #sentN = 0;
  /** Last arrival number ever sent to a panel (evicting up to it loses nothing). */
  #deliveredN = 0;
  /** Arrival numbers up to this one were in the backlog at subscribe (sent with `backlog: true`). */
  #replayEnd = 0;
  #unsentEvents = 0;
  #unsentBytes = 0;
  /** True from the first `ack` of the current subscription on. */
  #flow = false;
  /** Sent and not acknowledged: end arrival number and weight of each sent chunk, in order. */
  #inflight: { end: number; weight: number }[] = [];
  #inflightBytes = 0;
  #full = false;
  #rejected = 0;
  #truncated = 0;
  #evictedUnseen = 0;
  #behind = 0;
  #pageDispatched = 0;

  /**
   * @param doc random id of this document.
   * @param send posts one message to the service worker (only called while subscribed).
   * @param schedule runs `flush` a little later (a timer in the browser), batching bursts.
   * @param caps backlog and window caps (defaults from limits.ts).
   * @param onCapture told when full capture is turned on or off (the relay tells the page's hook).
   */
  constructor(
    readonly doc: string,
    send: (message: RelayMessage) => void,
    schedule: (flush: () => void) => void,
    caps: RelayCaps = {},
    onCapture: (full: boolean) => void = () => undefined,
  ) {
    this.#backlog = new ChunkBacklog(caps.maxEvents ?? MAX_BACKLOG_EVENTS, caps.maxBytes ?? MAX_BACKLOG_BYTES, (chunk, first, count) => this.#evicted(chunk, first, count));
    this.#windowBytes = caps.windowBytes ?? RELAY_WINDOW_BYTES;
    this.#send = send;
    this.#schedule = schedule;
    this.#onCapture = onCapture;
  }

  /** Counters shown by the panel. */
  get stats(): RelayStats {
    const b = this.#backlog;
    return {
      rejected: this.#rejected,
      evicted: this.#evictedUnseen,
      truncated: this.#truncated,
      behind: this.#behind,
      pageDispatched: this.#pageDispatched,
      buffered: { events: b.size, bytes: b.bytes, maxEvents: b.maxEvents, maxBytes: b.maxBytes },
    };
  }

  /** Events currently in the since-load backlog. */
  get buffered(): number {
    return this.#backlog.size;
  }

  /** Bytes the since-load backlog keeps alive (payloads plus per-event bookkeeping). */
  get bufferedBytes(): number {
    return this.#backlog.bytes;
  }

  /** True while a panel is subscribed. */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  /** True while full capture is on. */
  get fullCapture(): boolean {
    return this.#full;
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
      if ((event.k === 'frame' || event.k === 'error') && event.page === true) this.#pageDispatched += 1;
      events.push({ n: n0 + i, event });
      weight += weightOf(event);
    }
    this.#n += view.count;
    this.#truncated += parsed.truncated;
    const chunk: Chunk = { n0, count: view.count, view, cids, events, weight, skip: 0 };
    this.#backlog.push(chunk);
    if (!this.#subscribed) return;
    this.#unsentEvents += chunk.count;
    this.#unsentBytes += chunk.weight;
    if (this.#unsentEvents >= LIVE_FLUSH_EVENTS || this.#unsentBytes >= LIVE_FLUSH_BYTES) this.flush();
    else if (!this.#flushPending) {
      this.#flushPending = true;
      this.#schedule(() => this.flush());
    }
  }

  /** Handles a command from the service worker. @returns false when the port should be left closed. */
  command(message: RelayCommand): boolean {
    switch (message.type) {
      case 'subscribe':
        if (typeof message.full === 'boolean') this.#setFull(message.full);
        this.#stop();
        this.#subscribed = true;
        this.#replayEnd = this.#n;
        if (this.#backlog.length === 0) this.#send({ type: 'events', doc: this.doc, backlog: true, chunks: [], stats: this.stats });
        else this.flush();
        return true;
      case 'ack':
        if (!this.#subscribed || !Number.isSafeInteger(message.n)) return true;
        this.#flow = true;
        while (this.#inflight.length > 0 && this.#inflight[0]!.end <= message.n) this.#inflightBytes -= this.#inflight.shift()!.weight;
        this.flush();
        return true;
      case 'capture':
        this.#setFull(message.full === true);
        return true;
      default: // dormant: no panel is open any more, so every page pays only for the display caps again
        this.#stop();
        this.#setFull(false);
        return false;
    }
  }

  /** The port dropped (service worker restart, navigation): stop streaming until subscribed again. */
  disconnected(): void {
    this.#stop();
  }

  /**
   * Sends what the subscribed panel has not had yet, oldest first, one message of up to
   * MAX_BATCH_BYTES per call (the rest at the next timer), within the acknowledgement window once
   * the panel acknowledges.
   */
  flush(): void {
    this.#flushPending = false;
    if (!this.#subscribed) return;
    this.#unsentEvents = 0;
    this.#unsentBytes = 0;
    const backlog = this.#backlog;
    let batch: WireChunk[] = [];
    let bytes = 0;
    let replay = this.#sentN < this.#replayEnd;
    const post = (): void => {
      this.#send({ type: 'events', doc: this.doc, backlog: replay, chunks: batch, stats: this.stats });
      batch = [];
      bytes = 0;
      replay = this.#sentN < this.#replayEnd;
    };
    const sent = this.#sentN;
    for (let i = backlog.search((c) => c.n0 + c.count - 1 <= sent); i < backlog.length; i++) {
      if (this.#flow && this.#inflightBytes >= this.#windowBytes) break;
      const chunk = backlog.at(i);
      const end = chunk.n0 + chunk.count - 1;
      const skip = Math.max(chunk.skip, this.#sentN + 1 - chunk.n0);
      if (skip < chunk.count) {
        batch.push(chunkToWire(chunk, skip));
        bytes += chunk.weight;
      }
      this.#sentN = end;
      if (end > this.#deliveredN) this.#deliveredN = end;
      if (this.#flow) {
        this.#inflight.push({ end, weight: chunk.weight });
        this.#inflightBytes += chunk.weight;
      }
      if (bytes >= MAX_BATCH_BYTES) {
        // One message per task: the relay runs on the page's main thread, and a 32 MiB replay
        // encoded in one go would be a long task of the page. The rest follows at the next timer.
        post();
        if (i + 1 < backlog.length && !this.#flushPending) {
          this.#flushPending = true;
          this.#schedule(() => this.flush());
        }
        return;
      }
    }
    if (batch.length > 0) post();
  }

  #stop(): void {
    this.#subscribed = false;
    this.#flow = false;
    this.#inflight = [];
    this.#inflightBytes = 0;
    this.#sentN = 0;
    this.#unsentEvents = 0;
    this.#unsentBytes = 0;
  }

  #setFull(full: boolean): void {
    if (full === this.#full) return;
    this.#full = full;
    this.#onCapture(full);
  }

  // Events a panel already received are no loss; the others are lost for one of two reasons.
  #evicted(chunk: Chunk, first: number, count: number): void {
    const from = chunk.n0 + first;
    const unseen = Math.min(count, from + count - 1 - this.#deliveredN);
    if (unseen <= 0) return;
    if (this.#subscribed) this.#behind += unseen;
    else this.#evictedUnseen += unseen;
  }
}
