/**
 * `npm run bench:transport`: WasmWebSocketTransport against the raw browser WebSocket, in headless
 * Chromium, on the same Node `ws` server, in one run:
 * - one-way send (page → server) and one-way receive (server → page), messages/s;
 * - windowed echo (32 in flight), messages/s;
 * - round trip (one at a time), p50 / p99 in ms.
 * Rounds alternate raw/ours and ours/raw; within a round the two run back to back, so each round gives
 * a paired ratio that cancels slow drift (this machine is shared): the reported ratios are medians of
 * the per-round ratios (with their interquartile range), absolute throughputs are medians over rounds,
 * RTT percentiles are over all samples. The page is cross-origin isolated so that performance.now()
 * has 5 µs resolution instead of 100 µs. `BENCH_ROUNDS=n` (default 20); `BENCH_STREAM=1` adds the
 * WebSocketStream mode. Last line: `BENCH transport ...`.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'vite';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BenchApi } from '../test/browser/pages/bench-transport-page.js';
import { launchChromium, REPO_ROOT } from '../test/support/browser.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 20);
const WITH_STREAM = process.env['BENCH_STREAM'] === '1';
const ONE_WAY_N = 5_000;
const ECHO_N = 2_500;
const ECHO_WINDOW = 32;
const RTT_N = 250;
const SIZE = 16;

/** The benchmark server: `E` echo, `S` count, `T` set the count target, `B` blast n messages. */
async function startBenchServer(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'clasp' });
  wss.on('connection', (ws: WebSocket) => {
    let target = -1;
    let counted = 0;
    const blast = Buffer.alloc(SIZE, 0x42);
    ws.on('message', (data: Buffer) => {
      switch (data[0]) {
        case 0x45: // E
          ws.send(data);
          return;
        case 0x53: // S
          if (++counted === target) ws.send(Buffer.from('D'));
          return;
        case 0x54: // T
          target = data.readUInt32BE(1);
          counted = 0;
          return;
        case 0x42: // B
          for (let i = data.readUInt32BE(1); i > 0; i -= 1) ws.send(blast);
          return;
        default:
      }
    });
  });
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/`, close: () => new Promise((r) => wss.close(() => r())) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

type Who = 'raw' | 'ours' | 'ours-stream';

async function main(): Promise<void> {
  const server = await startBenchServer();
  const vite = await createServer({
    root: REPO_ROOT, configFile: false, logLevel: 'error', clearScreen: false,
    server: {
      host: '127.0.0.1', port: 0, hmr: false, watch: null,
      headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
    },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  await vite.listen();
  const pagePort = (vite.httpServer!.address() as AddressInfo).port;
  const chromium = await launchChromium();
  try {
    const page = await chromium.context.newPage();
    await page.goto(`http://127.0.0.1:${pagePort}/test/browser/pages/bench-transport.html`);
    await page.waitForFunction(() => 'B' in globalThis);
    const isolated = await page.evaluate(() => (globalThis as unknown as { B: BenchApi }).B.isolated());
    const run = (who: Who, test: string, n: number): Promise<number[]> =>
      page.evaluate(([u, w, t, k, win]) => (globalThis as unknown as { B: BenchApi }).B.run(u, w, t, k, win), [server.url, who, test, n, ECHO_WINDOW] as const);

    const only = process.env['BENCH_ONLY']?.split(',');
    const tests = ([['send', ONE_WAY_N], ['recv', ONE_WAY_N], ['echo', ECHO_N], ['rtt', RTT_N]] as [string, number][])
      .filter(([t]) => only === undefined || only.includes(t));
    const whos: Who[] = WITH_STREAM ? ['raw', 'ours', 'ours-stream'] : ['raw', 'ours'];
    const results = new Map<string, number[]>();
    // Warm-up (JIT, connection setup paths), not recorded.
    for (const who of whos) for (const [test, n] of tests) await run(who, test, Math.min(n, 2_000));
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? whos : [...whos].reverse();
      for (const [test, n] of tests) {
        for (const who of order) {
          const key = `${who}/${test}`;
          const values = await run(who, test, n);
          results.set(key, [...(results.get(key) ?? []), ...values]);
          if (test !== 'rtt') process.stderr.write(`  ${key}: ${Math.round(values[0] ?? 0)}\n`);
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
    report(results, isolated);
  } finally {
    await chromium.close();
    await vite.close();
    await server.close();
  }
}

function report(results: Map<string, number[]>, isolated: boolean): void {
  const get = (key: string): number[] => results.get(key) ?? [];
  const rate = (who: Who, test: string): number => median(get(`${who}/${test}`));
  // Per-round pairs: round i of `who` against round i of raw.
  const pairs = (who: Who, test: string): number[] => {
    const raw = get(`raw/${test}`);
    return get(`${who}/${test}`).map((x, i) => x / (raw[i] ?? Number.NaN));
  };
  const ratio = (who: Who, test: string): number => median(pairs(who, test));
  const spread = (who: Who, test: string): string =>
    `${percentile(pairs(who, test), 25).toFixed(2)}–${percentile(pairs(who, test), 75).toFixed(2)}`;
  const rtt = (who: Who, p: number): number => percentile(get(`${who}/rtt`), p);
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  const ms = (x: number): string => x.toFixed(3);
  const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
  console.log(`\nWasmWebSocketTransport vs raw WebSocket, headless Chromium, 16-byte messages, ${ROUNDS} alternating rounds` +
    ` (timer resolution ${isolated ? '5 µs, cross-origin isolated' : '100 µs'})\n`);
  const streamHead = WITH_STREAM ? ' transport (WebSocketStream) | ratio |' : '';
  console.log(`| measure | raw WebSocket | transport | ratio (median of paired rounds) | ratio IQR |${streamHead}`);
  console.log(`|---|---:|---:|---:|---:|${WITH_STREAM ? '---:|---:|' : ''}`);
  for (const [test, label] of [['send', 'one-way send, msg/s'], ['recv', 'one-way receive, msg/s'], ['echo', `echo, window ${ECHO_WINDOW}, msg/s`]] as const) {
    const stream = WITH_STREAM ? ` ${fmt(rate('ours-stream', test))} | ${ratio('ours-stream', test).toFixed(3)} |` : '';
    console.log(`| ${label} | ${fmt(rate('raw', test))} | ${fmt(rate('ours', test))} | ${ratio('ours', test).toFixed(3)} | ${spread('ours', test)} |${stream}`);
  }
  for (const p of [50, 99]) {
    const raw = rtt('raw', p);
    const stream = WITH_STREAM ? ` ${ms(rtt('ours-stream', p))} | ${signed(rtt('ours-stream', p) - raw)} |` : '';
    console.log(`| round trip p${p}, ms | ${ms(raw)} | ${ms(rtt('ours', p))} | ${signed(rtt('ours', p) - raw)} | |${stream}`);
  }
  const ratios = ['send', 'recv', 'echo'].map((t) => ratio('ours', t));
  console.log(
    `\nBENCH transport throughput_ratio=${Math.min(...ratios).toFixed(3)} rtt_p50_delta_ms=${(rtt('ours', 50) - rtt('raw', 50)).toFixed(3)}` +
      ` rtt_p99_delta_ms=${(rtt('ours', 99) - rtt('raw', 99)).toFixed(3)} send_ratio=${(ratios[0] ?? 0).toFixed(3)}` +
      ` recv_ratio=${(ratios[1] ?? 0).toFixed(3)} echo_ratio=${(ratios[2] ?? 0).toFixed(3)}` +
      ` raw_send_msgs_per_s=${Math.round(rate('raw', 'send'))} raw_rtt_p50_ms=${rtt('raw', 50).toFixed(3)} rounds=${ROUNDS}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
