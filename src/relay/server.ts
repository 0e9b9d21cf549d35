/**
 * The development relay's network side (Node, on `ws`): an HTTP or HTTPS server that upgrades to
 * WebSocket with subprotocol `clasp`, optionally serves static files on the same port, and hands
 * frames to {@link ClaspRouter} through the {@link Pump}.
 *
 * Invariants:
 * - No input stops the relay: the router catches everything a message can cause, the pump catches
 *   what would still escape, socket errors are logged.
 * - No task runs longer than about `sliceMs` (10 ms) plus one router step: messages wait in per-client
 *   inboxes and are handled round-robin in slices (a fan-out or snapshot yields every 64 recipients
 *   or params).
 * - Writers feel backpressure and slow readers that keep reading are never cut; a client that drains
 *   nothing for `stallTimeout` or passes `maxClientBuffer` is (see `connection.ts`).
 * - Every connection must say HELLO within `handshakeTimeout` or is closed (1008).
 *
 * @packageDocumentation
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Connection, flowLimits, type FlowLimits, type FlowOptions } from './connection.js';
import { Pump } from './pump.js';
import { ClaspRouter, type RelayClient } from './router.js';
import { createStaticHandler } from './static-files.js';

/** Options of {@link startRelay}. */
export interface RelayOptions extends FlowOptions {
  /** Interface to listen on. Default `'127.0.0.1'` (a development relay stays local unless asked). */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default 7330 (CLASP's `DEFAULT_WS_PORT`). */
  readonly port?: number;
  /** PEM certificate and key: serve `wss://` (and `https://`) instead of `ws://`. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Serve the files of this directory over HTTP(S) on the same port. Default: none (426 to plain HTTP). */
  readonly serveDir?: string;
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
  /** Clients cut for not draining (see {@link FlowOptions}). */
  readonly cutCount: number;
  /** Closes every client (1001) and stops listening. */
  close(): Promise<void>;
}

const CHECK_INTERVAL_MS = 100;

function notWebSocket(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
  res.end('CLASP development relay: connect with a WebSocket, subprotocol "clasp".\n');
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

interface Wiring {
  readonly router: ClaspRouter;
  readonly pump: Pump;
  readonly limits: FlowLimits;
  readonly connections: Set<Connection>;
  readonly clients: WeakMap<Connection, RelayClient>;
  readonly handshakeTimeout: number;
  readonly log: (line: string) => void;
  readonly onCut: (c: Connection, why: string) => void;
}

/** Wires one accepted WebSocket to the router. */
function attach(ws: WebSocket, socket: Duplex, w: Wiring): void {
  const c = new Connection(ws, socket, w.limits, w.onCut, performance.now());
  const client: RelayClient = {
    send(frame) {
      const first = !c.isCorked;
      if (c.send(frame)) w.pump.noteSent(c, first);
    },
  };
  w.clients.set(c, client);
  w.connections.add(c);
  w.router.connect(client);
  let handshake: NodeJS.Timeout;
  const checkHello = (): void => {
    if (w.router.hasSession(client)) return;
    // A message still waiting in the inbox (a busy relay) may be the HELLO: look again shortly.
    if (c.inbox.length > 0) handshake = setTimeout(checkHello, 1000);
    else ws.close(1008, 'no HELLO within the handshake timeout');
  };
  handshake = setTimeout(checkHello, w.handshakeTimeout);
  ws.on('message', (data, isBinary) => w.pump.enqueue(c, isBinary ? toBytes(data) : null));
  ws.on('close', () => {
    clearTimeout(handshake);
    c.closed = true;
    c.inbox.length = 0;
    c.inboxBytes = 0;
    w.connections.delete(c);
    w.router.disconnect(client);
  });
  ws.on('error', (e) => w.log(`client error: ${e.message}`));
}

/**
 * Starts a development relay.
 * @throws the listen error (e.g. EADDRINUSE) as a rejection.
 */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const log = options.log ?? (() => undefined);
  const limits = flowLimits(options);
  const router = new ClaspRouter({ ...(options.name === undefined ? {} : { name: options.name }), log });
  const handler = options.serveDir === undefined ? notWebSocket : createStaticHandler(options.serveDir);
  const server: Server = options.tls === undefined ? createHttpServer(handler) : createHttpsServer(options.tls, handler);
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxPayload ?? 1024 * 1024,
    // Echo `clasp` when asked (browsers fail the handshake otherwise); accept clients asking for none, as Rust does.
    handleProtocols: (protocols) => (protocols.has('clasp') ? 'clasp' : false),
  });
  const clients = new WeakMap<Connection, RelayClient>();
  const pump = new Pump(router, (c) => clients.get(c) as RelayClient, { log });
  let cutCount = 0;
  const connections = new Set<Connection>();
  const wiring: Wiring = {
    router, pump, limits, connections, clients, log,
    handshakeTimeout: options.handshakeTimeout ?? 10_000,
    onCut: (_c, why) => {
      cutCount += 1;
      log(`cut a client: ${why} (${cutCount} cut so far)`);
    },
  };
  let lastCheck = performance.now();
  const monitor = setInterval(() => {
    const now = performance.now();
    const paused = Math.max(0, now - lastCheck - 2 * CHECK_INTERVAL_MS);
    lastCheck = now;
    for (const c of connections) c.check(now, paused);
  }, CHECK_INTERVAL_MS);
  monitor.unref();
  wss.on('connection', (ws, request) => attach(ws, request.socket, wiring));
  wss.on('error', (e) => log(`server error: ${e.message}`));
  server.listen(options.port ?? 7330, options.host ?? '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e as Error))]).catch((e: unknown) => {
    clearInterval(monitor);
    throw e;
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  return {
    url: `${options.tls === undefined ? 'ws' : 'wss'}://${host}:${port}/`,
    port,
    router,
    get cutCount() {
      return cutCount;
    },
    close: () => {
      clearInterval(monitor);
      pump.stop();
      return closeRelay(server, wss);
    },
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
