/**
 * The development relay's network side (Node, on `ws`): an HTTP or HTTPS server that upgrades to
 * WebSocket with subprotocol `clasp`, optionally serves static files on the same port, and hands
 * frames to {@link ClaspRouter}.
 *
 * Invariants:
 * - One slow client never stalls the others: sends never block, and a client whose socket buffers
 *   more than `maxClientBuffer` bytes is disconnected (close code 1008 is not deliverable through a
 *   full buffer, so the TCP connection is cut).
 * - Every connection must say HELLO within `handshakeTimeout` or is closed (1008).
 *
 * @packageDocumentation
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ClaspRouter, type RelayClient } from './router.js';
import { createStaticHandler } from './static-files.js';

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** Interface to listen on. Default `'127.0.0.1'` (a development relay stays local unless asked). */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default 7330 (CLASP's `DEFAULT_WS_PORT`). */
  readonly port?: number;
  /** PEM certificate and key: serve `wss://` (and `https://`) instead of `ws://`. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Serve the files of this directory over HTTP(S) on the same port. Default: none (426 to plain HTTP). */
  readonly serveDir?: string;
  /** Bytes a client may have waiting before it is disconnected as too slow. Default 8 MiB. */
  readonly maxClientBuffer?: number;
  /** ms a new connection has to send HELLO. Default 10000 (the Rust router's HANDSHAKE_TIMEOUT). */
  readonly handshakeTimeout?: number;
  /** Largest WebSocket message accepted, in bytes. Default 1 MiB (a CLASP frame is at most 65547). */
  readonly maxPayload?: number;
  /** Name sent in WELCOME. Default `'clasp-dev-relay'`. */
  readonly name?: string;
  /** Receives log lines. Default: nothing. */
  readonly log?: (line: string) => void;
}

/** A running relay. */
export interface Relay {
  /** `ws://host:port/` or `wss://host:port/`. */
  readonly url: string;
  readonly port: number;
  readonly router: ClaspRouter;
  /** Closes every client (1001) and stops listening. */
  close(): Promise<void>;
}

const DEFAULT_MAX_CLIENT_BUFFER = 8 * 1024 * 1024;

function notWebSocket(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
  res.end('CLASP development relay: connect with a WebSocket, subprotocol "clasp".\n');
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** Wires one accepted WebSocket to the router. */
function attach(ws: WebSocket, router: ClaspRouter, options: RelayOptions, log: (line: string) => void): void {
  const maxBuffer = options.maxClientBuffer ?? DEFAULT_MAX_CLIENT_BUFFER;
  const client: RelayClient = {
    send(frame) {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount + frame.byteLength > maxBuffer) {
        log(`disconnecting a slow client: ${ws.bufferedAmount} bytes waiting (limit ${maxBuffer})`);
        ws.terminate();
        return;
      }
      ws.send(frame);
    },
  };
  router.connect(client);
  const handshake = setTimeout(() => {
    if (!router.hasSession(client)) ws.close(1008, 'no HELLO within the handshake timeout');
  }, options.handshakeTimeout ?? 10_000);
  ws.on('message', (data, isBinary) => {
    if (isBinary) router.handle(client, toBytes(data));
    else router.handleText(client);
  });
  ws.on('close', () => {
    clearTimeout(handshake);
    router.disconnect(client);
  });
  ws.on('error', (e) => log(`client error: ${e.message}`));
}

/**
 * Starts a development relay.
 * @throws the listen error (e.g. EADDRINUSE) as a rejection.
 */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const log = options.log ?? (() => undefined);
  const router = new ClaspRouter({ ...(options.name === undefined ? {} : { name: options.name }), log });
  const handler = options.serveDir === undefined ? notWebSocket : createStaticHandler(options.serveDir);
  const server: Server = options.tls === undefined ? createHttpServer(handler) : createHttpsServer(options.tls, handler);
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxPayload ?? 1024 * 1024,
    // Echo `clasp` when asked (browsers fail the handshake otherwise); accept clients asking for none, as Rust does.
    handleProtocols: (protocols) => (protocols.has('clasp') ? 'clasp' : false),
  });
  wss.on('connection', (ws) => attach(ws, router, options, log));
  wss.on('error', (e) => log(`server error: ${e.message}`));
  server.listen(options.port ?? 7330, options.host ?? '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e as Error))]);
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  return {
    url: `${options.tls === undefined ? 'ws' : 'wss'}://${host}:${port}/`,
    port,
    router,
    close: () => closeRelay(server, wss),
  };
}

async function closeRelay(server: Server, wss: WebSocketServer): Promise<void> {
  const closing = [...wss.clients].map((ws) => {
    ws.close(1001, 'relay shutting down');
    return ws.readyState === ws.CLOSED ? Promise.resolve() : once(ws, 'close').then(() => undefined);
  });
  // Clients that do not answer the close frame promptly are cut.
  const cut = setTimeout(() => {
    for (const ws of wss.clients) ws.terminate();
  }, 500);
  await Promise.all(closing);
  clearTimeout(cut);
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  server.closeAllConnections(); // idle keep-alive connections of the static file server
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
