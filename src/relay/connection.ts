/**
 * One WebSocket as the relay sees it: what it sent us and we have not handled yet (the inbox), and
 * how well it drains what we send it.
 *
 * Flow policy (numbers are the defaults of {@link FlowOptions}):
 * - reading: once 64 KiB of a client's messages wait to be handled, its socket is paused (TCP then
 *   pushes back on the client) until half of that is handled;
 * - a client with more than `highWaterMark` (1 MiB) waiting to be sent to it is **backed up**; while
 *   any client is backed up and still **draining** (it took some bytes within `stallTimeout / 5`,
 *   1 s), the relay handles no further message from anyone: writers feel the slowest live reader;
 * - a client is **cut** (TCP closed, no close frame: it could not get through) when it drained
 *   nothing for `stallTimeout` (5 s) while bytes wait for it, or when more than `maxClientBuffer`
 *   (8 MiB) would wait for it. Time when the relay itself could not run does not count as stalled.
 *
 * @packageDocumentation
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Flow limits of a relay. */
export interface FlowOptions {
  /** Bytes waiting for a client above which writers are held back. Default 1 MiB. */
  readonly highWaterMark?: number;
  /** Bytes that may wait for one client; more and it is cut. Default 8 MiB. */
  readonly maxClientBuffer?: number;
  /** ms a client with bytes waiting may drain nothing before it is cut. Default 5000. */
  readonly stallTimeout?: number;
}

/** {@link FlowOptions} with the defaults applied. */
export interface FlowLimits {
  readonly highWaterMark: number;
  readonly maxClientBuffer: number;
  readonly stallTimeout: number;
  /** Draining nothing for this long, a backed-up client no longer holds writers back. */
  readonly holdTimeout: number;
}

/** Applies the defaults. @throws RangeError for a non-positive limit. */
export function flowLimits(options: FlowOptions): FlowLimits {
  const highWaterMark = options.highWaterMark ?? 1024 * 1024;
  const maxClientBuffer = options.maxClientBuffer ?? 8 * 1024 * 1024;
  const stallTimeout = options.stallTimeout ?? 5000;
  for (const [k, v] of Object.entries({ highWaterMark, maxClientBuffer, stallTimeout })) {
    if (!(v > 0)) throw new RangeError(`${k} must be positive, got ${v}`);
  }
  return { highWaterMark: Math.min(highWaterMark, maxClientBuffer), maxClientBuffer, stallTimeout, holdTimeout: stallTimeout / 5 };
}

/** Inbox bytes at which a client's socket is paused. */
export const INBOX_PAUSE_BYTES = 64 * 1024;

/** An item of the inbox: a binary message, or `null` for a text message. */
export type Inbound = Uint8Array | null;

/** One accepted WebSocket. */
export class Connection {
  readonly inbox: Inbound[] = [];
  inboxBytes = 0;
  /** True while in the pump's ready queue. */
  queued = false;
  closed = false;
  private lastBuffered = 0;
  private sentSinceCheck = 0;
  private lastDrain: number;
  private corked = false;

  /** `socket` is the upgraded request's socket, the one `ws` writes to. */
  constructor(readonly ws: WebSocket, private readonly socket: Duplex, private readonly limits: FlowLimits, private readonly onCut: (c: Connection, why: string) => void, now: number) {
    this.lastDrain = now;
  }

  /** Bytes accepted for the client and not yet taken by its TCP connection. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /** True when frames wait for {@link flush}. */
  get isCorked(): boolean {
    return this.corked;
  }

  /** Queues a frame; cuts the client instead when it would pass the hard cap. @returns true when queued. */
  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    const buffered = this.ws.bufferedAmount;
    if (buffered + frame.byteLength > this.limits.maxClientBuffer) {
      this.cut(`${buffered} bytes already wait for it (limit ${this.limits.maxClientBuffer})`);
      return false;
    }
    if (!this.corked) {
      // Frames sent within one slice leave in one write (a syscall per frame cost 10 µs each).
      this.socket.cork();
      this.corked = true;
    }
    this.ws.send(frame);
    this.sentSinceCheck += frame.byteLength;
    return true;
  }

  /** Writes what {@link send} held back in this slice. @returns whether anything was. */
  flush(): boolean {
    if (!this.corked) return false;
    this.corked = false;
    this.socket.uncork();
    return true;
  }

  /** Over the high-water mark and still draining: the relay waits for it. */
  holdsBack(now: number): boolean {
    return !this.closed && this.ws.bufferedAmount > this.limits.highWaterMark && now - this.lastDrain < this.limits.holdTimeout;
  }

  /** True while more than half the high-water mark waits for it. */
  isBackedUp(): boolean {
    return !this.closed && this.ws.bufferedAmount > this.limits.highWaterMark / 2;
  }

  /**
   * Called periodically: notes whether the client drained anything since the last check, and cuts it
   * after `stallTimeout` without. `paused` is time the relay could not run: it does not count.
   */
  check(now: number, paused: number): void {
    if (this.closed) return;
    const buffered = this.ws.bufferedAmount;
    const drained = this.lastBuffered + this.sentSinceCheck - buffered;
    this.lastBuffered = buffered;
    this.sentSinceCheck = 0;
    if (drained > 0 || buffered === 0) this.lastDrain = now;
    else this.lastDrain += paused;
    if (now - this.lastDrain >= this.limits.stallTimeout) {
      this.cut(`it drained nothing for ${Math.round(now - this.lastDrain)} ms with ${buffered} bytes waiting (limit ${this.limits.stallTimeout} ms)`);
    }
  }

  /** Closes the TCP connection at once: a close frame could not get through a full buffer. */
  cut(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.onCut(this, why);
    this.ws.terminate();
  }
}
