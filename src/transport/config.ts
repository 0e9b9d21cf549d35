/**
 * Configuration of {@link WasmWebSocketTransport}: the settings, their defaults (named after
 * partysocket's and set to the CLASP JS client's values, `docs/wire-format.md` §8), the pure reconnect
 * delay function and the close-argument checks.
 *
 * @packageDocumentation
 */
import { HINTS, TransportError } from './errors.js';

/** What {@link WasmWebSocketConfig.shouldReconnect} is given: the close that ended a connection. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** A `WebSocket`-compatible constructor (tests, workers, polyfills). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Reconnect policy. Delays follow {@link reconnectDelay}. */
export interface ReconnectPolicy {
  /** First delay in ms. Default 5000. */
  readonly minReconnectionDelay?: number;
  /** Largest delay in ms. Default 30000. */
  readonly maxReconnectionDelay?: number;
  /** Factor between consecutive delays. Default 1.5. */
  readonly reconnectionDelayGrowFactor?: number;
  /** Fraction (0–1) of each delay that is randomised downwards. Default 0.2; 0 gives exact delays. */
  readonly jitter?: number;
  /** Attempts after one drop before giving up with `RetriesExhausted`. Default 10. */
  readonly maxRetries?: number;
  /** A connection that stayed open this long (ms) resets the attempt count. Default 5000. */
  readonly minUptime?: number;
  /** Decides from the close whether to reconnect. Default: every close except code 1000. */
  readonly shouldReconnect?: (close: CloseInfo) => boolean;
  /** Random source in [0, 1) for the jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/** Keepalive / dead-peer detection with CLASP PING frames (the browser cannot send WebSocket pings). */
export interface KeepalivePolicy {
  /** Send a PING after this many ms without receiving any frame. Default 25000. */
  readonly idleMs?: number;
  /** Declare the peer dead when nothing arrives within this many ms of the PING. Default 10000. */
  readonly timeoutMs?: number;
}

/** Configuration of {@link WasmWebSocketTransport.connect}. */
export interface WasmWebSocketConfig {
  /** `ws://` or `wss://` URL (`http(s)://` is accepted and mapped, relative URLs resolve against the page). */
  readonly url: string;
  /** Required subprotocol. Default `'clasp'`; `''` requests none. */
  readonly subprotocol?: string;
  /** Handshake timeout in ms, per attempt. Default 10000. */
  readonly connectionTimeout?: number;
  /** `send()` waits while this many bytes are buffered. Default 1 MiB. */
  readonly highWaterMark?: number;
  /** Unread events after which the connection closes with `ReceiveQueueFull`. Default 16384. */
  readonly receiveQueueLimit?: number;
  /** Reconnect after an unexpected close. Default off; `true` uses the default policy. */
  readonly reconnect?: boolean | ReconnectPolicy;
  /** Keepalive with CLASP PING. Default off; `true` uses the default policy. */
  readonly keepalive?: boolean | KeepalivePolicy;
  /** Use `WebSocketStream` (receive backpressure) when the browser has it. Default false. */
  readonly useWebSocketStream?: boolean;
  /** `WebSocket` constructor. Default `globalThis.WebSocket`. */
  readonly WebSocket?: WebSocketConstructor;
  /** ms to wait for the peer's close frame before ending the connection anyway. Default 5000. */
  readonly closeTimeout?: number;
  /** Name shown by inspectors (DevTools hook). */
  readonly name?: string;
  /** Reporter name given to inspectors. Default `'clasp-wasm-transport'`. */
  readonly source?: string;
}

/** Reconnect policy with every field filled. */
export type ResolvedReconnectPolicy = Required<ReconnectPolicy>;

/** Configuration with every default applied. */
export interface ResolvedConfig {
  readonly url: string;
  readonly subprotocol: string;
  readonly connectionTimeout: number;
  readonly highWaterMark: number;
  readonly receiveQueueLimit: number;
  readonly reconnect: ResolvedReconnectPolicy | undefined;
  readonly keepalive: Required<KeepalivePolicy> | undefined;
  readonly useWebSocketStream: boolean;
  readonly WebSocket: WebSocketConstructor | undefined;
  readonly closeTimeout: number;
  readonly name: string | undefined;
  readonly source: string;
}

/** Default values, named as in partysocket, valued as in the CLASP JS client. */
export const TRANSPORT_DEFAULTS = {
  subprotocol: 'clasp',
  connectionTimeout: 10_000,
  highWaterMark: 1024 * 1024,
  receiveQueueLimit: 16_384,
  closeTimeout: 5_000,
  source: 'clasp-wasm-transport',
  reconnect: {
    minReconnectionDelay: 5_000,
    maxReconnectionDelay: 30_000,
    reconnectionDelayGrowFactor: 1.5,
    jitter: 0.2,
    maxRetries: 10,
    minUptime: 5_000,
    shouldReconnect: (close: CloseInfo): boolean => close.code !== 1000,
    random: Math.random,
  } satisfies ResolvedReconnectPolicy,
  keepalive: { idleMs: 25_000, timeoutMs: 10_000 } satisfies Required<KeepalivePolicy>,
} as const;

/**
 * Delay before reconnect attempt `attempt` (1-based): `min × grow^(attempt−1)`, capped at the maximum,
 * then reduced by up to `jitter` of itself. Pure: the same arguments give the same result.
 *
 * @param attempt 1 for the first attempt after a drop.
 * @param random a number in [0, 1); 0 gives the un-jittered delay.
 * @returns the delay in whole milliseconds.
 */
export function reconnectDelay(
  attempt: number,
  policy: Pick<
    ResolvedReconnectPolicy,
    'minReconnectionDelay' | 'maxReconnectionDelay' | 'reconnectionDelayGrowFactor' | 'jitter'
  >,
  random = 0,
): number {
  const grown = policy.minReconnectionDelay * policy.reconnectionDelayGrowFactor ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxReconnectionDelay, grown);
  return Math.round(capped * (1 - policy.jitter * random));
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function resolveReconnect(option: WasmWebSocketConfig['reconnect']): ResolvedReconnectPolicy | undefined {
  if (option === undefined || option === false) return undefined;
  const given: ReconnectPolicy = option === true ? {} : option;
  const d = TRANSPORT_DEFAULTS.reconnect;
  const jitter = given.jitter ?? d.jitter;
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`reconnect.jitter must be in [0, 1], got ${jitter}`);
  return {
    minReconnectionDelay: positive('reconnect.minReconnectionDelay', given.minReconnectionDelay, d.minReconnectionDelay),
    maxReconnectionDelay: positive('reconnect.maxReconnectionDelay', given.maxReconnectionDelay, d.maxReconnectionDelay),
    reconnectionDelayGrowFactor: positive('reconnect.reconnectionDelayGrowFactor', given.reconnectionDelayGrowFactor, d.reconnectionDelayGrowFactor),
    jitter,
    maxRetries: given.maxRetries ?? d.maxRetries,
    minUptime: given.minUptime ?? d.minUptime,
    shouldReconnect: given.shouldReconnect ?? d.shouldReconnect,
    random: given.random ?? d.random,
  };
}

function resolveKeepalive(option: WasmWebSocketConfig['keepalive']): Required<KeepalivePolicy> | undefined {
  if (option === undefined || option === false) return undefined;
  const given: KeepalivePolicy = option === true ? {} : option;
  return {
    idleMs: positive('keepalive.idleMs', given.idleMs, TRANSPORT_DEFAULTS.keepalive.idleMs),
    timeoutMs: positive('keepalive.timeoutMs', given.timeoutMs, TRANSPORT_DEFAULTS.keepalive.timeoutMs),
  };
}

/**
 * Checks the URL and maps `http(s)` to `ws(s)`; relative URLs resolve against the page.
 * @throws TransportError `InvalidUrl`.
 */
export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  } catch (cause) {
    throw new TransportError('InvalidUrl', `invalid URL: ${url}`, HINTS.InvalidUrl(url), { supplied: url, cause });
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if ((parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') || parsed.hash !== '') {
    throw new TransportError('InvalidUrl', `not a WebSocket URL: ${url}`, HINTS.InvalidUrl(url), { supplied: url });
  }
  return parsed.href;
}

/**
 * Applies the defaults and checks every setting.
 * @throws TransportError `InvalidUrl`; RangeError for a non-positive limit or timeout.
 */
export function resolveConfig(config: WasmWebSocketConfig): ResolvedConfig {
  return {
    url: normaliseUrl(config.url),
    subprotocol: config.subprotocol ?? TRANSPORT_DEFAULTS.subprotocol,
    connectionTimeout: positive('connectionTimeout', config.connectionTimeout, TRANSPORT_DEFAULTS.connectionTimeout),
    highWaterMark: positive('highWaterMark', config.highWaterMark, TRANSPORT_DEFAULTS.highWaterMark),
    receiveQueueLimit: positive('receiveQueueLimit', config.receiveQueueLimit, TRANSPORT_DEFAULTS.receiveQueueLimit),
    reconnect: resolveReconnect(config.reconnect),
    keepalive: resolveKeepalive(config.keepalive),
    useWebSocketStream: config.useWebSocketStream ?? false,
    WebSocket: config.WebSocket,
    closeTimeout: positive('closeTimeout', config.closeTimeout, TRANSPORT_DEFAULTS.closeTimeout),
    name: config.name,
    source: config.source ?? TRANSPORT_DEFAULTS.source,
  };
}

const utf8 = new TextEncoder();

/** Largest close reason in UTF-8 bytes (a control frame holds 125 bytes, 2 of them the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Checks `close()` arguments the way the browser would, before the browser sees them.
 * @throws TransportError `InvalidCloseCode` unless 1000 or 3000–4999; `InvalidCloseReason` above 123 bytes.
 */
export function validateClose(code: number, reason: string): void {
  if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
    throw new TransportError('InvalidCloseCode', `invalid close code ${code}`, HINTS.InvalidCloseCode(), { supplied: code });
  }
  const bytes = utf8.encode(reason).length;
  if (bytes > MAX_CLOSE_REASON_BYTES) {
    throw new TransportError(
      'InvalidCloseReason',
      `close reason is ${bytes} UTF-8 bytes, more than ${MAX_CLOSE_REASON_BYTES}`,
      HINTS.InvalidCloseReason(),
      { supplied: reason },
    );
  }
}
