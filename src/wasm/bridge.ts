/**
 * `WasmBridge`: instantiates a module built with `wasm-bridge` and hosts it — the `clasp_host`
 * imports over any number of transports, the executor's wake-ups, timers, logs, reports and
 * panics.
 *
 * Invariants:
 * - Every export call goes through `#call`: a trap (a Rust panic, with `panic = "abort"`) marks
 *   the instance failed, releases all its transports and timers, and reaches the page as a
 *   {@link WasmPanicError} through `onPanic` / {@link WasmBridge.failed}; it is never rethrown.
 * - Imports never throw into wasm (a JS exception would unwind Rust frames without running
 *   destructors) and never call exports: deliveries happen in later tasks.
 * - Memory may grow during any call, which detaches the old `memory.buffer` (its length becomes 0):
 *   the one cached byte view is checked before every use and re-made when detached.
 * - `wake` (only ever called from inside an export call) marks a poll as wanted; `clasp_poll` then
 *   runs as soon as the outermost export call returns, in the same task — no extra microtask per
 *   event. When its budget runs out, polling continues in a new task (`setTimeout(0)`) so the page
 *   keeps rendering. No polling timers.
 *
 * @packageDocumentation
 */
import { WasmWebSocketTransport } from '../transport/index.js';
import type { WasmWebSocketConfig } from '../transport/config.js';
import { REQUIRED_EXPORTS, type BridgeExports, type HostImports } from './abi.js';
import { HostConnection, type ConnectFunction, type DeliverTarget } from './connection.js';

/** Log levels of the `log` import. */
export type WasmLogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: readonly WasmLogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A Rust panic (or another trap) inside a bridge module. The instance is unusable afterwards. */
export class WasmPanicError extends Error {
  override readonly name = 'WasmPanicError';
  /** The Rust panic message with its location, or `undefined` for a trap without a panic. */
  readonly panicMessage: string | undefined;

  constructor(panicMessage: string | undefined, cause: unknown) {
    super(panicMessage ?? `wasm trap: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.panicMessage = panicMessage;
  }
}

/** Options of {@link WasmBridge.instantiate}. */
export interface WasmBridgeOptions {
  /** Opens transports. Default `WasmWebSocketTransport.connect`. */
  readonly connect?: ConnectFunction;
  /** Application reports (`clasp_wasm_bridge::console::report`). Default: ignored. */
  readonly onReport?: (text: string) => void;
  /** Log lines. Default: `console[level]('[wasm]', text)`. */
  readonly onLog?: (level: WasmLogLevel, text: string) => void;
  /** Called once when the instance panics or traps. Default: `console.error`. */
  readonly onPanic?: (error: WasmPanicError) => void;
  /** Extra fields merged into every transport config (e.g. `{ keepalive: true }`). */
  readonly transportDefaults?: Partial<WasmWebSocketConfig>;
}

/** What {@link WasmBridge.instantiate} accepts. */
export type WasmSource = BufferSource | WebAssembly.Module | Response | PromiseLike<Response>;

const decoder = new TextDecoder();

/** A running bridge module. */
export class WasmBridge {
  readonly #exports: BridgeExports;
  readonly #options: WasmBridgeOptions;
  readonly #connections = new Map<number, HostConnection>();
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();
  #pollWanted = false;
  #yieldScheduled = false;
  #panicMessage: string | undefined;
  #failure: WasmPanicError | undefined;
  #stopped = false;
  #depth = 0;
  #bytes: Uint8Array;
  #settleFailed: (error: WasmPanicError) => void = () => undefined;
  /** Resolves with the error when the instance panics or traps (never rejects). */
  readonly failed: Promise<WasmPanicError>;

  private constructor(exports: BridgeExports, options: WasmBridgeOptions) {
    this.#exports = exports;
    this.#options = options;
    this.#bytes = new Uint8Array(exports.memory.buffer);
    this.failed = new Promise((resolve) => (this.#settleFailed = resolve));
  }

  /**
   * Compiles (if needed) and instantiates a bridge module, then calls `clasp_init`.
   * @throws TypeError when the module lacks a bridge export; WebAssembly errors for invalid bytes.
   */
  static async instantiate(source: WasmSource, options: WasmBridgeOptions = {}): Promise<WasmBridge> {
    let bridge: WasmBridge | undefined;
    const imports = { clasp_host: WasmBridge.#imports(() => bridge) as unknown as WebAssembly.ModuleImports };
    const instance = await instantiateSource(await source, imports);
    const exports = instance.exports as unknown as BridgeExports;
    for (const name of REQUIRED_EXPORTS) {
      if (typeof exports[name] !== 'function') throw new TypeError(`not a wasm-bridge module: no export ${name}`);
    }
    if (!(exports.memory instanceof WebAssembly.Memory)) throw new TypeError('not a wasm-bridge module: no memory');
    bridge = new WasmBridge(exports, options);
    bridge.#call(() => exports.clasp_init());
    return bridge;
  }

  /**
   * Starts the application (`clasp_main`) with `args` (UTF-8). Called from inside a callback of
   * this instance (`onReport`, …), it runs in a microtask instead: wasm is not re-entered.
   */
  start(args = ''): void {
    if (this.#depth > 0) {
      queueMicrotask(() => this.start(args));
      return;
    }
    const bytes = new TextEncoder().encode(args);
    this.#call(() => this.#exports.clasp_main(this.#copyIn(bytes), bytes.length));
  }

  /** The error the instance failed with, if it did. */
  get failure(): WasmPanicError | undefined {
    return this.#failure;
  }

  /**
   * The instance's linear memory, for diagnostics. It may grow during any call, which detaches
   * earlier `memory.buffer` views: never keep a view across calls.
   */
  get memory(): WebAssembly.Memory {
    return this.#exports.memory;
  }

  /** Bytes of linear memory (grows, never shrinks). */
  get memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  /** Handles whose JS side is still held (dropped Rust halves release theirs). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Stops the instance: releases every transport and timer; no further calls into wasm. */
  dispose(): void {
    this.#teardown('disposed');
  }

  static #imports(get: () => WasmBridge | undefined): HostImports {
    // Late binding: the imports exist before the instance; nothing calls them before `clasp_init`.
    const b = (): WasmBridge => {
      const bridge = get();
      if (bridge === undefined) throw new Error('wasm-bridge import called during instantiation');
      return bridge;
    };
    return {
      connect: (handle, ptr, len) => b().#guard(undefined, () => b().#connect(handle, b().#string(ptr, len))),
      send: (handle, ptr, len) => b().#guard(14, () => b().#conn(handle)?.send(b().#copyOut(ptr, len)) ?? 14),
      try_send: (handle, ptr, len) => b().#guard(14, () => b().#conn(handle)?.trySend(b().#copyOut(ptr, len)) ?? 14),
      is_connected: (handle) => b().#guard(0, () => (b().#conn(handle)?.isConnected() ? 1 : 0)),
      close: (handle, code, ptr, len) =>
        b().#guard(14, () => b().#conn(handle)?.close(code, b().#string(ptr, len)) ?? 14),
      drop_handle: (handle) => b().#guard(undefined, () => b().#dropHandle(handle)),
      resume: (handle) => b().#guard(undefined, () => b().#conn(handle)?.resume()),
      wake: () => b().#guard(undefined, () => b().#requestPoll()),
      set_timer: (id, ms) => b().#guard(undefined, () => b().#setTimer(id, ms)),
      cancel_timer: (id) => b().#guard(undefined, () => b().#cancelTimer(id)),
      now: () => performance.now(),
      log: (level, ptr, len) => b().#guard(undefined, () => b().#log(level, b().#string(ptr, len))),
      report: (ptr, len) => b().#guard(undefined, () => b().#options.onReport?.(b().#string(ptr, len))),
      panic: (ptr, len) => b().#guard(undefined, () => void (b().#panicMessage = b().#string(ptr, len))),
    };
  }

  /** Runs an import body; a JS exception becomes a warning and `fallback`, never a throw into wasm. */
  #guard<T>(fallback: T, body: () => T): T {
    try {
      return body();
    } catch (error) {
      this.#warn('wasm-bridge import failed', error);
      return fallback;
    }
  }

  /** Runs an export call; a trap fails the instance. `undefined` when failed. */
  #call<T>(body: () => T): T | undefined {
    if (this.#stopped) return undefined;
    this.#depth += 1;
    try {
      return body();
    } catch (error) {
      this.#fail(error);
      return undefined;
    } finally {
      this.#depth -= 1;
      if (this.#depth === 0 && this.#pollWanted) this.#pollNow();
    }
  }

  #fail(cause: unknown): void {
    if (this.#failure !== undefined) return;
    const error = new WasmPanicError(this.#panicMessage, cause);
    this.#failure = error;
    this.#teardown('wasm client panicked');
    this.#settleFailed(error);
    try {
      (this.#options.onPanic ?? ((e: WasmPanicError) => console.error(e)))(error);
    } catch (callbackError) {
      this.#warn('onPanic threw', callbackError);
    }
  }

  #teardown(reason: string): void {
    this.#stopped = true;
    for (const connection of this.#connections.values()) connection.release(4000, reason);
    this.#connections.clear();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #deliverTarget: DeliverTarget = {
    deliver: (handle, kind, arg, bytes) =>
      this.#call(() => {
        const len = bytes?.length ?? 0;
        const ptr = bytes === undefined || len === 0 ? 0 : this.#copyIn(bytes);
        const answer = this.#exports.clasp_deliver(handle, kind, arg, ptr, len);
        return answer;
      }),
    warn: (message, error) => this.#warn(message, error),
  };

  #connect(handle: number, configJson: string): void {
    const parsed = JSON.parse(configJson) as WasmWebSocketConfig;
    const config: WasmWebSocketConfig = { source: 'clasp-wasm-bridge', ...this.#options.transportDefaults, ...parsed };
    const connection = new HostConnection(handle, this.#deliverTarget);
    this.#connections.set(handle, connection);
    connection.open(this.#options.connect ?? WasmWebSocketTransport.connect, config);
  }

  #conn(handle: number): HostConnection | undefined {
    return this.#connections.get(handle);
  }

  #dropHandle(handle: number): void {
    this.#connections.get(handle)?.release();
    this.#connections.delete(handle);
  }

  #requestPoll(): void {
    this.#pollWanted = true;
    // Defensive: imports only run inside export calls, whose unwinding polls. Should one ever run
    // outside, poll in a microtask.
    if (this.#depth === 0) queueMicrotask(() => this.#pollWanted && this.#pollNow());
  }

  #pollNow(): void {
    this.#pollWanted = false;
    if (this.#call(() => this.#exports.clasp_poll()) !== 1 || this.#yieldScheduled) return;
    // Budget used up: continue in a new task, after the page had its turn.
    this.#yieldScheduled = true;
    setTimeout(() => {
      this.#yieldScheduled = false;
      this.#pollNow();
    }, 0);
  }

  #setTimer(id: number, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      this.#call(() => this.#exports.clasp_timer_fired(id));
    }, ms);
    this.#timers.set(id, timer);
  }

  #cancelTimer(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  #log(level: number, text: string): void {
    const name = LEVELS[level] ?? 'info';
    if (this.#options.onLog !== undefined) this.#options.onLog(name, text);
    else console[name]('[wasm]', text);
  }

  #warn(message: string, error: unknown): void {
    console.warn(`[wasm-bridge] ${message}`, error);
  }

  /** The byte view of linear memory, re-made when `memory.grow` detached the previous one. */
  #memoryBytes(): Uint8Array {
    if (this.#bytes.byteLength === 0) this.#bytes = new Uint8Array(this.#exports.memory.buffer);
    return this.#bytes;
  }

  /** Copies `bytes` into a fresh `clasp_alloc` buffer (the one JS → Rust copy). */
  #copyIn(bytes: Uint8Array): number {
    // `>>> 0`: wasm returns an i32; above 2 GiB a pointer would read as negative.
    const ptr = this.#exports.clasp_alloc(bytes.length) >>> 0;
    this.#memoryBytes().set(bytes, ptr); // after the alloc: it may have grown memory
    return ptr;
  }

  /** Copies `len` bytes at `ptr` out of wasm memory (the one Rust → JS copy). */
  #copyOut(ptr: number, len: number): Uint8Array {
    const start = ptr >>> 0;
    return this.#memoryBytes().slice(start, start + len);
  }

  #string(ptr: number, len: number): string {
    const start = ptr >>> 0;
    return decoder.decode(this.#memoryBytes().subarray(start, start + len));
  }
}

async function instantiateSource(
  source: BufferSource | WebAssembly.Module | Response,
  imports: WebAssembly.Imports,
): Promise<WebAssembly.Instance> {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (typeof WebAssembly.instantiateStreaming === 'function') {
      return (await WebAssembly.instantiateStreaming(source, imports)).instance;
    }
    return (await WebAssembly.instantiate(await source.arrayBuffer(), imports)).instance;
  }
  return (await WebAssembly.instantiate(source as BufferSource, imports)).instance;
}
