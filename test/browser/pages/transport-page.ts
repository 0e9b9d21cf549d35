/**
 * Page side of the transport browser tests: small primitives on `globalThis.P` that the Node-side
 * tests compose with `page.evaluate`. One "current" connection at a time; results are plain data.
 */
import { leftovers, resetLeftovers, sleep } from './instrument.js';
import {
  TransportError,
  WasmWebSocketTransport,
  type ClaspDevtoolsEvent,
  type TransportEvent,
  type WasmWebSocketConfig,
  type WasmWebSocketConnection,
} from '../../../src/transport/index.js';

/** A TransportEvent as plain data. */
export type PlainEvent = Record<string, unknown> & { type: string };

/** A caught error as plain data. */
export interface PlainError {
  name: string;
  code?: string;
  message: string;
  hint?: string;
  supplied?: unknown;
}

function plainEvent(e: TransportEvent): PlainEvent {
  switch (e.type) {
    case 'Data':
      return e.data.length <= 16 ? { type: 'Data', bytes: Array.from(e.data) } : { type: 'Data', length: e.data.length, head: Array.from(e.data.subarray(0, 8)) };
    case 'Error':
      return { type: 'Error', code: e.error.code, message: e.error.message };
    default:
      return { ...e };
  }
}

function plainError(e: unknown): PlainError {
  if (e instanceof TransportError) return { name: e.name, code: e.code, message: e.message, hint: e.hint, supplied: e.supplied as unknown };
  const err = e as Error;
  return { name: err.name, message: err.message };
}

let conn: WasmWebSocketConnection | undefined;
let blocked: Promise<void> | undefined;
const hookEvents: Record<string, unknown>[] = [];

function current(): WasmWebSocketConnection {
  if (conn === undefined) throw new Error('no connection');
  return conn;
}

type ConfigInput = Omit<WasmWebSocketConfig, 'WebSocket'> & { blobSocket?: boolean; jitterRandom?: number };

/** A WebSocket whose binaryType cannot leave 'blob' (tests Blob handling). */
class BlobWebSocket extends WebSocket {
  override get binaryType(): BinaryType {
    return super.binaryType;
  }
  override set binaryType(_: BinaryType) {
    super.binaryType = 'blob';
  }
}

const P = {
  reset: resetLeftovers,
  leftovers,
  sleep,

  /** Installs a recording DevTools hook (before `open`). */
  installHook(): void {
    (globalThis as Record<string, unknown>)['__CLASP_DEVTOOLS_HOOK__'] = {
      version: 1,
      emit(event: ClaspDevtoolsEvent) {
        const { socket, ...rest } = event as ClaspDevtoolsEvent & { socket?: object };
        const data = (event as { data?: unknown }).data;
        hookEvents.push({
          ...rest,
          ...(data instanceof Uint8Array ? { data: Array.from(data) } : {}),
          ...(socket === undefined ? {} : { socketIsWebSocket: socket instanceof WebSocket }),
        });
      },
    };
  },
  hookEvents: () => hookEvents.splice(0),

  async open(input: ConfigInput): Promise<{ ok: true; protocol: string; state: string } | { ok: false; error: PlainError }> {
    const { blobSocket, jitterRandom, ...rest } = input;
    const config: WasmWebSocketConfig = {
      ...rest,
      ...(blobSocket === true ? { WebSocket: BlobWebSocket } : {}),
      ...(typeof rest.reconnect === 'object' && jitterRandom !== undefined
        ? { reconnect: { ...rest.reconnect, random: () => jitterRandom } }
        : {}),
    };
    try {
      conn = await WasmWebSocketTransport.connect(config);
      return { ok: true, protocol: conn.sender.protocol, state: conn.sender.state };
    } catch (e) {
      conn = undefined;
      return { ok: false, error: plainError(e) };
    }
  },

  state: () => current().sender.state,
  queued: () => current().receiver.queued,

  async send(bytes: number[]): Promise<PlainError | 'ok'> {
    try {
      await current().sender.send(new Uint8Array(bytes));
      return 'ok';
    } catch (e) {
      return plainError(e);
    }
  },

  trySend(bytes: number[]): PlainError | 'ok' {
    try {
      current().sender.trySend(new Uint8Array(bytes));
      return 'ok';
    } catch (e) {
      return plainError(e);
    }
  },

  async close(code?: number, reason?: string): Promise<{ result: PlainError | 'ok'; state: string }> {
    try {
      await current().sender.close(code, reason);
      return { result: 'ok', state: current().sender.state };
    } catch (e) {
      return { result: plainError(e), state: current().sender.state };
    }
  },

  /** The next `n` events (null counts as the end). */
  async next(n: number): Promise<(PlainEvent | null)[]> {
    const out: (PlainEvent | null)[] = [];
    for (let i = 0; i < n; i += 1) {
      const e = await current().receiver.recv();
      out.push(e === null ? null : plainEvent(e));
      if (e === null) break;
    }
    return out;
  },

  /** Every remaining event, through `for await`. */
  async drain(): Promise<PlainEvent[]> {
    const out: PlainEvent[] = [];
    for await (const e of current().receiver) out.push(plainEvent(e));
    return out;
  },

  /** Sends `n` frames carrying their index, reads the `n` echoes, reports the first misorder. */
  async roundTripOrder(n: number): Promise<{ received: number; firstMismatch: number; sendErrors: number }> {
    const { sender, receiver } = current();
    let sendErrors = 0;
    const sending = (async () => {
      for (let i = 0; i < n; i += 1) {
        const frame = new Uint8Array(8);
        new DataView(frame.buffer).setUint32(0, i);
        await sender.send(frame).catch(() => (sendErrors += 1));
      }
    })();
    let received = 0;
    let firstMismatch = -1;
    while (received < n) {
      const e = await receiver.recv();
      if (e === null) break;
      if (e.type !== 'Data') continue;
      const seq = new DataView(e.data.buffer, e.data.byteOffset).getUint32(0);
      if (seq !== received && firstMismatch < 0) firstMismatch = received;
      received += 1;
    }
    await sending;
    return { received, firstMismatch, sendErrors };
  },

  /**
   * Sends `size`-byte frames until one `send()` stays pending for `patienceMs` (the peer stopped
   * reading). Keeps that send in `blocked`.
   */
  async fillUntilBlocked(size: number, patienceMs: number, maxFrames: number): Promise<{ sent: number; bufferedAmount: number; blocked: boolean }> {
    const { sender } = current();
    for (let i = 0; i < maxFrames; i += 1) {
      const frame = new Uint8Array(size).fill(i & 0xff);
      const p = sender.send(frame);
      const done = await Promise.race([p.then(() => true, () => true), sleep(patienceMs).then(() => false)]);
      if (!done) {
        blocked = p;
        return { sent: i + 1, bufferedAmount: sender.bufferedAmount, blocked: true };
      }
    }
    return { sent: maxFrames, bufferedAmount: sender.bufferedAmount, blocked: false };
  },

  /** Awaits the send kept by `fillUntilBlocked`. */
  async awaitBlocked(): Promise<PlainError | 'ok'> {
    try {
      await blocked;
      return 'ok';
    } catch (e) {
      return plainError(e);
    }
  },

  /** Reads until `Disconnected` (or `maxData` frames), counting Data frames and keeping the other events. */
  async countUntilDisconnected(maxData = Number.POSITIVE_INFINITY): Promise<{ data: number; others: PlainEvent[]; lastSeq: number }> {
    let data = 0;
    let lastSeq = -1;
    const others: PlainEvent[] = [];
    for (;;) {
      const e = await current().receiver.recv();
      if (e === null) break;
      if (e.type === 'Data') {
        data += 1;
        if (e.data.length >= 4) lastSeq = new DataView(e.data.buffer, e.data.byteOffset).getUint32(0);
        if (data >= maxData) break;
        continue;
      }
      others.push(plainEvent(e));
      if (e.type === 'Disconnected') break;
    }
    return { data, others, lastSeq };
  },
};

(globalThis as Record<string, unknown>)['P'] = P;
/** Type of the page API, for the Node side. */
export type PageApi = typeof P;
