/**
 * Replays a recording into one of the inspected page's own sockets (deep mode; the path and its
 * checks are in shared/inject.ts): its `out` frames sent to the server on the socket, or its `in`
 * frames delivered to the page on the socket as if the server had sent them. The page's connection
 * already had its HELLO and WELCOME, so recorded HELLO (`out`) and WELCOME (`in`) frames are
 * skipped and counted; text frames go as text.
 *
 * Pacing: up to {@link INJECT_WINDOW_FRAMES} frames or {@link INJECT_WINDOW_BYTES} bytes are on
 * their way to the page at once (the replay's schedule is kept; a round trip through the service
 * worker is not waited for per frame), and frames due together travel in one inject. When the
 * socket's `bufferedAmount` passes {@link PAGE_BUFFER_HIGH} (the network is slower than the
 * replay), the replay waits until it drains, so a fast replay never piles megabytes into the page. The first failure (socket closed, document
 * gone, deep mode stopped, no answer within {@link INJECT_TIMEOUT_MS}) ends the replay with that
 * reason: no later frame is sent, so nothing goes out of order.
 */
import { replaySession, type FrameLog, type ReplayResult } from '../../src/recorder/index.js';
import type { InjectResult } from '../shared/inject.js';
import { DEEP_SOURCE, type PanelCommand, type PanelMessage } from '../shared/messages.js';
import { MAX_FRAME_BYTES, MAX_INJECT_FRAMES, MAX_TEXT_CHARS } from '../shared/limits.js';
import { bytesToBase64 } from '../shared/validate.js';
import type { ConnectionRecord } from './model/types.js';
import type { PanelReplay, ReplayPart } from './recordings-replay.js';
import { IMPORT_DOC_PREFIX } from './recording.js';

/** Frames sent to the page and not yet answered, at most (two full injects). */
export const INJECT_WINDOW_FRAMES = 2 * MAX_INJECT_FRAMES;

/** Bytes sent to the page and not yet answered, at most (1 MiB). */
export const INJECT_WINDOW_BYTES = 1 << 20;

/** The page socket's `bufferedAmount` above which the replay waits for it to drain (1 MiB). */
export const PAGE_BUFFER_HIGH = 1 << 20;

/** An inject with no answer after this long fails the replay (the page is frozen or gone), in ms. */
export const INJECT_TIMEOUT_MS = 10_000;

/** How often a replay waiting for the page socket to drain asks again, in ms. */
const DRAIN_POLL_MS = 20;

/** CLASP type codes of HELLO and WELCOME. */
const HELLO = 0x01;
const WELCOME = 0x02;

const utf8 = new TextDecoder();

/** A socket of the inspected page, as the hook names it. */
export interface PageTarget {
  /** The document's id (from the relay). */
  readonly doc: string;
  /** The hook's connection id (`w<n>`). */
  readonly cid: string;
}

interface Pending {
  readonly resolve: (result: InjectResult) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Sends injects over the panel port and matches the answers to them (one per panel). */
export class PageInjector {
  readonly #prefix = crypto.randomUUID().slice(0, 13);
  #next = 0;
  readonly #pending = new Map<string, Pending>();

  /** @param post sends one command on the panel port. */
  constructor(readonly post: (command: PanelCommand) => void) {}

  /** Injects awaiting their answer. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Takes an `injected` message from the service worker (answers to another panel's ids are ignored). */
  result(message: Extract<PanelMessage, { type: 'injected' }>): void {
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    pending.resolve({ id: message.id, ok: message.ok === true, error: String(message.error), buffered: Number(message.buffered) || 0, sent: Number(message.sent) || 0 });
  }

  /**
   * Sends `frames` in order to the server or, with `toPage`, delivers them to the page; no frames
   * probes the socket's `bufferedAmount`. The caller keeps within the caps of one inject
   * (MAX_INJECT_FRAMES frames, MAX_FRAME_BYTES bytes and MAX_TEXT_CHARS text units in all).
   * @returns the page's answer; a failure is an answer with `ok: false`, never a rejection.
   */
  request(target: PageTarget, frames: readonly Payload[], toPage = false): Promise<InjectResult> {
    const id = `${this.#prefix}-${++this.#next}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ id, ok: false, error: `the page did not answer within ${INJECT_TIMEOUT_MS / 1000} s`, buffered: 0, sent: 0 });
      }, INJECT_TIMEOUT_MS);
      this.#pending.set(id, { resolve, timer });
      const wire = frames.map((f) => ('text' in f ? { text: f.text } : { bytes: bytesToBase64(f.bytes) }));
      const base = { type: 'inject', doc: target.doc, id, cid: target.cid, frames: wire } as const;
      try {
        this.post(toPage ? { ...base, dir: 'in' } : base);
      } catch (error) {
        this.result({ type: 'injected', doc: target.doc, id, ok: false, error: `the panel lost its port: ${String(error)}`, buffered: 0, sent: 0 });
      }
    });
  }
}

/** One frame for the page: binary or text. */
export type Payload = { readonly bytes: Uint8Array } | { readonly text: string };

/**
 * The windowed sink of one replay into one page socket. Frames handed over in the same task (at
 * high speed, many) go in one inject; a frame due later starts a new one.
 */
class PageSink {
  /** Frames handed to the sink and not answered yet (the unsent batch included), and their bytes. */
  #inflight = 0;
  #inflightBytes = 0;
  #batch: Payload[] = [];
  /** Binary bytes and text units of the unsent batch (the caps of one inject), and its frames' sizes (the window). */
  #batchBytes = 0;
  #batchText = 0;
  #batchSize = 0;
  #postQueued = false;
  #buffered = 0;
  #failure: Error | null = null;
  #wake: (() => void)[] = [];
  sent = 0;

  constructor(
    readonly injector: PageInjector,
    readonly target: PageTarget,
    readonly toPage: boolean,
  ) {}

  /**
   * Takes one frame within the window: at once when the window has room (no promise, so the
   * replay hands over the next frame in the same task), else once answers made room.
   * @throws the first failure of any earlier frame.
   */
  send(payload: Payload, size: number): void | Promise<void> {
    this.#check();
    if (this.#full(size) || (!this.toPage && this.#buffered > PAGE_BUFFER_HIGH)) return this.#sendLater(payload, size);
    this.#take(payload, size);
  }

  #full(size: number): boolean {
    return this.#inflight > 0 && (this.#inflight >= INJECT_WINDOW_FRAMES || this.#inflightBytes + size > INJECT_WINDOW_BYTES);
  }

  async #sendLater(payload: Payload, size: number): Promise<void> {
    while (this.#full(size)) {
      this.#post();
      await this.#answer();
      this.#check();
    }
    // Delivered to the page, a frame is taken at once (its listeners ran); bufferedAmount is about sending.
    if (!this.toPage && this.#buffered > PAGE_BUFFER_HIGH) await this.#drain();
    this.#take(payload, size);
  }

  #take(payload: Payload, size: number): void {
    const text = 'text' in payload ? payload.text.length : 0;
    // The caps of one inject; base64 pads each binary frame by up to 2 bytes.
    if (this.#batch.length >= MAX_INJECT_FRAMES || this.#batchBytes + size + 2 * (this.#batch.length + 1) > MAX_FRAME_BYTES || this.#batchText + text > MAX_TEXT_CHARS) this.#post();
    this.#inflight += 1;
    this.#inflightBytes += size;
    this.#batch.push(payload);
    this.#batchBytes += 'text' in payload ? 0 : size;
    this.#batchText += text;
    this.#batchSize += size;
    // Posted once the replay stops handing over frames in this task: frames due together share an inject.
    if (!this.#postQueued) {
      this.#postQueued = true;
      queueMicrotask(() => this.#post());
    }
  }

  /** Sends what is left and waits for every frame's answer. @throws the first failure. */
  async flush(): Promise<void> {
    this.#post();
    while (this.#inflight > 0) await this.#answer();
    this.#check();
  }

  #post(): void {
    this.#postQueued = false;
    if (this.#batch.length === 0) return;
    const frames = this.#batch;
    const bytes = this.#batchSize;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#batchText = 0;
    this.#batchSize = 0;
    void this.injector.request(this.target, frames, this.toPage).then((result) => {
      this.#inflight -= frames.length;
      this.#inflightBytes -= bytes;
      this.sent += result.sent;
      if (result.ok) this.#buffered = result.buffered;
      else this.#failure ??= new Error(result.error);
      for (const wake of this.#wake.splice(0)) wake();
    });
  }

  #check(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  #answer(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve));
  }

  // The network is slower than the replay: wait (answers, then probes) until the socket drains.
  async #drain(): Promise<void> {
    await this.flush();
    while (this.#buffered > PAGE_BUFFER_HIGH) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      const probe = await this.injector.request(this.target, []);
      if (!probe.ok) throw (this.#failure = new Error(probe.error));
      this.#buffered = probe.buffered;
    }
  }
}

/**
 * Replays the frames of session `sessionId` in `part` into the page socket `target` at `speed`:
 * the recorded `out` frames to the server, or with `direction` `in` the recorded `in` frames to the
 * page. `done` settles once the page answered for every frame.
 * @throws RecorderError `SessionNotFound` (through `done`).
 */
export function replayToPage(
  log: FrameLog,
  sessionId: number,
  target: PageTarget,
  injector: PageInjector,
  speed: number,
  signal: AbortSignal,
  part: ReplayPart = {},
  direction: 'out' | 'in' = 'out',
): PanelReplay {
  const toPage = direction === 'in';
  const sink = new PageSink(injector, target, toPage);
  const handshake = toPage ? WELCOME : HELLO;
  let skipped = 0;
  const run = replaySession(log, sessionId, {
    ...part,
    direction,
    speed,
    signal,
    send: (bytes, frame) => {
      if (!frame.text && frame.type === handshake) {
        skipped += 1;
        return;
      }
      // A copy: `bytes` is only valid until this returns, and the frame is encoded later.
      return sink.send(frame.text ? { text: utf8.decode(bytes) } : { bytes: bytes.slice() }, bytes.length);
    },
  });
  const done: Promise<ReplayResult> = run.done.then(
    async (result) => {
      await sink.flush();
      return result;
    },
    async (error: unknown) => {
      await sink.flush().catch(() => undefined);
      throw error;
    },
  );
  const outcome = (): string =>
    `${toPage ? `the page received ${sink.sent} frames` : `the page's socket took ${sink.sent} frames`}` +
    (skipped > 0 ? `; ${skipped} ${toPage ? 'WELCOME' : 'HELLO'} not sent (the connection already has its session)` : '');
  return { run, outcome, done };
}

/** A socket the panel can replay into, with its label for the target menu. */
export interface PageTargetOption {
  readonly target: PageTarget;
  readonly label: string;
}

/** What the Recordings view needs to offer replay into the page. */
export interface PageReplayContext {
  readonly injector: PageInjector;
  /** '' when replay into the page is possible now, else why not (shown to the user). */
  readonly refusal: () => string;
  /** The page's open sockets that the hook wrapped (the only ones it can send on). */
  readonly targets: () => readonly PageTargetOption[];
}

/**
 * The open sockets of live documents the hook wrapped (`w<n>`): not imported or deep-mode-only
 * connections (deep mode sees worker sockets the page hook cannot reach), not closed ones.
 */
export function pageTargets(connections: Iterable<ConnectionRecord>): PageTargetOption[] {
  const out: PageTargetOption[] = [];
  for (const conn of connections) {
    const cid = conn.key.slice(conn.doc.length + 1);
    if (conn.state !== 'open' || !/^w\d+$/.test(cid) || conn.doc.startsWith(IMPORT_DOC_PREFIX) || conn.source === DEEP_SOURCE) continue;
    out.push({ target: { doc: conn.doc, cid }, label: `${conn.name ?? conn.label} ${conn.url}` });
  }
  return out;
}
