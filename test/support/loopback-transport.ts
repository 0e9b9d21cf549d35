/**
 * An in-memory transport pair that echoes every frame sent (no socket), for the Node unit tests
 * of src/wasm and the bridge-overhead rows of `npm run bench:wasm` (runs in Node and in pages).
 */
import { TransportError } from '../../src/transport/errors.js';
import type { TransportEvent, TransportReceiver, TransportSender } from '../../src/transport/types.js';

/** Sender and receiver in one object: `trySend(frame)` comes back as a `Data` event (next microtask). */
export class LoopbackPair implements TransportSender, TransportReceiver {
  /** Every frame sent, in order (kept only when `keepSent`). */
  readonly sent: Uint8Array[] = [];
  sentCount = 0;
  closed: { code: number; reason: string } | undefined;
  /** Called before each echo (tests grow wasm memory there). */
  beforeEcho: () => void = () => undefined;
  readonly #keepSent: boolean;
  #queue: (TransportEvent | null)[] = [{ type: 'Connected', protocol: 'clasp' }];
  #waiting: ((e: TransportEvent | null) => void) | undefined;

  constructor(keepSent = true) {
    this.#keepSent = keepSent;
  }

  #push(e: TransportEvent | null): void {
    const w = this.#waiting;
    this.#waiting = undefined;
    if (w !== undefined) w(e);
    else this.#queue.push(e);
  }

  async send(data: Uint8Array): Promise<void> {
    this.trySend(data);
  }

  trySend(data: Uint8Array): void {
    if (this.closed !== undefined) throw new TransportError('NotConnected', 'closed', 'the loopback was closed');
    this.sentCount += 1;
    if (this.#keepSent) this.sent.push(data);
    queueMicrotask(() => {
      this.beforeEcho();
      this.#push({ type: 'Data', data });
    });
  }

  isConnected(): boolean {
    return this.closed === undefined;
  }

  async close(code = 1000, reason = ''): Promise<void> {
    if (this.closed !== undefined) return;
    this.closed = { code, reason };
    this.#push({ type: 'Disconnected', code, reason, wasClean: true });
    this.#push(null);
  }

  recv(): Promise<TransportEvent | null> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift() ?? null);
    return new Promise((r) => (this.#waiting = r));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TransportEvent> {
    for (let e = await this.recv(); e !== null; e = await this.recv()) yield e;
  }
}
