/**
 * The sending half's backpressure: `send` goes out at once while the link buffers less than the
 * high-water mark, and otherwise waits in FIFO order (later sends queue behind earlier ones, so
 * order is kept) until the link reports that it may have drained (`Link.whenWritable`).
 *
 * @packageDocumentation
 */
import { HINTS, TransportError } from './errors.js';
import { RingQueue } from './event-queue.js';
import type { Link } from './link.js';

interface PendingSend {
  readonly data: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: TransportError) => void;
}

/** What the queue needs from the session. */
export interface SendTarget {
  /** The link while the connection is open, else undefined. */
  openLink(): Link | undefined;
  /** Sends on the open link and reports the frame. @throws the platform's error. */
  transmit(data: Uint8Array): void;
  /** The error for sending while not open. */
  notConnected(): TransportError;
  readonly url: string;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Ordered sends with a byte high-water mark. */
export class SendQueue {
  private readonly pending = new RingQueue<PendingSend>();
  private readonly target: SendTarget;
  private readonly highWaterMark: number;

  constructor(target: SendTarget, highWaterMark: number) {
    this.target = target;
    this.highWaterMark = highWaterMark;
  }

  /** See {@link TransportSender.send}. */
  send(data: Uint8Array): Promise<void> {
    const link = this.target.openLink();
    if (link === undefined) return Promise.reject(this.target.notConnected());
    if (this.pending.length === 0 && link.bufferedAmount < this.highWaterMark) {
      try {
        this.target.transmit(data);
      } catch (cause) {
        return Promise.reject(this.sendFailed(cause));
      }
      return RESOLVED;
    }
    return new Promise<void>((resolve, reject) => {
      // Copied: the caller may reuse its buffer (WASM memory) while the send waits.
      this.pending.push({ data: data.slice(), resolve, reject });
      if (this.pending.length === 1) link.whenWritable(this.pump);
    });
  }

  /** See {@link TransportSender.trySend}. */
  trySend(data: Uint8Array): void {
    const link = this.target.openLink();
    if (link === undefined) throw this.target.notConnected();
    const buffered = link.bufferedAmount;
    if (this.pending.length > 0 || buffered >= this.highWaterMark) {
      throw new TransportError('BufferFull', `send buffer holds ${buffered} bytes`,
        HINTS.BufferFull(buffered, this.highWaterMark), { url: this.target.url, supplied: buffered });
    }
    try {
      this.target.transmit(data);
    } catch (cause) {
      throw this.sendFailed(cause);
    }
  }

  /** Fails every waiting send with `NotConnected` (the connection ended or is closing). */
  rejectAll(): void {
    for (let p = this.pending.shift(); p !== undefined; p = this.pending.shift()) p.reject(this.target.notConnected());
  }

  private sendFailed(cause: unknown): TransportError {
    return new TransportError('SendFailed', `the browser refused to send: ${String(cause)}`, HINTS.SendFailed(),
      { url: this.target.url, cause });
  }

  private readonly pump = (): void => {
    const link = this.target.openLink();
    if (link === undefined) return;
    while (this.pending.length > 0 && link.bufferedAmount < this.highWaterMark) {
      const next = this.pending.shift() as PendingSend;
      try {
        this.target.transmit(next.data);
        next.resolve();
      } catch (cause) {
        next.reject(this.sendFailed(cause));
      }
    }
    if (this.pending.length > 0) link.whenWritable(this.pump);
  };
}
