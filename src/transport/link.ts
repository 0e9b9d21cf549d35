/**
 * A link is one underlying connection attempt: one `WebSocket` (here) or one `WebSocketStream`
 * (`stream-link.ts`). The transport (`transport.ts`) owns state, queueing and reconnecting; a link only
 * turns browser events into ordered calls of {@link LinkEvents}.
 *
 * Invariants:
 * - `open` at most once, then `message`s, then `close` exactly once and last (unless `abort()`ed).
 * - After `abort()` no callback runs and no listener or timer of the link remains.
 *
 * @packageDocumentation
 */
import type { CloseInfo, WebSocketConstructor } from './config.js';

/** Callbacks a link makes, in socket order. */
export interface LinkEvents {
  open(protocol: string): void;
  /** One message. A returned promise pauses reading until it settles (stream links only). */
  message(data: Uint8Array | string): void | Promise<void>;
  close(info: CloseInfo): void;
}

/** One underlying connection. */
export interface Link {
  /** The platform object, handed to inspectors for de-duplication. */
  readonly socket: object;
  /** Bytes handed to the link and not yet sent. */
  readonly bufferedAmount: number;
  /**
   * Sends one binary message.
   * @throws the platform's error (e.g. a SharedArrayBuffer view).
   */
  send(data: Uint8Array): void;
  /** Calls `wake` once sending may have become possible again (the buffer may have drained). */
  whenWritable(wake: () => void): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Ends the link now, silently: no more callbacks, nothing left behind. */
  abort(): void;
}

// Browsers fire no event when bufferedAmount drains, so a waiting sender polls it. The poll starts at
// 1 ms and doubles to 16 ms while nothing drains: cheap when the network is stalled, prompt when it is
// not. rAF is not used (absent in workers, paused in background tabs), nor a MessageChannel spin
// (burns a core). The timer exists only while some send() is waiting.
const FIRST_POLL_MS = 1;
const MAX_POLL_MS = 16;

/** A link over the browser's `WebSocket`. */
export class SocketLink implements Link {
  readonly socket: WebSocket;
  private readonly events: LinkEvents;
  /** Events held back while a Blob is being read, so that order is kept; `null` when none is. */
  private staged: (Promise<Uint8Array> | Uint8Array | string | CloseInfo)[] | null = null;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private pollDelay = FIRST_POLL_MS;
  private lastBuffered = 0;
  private polling = false;
  private wakers: (() => void)[] = [];
  private aborted = false;

  /** @throws the constructor's SyntaxError for a URL the browser rejects. */
  constructor(ctor: WebSocketConstructor, url: string, protocols: string[], events: LinkEvents) {
    this.events = events;
    this.socket = new ctor(url, protocols);
    // Blobs can only be read through a promise, which would break event ordering (gloo-net's reasoning);
    // a Blob that still arrives (someone changed binaryType) is handled in order by `staged`.
    this.socket.binaryType = 'arraybuffer';
    // Function listeners, not one EventListenerObject: the browser calls them without a `handleEvent`
    // lookup per message. ('error' carries no information in browsers; the close that follows does.)
    this.socket.addEventListener('open', this.onOpen);
    this.socket.addEventListener('message', this.onMessageEvent);
    this.socket.addEventListener('close', this.onCloseEvent);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  private readonly onOpen = (): void => this.events.open(this.socket.protocol);
  private readonly onMessageEvent = (event: MessageEvent<unknown>): void => this.onMessage(event.data);
  private readonly onCloseEvent = (event: CloseEvent): void => this.onClose(event);

  private onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer || typeof data === 'string') {
      const item = typeof data === 'string' ? data : new Uint8Array(data);
      if (this.staged === null) void this.events.message(item);
      else this.stage(item);
    } else if (data instanceof Blob) {
      this.stage(data.arrayBuffer().then((b) => new Uint8Array(b)));
    }
  }

  private onClose(event: CloseEvent): void {
    this.removeListeners();
    this.stopPolling();
    const info: CloseInfo = { code: event.code, reason: event.reason, wasClean: event.wasClean };
    if (this.staged === null) this.events.close(info);
    else this.stage(info);
  }

  private stage(item: Promise<Uint8Array> | Uint8Array | string | CloseInfo): void {
    if (this.staged !== null) {
      this.staged.push(item);
      return;
    }
    this.staged = [item];
    void this.flushStaged();
  }

  private async flushStaged(): Promise<void> {
    const staged = this.staged ?? [];
    while (staged.length > 0 && !this.aborted) {
      const next = await staged[0];
      void staged.shift(); // the promise just awaited
      if (this.aborted || next === undefined) return;
      if (next instanceof Uint8Array || typeof next === 'string') void this.events.message(next);
      else this.events.close(next);
    }
    this.staged = null;
  }

  send(data: Uint8Array): void {
    // A SharedArrayBuffer view is refused by the browser at run time (reported as SendFailed).
    this.socket.send(data as Uint8Array<ArrayBuffer>);
  }

  whenWritable(wake: () => void): void {
    this.wakers.push(wake);
    // A waker registered while `poll` runs its wakers is handled by that poll's rescheduling.
    if (this.pollTimer === undefined && !this.polling) {
      this.lastBuffered = this.socket.bufferedAmount;
      this.schedulePoll();
    }
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(this.poll, this.pollDelay);
  }

  private readonly poll = (): void => {
    this.pollTimer = undefined;
    const draining = this.socket.bufferedAmount < this.lastBuffered;
    const wakers = this.wakers;
    this.wakers = [];
    this.polling = true;
    try {
      for (const wake of wakers) wake();
    } finally {
      this.polling = false;
    }
    this.lastBuffered = this.socket.bufferedAmount;
    if (this.wakers.length === 0) {
      this.pollDelay = FIRST_POLL_MS;
      return;
    }
    // Still waiting: back off unless the buffer is visibly draining.
    this.pollDelay = draining ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, this.pollDelay * 2);
    this.schedulePoll();
  };

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  abort(): void {
    this.aborted = true;
    this.removeListeners();
    this.stopPolling();
    this.staged = null;
    // 0 CONNECTING, 1 OPEN (numeric: a custom constructor may not carry the constants).
    if (this.socket.readyState === 0 || this.socket.readyState === 1) {
      this.socket.close(1000);
    }
  }

  private removeListeners(): void {
    this.socket.removeEventListener('open', this.onOpen);
    this.socket.removeEventListener('message', this.onMessageEvent);
    this.socket.removeEventListener('close', this.onCloseEvent);
  }

  private stopPolling(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.wakers = [];
  }
}
