/**
 * The raw ABI between `wasm-bridge` (Rust, `src/ffi.rs` + `src/abi.rs`) and its JavaScript host,
 * mirrored one to one: {@link HostImports} lists the `clasp_host` imports in the order of
 * `ffi.rs`, {@link BridgeExports} the exports, and the numbers are those of `abi.rs`.
 *
 * Memory rules: a `(ptr, len)` passed to an import is valid only during that call (copy what you
 * keep); a buffer passed to an export comes from `clasp_alloc(len)` and belongs to Rust from then
 * on. Memory may grow during any export call, which detaches earlier `memory.buffer` views: take a
 * new view after every call. No import may call an export (events are delivered later).
 *
 * @packageDocumentation
 */
import type { TransportErrorCode } from '../transport/types.js';

/** Host status: done. */
export const STATUS_OK = 0;
/** Host status: accepted; `EVENT_SEND_DONE` / `EVENT_CLOSE_DONE` follows. */
export const STATUS_PENDING = 1;
/** The host has no connection with that handle (dropped). */
export const STATUS_UNKNOWN_HANDLE = 14;
/** The transport threw something that is not a `TransportError`. */
export const STATUS_HOST_ERROR = 15;

/** Statuses 2–13: the transport's error codes, in `abi.rs` order. */
export const STATUS_BY_CODE: Readonly<Record<TransportErrorCode, number>> = {
  InvalidUrl: 2,
  ConnectTimeout: 3,
  ConnectionRefused: 4,
  SubprotocolRejected: 5,
  NotConnected: 6,
  BufferFull: 7,
  InvalidCloseCode: 8,
  InvalidCloseReason: 9,
  ReceiveQueueFull: 10,
  DeadPeer: 11,
  RetriesExhausted: 12,
  SendFailed: 13,
};

/** `connect()` resolved. No bytes. */
export const EVENT_OPEN_OK = 1;
/** `connect()` rejected: arg = status, bytes = message. */
export const EVENT_OPEN_FAILED = 2;
/** Receiver `Connected`: bytes = subprotocol. */
export const EVENT_CONNECTED = 3;
/** Receiver `Data`: bytes = the frame. */
export const EVENT_DATA = 4;
/** Receiver `Text`: bytes = UTF-8 text. */
export const EVENT_TEXT = 5;
/** Receiver `Disconnected`: arg = code | wasClean << 16, bytes = reason. */
export const EVENT_DISCONNECTED = 6;
/** Receiver `Error`: arg = status, bytes = message. */
export const EVENT_ERROR = 7;
/** Receiver returned `null`. No bytes. */
export const EVENT_END = 8;
/** A send answered `STATUS_PENDING` completed: arg = status. In send order. */
export const EVENT_SEND_DONE = 9;
/** The `close()` answered `STATUS_PENDING` completed: arg = status. */
export const EVENT_CLOSE_DONE = 10;

/** `clasp_deliver` answer: keep delivering. */
export const DELIVER_CONTINUE = 0;
/** `clasp_deliver` answer: the Rust queue is full; wait for the `resume` import. */
export const DELIVER_PAUSE = 1;
/** `clasp_deliver` answer: unknown event kind. */
export const DELIVER_REJECTED = 2;

/** The status for a value thrown by the transport: its code's number, or `STATUS_HOST_ERROR`. */
export function statusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string' && Object.hasOwn(STATUS_BY_CODE, code)) {
      return STATUS_BY_CODE[code as TransportErrorCode];
    }
  }
  return STATUS_HOST_ERROR;
}

/** The `clasp_host` import module, member for member as `extern "C"` in `ffi.rs`. */
export interface HostImports {
  /** `connect(handle, configPtr, configLen)`: opens a transport; config is JSON. */
  connect(handle: number, configPtr: number, configLen: number): void;
  /** `send(handle, ptr, len) → status`: `sender.send` (OK, PENDING, or error). */
  send(handle: number, ptr: number, len: number): number;
  /** `try_send(handle, ptr, len) → status`: `sender.trySend`. */
  try_send(handle: number, ptr: number, len: number): number;
  /** `is_connected(handle) → 0 | 1`: `sender.isConnected()`. */
  is_connected(handle: number): number;
  /** `close(handle, code, reasonPtr, reasonLen) → status`: `sender.close(code, reason)`. */
  close(handle: number, code: number, reasonPtr: number, reasonLen: number): number;
  /** `drop_handle(handle)`: closes if open and forgets the handle. */
  drop_handle(handle: number): void;
  /** `resume(handle)`: restart delivery after `DELIVER_PAUSE`. */
  resume(handle: number): void;
  /** `wake()`: run `clasp_poll` once the current export call returns (coalesced). */
  wake(): void;
  /** `set_timer(id, ms)`: `setTimeout` → `clasp_timer_fired(id)`. */
  set_timer(id: number, ms: number): void;
  /** `cancel_timer(id)`: `clearTimeout`. */
  cancel_timer(id: number): void;
  /** `now() → ms`: `performance.now()`. */
  now(): number;
  /** `log(level, ptr, len)`: console output. */
  log(level: number, ptr: number, len: number): void;
  /** `report(ptr, len)`: `onReport(text)`. */
  report(ptr: number, len: number): void;
  /** `panic(ptr, len)`: the panic message; a trap follows. */
  panic(ptr: number, len: number): void;
}

/** The exports of a module built with `wasm-bridge` (`ffi.rs` and the `main!` macro). */
export interface BridgeExports {
  readonly memory: WebAssembly.Memory;
  /** `clasp_alloc(len) → ptr`: a buffer of exactly `len` bytes for JS to fill. */
  clasp_alloc(len: number): number;
  /** `clasp_free(ptr, len)`: frees a buffer JS did not hand over. */
  clasp_free(ptr: number, len: number): void;
  /** `clasp_init()`: installs the host and the panic hook; first call after instantiation. */
  clasp_init(): void;
  /** `clasp_deliver(handle, kind, arg, ptr, len) → DELIVER_*`: one host event; takes the buffer. */
  clasp_deliver(handle: number, kind: number, arg: number, ptr: number, len: number): number;
  /** `clasp_timer_fired(id)`: a `set_timer` timer fired. */
  clasp_timer_fired(id: number): void;
  /** `clasp_poll() → 0 | 1`: runs ready tasks; 1 = more are ready. */
  clasp_poll(): number;
  /** `clasp_main(ptr, len)`: the application's entry (from `main!`), given its arguments. */
  clasp_main(ptr: number, len: number): void;
}

/** Names of the functions every bridge module must export. */
export const REQUIRED_EXPORTS = [
  'clasp_alloc',
  'clasp_free',
  'clasp_init',
  'clasp_deliver',
  'clasp_timer_fired',
  'clasp_poll',
  'clasp_main',
] as const;
