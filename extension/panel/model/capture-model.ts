/**
 * Turns the service worker's messages into connection and frame records: drops what was already
 * received (the relay's arrival number `n`, per document), recognises CLASP connections, decodes
 * frames once, and reports top-level navigations. Pure apart from the codec; unit-tested.
 *
 * @packageDocumentation
 */
import { checkBlock, RECORD_KIND } from '../../shared/frame-block.js';
import { MAX_FRAME_BYTES } from '../../shared/limits.js';
import { DEEP_SOURCE, type FrameDirection, type PanelMessage, type RelayStats, type WireChunk, type WireEvent } from '../../shared/messages.js';
import { base64ToBytes } from '../../shared/validate.js';
import { MAX_CONNECTIONS } from '../limits.js';
import { deepConnectionName, navigationLine } from '../strings.js';
import { WS_SUBPROTOCOL, type DecodedMessage } from '../../../src/protocol/index.js';
import { decodePayloads } from './payloads.js';
import { decodeBinary, hasMagic, summarizeText } from './summarize.js';
import type { ConnectionRecord, FrameRecord, FrameSummary } from './types.js';

/** What one message changed. */
export interface IngestResult {
  readonly frames: FrameRecord[];
  /** A new top-level document replaced the previous one (the page navigated). */
  readonly navigatedTo: string | null;
}

/**
 * One message being processed in steps ({@link CaptureModel.start}).
 */
export interface IngestJob {
  /** A new top-level document replaced the previous one (known from the start). */
  readonly navigatedTo: string | null;
  /**
   * Processes at most `budget` more records of the message's relay batches (frames and connection
   * events), appending frames to `out`; its single events (the panel queues at most 100 per
   * message) are processed together in the last step. True when the message is done.
   */
  step(budget: number, out: FrameRecord[]): boolean;
}

/** The records of one relay batch, read in steps. */
interface ChunkCursor {
  readonly done: boolean;
  /** Reads at most `budget` records into `out`; returns how many it read. */
  run(budget: number, out: FrameRecord[]): number;
}


/** One shared empty list for the many connections that never report an error. */
const NO_ERRORS: string[] = Object.freeze([] as string[]) as string[];
const NO_PROTOCOLS: readonly string[] = Object.freeze([] as string[]);

/** Bytes of `text` in UTF-8 (what the socket sent), counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 2 units, 4 bytes
      i += 1;
    } else bytes += 2; // 3 bytes (a lone surrogate is sent as U+FFFD, also 3)
  }
  return bytes;
}

/** Connections, per-document progress and relay counters. */
export class CaptureModel {
  readonly connections = new Map<string, ConnectionRecord>();
  readonly stats = new Map<string, RelayStats>();
  #lastN = new Map<string, number>();
  #topDoc: string | null = null;
  /** URL of the inspected page's top document (from the browser, via the service worker). */
  topUrl = '';
  #nextId = 1;
  #nextLabel = 1;
  /** Connections created or renamed since {@link takeConnectionChanges}. */
  #touched = new Set<ConnectionRecord>();
  /** Keys of connections forgotten since {@link takeConnectionChanges}. */
  #forgotten: string[] = [];
  /** Connections forgotten because of {@link MAX_CONNECTIONS} since the last clear. */
  droppedConnections = 0;
  readonly #maxConnections: number;

  /** @param maxConnections connections kept (default {@link MAX_CONNECTIONS}). */
  constructor(maxConnections: number = MAX_CONNECTIONS) {
    this.#maxConnections = Math.max(1, maxConnections);
  }

  /**
   * What changed in the connection list since the last call: connections created or renamed, and
   * keys forgotten (cap or navigation). O(changes), so listing 10 000 connections stays linear.
   */
  takeConnectionChanges(): { readonly touched: readonly ConnectionRecord[]; readonly forgotten: readonly string[] } {
    const touched = [...this.#touched].filter((c) => this.connections.get(c.key) === c);
    const forgotten = this.#forgotten;
    this.#touched.clear();
    this.#forgotten = [];
    return { touched, forgotten };
  }

  /** Highest arrival number of `doc` the panel has taken (for the relay's flow control), or 0. */
  lastArrival(doc: string): number {
    return this.#lastN.get(doc) ?? 0;
  }
  /** Called with every decoded CLASP message (the state view uses it, so frames are decoded once). */
  onMessage: (frame: FrameRecord, message: DecodedMessage) => void = () => undefined;

  /** Id the next frame will get (ids increase across live and imported frames). */
  takeId(): number {
    return this.#nextId++;
  }

  /** Processes one message from the service worker at once (see {@link start} for steps). */
  ingest(message: PanelMessage): IngestResult {
    const job = this.start(message);
    const frames: FrameRecord[] = [];
    while (!job.step(Number.POSITIVE_INFINITY, frames));
    return { frames, navigatedTo: job.navigatedTo };
  }

  /**
   * Starts processing one message from the service worker, to be run in steps: a relay batch holds
   * up to 512 frames, and decoding them all in one task is longer than a panel task may be.
   * Messages must be run to the end one after the other, in the order they arrived.
   */
  start(message: PanelMessage): IngestJob {
    if (message.type === 'document') {
      let navigatedTo: string | null = null;
      if (message.frameId === 0 && message.doc !== this.#topDoc) {
        if (this.#topDoc !== null) navigatedTo = message.doc;
        this.topUrl = message.url;
        this.#topDoc = message.doc;
      }
      return { navigatedTo, step: () => true };
    }
    if (message.type !== 'events') return { navigatedTo: null, step: () => true };
    this.stats.set(message.doc, message.stats);
    const chunks = message.chunks ?? [];
    let nextChunk = 0;
    let cursor: ChunkCursor | null = null;
    return {
      navigatedTo: null,
      step: (budget, out) => {
        let left = budget;
        while (left > 0) {
          if (cursor === null) {
            if (nextChunk === chunks.length) {
              this.#events(message.doc, message.frameId, message.events, out);
              return true;
            }
            cursor = this.#openChunk(message.doc, message.frameId, chunks[nextChunk++]!, out);
            continue;
          }
          left -= cursor.run(left, out);
          if (cursor.done) cursor = null;
        }
        return false;
      },
    };
  }

  /** Single events (deep mode, and the relay's non-block path): at most a slice of them per message. */
  #events(doc: string, frameId: number, events: readonly WireEvent[], out: FrameRecord[]): void {
    let last = this.#lastN.get(doc) ?? 0;
    const fresh: WireEvent[] = [];
    for (const event of events) {
      if (!(event.n > last)) continue; // already received before a reconnect
      last = event.n;
      fresh.push(event);
    }
    const payloads = decodePayloads(fresh.map((e) => (e.k === 'frame' && e.text === undefined ? (e.bytes ?? '') : undefined)));
    for (let i = 0; i < fresh.length; i++) {
      const frame = this.#apply(doc, frameId, fresh[i]!, payloads[i]);
      if (frame !== null) out.push(frame);
    }
    this.#lastN.set(doc, last);
  }

  /**
   * Checks one relay batch and returns a cursor over its records (one base64 decode, views for
   * payloads), or null when the batch is unreadable (an error frame is appended to `out` instead).
   */
  #openChunk(doc: string, frameId: number, chunk: WireChunk, out: FrameRecord[]): ChunkCursor | null {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(String(chunk.block));
    } catch (error) {
      out.push(this.#batchError(doc, frameId, chunk, (error as Error).message));
      return null;
    }
    if (!Number.isSafeInteger(chunk.n0) || !Number.isSafeInteger(chunk.skip) || chunk.n0 < 1 || chunk.skip < 0) {
      out.push(this.#batchError(doc, frameId, chunk, 'bad arrival numbers'));
      return null;
    }
    const events = Array.isArray(chunk.events) ? chunk.events : [];
    const cids = Array.isArray(chunk.cids) ? chunk.cids.map(String) : [];
    const checked = checkBlock(bytes.buffer, cids.length, events.length, MAX_FRAME_BYTES, true);
    if (!checked.ok) {
      out.push(this.#batchError(doc, frameId, chunk, checked.reason));
      return null;
    }
    const view = checked.view;
    const last = Math.max(this.#lastN.get(doc) ?? 0, chunk.n0 + chunk.skip - 1); // numbers up to here are not shown
    // Object events to show, in order (their payloads are decoded together, as for deep mode).
    const shown: WireEvent[] = [];
    for (let i = 0, object = 0; i < view.count; i++) {
      if (view.kind(i) !== RECORD_KIND.OBJECT) continue;
      if (chunk.n0 + i > last) shown.push(events[object]!);
      object += 1;
    }
    const payloads = decodePayloads(shown.map((e) => (e.k === 'frame' && e.text === undefined ? (e.bytes ?? '') : undefined)));
    // The whole batch counts as received now: messages run to the end in order (see start()).
    this.#lastN.set(doc, Math.max(last, chunk.n0 + view.count - 1));
    const conns: (ConnectionRecord | undefined)[] = [];
    let i = 0;
    let offset = view.payloadStart;
    let next = 0;
    return {
      get done() {
        return i >= view.count;
      },
      run: (budget, into) => {
        const start = i;
        const end = Math.min(view.count, i + budget);
        for (; i < end; i++) {
          const kind = view.kind(i);
          const visible = chunk.n0 + i > last;
          if (kind === RECORD_KIND.BYTES) {
            const len = view.len(i);
            if (visible) {
              const c = view.cid(i);
              const conn = (conns[c] ??= this.connection(doc, cids[c]!, frameId));
              into.push(this.#binary(conn, view.dir(i) === 0 ? 'in' : 'out', view.t(i), view.size(i), new Uint8Array(bytes.buffer, offset, len)));
            }
            offset += len;
          } else if (kind === RECORD_KIND.OBJECT && visible) {
            const frame = this.#apply(doc, frameId, shown[next]!, payloads[next]);
            next += 1;
            if (frame !== null) into.push(frame);
          }
        }
        return end - start;
      },
    };
  }

  /** Forgets connections of every document but `keepDoc` (after a navigation without preserve log). */
  forgetOtherDocuments(keepDoc: string): void {
    for (const [key, conn] of this.connections) {
      if (conn.doc === keepDoc) continue;
      this.connections.delete(key);
      this.#forgotten.push(key);
    }
  }

  /** Forgets every connection (Clear). */
  forgetConnections(): void {
    for (const key of this.connections.keys()) this.#forgotten.push(key);
    this.connections.clear();
    this.droppedConnections = 0;
  }

  /** The connection record for a key, created on first sight. */
  connection(doc: string, cid: string, frameId: number): ConnectionRecord {
    const key = `${doc}/${cid}`;
    let conn = this.connections.get(key);
    if (conn === undefined) {
      if (this.connections.size >= this.#maxConnections) {
        // Map order is creation order: the first key is the oldest connection.
        const oldest = this.connections.keys().next().value as string;
        this.connections.delete(oldest);
        this.#forgotten.push(oldest);
        this.droppedConnections += 1;
      }
      conn = { key, label: `#${this.#nextLabel++}`, doc, frameId, url: '', protocols: NO_PROTOCOLS, protocol: '', source: '', clasp: false, state: 'connecting', errors: NO_ERRORS };
      this.connections.set(key, conn);
      this.#touched.add(conn);
    }
    return conn;
  }

  #apply(doc: string, frameId: number, event: WireEvent, payload: Uint8Array | Error | undefined): FrameRecord | null {
    const conn = this.connection(doc, event.cid, frameId);
    switch (event.k) {
      case 'conn': {
        const protocols = Array.isArray(event.protocols) ? event.protocols.map(String) : NO_PROTOCOLS;
        conn.url = String(event.url);
        conn.protocols = protocols.length === 0 ? NO_PROTOCOLS : protocols;
        conn.source = String(event.source);
        if (typeof event.name === 'string') conn.name = event.name;
        if (event.source === DEEP_SOURCE) conn.name = deepConnectionName(conn.label);
        // A transport's report means CLASP; the wrapper and deep mode rely on subprotocol or magic byte.
        if (protocols.includes(WS_SUBPROTOCOL) || (event.source !== 'websocket' && event.source !== DEEP_SOURCE)) conn.clasp = true;
        this.#touched.add(conn);
        return null;
      }
      case 'open':
        conn.state = 'open';
        conn.protocol = String(event.protocol);
        if (event.protocol === WS_SUBPROTOCOL) conn.clasp = true;
        return null;
      case 'close':
        conn.state = 'closed';
        conn.closeCode = event.code;
        conn.closeReason = event.reason;
        return null;
      case 'error':
        if (conn.errors === NO_ERRORS) conn.errors = [];
        if (conn.errors.length < 100) conn.errors.push(String(event.message));
        return null;
      case 'frame':
        return this.#frame(conn, event, payload);
      default:
        return null; // an event kind this panel does not know (a newer relay): ignored, never thrown on
    }
  }

  /** @param payload the frame's bytes, decoded with the other frames of its message (decodePayloads). */
  #frame(conn: ConnectionRecord, event: Extract<WireEvent, { k: 'frame' }>, payload: Uint8Array | Error | undefined): FrameRecord {
    const page = event.page === true;
    const replayed = !page && event.replay === true;
    if (typeof event.text === 'string') {
      // The page reports a text's size in UTF-16 units or UTF-8 bytes; a whole text is measured
      // here in UTF-8 (what went over the wire, and what export writes).
      const text = event.text;
      const bytes = utf8Length(text);
      const truncated = text.length < event.size && bytes < event.size;
      const record: FrameRecord = { id: this.takeId(), conn, dir: event.dir, t: event.t, size: truncated ? event.size : bytes, text, truncated, summary: summarizeText(text) };
      return page ? { ...record, pageDispatched: true } : replayed ? { ...record, replayed: true } : record;
    }
    if (!(payload instanceof Uint8Array)) return this.#error(conn, event, `unreadable payload: ${payload?.message ?? 'missing'}`);
    return this.#binary(conn, event.dir, event.t, event.size, payload, page, replayed);
  }

  #binary(conn: ConnectionRecord, dir: FrameDirection, t: number, size: number, bytes: Uint8Array, page = false, replayed = false): FrameRecord {
    if (!conn.clasp && hasMagic(bytes)) conn.clasp = true;
    const { summary, message } = decodeBinary(bytes, conn.clasp);
    const Kind = page ? PageBinaryFrame : replayed ? ReplayedBinaryFrame : BinaryFrame;
    const record = new Kind(this.takeId(), conn, dir, t, size, bytes, summary);
    // A frame the page dispatched itself is not traffic: it never changes the state view.
    if (message !== undefined && !page) this.onMessage(record, message);
    return record;
  }

  /**
   * The marker row shown where the page navigated (Preserve log on): kind `navigation`, on a
   * connection record of its own that is not in the connection list.
   */
  navigationMarker(doc: string, url: string, t: number): FrameRecord {
    const conn: ConnectionRecord = { key: `${doc}/navigation`, label: '', doc, frameId: 0, url, protocols: NO_PROTOCOLS, protocol: '', source: 'navigation', clasp: false, state: 'closed', errors: NO_ERRORS };
    return { id: this.takeId(), conn, dir: 'in', t, size: 0, truncated: false, summary: { kind: 'navigation', line: navigationLine(url) } };
  }

  #error(conn: ConnectionRecord, event: FrameHead, line: string): FrameRecord {
    return { id: this.takeId(), conn, dir: event.dir, t: event.t, size: event.size, truncated: false, summary: { kind: 'undecodable', line, error: line } };
  }

  /** A batch the panel cannot read shows as one error frame on its first connection (never an exception). */
  #batchError(doc: string, frameId: number, chunk: WireChunk, reason: string): FrameRecord {
    const cid = Array.isArray(chunk.cids) && typeof chunk.cids[0] === 'string' ? chunk.cids[0] : 'batch';
    return this.#error(this.connection(doc, cid, frameId), { dir: 'in', t: Date.now(), size: 0 }, `unreadable batch of frames: ${reason}`);
  }
}

/** What a frame record needs besides its bytes. */
interface FrameHead {
  readonly dir: 'in' | 'out';
  readonly t: number;
  readonly size: number;
}

/**
 * A binary frame whose payload is a slice of the buffer it arrived in (a relay batch, a decoded
 * payload). It keeps the buffer, offset and length instead of a `Uint8Array` view: a view is one
 * more heap object per kept frame, and with 100 000+ frames every object makes each garbage
 * collection of the panel longer. `bytes` makes a view when asked (rows, detail, export).
 */
class BinaryFrame implements FrameRecord {
  readonly #buffer: ArrayBufferLike;
  readonly #offset: number;
  readonly #length: number;
  readonly truncated: boolean;

  constructor(
    readonly id: number,
    readonly conn: ConnectionRecord,
    readonly dir: FrameDirection,
    readonly t: number,
    readonly size: number,
    bytes: Uint8Array,
    readonly summary: FrameSummary,
  ) {
    this.#buffer = bytes.buffer;
    this.#offset = bytes.byteOffset;
    this.#length = bytes.length;
    this.truncated = bytes.length < size;
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.#buffer, this.#offset, this.#length);
  }
}

/** A binary frame the page dispatched itself (`ws.dispatchEvent`): listed marked, never traffic. */
class PageBinaryFrame extends BinaryFrame {
  get pageDispatched(): true {
    return true;
  }
}

/** A binary frame DevTools sent on the page's socket (replay into the page): traffic, listed marked. */
class ReplayedBinaryFrame extends BinaryFrame {
  get replayed(): true {
    return true;
  }
}
