/**
 * What's tested (the pump with the real router over fake sockets whose writes are slow): messages
 * are handled in order to the end even when writing out every client takes longer than a task may
 * run (leftover writes go first in the next task, and that task must schedule the one after).
 */
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { expect, test } from 'vitest';
import type { WebSocket } from 'ws';
import { decode, encode, type Message } from '../protocol/index.js';
import { Connection, flowLimits } from './connection.js';
import { Pump } from './pump.js';
import { ClaspRouter, type RelayClient } from './router.js';

function fakeSocket(received: Uint8Array[]): { ws: WebSocket; socket: Duplex } {
  const ws = {
    OPEN: 1, readyState: 1, bufferedAmount: 0, isPaused: false,
    send: (frame: Uint8Array) => received.push(frame),
    pause() { ws.isPaused = true; },
    resume() { ws.isPaused = false; },
    terminate() { ws.readyState = 3; },
  };
  const socket = {
    cork: () => undefined,
    uncork: () => {
      const until = performance.now() + 0.5; // a slow write: 100 clients take 50 ms
      while (performance.now() < until) { /* busy */ }
    },
  };
  return { ws: ws as unknown as WebSocket, socket: socket as unknown as Duplex };
}

test('writes that outlast a task are finished in the next ones, and every message is handled', async () => {
  const router = new ClaspRouter();
  const clients = new Map<Connection, RelayClient>();
  const pump = new Pump(router, (c) => clients.get(c) as RelayClient, { sliceMs: 2, log: () => undefined });
  const limits = flowLimits({});
  const open = (): { c: Connection; received: Uint8Array[] } => {
    const received: Uint8Array[] = [];
    const { ws, socket } = fakeSocket(received);
    const c = new Connection(ws, socket, limits, () => undefined, performance.now());
    const client: RelayClient = {
      send(frame) {
        const first = !c.isCorked;
        if (c.send(frame)) pump.noteSent(c, first);
      },
    };
    clients.set(c, client);
    router.connect(client);
    return { c, received };
  };
  const send = (c: Connection, m: Message): void => pump.enqueue(c, encode(m));

  const readers = Array.from({ length: 100 }, open);
  for (const { c } of readers) {
    send(c, { type: 'HELLO', version: 1, name: 'r', features: [] });
    send(c, { type: 'SUBSCRIBE', id: 1, pattern: '/**' });
  }
  const writer = open();
  send(writer.c, { type: 'HELLO', version: 1, name: 'w', features: [] });
  for (let i = 0; i < 20; i += 1) send(writer.c, { type: 'SET', address: `/x/${i}`, value: i });

  const sets = (r: { received: Uint8Array[] }): string[] =>
    r.received.map((f) => decode(f)).flatMap((m) => (m.type === 'SET' ? [m.address] : []));
  const expected = Array.from({ length: 20 }, (_, i) => `/x/${i}`);
  await expect.poll(() => readers.every((r) => sets(r).length === 20), { timeout: 15_000 }).toBe(true);
  expect(readers.every((r) => sets(r).join() === expected.join())).toBe(true);
  pump.stop();
});
