/**
 * Browser half of test/browser/wasm*.test.ts and the wasm benchmark: runs the example Rust client
 * (wasm-bridge/target/clasp_example.wasm) through src/wasm on the real transport, and collects
 * its reports, panics and memory samples for the test to read.
 */
import { WasmBridge, type WasmPanicError } from '../../../src/wasm/index.js';
import { LoopbackPair } from '../../support/loopback-transport.js';
import { rawStream, tsLoopback, tsStream } from './ts-client.js';

/** One run of the example client. */
export interface WasmRun {
  readonly reports: Record<string, unknown>[];
  /** wasm memory bytes sampled at each `progress` report. */
  readonly memory: number[];
  panic?: string;
  connectionCount(): number;
  memoryBytes(): number;
  dispose(): void;
}

const moduleReady = WebAssembly.compileStreaming(fetch('/wasm-bridge/target/clasp_example.wasm'));
const runs: WasmRun[] = [];

async function start(args: string, loopback = false): Promise<number> {
  const reports: Record<string, unknown>[] = [];
  const memory: number[] = [];
  let bridge: WasmBridge | undefined;
  const run: WasmRun = {
    reports,
    memory,
    connectionCount: () => bridge?.connectionCount ?? 0,
    memoryBytes: () => bridge?.memoryBytes ?? 0,
    dispose: () => bridge?.dispose(),
  };
  bridge = await WasmBridge.instantiate(await moduleReady, {
    ...(loopback ? { connect: async () => {
      const pair = new LoopbackPair(false);
      return { sender: pair, receiver: pair };
    } } : {}),
    onReport: (text) => {
      const report = JSON.parse(text) as Record<string, unknown>;
      reports.push(report);
      if (report['event'] === 'progress') memory.push(bridge?.memoryBytes ?? 0);
    },
    onPanic: (error: WasmPanicError) => {
      run.panic = error.message;
    },
  });
  runs.push(run);
  bridge.start(args);
  return runs.length - 1;
}

/** Rust over the in-memory loopback: SETs per second of `mode=stream relay=0`. */
async function rustLoopback(n: number, window: number): Promise<number> {
  const id = await start(`mode=stream relay=0 n=${n} window=${window} url=ws://loopback/`, true);
  const reports = await waitFor(id, 'end');
  const done = reports.find((r) => r['event'] === 'stream_done');
  if (done?.['answers'] !== n || done['in_order'] !== true) throw new Error(`Rust loopback run incomplete: ${JSON.stringify(done)}`);
  return n / (Number(done['elapsed_us']) / 1e6);
}

/** Resolves once run `id` reported `event` (or panicked), polling on animation frames. */
async function waitFor(id: number, event: string, timeoutMs = 60_000): Promise<Record<string, unknown>[]> {
  const run = runs[id];
  if (run === undefined) throw new Error(`no run ${id}`);
  const started = performance.now();
  while (!run.reports.some((r) => r['event'] === event) && run.panic === undefined) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(`timeout waiting for ${event}; reports: ${JSON.stringify(run.reports.slice(-5))}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return run.reports;
}

const harness = {
  start,
  rustLoopback,
  tsStream,
  rawStream,
  tsLoopback,
  waitFor,
  run: (id: number) => runs[id],
  panic: (id: number) => runs[id]?.panic,
  memory: (id: number) => runs[id]?.memory ?? [],
  connectionCount: (id: number) => runs[id]?.connectionCount() ?? -1,
  memoryBytes: (id: number) => runs[id]?.memoryBytes() ?? -1,
};

export type WasmHarness = typeof harness;
(globalThis as { wasmHarness?: WasmHarness }).wasmHarness = harness;
