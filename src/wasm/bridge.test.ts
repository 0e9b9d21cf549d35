/**
 * What's tested (Node, the real example .wasm, an in-memory echo transport instead of a socket):
 * - frames keep their bytes and order when wasm memory grows between deliveries (old
 *   `memory.buffer` views are detached then; the host must take new ones)
 * - the transport config reaches `connect` with the bridge's defaults and the Rust settings
 * - a failing `connect` becomes the Rust `TransportError` (reported by the example)
 * - a throwing `onReport` callback never unwinds into wasm
 * - a panic resolves `failed` with the message, releases the transport, stops all calls
 * - a module without the bridge exports is refused
 * The browser suites (test/browser/wasm*.test.ts) run the same client on the real transport.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { TransportError } from '../transport/errors.js';
import { LoopbackPair } from '../../test/support/loopback-transport.js';
import type { WasmWebSocketConfig } from '../transport/config.js';
import { WasmBridge } from './bridge.js';
import type { TransportPair } from './connection.js';

const WASM = resolve(import.meta.dirname, '../../wasm-bridge/target/clasp_example.wasm');
let module: WebAssembly.Module;

beforeAll(() => {
  if (!existsSync(WASM)) {
    const r = spawnSync(process.execPath, [resolve(import.meta.dirname, '../../scripts/build-wasm.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build:wasm failed');
  }
  module = new WebAssembly.Module(readFileSync(WASM));
}, 180_000);

interface Harness {
  bridge: WasmBridge;
  reports: Record<string, unknown>[];
  configs: WasmWebSocketConfig[];
  pair: LoopbackPair;
  until(event: string): Promise<Record<string, unknown>[]>;
}

async function harness(connect?: (c: WasmWebSocketConfig) => Promise<TransportPair>): Promise<Harness> {
  const reports: Record<string, unknown>[] = [];
  const configs: WasmWebSocketConfig[] = [];
  const pair = new LoopbackPair();
  const bridge = await WasmBridge.instantiate(module, {
    connect:
      connect ??
      (async (config) => {
        configs.push(config);
        return { sender: pair, receiver: pair };
      }),
    onReport: (text) => reports.push(JSON.parse(text) as Record<string, unknown>),
    onPanic: () => undefined,
  });
  const until = async (event: string): Promise<Record<string, unknown>[]> => {
    while (!reports.some((r) => r['event'] === event) && bridge.failure === undefined) {
      await new Promise((r) => setTimeout(r, 1));
    }
    return reports;
  };
  return { bridge, reports, configs, pair, until };
}

test('frames survive wasm memory growth between deliveries, in order', async () => {
  const h = await harness();
  let grown = 0;
  h.pair.beforeEcho = () => {
    // Every 500th echo, grow linear memory by 2 MiB (as a Rust allocation would): every
    // earlier `memory.buffer` view is detached from here on.
    if (h.pair.sent.length % 500 === 0 && grown < 8) {
      h.bridge.memory.grow(32);
      grown += 1;
    }
  };
  const before = h.bridge.memoryBytes;
  h.bridge.start('mode=stream relay=0 n=5000 window=64 url=ws://in-memory/');
  const reports = await h.until('end');
  expect(h.bridge.failure).toBeUndefined();
  expect(grown).toBeGreaterThan(0);
  expect(h.bridge.memoryBytes).toBeGreaterThan(before);
  expect(reports.find((r) => r['event'] === 'stream_done')).toEqual(
    expect.objectContaining({ sent: 5000, answers: 5000, in_order: true }),
  );
  expect(h.pair.sent.map((f) => Number(new DataView(f.buffer, f.byteOffset + f.length - 8).getBigInt64(0)))).toEqual(
    Array.from({ length: 5000 }, (_, i) => i),
  );
  expect(h.pair.closed).toEqual({ code: 1000, reason: '' });
  expect(h.bridge.connectionCount).toBe(0);
});

test('the transport config carries the Rust settings and the bridge source', async () => {
  const h = await harness();
  h.bridge.start('mode=close code=4002 reason=ok hwm=4096 timeout=1234 url=ws://in-memory/x');
  await h.until('end');
  expect(h.configs).toEqual([
    {
      source: 'clasp-wasm-bridge',
      url: 'ws://in-memory/x',
      subprotocol: 'clasp',
      connectionTimeout: 1234,
      highWaterMark: 4096,
      name: 'rust-wasm-example',
    },
  ]);
  expect(h.pair.closed).toEqual({ code: 4002, reason: 'ok' });
  expect(h.reports.filter((r) => r['event'] === 'disconnected')).toEqual([
    { event: 'disconnected', code: 4002, reason: 'ok', clean: true },
  ]);
});

test('a failing connect becomes the TransportError the client reports', async () => {
  const h = await harness(() => Promise.reject(new TransportError('ConnectTimeout', 'no answer', 'check the relay')));
  h.bridge.start('mode=stream url=ws://10.0.0.1/');
  const reports = await h.until('connect_error');
  expect(reports.find((r) => r['event'] === 'connect_error')).toEqual({
    event: 'connect_error',
    variant: 'Timeout',
    error: 'timeout connecting to ws://10.0.0.1/',
  });
  expect(h.bridge.connectionCount).toBe(0);
});

test('a throwing onReport never unwinds into wasm', async () => {
  let calls = 0;
  const pair = new LoopbackPair();
  const bridge = await WasmBridge.instantiate(module, {
    connect: async () => ({ sender: pair, receiver: pair }),
    onReport: () => {
      calls += 1;
      throw new Error('callback bug');
    },
  });
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    bridge.start('mode=stream relay=0 n=100 url=ws://in-memory/');
    while (pair.closed === undefined) await new Promise((r) => setTimeout(r, 1));
  } finally {
    console.warn = warn;
  }
  expect(bridge.failure).toBeUndefined();
  expect(calls).toBeGreaterThanOrEqual(3);
});

test('a panic resolves `failed` with the message, releases the transport and stops the instance', async () => {
  const h = await harness();
  h.bridge.start('mode=panic msg=unit url=ws://in-memory/');
  const error = await h.bridge.failed;
  expect(error.name).toBe('WasmPanicError');
  expect(error.panicMessage).toContain('example panic: unit');
  expect(error.cause).toBeInstanceOf(WebAssembly.RuntimeError);
  expect(h.pair.closed).toEqual({ code: 4000, reason: 'wasm client panicked' });
  expect(h.bridge.connectionCount).toBe(0);
  h.bridge.start('mode=stream url=ws://in-memory/');
  await new Promise((r) => setTimeout(r, 10));
  expect(h.configs).toHaveLength(1);
});

test('a module without the bridge exports is refused', async () => {
  // (module (memory (export "memory") 1))
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 109, 101, 109, 111, 114, 121, 2, 0]);
  await expect(WasmBridge.instantiate(bytes)).rejects.toThrow(/not a wasm-bridge module: no export clasp_alloc/);
});
