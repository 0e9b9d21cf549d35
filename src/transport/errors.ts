/**
 * The transport's error class. Every failure the transport itself detects is a {@link TransportError}
 * with a stable {@link TransportErrorCode} and a `hint` naming the likely cause, in the spirit of the
 * CLASP troubleshooting guide ("is the relay running?", "ws:// vs wss://").
 *
 * @packageDocumentation
 */
import type { TransportErrorCode, TransportErrorLike } from './types.js';

/** Extra data an error may carry: the offending input, the URL, the close event. */
export interface TransportErrorDetails {
  /** URL of the connection the error belongs to. */
  readonly url?: string;
  /** The offending input (close code, reason, URL, ...). */
  readonly supplied?: unknown;
  /** The underlying platform error, when there is one. */
  readonly cause?: unknown;
}

/**
 * An error detected by the transport.
 *
 * `message` says what happened; `hint` says what to check. Both are plain text meant for people.
 */
export class TransportError extends Error implements TransportErrorLike {
  override readonly name = 'TransportError';
  /** Stable machine-readable code. */
  readonly code: TransportErrorCode;
  /** The likely cause and what to check, for people. */
  readonly hint: string;
  /** URL of the connection, when known. */
  readonly url: string | undefined;
  /** The offending input, when there is one (e.g. the rejected close code). */
  readonly supplied: unknown;

  constructor(code: TransportErrorCode, message: string, hint: string, details: TransportErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = hint;
    this.url = details.url;
    this.supplied = details.supplied;
  }
}

/** Builds the hint for a connection that failed before `open`, given what the probe found. */
function refusedHint(url: string): string {
  const { host, protocol } = new URL(url);
  const tls = protocol === 'wss:';
  return (
    `nothing completed a WebSocket handshake at ${host}: is the relay running (npx clasp-dev-relay, ` +
    `or clasp-relay) and listening on that host and port? If it is, check the scheme: ` +
    (tls
      ? `wss:// needs a relay started with TLS (--cert-path/--key-path) and a certificate the browser trusts; ` +
        `a plain relay needs ws://.`
      : `ws:// talks to a plain relay; a relay started with --cert-path/--key-path needs wss://. ` +
        `An https:// page may not open ws:// (mixed content).`)
  );
}

/** Hints per code, as functions of the URL (and the subprotocol where it matters). */
export const HINTS = {
  InvalidUrl: (supplied: string) =>
    `"${supplied}" is not a WebSocket URL: use ws://host:port/ (plain relay) or wss://host:port/ (TLS relay); ` +
    `the CLASP default port is 7330.`,
  ConnectTimeout: (url: string, ms: number) =>
    `the server at ${new URL(url).host} did not complete the WebSocket handshake within ${ms} ms. ` +
    `Something accepts TCP there but does not answer as a WebSocket server: a proxy or firewall holding ` +
    `the connection, a non-WebSocket service on that port, or a TLS relay reached with ws:// (use wss://).`,
  ConnectionRefused: refusedHint,
  SubprotocolRejected: (url: string, subprotocol: string) =>
    `the server at ${new URL(url).host} accepts WebSockets but not the subprotocol "${subprotocol}": ` +
    `it is not a CLASP relay, or an old one. CLASP relays echo Sec-WebSocket-Protocol: clasp.`,
  NotConnected: (state: string) =>
    `the connection is ${state}: wait for the Connected event (after a reconnect too) before sending; ` +
    `frames are never queued while disconnected.`,
  BufferFull: (buffered: number, hwm: number) =>
    `${buffered} bytes are waiting to go out (high-water mark ${hwm}): the network or the server is slower ` +
    `than the sender. Use send(), which waits, or raise highWaterMark.`,
  InvalidCloseCode: () => `browsers only accept close code 1000 or an application code in 3000–4999.`,
  InvalidCloseReason: () => `a close reason is at most 123 bytes of UTF-8 (the control frame limit).`,
  ReceiveQueueFull: (limit: number) =>
    `the application did not call recv() fast enough and ${limit} events piled up; the connection was closed ` +
    `instead of letting memory grow, and frames sent after this point were not delivered. Read faster, raise receiveQueueLimit, or use useWebSocketStream so that ` +
    `a slow reader pushes back on the network.`,
  DeadPeer: (ms: number) =>
    `no frame arrived within ${ms} ms of a keepalive PING: the relay, the network or a proxy dropped the ` +
    `connection without closing it (proxies often cut idle connections after 60 s).`,
  RetriesExhausted: (attempts: number) =>
    `gave up after ${attempts} reconnect attempts: is the relay still running? Raise reconnect.maxRetries ` +
    `to keep trying longer.`,
  SendFailed: () => `the browser refused the frame (is it a view of a SharedArrayBuffer?).`,
} as const;
