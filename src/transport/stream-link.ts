/**
 * A link over `WebSocketStream` (Chromium): the readable side is pulled only while the application
 * keeps up, so a slow reader pushes back on the network (TCP window) instead of growing the queue; the
 * writable side reports write completion, so `send()` waits on real progress instead of polling.
 *
 * @packageDocumentation
 */
import type { CloseInfo } from './config.js';
import type { Link, LinkEvents } from './link.js';

/** The part of `WebSocketStream` used here (not yet in TypeScript's DOM library). */
interface WebSocketStreamLike {
  readonly opened: Promise<{
    readonly readable: ReadableStream<ArrayBuffer | Uint8Array | string>;
    readonly writable: WritableStream<Uint8Array>;
    readonly protocol: string;
  }>;
  readonly closed: Promise<{ readonly closeCode?: number; readonly reason?: string }>;
  close(info?: { closeCode?: number; reason?: string }): void;
}

type WebSocketStreamConstructor = new (
  url: string,
  options?: { protocols?: string[]; signal?: AbortSignal },
) => WebSocketStreamLike;

/** The browser's `WebSocketStream`, or `undefined` where there is none. */
export function webSocketStreamConstructor(): WebSocketStreamConstructor | undefined {
  const candidate = (globalThis as { WebSocketStream?: unknown }).WebSocketStream;
  return typeof candidate === 'function' ? (candidate as WebSocketStreamConstructor) : undefined;
}

/** Close info carried by a `WebSocketError` (or anything else a failed stream rejects with). */
function closeInfoOf(error: unknown): CloseInfo {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { closeCode?: unknown; reason?: unknown };
  return {
    code: typeof e.closeCode === 'number' ? e.closeCode : 1006,
    reason: typeof e.reason === 'string' ? e.reason : '',
    wasClean: false,
  };
}

/** A link over `WebSocketStream`. */
export class StreamLink implements Link {
  readonly socket: WebSocketStreamLike;
  private readonly events: LinkEvents;
  private readonly abortController = new AbortController();
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private reader: ReadableStreamDefaultReader<ArrayBuffer | Uint8Array | string> | undefined;
  private pending = 0;
  private wakers: (() => void)[] = [];
  private aborted = false;

  constructor(ctor: WebSocketStreamConstructor, url: string, protocols: string[], events: LinkEvents) {
    this.events = events;
    this.socket = new ctor(url, { protocols, signal: this.abortController.signal });
    const opened = this.socket.opened.then(
      (o) => {
        if (this.aborted) return;
        this.writer = o.writable.getWriter();
        this.reader = o.readable.getReader();
        this.events.open(o.protocol);
        return this.readLoop(this.reader);
      },
      () => undefined,
    );
    const closed = this.socket.closed.then(
      (c): CloseInfo => ({ code: c.closeCode ?? 1005, reason: c.reason ?? '', wasClean: true }),
      closeInfoOf,
    );
    // The close is reported only after the last message was read, whatever settles first.
    void Promise.all([opened, closed]).then(([, info]) => {
      if (!this.aborted) this.events.close(info);
    });
  }

  get bufferedAmount(): number {
    return this.pending;
  }

  private async readLoop(reader: ReadableStreamDefaultReader<ArrayBuffer | Uint8Array | string>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.aborted) return;
        const item = typeof value === 'string' || value instanceof Uint8Array ? value : new Uint8Array(value);
        const paused = this.events.message(item);
        if (paused !== undefined) await paused;
      }
    } catch {
      // The stream errored: `closed` rejects with the close code, reported above.
    }
  }

  send(data: Uint8Array): void {
    if (this.writer === undefined) throw new TypeError('WebSocketStream is not open');
    // The stream may read the chunk after send() returned; the caller may reuse its buffer (WASM memory).
    const copy = data.slice();
    this.pending += copy.byteLength;
    const settle = (): void => {
      this.pending -= copy.byteLength;
      const wakers = this.wakers;
      this.wakers = [];
      for (const wake of wakers) wake();
    };
    this.writer.write(copy).then(settle, settle);
  }

  whenWritable(wake: () => void): void {
    if (this.pending === 0) queueMicrotask(wake);
    else this.wakers.push(wake);
  }

  close(code: number, reason: string): void {
    this.socket.close({ closeCode: code, reason });
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.wakers = [];
    if (this.writer === undefined) this.abortController.abort();
    else {
      this.reader?.cancel().catch(() => undefined);
      this.socket.close({ closeCode: 1000 });
    }
  }
}
