/**
 * The public vocabulary of the browser transport, shaped after `clasp_transport`'s
 * `TransportSender` / `TransportReceiver` / `TransportEvent` (Rust) so that the Rust bridge
 * (`wasm-bridge/`) maps onto it one to one.
 *
 * This file is a contract shared by `src/transport/` (implementation) and `src/wasm/` (the host
 * side of the Rust bridge): extend it compatibly, never rename.
 *
 * @packageDocumentation
 */

/** Connection state. Exactly one at a time; see the state diagram in docs/transport.md. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed' | 'backoff';

/** What can go wrong, as a stable machine-readable code. */
export type TransportErrorCode =
  | 'InvalidUrl'
  | 'ConnectTimeout'
  | 'ConnectionRefused'
  | 'SubprotocolRejected'
  | 'NotConnected'
  | 'BufferFull'
  | 'InvalidCloseCode'
  | 'InvalidCloseReason'
  | 'ReceiveQueueFull'
  | 'DeadPeer'
  | 'RetriesExhausted'
  | 'SendFailed';

/** One event from the receiver, in the order the socket produced them. */
export type TransportEvent =
  /** The handshake completed (also after each successful reconnect). */
  | { readonly type: 'Connected'; readonly protocol: string }
  /** The connection ended. Always after the last `Data` of that connection. */
  | {
      readonly type: 'Disconnected';
      readonly code: number;
      readonly reason: string;
      readonly wasClean: boolean;
    }
  /** One binary WebSocket message (one CLASP frame). */
  | { readonly type: 'Data'; readonly data: Uint8Array }
  /** A text WebSocket message: not CLASP, but delivered rather than lost. */
  | { readonly type: 'Text'; readonly text: string }
  /** A reconnect attempt is scheduled after `delayMs`. */
  | { readonly type: 'Reconnecting'; readonly attempt: number; readonly delayMs: number }
  /** A transport error that did not (yet) end the connection, or that explains the next `Disconnected`. */
  | { readonly type: 'Error'; readonly error: TransportErrorLike };

/** Shape of the transport's error class, for consumers that only need the data. */
export interface TransportErrorLike {
  readonly code: TransportErrorCode;
  readonly message: string;
}

/** Sending half. */
export interface TransportSender {
  /**
   * Sends one binary message, waiting while the socket's `bufferedAmount` is above the high-water mark.
   * @throws TransportError `NotConnected` when not open (never a silent drop).
   */
  send(data: Uint8Array): Promise<void>;
  /**
   * Sends one binary message now or fails.
   * @throws TransportError `BufferFull` above the high-water mark, `NotConnected` when not open.
   */
  trySend(data: Uint8Array): void;
  /** True while the state is `open`. */
  isConnected(): boolean;
  /**
   * Closes the connection and resolves once it is closed. Stops any reconnecting.
   * @param code 1000 (default) or 3000–4999.
   * @param reason at most 123 UTF-8 bytes.
   * @throws TransportError `InvalidCloseCode` / `InvalidCloseReason` before touching the socket.
   */
  close(code?: number, reason?: string): Promise<void>;
}

/** Receiving half. */
export interface TransportReceiver extends AsyncIterable<TransportEvent> {
  /** The next event, or `null` once the transport is closed for good and the queue is drained. */
  recv(): Promise<TransportEvent | null>;
}
