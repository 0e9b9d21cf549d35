/**
 * A tiny CLASP-speaking WebSocket server for the DevTools end-to-end tests and benchmark, on a free
 * port of 127.0.0.1. It is not a router: it answers HELLO with WELCOME + SNAPSHOT, echoes every other
 * binary message (a SET comes back as the "broadcast"), echoes text, and can push frames on demand.
 * Connections that do not ask for the `clasp` subprotocol get a plain echo.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { decode, encode } from '../../src/protocol/index.js';

/** A running test server. */
export interface ClaspTestRouter {
  readonly url: string;
  /** Binary messages received over all connections. */
  received: number;
  /** Sends bytes to every open connection that speaks `clasp`. */
  broadcast(bytes: Uint8Array): void;
  close(): Promise<void>;
}

/** The SNAPSHOT every CLASP client gets after WELCOME (two params, for the state view). */
export const WELCOME_SNAPSHOT = encode({
  type: 'SNAPSHOT',
  params: [
    { address: '/lights/1/level', value: 0.25, revision: 7n, writer: 'console-a' },
    { address: '/mixer/master', value: -6, revision: 3n, writer: 'console-b' },
  ],
});

/** Starts the server. */
export async function startClaspTestRouter(): Promise<ClaspTestRouter> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has('clasp') ? 'clasp' : false) });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const clasp = new Set<WebSocket>();
  const router: ClaspTestRouter = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received: 0,
    broadcast(bytes) {
      for (const ws of clasp) ws.send(bytes);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (ws) => {
    if (ws.protocol === 'clasp') clasp.add(ws);
    ws.on('close', () => clasp.delete(ws));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return ws.send(data.toString('utf8'));
      router.received += 1;
      if (ws.protocol !== 'clasp') return ws.send(data);
      let type = '';
      try {
        type = decode(new Uint8Array(data)).type;
      } catch {
        return ws.send(data);
      }
      if (type === 'HELLO') {
        ws.send(encode({ type: 'WELCOME', version: 1, session: 's-e2e', name: 'test-router', features: ['param', 'event'], time: 1_700_000_000_000_000n }));
        ws.send(WELCOME_SNAPSHOT);
      } else ws.send(data);
    });
  });
  return router;
}
