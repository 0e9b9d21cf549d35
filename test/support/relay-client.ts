/**
 * A Node `ws` client for relay tests: sends CLASP messages with the project codec and reads the
 * replies one at a time.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { decode, encode, type DecodedMessage, type Message } from '../../src/protocol/index.js';

/** A connected test client. */
export interface TestClient {
  readonly ws: WebSocket;
  /** The next binary frame, raw. */
  nextRaw(): Promise<Buffer>;
  /** The next frame, decoded. */
  next(): Promise<DecodedMessage>;
  /** Frames received and not yet taken. */
  pending(): number;
  send(message: Message): void;
  sendRaw(bytes: Uint8Array | string): void;
  /** HELLO, then the WELCOME and the initial SNAPSHOT. */
  hello(name?: string): Promise<{ welcome: DecodedMessage; snapshot: DecodedMessage }>;
  close(): Promise<void>;
}

/** Opens a client (subprotocol `clasp` unless told otherwise). */
export async function connectClient(url: string, protocols: string[] = ['clasp'], options: WebSocket.ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, protocols, options);
  const frames: Buffer[] = [];
  const waiters: ((b: Buffer) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(data);
    else frames.push(data);
  });
  ws.on('error', () => undefined);
  await once(ws, 'open');
  const nextRaw = (): Promise<Buffer> => {
    const frame = frames.shift();
    return frame !== undefined ? Promise.resolve(frame) : new Promise((resolve) => waiters.push(resolve));
  };
  const client: TestClient = {
    ws,
    nextRaw,
    next: async () => decode(new Uint8Array(await nextRaw())),
    pending: () => frames.length,
    send: (message) => ws.send(encode(message)),
    sendRaw: (bytes) => ws.send(bytes),
    async hello(name = 'test client') {
      client.send({ type: 'HELLO', version: 1, name, features: ['param', 'event', 'stream'] });
      return { welcome: await client.next(), snapshot: await client.next() };
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = once(ws, 'close');
      ws.close();
      await closed;
    },
  };
  return client;
}
