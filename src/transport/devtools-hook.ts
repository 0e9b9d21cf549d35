/**
 * The contract between a CLASP transport running in a page and an inspector (the CLASP DevTools
 * extension) that may be present in the same page.
 *
 * An inspector installs one object at `globalThis.__CLASP_DEVTOOLS_HOOK__` before page scripts run.
 * A transport looks the hook up when it connects and, if present, reports every connection and every
 * frame to it. When no inspector is installed the transport does one property read per connection
 * and nothing per frame.
 *
 * Rules for both sides:
 * - The hook is page-owned data: anything in the page can call it, so an inspector treats every
 *   event as untrusted input (validate, cap, render as text).
 * - `emit` must not throw into the transport. Transports still call it inside `try/catch` and never
 *   let an inspector failure change what the application sees.
 * - `data` of a frame event is only valid during the call: the transport may reuse the buffer. An
 *   inspector that keeps bytes copies them synchronously.
 * - Connection ids are unique within one realm (page or worker) for its lifetime.
 * - `socket` on a `connection` event is the underlying `WebSocket`, when there is one, so an inspector
 *   that also wraps `WebSocket` can attribute that socket's frames to this connection instead of
 *   listing them twice.
 *
 * @packageDocumentation
 */

/** Global property name under which an inspector installs its hook. */
export const DEVTOOLS_HOOK_KEY = '__CLASP_DEVTOOLS_HOOK__';

/** Version of this contract. Bumped on any incompatible change of {@link ClaspDevtoolsEvent}. */
export const DEVTOOLS_HOOK_VERSION = 1;

/** Which side sent a frame, seen from the page: `out` = page → server, `in` = server → page. */
export type FrameDirection = 'in' | 'out';

/** Fields every event carries. */
interface HookEventBase {
  /** Connection id, unique within the realm. */
  readonly id: string;
  /** Wall-clock time in milliseconds since the Unix epoch (`performance.timeOrigin + performance.now()`). */
  readonly time: number;
}

/** A connection attempt starts (first connect, or a reconnect attempt of the same logical connection). */
export interface HookConnectionEvent extends HookEventBase {
  readonly kind: 'connection';
  /** URL the transport connects to. */
  readonly url: string;
  /** Requested subprotocols. */
  readonly protocols: readonly string[];
  /** What reported it, e.g. `'clasp-wasm-transport'` or `'clasp-wasm-bridge'`. */
  readonly source: string;
  /** Optional human name of the connection (an application may name its clients). */
  readonly name?: string;
  /** Reconnect attempt number: 0 for the first connect. */
  readonly attempt: number;
  /** The underlying socket, so a `WebSocket`-wrapping inspector can de-duplicate its frames. */
  readonly socket?: object;
}

/** The handshake completed. */
export interface HookOpenEvent extends HookEventBase {
  readonly kind: 'open';
  /** Negotiated subprotocol (`''` when none). */
  readonly protocol: string;
}

/** One WebSocket message in either direction. */
export interface HookFrameEvent extends HookEventBase {
  readonly kind: 'frame';
  readonly direction: FrameDirection;
  /** Binary payload (valid only during the call), or the text of a text message. */
  readonly data: Uint8Array | string;
}

/** The connection closed (cleanly or not). */
export interface HookCloseEvent extends HookEventBase {
  readonly kind: 'close';
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** A transport-level error (connect failure, dead peer, queue overflow, ...). */
export interface HookErrorEvent extends HookEventBase {
  readonly kind: 'error';
  readonly message: string;
}

/** Everything a transport reports to an inspector. */
export type ClaspDevtoolsEvent =
  | HookConnectionEvent
  | HookOpenEvent
  | HookFrameEvent
  | HookCloseEvent
  | HookErrorEvent;

/** What an inspector installs at {@link DEVTOOLS_HOOK_KEY}. */
export interface ClaspDevtoolsHook {
  /** Contract version the inspector implements; transports report only to version 1. */
  readonly version: number;
  /** Receives one event. Must return quickly and must not retain `data` views. */
  emit(event: ClaspDevtoolsEvent): void;
}

/**
 * Returns the inspector hook of this realm, or `undefined` when none is installed or it does not
 * implement {@link DEVTOOLS_HOOK_VERSION}.
 */
export function getDevtoolsHook(): ClaspDevtoolsHook | undefined {
  const candidate = (globalThis as Record<string, unknown>)[DEVTOOLS_HOOK_KEY];
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const hook = candidate as Partial<ClaspDevtoolsHook>;
  if (hook.version !== DEVTOOLS_HOOK_VERSION || typeof hook.emit !== 'function') return undefined;
  return hook as ClaspDevtoolsHook;
}
