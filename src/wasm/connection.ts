/**
 * The JavaScript side of one bridge connection (one handle): opens the transport, pumps its
 * receiver into Rust, runs sends and closes, and releases everything on `drop_handle`.
 *
 * Invariants:
 * - Events reach Rust in the order the receiver yields them, one `clasp_deliver` each.
 * - At most one `recv()` is outstanding; after `DELIVER_PAUSE` none is, until `resume`
 *   (frames then wait in the transport's bounded queue, not in wasm memory).
 * - Sends that had to wait complete in send order (`EVENT_SEND_DONE` per pending send).
 * - After `release()` no event for this handle is delivered, and the transport is closed.
 *
 * @packageDocumentation
 */
import type { TransportEvent, TransportReceiver, TransportSender } from '../transport/types.js';
import type { WasmWebSocketConfig } from '../transport/config.js';
import {
  DELIVER_PAUSE,
  EVENT_CLOSE_DONE,
  EVENT_CONNECTED,
  EVENT_DATA,
  EVENT_DISCONNECTED,
  EVENT_END,
  EVENT_ERROR,
  EVENT_OPEN_FAILED,
  EVENT_OPEN_OK,
  EVENT_SEND_DONE,
  EVENT_TEXT,
  STATUS_BY_CODE,
  STATUS_OK,
  STATUS_PENDING,
  statusOf,
} from './abi.js';

/** A transport's two halves. */
export interface TransportPair {
  readonly sender: TransportSender;
  readonly receiver: TransportReceiver;
}

/** Opens a transport; `WasmWebSocketTransport.connect` by default. */
export type ConnectFunction = (config: WasmWebSocketConfig) => Promise<TransportPair>;

/** What a connection needs from its bridge. */
export interface DeliverTarget {
  /** Delivers one event to Rust; `undefined` when the instance is gone. */
  deliver(handle: number, kind: number, arg: number, bytes?: Uint8Array): number | undefined;
  /** Reports a problem of the host itself (never thrown into wasm). */
  warn(message: string, error?: unknown): void;
}

/** Close code used when the JS side is released while the socket is open (private range). */
export const RELEASE_CLOSE_CODE = 4000;

const encoder = new TextEncoder();

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One handle's transport. */
export class HostConnection {
  readonly handle: number;
  #target: DeliverTarget;
  #pair: TransportPair | undefined;
  #released = false;
  #pendingSends = 0;
  #sendChain: Promise<void> = Promise.resolve();
  #resume: (() => void) | undefined;
  #paused = false;

  constructor(handle: number, target: DeliverTarget) {
    this.handle = handle;
    this.#target = target;
  }

  /** Starts connecting; the outcome reaches Rust as `EVENT_OPEN_OK` / `EVENT_OPEN_FAILED`. */
  open(connect: ConnectFunction, config: WasmWebSocketConfig): void {
    // A microtask first: `connect` is an import, and no import may deliver events synchronously.
    Promise.resolve()
      .then(() => connect(config))
      .then(
        (pair) => {
          if (this.#released) {
            pair.sender.close(RELEASE_CLOSE_CODE, 'released').catch(() => undefined);
            return;
          }
          this.#pair = pair;
          this.#target.deliver(this.handle, EVENT_OPEN_OK, 0);
          void this.#pump(pair.receiver);
        },
        (error: unknown) => {
          if (!this.#released) {
            this.#target.deliver(this.handle, EVENT_OPEN_FAILED, statusOf(error), encoder.encode(messageOf(error)));
          }
        },
      );
  }

  async #pump(receiver: TransportReceiver): Promise<void> {
    for (;;) {
      if (this.#paused) await new Promise<void>((resolve) => (this.#resume = resolve));
      if (this.#released) return;
      let event: TransportEvent | null;
      try {
        event = await receiver.recv();
      } catch (error) {
        this.#target.warn(`receiver of handle ${this.handle} failed`, error);
        event = null;
      }
      if (this.#released) return;
      if (event === null) {
        this.#target.deliver(this.handle, EVENT_END, 0);
        return;
      }
      const answer = this.#deliverEvent(event);
      if (answer === undefined) return;
      this.#paused = answer === DELIVER_PAUSE;
    }
  }

  #deliverEvent(event: TransportEvent): number | undefined {
    const t = this.#target;
    switch (event.type) {
      case 'Connected':
        return t.deliver(this.handle, EVENT_CONNECTED, 0, encoder.encode(event.protocol));
      case 'Data':
        return t.deliver(this.handle, EVENT_DATA, 0, event.data);
      case 'Text':
        return t.deliver(this.handle, EVENT_TEXT, 0, encoder.encode(event.text));
      case 'Disconnected': {
        const arg = (event.code & 0xffff) | (event.wasClean ? 0x1_0000 : 0);
        return t.deliver(this.handle, EVENT_DISCONNECTED, arg, encoder.encode(event.reason));
      }
      case 'Error':
        return t.deliver(this.handle, EVENT_ERROR, statusOf(event.error), encoder.encode(event.error.message));
      case 'Reconnecting':
        // No Rust variant: the following Connected / Disconnected carry what matters.
        return 0;
    }
  }

  /** Delivery may go on after `DELIVER_PAUSE` (the `resume` import). */
  resume(): void {
    this.#paused = false;
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  /** The `send` import: `frame` is already a copy owned by JS. */
  send(frame: Uint8Array): number {
    const sender = this.#pair?.sender;
    if (sender === undefined) return STATUS_BY_CODE.NotConnected;
    if (this.#pendingSends === 0) {
      try {
        sender.trySend(frame);
        return STATUS_OK;
      } catch (error) {
        if (statusOf(error) !== STATUS_BY_CODE.BufferFull) return statusOf(error);
      }
    }
    this.#pendingSends += 1;
    this.#sendChain = this.#sendChain
      .then(() => sender.send(frame))
      .then(
        () => STATUS_OK,
        (error: unknown) => statusOf(error),
      )
      .then((status) => {
        this.#pendingSends -= 1;
        if (!this.#released) this.#target.deliver(this.handle, EVENT_SEND_DONE, status);
      });
    return STATUS_PENDING;
  }

  /** The `try_send` import. */
  trySend(frame: Uint8Array): number {
    const sender = this.#pair?.sender;
    if (sender === undefined) return STATUS_BY_CODE.NotConnected;
    if (this.#pendingSends > 0) return STATUS_BY_CODE.BufferFull;
    try {
      sender.trySend(frame);
      return STATUS_OK;
    } catch (error) {
      return statusOf(error);
    }
  }

  /** The `is_connected` import. */
  isConnected(): boolean {
    return this.#pair?.sender.isConnected() ?? false;
  }

  /** The `close` import. */
  close(code: number, reason: string): number {
    const sender = this.#pair?.sender;
    if (sender === undefined) return STATUS_BY_CODE.NotConnected;
    sender.close(code, reason).then(
      () => !this.#released && this.#target.deliver(this.handle, EVENT_CLOSE_DONE, STATUS_OK),
      (error: unknown) => !this.#released && this.#target.deliver(this.handle, EVENT_CLOSE_DONE, statusOf(error)),
    );
    return STATUS_PENDING;
  }

  /** The `drop_handle` import, and instance teardown: closes the transport if open, stops delivery. */
  release(code = RELEASE_CLOSE_CODE, reason = 'released'): void {
    if (this.#released) return;
    this.#released = true;
    this.resume();
    const sender = this.#pair?.sender;
    this.#pair = undefined;
    sender?.close(code, reason).catch((error: unknown) => this.#target.warn(`close of handle ${this.handle}`, error));
  }
}
