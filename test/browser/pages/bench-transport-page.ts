/**
 * Page side of `npm run bench:transport`: the same four measurements over the raw browser WebSocket
 * and over WasmWebSocketTransport, each written the way an application would naturally write it
 * (raw: `send` + `onmessage` reading `e.data`; transport: `await send` + `await recv`).
 * Server protocol (first byte): `E` echo, `S` count silently, `T` + u32 n: answer `D` after n `S`
 * messages, `B` + u32 n: send n 16-byte messages.
 */
import { WasmWebSocketTransport } from '../../../src/transport/index.js';

const SIZE = 16;
const tagged = (tag: string): Uint8Array => {
  const m = new Uint8Array(SIZE);
  m[0] = tag.charCodeAt(0);
  return m;
};
const command = (tag: string, n: number): Uint8Array => {
  const m = tagged(tag);
  new DataView(m.buffer).setUint32(1, n);
  return m;
};

/** A connection with a uniform face: send now, and wait for the next message. */
interface Conn {
  send(m: Uint8Array): void | Promise<void>;
  next(): Promise<Uint8Array>;
  /** Count `n` incoming messages as fast as the idiom allows. */
  count(n: number): Promise<void>;
  close(): Promise<void>;
}

async function rawConn(url: string): Promise<Conn> {
  const ws = new WebSocket(url, 'clasp');
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  // Messages that arrive while nobody waits are kept (a plain array: what an app would write).
  const inbox: Uint8Array[] = [];
  let waiter: ((m: Uint8Array) => void) | undefined;
  let counter: { left: number; bytes: number; done: () => void } | undefined;
  ws.onmessage = (e: MessageEvent<ArrayBuffer>) => {
    if (counter !== undefined) {
      // Like any application (and like the transport), touch the bytes it received.
      counter.bytes += e.data.byteLength;
      if (--counter.left === 0) counter.done();
      return;
    }
    const w = waiter;
    waiter = undefined;
    if (w !== undefined) w(new Uint8Array(e.data));
    else inbox.push(new Uint8Array(e.data));
  };
  return {
    send: (m) => ws.send(m as Uint8Array<ArrayBuffer>),
    next: () => {
      const m = inbox.shift();
      return m !== undefined ? Promise.resolve(m) : new Promise((resolve) => (waiter = resolve));
    },
    count: (n) =>
      new Promise<void>((resolve) => {
        counter = { left: n, bytes: 0, done: () => ((counter = undefined), resolve()) };
      }),
    close: async () => {
      const closed = new Promise((r) => (ws.onclose = r));
      ws.close();
      await closed;
    },
  };
}

async function ourConn(url: string, useWebSocketStream: boolean): Promise<Conn> {
  const { sender, receiver } = await WasmWebSocketTransport.connect({ url, useWebSocketStream });
  await receiver.recv(); // Connected
  const next = async (): Promise<Uint8Array> => {
    const e = await receiver.recv();
    if (e?.type !== 'Data') throw new Error(`unexpected ${e?.type}`);
    return e.data;
  };
  return {
    send: (m) => sender.send(m),
    next,
    count: async (n) => {
      for (let i = 0; i < n; i += 1) await receiver.recv();
    },
    close: () => sender.close(),
  };
}

/** Sends; awaits only when the idiom returns a promise (raw `send` is not awaited, as apps write it). */
function send(conn: Conn, m: Uint8Array): void | Promise<void> {
  return conn.send(m);
}

/** One measurement on a fresh connection. */
async function measure(conn: Conn, test: string, n: number, window: number): Promise<number[]> {
  const t0 = performance.now();
  if (test === 'send') {
    await conn.send(command('T', n));
    const m = tagged('S');
    for (let i = 0; i < n; i += 1) {
      const p = send(conn, m);
      if (p !== undefined) await p;
    }
    await conn.next(); // 'D'
    return [n / ((performance.now() - t0) / 1000)];
  }
  if (test === 'recv') {
    const counted = conn.count(n);
    await conn.send(command('B', n));
    await counted;
    return [n / ((performance.now() - t0) / 1000)];
  }
  const m = tagged('E');
  if (test === 'echo') {
    for (let i = 0; i < window; i += 1) {
      const p = send(conn, m);
      if (p !== undefined) await p;
    }
    for (let i = window; i < n; i += 1) {
      await conn.next();
      const p = send(conn, m);
      if (p !== undefined) await p;
    }
    for (let i = 0; i < window; i += 1) await conn.next();
    return [n / ((performance.now() - t0) / 1000)];
  }
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const start = performance.now();
    const p = send(conn, m);
    if (p !== undefined) await p;
    await conn.next();
    samples.push(performance.now() - start);
  }
  return samples;
}

const B = {
  isolated: () => globalThis.crossOriginIsolated,
  async run(url: string, who: 'raw' | 'ours' | 'ours-stream', test: string, n: number, window: number): Promise<number[]> {
    const conn = who === 'raw' ? await rawConn(url) : await ourConn(url, who === 'ours-stream');
    try {
      return await measure(conn, test, n, window);
    } finally {
      await conn.close();
    }
  },
};

(globalThis as Record<string, unknown>)['B'] = B;
/** Type of the page API. */
export type BenchApi = typeof B;
