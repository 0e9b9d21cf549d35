/**
 * `WasmWebSocketTransport`: the browser WebSocket behind CLASP's `TransportSender` /
 * `TransportReceiver` pair, for Rust-compiled WASM clients (through `src/wasm/`) and TypeScript apps.
 *
 * @example
 * ```ts
 * const { sender, receiver } = await WasmWebSocketTransport.connect({ url: 'ws://127.0.0.1:7330' });
 * await sender.send(helloFrame);
 * for await (const event of receiver) {
 *   if (event.type === 'Data') handle(event.data);
 * }
 * ```
 *
 * @packageDocumentation
 */
import { resolveConfig, validateClose, type WasmWebSocketConfig } from './config.js';
import { TransportError } from './errors.js';
import { Session } from './session.js';
import type { ConnectionState, TransportEvent, TransportReceiver, TransportSender } from './types.js';

/** The sending half, with the socket's live figures. */
export class WasmWebSocketSender implements TransportSender {
  readonly #session: Session;

  /** @internal Created by {@link WasmWebSocketTransport.connect}. */
  constructor(session: Session) {
    this.#session = session;
  }

  /** Connection id, as reported to the DevTools hook. */
  get id(): string {
    return this.#session.id;
  }

  /** The (normalised) URL. */
  get url(): string {
    return this.#session.config.url;
  }

  /** Subprotocol the server accepted on the latest connection (`''` before the first). */
  get protocol(): string {
    return this.#session.protocol;
  }

  /** Where the connection is: `connecting`, `open`, `closing`, `closed` or `backoff`. */
  get state(): ConnectionState {
    return this.#session.state;
  }

  /** Bytes accepted by the socket and not yet sent (`WebSocket.bufferedAmount`). */
  get bufferedAmount(): number {
    return this.#session.bufferedAmount;
  }

  /**
   * Sends one binary message. Resolves at once while the socket buffers less than `highWaterMark`
   * bytes; otherwise waits (in order with other waiting sends) until it has drained. The bytes are
   * captured when `send` is called: the caller may reuse its buffer.
   * @throws TransportError `NotConnected` when not open, or when the connection ends while waiting;
   *   `SendFailed` when the browser refuses the data.
   */
  send(data: Uint8Array): Promise<void> {
    return this.#session.send(data);
  }

  /**
   * Sends one binary message now or throws.
   * @throws TransportError `BufferFull` at or above `highWaterMark` (or while sends are waiting),
   *   `NotConnected` when not open, `SendFailed` when the browser refuses the data.
   */
  trySend(data: Uint8Array): void {
    this.#session.trySend(data);
  }

  /** True while the state is `open`. */
  isConnected(): boolean {
    return this.#session.state === 'open';
  }

  /**
   * Closes the connection, stops any reconnecting, and resolves once closed (after the peer's close
   * frame, or after `closeTimeout`). Resolves at once when already closed.
   * @param code 1000 (default) or 3000–4999.
   * @param reason at most 123 UTF-8 bytes. Default `''`.
   * @throws TransportError `InvalidCloseCode` / `InvalidCloseReason` (as a rejection) before touching the socket.
   */
  close(code = 1000, reason = ''): Promise<void> {
    try {
      validateClose(code, reason);
    } catch (error) {
      return Promise.reject(error as TransportError);
    }
    return this.#session.close(code, reason);
  }
}

/** The receiving half: `recv()` or `for await`. */
export class WasmWebSocketReceiver implements TransportReceiver {
  readonly #session: Session;

  /** @internal Created by {@link WasmWebSocketTransport.connect}. */
  constructor(session: Session) {
    this.#session = session;
  }

  /** Events received and not yet taken. */
  get queued(): number {
    return this.#session.channel.length;
  }

  /**
   * The next event, resolved straight from the socket's events; `null` once the transport is closed
   * for good and every event was taken.
   */
  recv(): Promise<TransportEvent | null> {
    return this.#session.channel.recv();
  }

  /** Iterates the events until the transport is closed for good. */
  async *[Symbol.asyncIterator](): AsyncIterator<TransportEvent> {
    for (let event = await this.recv(); event !== null; event = await this.recv()) yield event;
  }
}

/** What {@link WasmWebSocketTransport.connect} resolves to. */
export interface WasmWebSocketConnection {
  readonly sender: WasmWebSocketSender;
  readonly receiver: WasmWebSocketReceiver;
}

/** The browser WebSocket transport (mirrors Rust's `WasmWebSocketTransport::connect`). */
export const WasmWebSocketTransport = {
  /**
   * Opens a connection and resolves once the handshake completed with the required subprotocol. The
   * receiver's first event is `Connected`. On failure nothing is left behind (no socket, timer or listener).
   * @throws TransportError `InvalidUrl`, `ConnectTimeout`, `ConnectionRefused` or `SubprotocolRejected`;
   *   RangeError for a non-positive setting; TypeError where there is no WebSocket and none is given.
   */
  async connect(config: WasmWebSocketConfig): Promise<WasmWebSocketConnection> {
    if (config.WebSocket === undefined && typeof globalThis.WebSocket !== 'function') {
      throw new TypeError('no WebSocket in this environment: pass config.WebSocket');
    }
    const session = new Session(resolveConfig(config));
    await session.start();
    return { sender: new WasmWebSocketSender(session), receiver: new WasmWebSocketReceiver(session) };
  },
} as const;
