/**
 * `npm run bench:wasm`: the Rust client crate (clasp-wasm-client, the example's `bench` mode)
 * through the bridge (src/wasm + wasm-bridge) against a TypeScript client on the same transport
 * and the same development relay, in headless Chromium.
 *
 * Workload (both clients): HELLO, SUBSCRIBE `/bench/**`, then N SETs with at most W unanswered;
 * the relay answers each with the broadcast SET and an ACK (so N frames out, 2N in). Throughput =
 * N / time from the first SET to the last answer (TS: the last ACK; Rust: the last SET seen back
 * through `Clasp::subscribe`, as the client hides ACKs). Then R sequential PING → PONG round
 * trips (Rust: on a raw bridge connection, the client has no PING call).
 * A second pair of rows isolates the bridge: the same SETs over an in-memory loopback transport
 * (each frame comes straight back, no socket), Rust through src/wasm vs TypeScript.
 * A bare browser WebSocket with pre-encoded frames runs the same SET/ACK loop as the ceiling.
 * The clients alternate (TS, Rust, raw, TS, Rust, raw, …) so that machine noise hits both; the median round
 * of each is reported (robust to one lucky or unlucky round on a shared machine). Also the sizes of the example
 * .wasm and of the minimal client (connect, subscribe, set), before and after wasm-opt.
 *
 * Last line: `BENCH wasm throughput_ratio=<rust/ts> wasm_bytes=<n> ...`.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { startRelay } from '../src/relay/index.js';
import { launchChromium, startPageServer } from '../test/support/browser.js';
import { openWasmPage, reportsOf } from '../test/support/wasm-page.js';

const N = Number(process.env['BENCH_N'] ?? 20_000);
const WINDOW = Number(process.env['BENCH_WINDOW'] ?? 256);
const RTT = Number(process.env['BENCH_RTT'] ?? 200);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const N_LOOPBACK = Number(process.env['BENCH_N_LOOPBACK'] ?? 100_000);
const TARGET = resolve(import.meta.dirname, '../wasm-bridge/target');
const WASM = resolve(TARGET, 'clasp_example.wasm');
const MINIMAL = resolve(TARGET, 'clasp_minimal.wasm');
const WASM_PLAIN = resolve(TARGET, 'wasm32-unknown-unknown/release/clasp_example.wasm');
const MINIMAL_PLAIN = resolve(TARGET, 'wasm32-unknown-unknown/release/examples/minimal.wasm');

interface Round {
  readonly msgsPerSec: number;
  readonly rttMeanUs: number;
  readonly rttMinUs: number;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  const wasmBytes = statSync(WASM).size;
  const minimalBytes = statSync(MINIMAL).size;
  const wasmPlain = statSync(WASM_PLAIN).size;
  const minimalPlain = statSync(MINIMAL_PLAIN).size;
  const relay = await startRelay({ host: '127.0.0.1', port: 0 });
  const server = await startPageServer();
  const chromium = await launchChromium();
  try {
    const page = await openWasmPage(chromium, server);
    const rust: Round[] = [];
    const ts: Round[] = [];
    const raw: number[] = [];
    const loopRust: number[] = [];
    const loopTs: number[] = [];
    type H = { wasmHarness: import('../test/browser/pages/wasm-page.js').WasmHarness };
    for (let round = 0; round < ROUNDS; round++) {
      const t = await page.page.evaluate(
        ([url, n, w, r]) =>
          (globalThis as unknown as H).wasmHarness.tsStream(url, n, w, r),
        [relay.url, N, WINDOW, RTT] as const,
      );
      if (t.answers !== N || t.setsIn !== N || !t.inOrder) throw new Error(`TS client run incomplete: ${JSON.stringify(t)}`);
      ts.push({ msgsPerSec: N / (t.elapsedUs / 1e6), rttMeanUs: t.rttMeanUs, rttMinUs: t.rttMinUs });

      const id = await page.start(`mode=bench relay=1 n=${N} window=${WINDOW} rtt=${RTT} url=${relay.url}`);
      const reports = await page.waitFor(id, 'end', 300_000);
      const [done] = reportsOf(reports, 'stream_done');
      const [rtt] = reportsOf(reports, 'rtt');
      if (done?.['answers'] !== N || done['sets_in'] !== N || done['in_order'] !== true || rtt === undefined) {
        throw new Error(`Rust client run incomplete: ${JSON.stringify(reports.slice(-4))}`);
      }
      rust.push({
        msgsPerSec: N / (Number(done['elapsed_us']) / 1e6),
        rttMeanUs: Number(rtt['mean_us']),
        rttMinUs: Number(rtt['min_us']),
      });
      raw.push(
        await page.page.evaluate(
          ([url, n, w]) => (globalThis as unknown as H).wasmHarness.rawStream(url, n, w),
          [relay.url, N, WINDOW] as const,
        ),
      );
      loopTs.push(await page.page.evaluate(([n, w]) => (globalThis as unknown as H).wasmHarness.tsLoopback(n, w), [N_LOOPBACK, WINDOW] as const));
      loopRust.push(await page.page.evaluate(([n, w]) => (globalThis as unknown as H).wasmHarness.rustLoopback(n, w), [N_LOOPBACK, WINDOW] as const));
      console.log(
        `round ${round + 1}: loopback TS ${fmt(loopTs.at(-1) ?? 0)} / Rust ${fmt(loopRust.at(-1) ?? 0)} msg/s; raw WebSocket ${fmt(raw.at(-1) ?? 0)} msg/s, TS ${fmt(ts.at(-1)?.msgsPerSec ?? 0)} msg/s, Rust ${fmt(rust.at(-1)?.msgsPerSec ?? 0)} msg/s`,
      );
    }
    const median = (xs: number[]): number => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    };
    const med = (rs: Round[]): Round => ({
      msgsPerSec: median(rs.map((x) => x.msgsPerSec)),
      rttMeanUs: median(rs.map((x) => x.rttMeanUs)),
      rttMinUs: Math.min(...rs.map((x) => x.rttMinUs)),
    });
    const medianRtt = (rs: Round[]): number => med(rs).rttMeanUs;
    const r = med(rust);
    const t = med(ts);
    const ratio = r.msgsPerSec / t.msgsPerSec;
    const rttRatio = medianRtt(rust) / medianRtt(ts);
    console.log(`\nN=${N} SETs (window ${WINDOW}), ${RTT} round trips, median of ${ROUNDS} alternating rounds\n`);
    console.log('| client | SETs/s (each: 1 out, 2 in) | RTT mean µs | RTT min µs |');
    console.log('|---|---:|---:|---:|');
    console.log(`| TypeScript on WasmWebSocketTransport | ${fmt(t.msgsPerSec)} | ${fmt(medianRtt(ts))} | ${fmt(t.rttMinUs)} |`);
    console.log(`| Rust clasp-wasm-client .wasm via wasm-bridge | ${fmt(r.msgsPerSec)} | ${fmt(medianRtt(rust))} | ${fmt(r.rttMinUs)} |`);
    console.log(`| (ceiling) bare browser WebSocket, pre-encoded frames | ${fmt(median(raw))} | | |`);
    console.log(`| ratio Rust / TS | ${fmt(ratio, 2)} | ${fmt(rttRatio, 2)} | |`);
    const loopRatio = median(loopRust) / median(loopTs);
    console.log(`\nBridge only: ${N_LOOPBACK} SETs over an in-memory loopback (no socket), window ${WINDOW}, median of ${ROUNDS}\n`);
    console.log('| client | SETs/s (1 out, 1 back) |');
    console.log('|---|---:|');
    console.log(`| TypeScript (TS codec) | ${fmt(median(loopTs))} |`);
    console.log(`| Rust .wasm via wasm-bridge (raw transport, clasp-wasm-core) | ${fmt(median(loopRust))} |`);
    console.log(`| ratio Rust / TS | ${fmt(loopRatio, 2)} |`);
    console.log(`\nexample .wasm: ${wasmBytes} bytes after wasm-opt, ${wasmPlain} before (budget 153600)`);
    console.log(`minimal client .wasm: ${minimalBytes} bytes after wasm-opt, ${minimalPlain} before (budget 102400)`);
    console.log(
      `BENCH wasm throughput_ratio=${ratio.toFixed(3)} wasm_bytes=${wasmBytes} minimal_client_bytes=${minimalBytes} ` +
        `wasm_bytes_before_opt=${wasmPlain} minimal_client_bytes_before_opt=${minimalPlain} rust_msgs_per_s=${r.msgsPerSec.toFixed(0)} ` +
        `ts_msgs_per_s=${t.msgsPerSec.toFixed(0)} rust_rtt_us=${medianRtt(rust).toFixed(0)} ts_rtt_us=${medianRtt(ts).toFixed(0)} ` +
        `rtt_ratio=${rttRatio.toFixed(3)} raw_ws_msgs_per_s=${median(raw).toFixed(0)} loopback_ratio=${loopRatio.toFixed(3)} ` +
        `loopback_rust_msgs_per_s=${median(loopRust).toFixed(0)} loopback_ts_msgs_per_s=${median(loopTs).toFixed(0)} n=${N} window=${WINDOW} rounds=${ROUNDS}`,
    );
  } finally {
    await chromium.close();
    await server.close();
    await relay.close();
  }
}

await main();
