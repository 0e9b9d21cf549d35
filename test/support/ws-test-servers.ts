/**
 * Small servers for transport tests, each on a free port of 127.0.0.1:
 * - {@link startEchoServer}: a `ws` server that echoes, answers CLASP PING, and lets the test act on
 *   each connection (pause reading, push frames, close with a code, cut the TCP connection);
 * - {@link startSilentTcpServer}: accepts TCP and never answers (handshake timeout);
 * - {@link freeClosedPort}: a port where nothing listens (refused connection).
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const PING = Buffer.from([0x53, 0x01, 0x00, 0x01, 0x41]);
const PONG = Buffer.from([0x53, 0x01, 0x00, 0x01, 0x42]);

/** Options of {@link startEchoServer}. */
export interface EchoServerOptions {
  /** Echo the `clasp` subprotocol. Default true; false makes browsers fail the handshake. */
  readonly acceptSubprotocol?: boolean;
  /** Echo binary and text messages back. Default true. */
  readonly echo?: boolean;
  /** Answer CLASP PING with PONG. Default true. */
  readonly answerPing?: boolean;
  /** Refuse every upgrade with HTTP 503 (the browser sees a failed handshake). Default false. */
  readonly refuseUpgrades?: boolean;
}

/** One accepted connection, as the test sees it. */
export interface EchoConnection {
  readonly ws: WebSocket;
  readonly protocol: string;
  /** Every binary message received, in order. */
  readonly received: Buffer[];
  /** Total bytes of binary messages received. */
  receivedBytes: number;
  /** Close code and reason the client sent, once closed. */
  closed?: { code: number; reason: string };
  /** Stops reading from TCP (the kernel buffers fill, then the client's bufferedAmount grows). */
  pause(): void;
  resume(): void;
  /** Destroys the TCP connection without a close frame (the browser sees 1006). */
  cut(): void;
}

/** A running echo server. */
export interface EchoServer {
  readonly url: string;
  readonly port: number;
  readonly connections: EchoConnection[];
  /** Times (ms, Date.now) of upgrade requests that asked for `clasp`, refused or not. */
  readonly claspAttempts: number[];
  /** From now on refuse (true) or accept (false) upgrades. */
  refuseUpgrades(refuse: boolean): void;
  /** Resolves with the next connection (or the existing one at `index`). */
  connection(index: number): Promise<EchoConnection>;
  /** Stops listening and cuts every connection. */
  close(): Promise<void>;
}

function asEchoConnection(ws: WebSocket, options: EchoServerOptions): EchoConnection {
  const socket = (ws as unknown as { _socket: Socket })._socket;
  const conn: EchoConnection = {
    ws,
    protocol: ws.protocol,
    received: [],
    receivedBytes: 0,
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    cut: () => socket.destroy(),
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      conn.received.push(data);
      conn.receivedBytes += data.length;
      if (options.answerPing !== false && data.equals(PING)) {
        ws.send(PONG);
        return;
      }
    }
    if (options.echo !== false) ws.send(data, { binary: isBinary });
  });
  ws.on('close', (code, reason) => {
    conn.closed = { code, reason: reason.toString('utf8') };
  });
  ws.on('error', () => undefined);
  return conn;
}

/** Starts an echo server. */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const connections: EchoConnection[] = [];
  const claspAttempts: number[] = [];
  const waiting: (() => void)[] = [];
  let refusing = options.refuseUpgrades === true;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (options.acceptSubprotocol === false ? false : protocols.has('clasp') ? 'clasp' : false),
    verifyClient: (info: { req: IncomingMessage }) => {
      if (String(info.req.headers['sec-websocket-protocol'] ?? '').includes('clasp')) claspAttempts.push(Date.now());
      return !refusing;
    },
  });
  wss.on('connection', (ws) => {
    connections.push(asEchoConnection(ws, options));
    for (const wake of waiting.splice(0)) wake();
  });
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    connections,
    claspAttempts,
    refuseUpgrades: (refuse) => {
      refusing = refuse;
    },
    async connection(index) {
      while (connections[index] === undefined) await new Promise<void>((r) => waiting.push(r));
      return connections[index];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.cut();
        wss.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts connections and never says anything. */
export async function startSilentTcpServer(): Promise<{ url: string; accepted: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted += 1;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and has nothing listening now. */
export async function freeClosedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
