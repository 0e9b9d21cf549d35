/**
 * `npm run bench:devtools`: what the CLASP DevTools extension costs a page, measured in the same run.
 *
 * 1. Throughput: a page sends N CLASP SET frames (44 B) over a WebSocket to a local echo server, with
 *    bufferedAmount backpressure, and waits for all N echoes (2N captured frames), reading each
 *    echo's payload as any client does (its length; the total is checked). Four Chromium instances:
 *    - baseline: no extension, DevTools closed;
 *    - extension installed, DevTools closed (the everyday case: hook + relay backlog only);
 *    - no extension, DevTools open: what Chrome's own DevTools costs (it records every WebSocket
 *      frame for its Network panel whatever panel is shown), so the next line can be read;
 *    - extension with the CLASP panel open and streaming (worst case; every frame must reach it).
 *    R rounds, each running the four once after a 1 s pause each, in the orders of a Williams square
 *    (every setup in every position, after every other one equally often); each setup's median time. Run-to-run spread on this
 *    2-core machine is ±10 %, so many short rounds (default 8 × 25 000 echoes) estimate the ratio
 *    better than a few long ones; the same design with a second baseline browser gives 0.98–1.00.
 * 2. Panel under load: P more rounds of 50 000 echoes (100 000 frames each) with the panel open.
 *    Every frame of every panel round must reach the panel (`frames_lost` = frames sent − frames in
 *    the panel, phases 1 and 2); longest task in the panel over both phases by PerformanceObserver
 *    'longtask' (wall clock: includes time the OS gave the core to others); then one extra, untimed
 *    100 000-frame round under a Chrome trace for the panel's longest task in thread CPU time (see
 *    bench-devtools-trace.ts); the panel's JS heap after a forced GC (CDP), with its caps.
 *
 * Last line: `BENCH devtools throughput_ratio=<closed/baseline> throughput_ratio_panel=<open/baseline>
 * throughput_ratio_panel_vs_devtools=<open/devtools-open-no-ext> frames_lost=<n> max_long_task_ms=<wall ms>
 * max_task_cpu_ms=<cpu ms> panel_heap_mb=<MB> frames=<2N> rounds=<R> panel_rounds=<P>`.
 * BENCH_ROUNDS (R, default 8), BENCH_FRAMES (N, default 25 000), BENCH_PANEL_ROUNDS (P, default 2),
 * BENCH_BUDGET_S (default 300: no Williams round starts after it, though at least 2 run; no untraced
 * panel round starts 60 s after it);
 * BENCH_QUICK=1 for 4 rounds of 15 000, 1 panel round and a 150 s budget.
 * The extension is built first if dist-ext/ is missing or stale. Its browsers are killed when the
 * bench is stopped from outside (SIGINT/SIGTERM, see test/support/browser-cleanup.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer-core';
import { WebSocketServer } from 'ws';
import { encode } from '../src/protocol/index.js';
import { MAX_PANEL_FRAMES } from '../extension/shared/limits.js';
import { panelHeapMb, waitForPanel } from './bench-devtools-support.js';
import { traceExtensionTasks } from './bench-devtools-trace.js';
import { EXTENSION_DIR, ensureExtensionBuilt, launchPuppeteer, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../test/support/devtools-panel.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const N = Number(process.env['BENCH_FRAMES'] ?? (QUICK ? 15_000 : 25_000));
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? (QUICK ? 4 : 8));
const PANEL_ROUNDS = Number(process.env['BENCH_PANEL_ROUNDS'] ?? (QUICK ? 1 : 2));
/**
 * Time for the timed rounds, in seconds: rounds left when it runs out are skipped (the BENCH line
 * says how many ran), so the whole bench ends well within 10 minutes on a loaded machine.
 */
const BUDGET_S = Number(process.env['BENCH_BUDGET_S'] ?? (QUICK ? 150 : 300));
/** Echoes per panel round: 100 000 frames in the panel. */
const PANEL_N = 50_000;
/**
 * Run orders of the four setups, one per round in turn: a Williams square, in which every setup
 * runs once in each position and follows every other setup exactly once, so no setup always pays
 * for the work its predecessor leaves behind (sockets closing, GC, a DevTools front end catching up).
 */
const WILLIAMS_ORDER = [
  [0, 1, 3, 2],
  [1, 2, 0, 3],
  [2, 3, 1, 0],
  [3, 0, 2, 1],
] as const;
/** Quiet time before each timed run, for the same reason. */
const SETTLE_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const FRAME = encode({ type: 'SET', address: '/bench/level', value: 0.5, revision: 1n });

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title><script>
const FRAME = new Uint8Array([${[...FRAME].join(',')}]);
window.run = (url, n) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, 'clasp');
  ws.binaryType = 'arraybuffer';
  let got = 0, sent = 0, t0 = 0, bytes = 0;
  ws.onerror = () => reject(new Error('socket error'));
  // Like any real client, the page reads what it receives (here only its length): a page that never
  // touches event.data never materialises the payloads, and the hook would pay that alone.
  ws.onmessage = (event) => {
    bytes += event.data.byteLength;
    if (++got < n) return;
    const ms = performance.now() - t0;
    ws.close();
    if (bytes === n * FRAME.length) resolve(ms); else reject(new Error('echoed ' + bytes + ' bytes, expected ' + n * FRAME.length));
  };
  const pump = () => {
    while (sent < n && ws.bufferedAmount < 1 << 20) { ws.send(FRAME); sent++; }
    if (sent < n) setTimeout(pump, 0);
  };
  ws.onopen = () => { t0 = performance.now(); pump(); };
});
</script>`;

async function startServers(): Promise<{ pageUrl: string; wsUrl: string; close(): Promise<void> }> {
  const http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'clasp' });
  await new Promise<void>((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (data: Buffer) => ws.send(data)));
  return {
    pageUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    wsUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

async function timeRun(page: Page, pageUrl: string, wsUrl: string, n = N): Promise<number> {
  await page.goto(pageUrl);
  return page.evaluate((url, count) => (window as unknown as { run(u: string, n: number): Promise<number> }).run(url, count), wsUrl, n);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  ensureExtensionBuilt();
  const servers = await startServers();
  const started = Date.now();
  let baseline: ExtensionBrowser | undefined;
  let closedExt: ExtensionBrowser | undefined;
  let panelExt: ExtensionBrowser | undefined;
  let devtoolsOnly: ExtensionBrowser | undefined;
  try {
    baseline = await launchPuppeteer();
    devtoolsOnly = await launchPuppeteer();
    closedExt = await launchWithExtension();
    panelExt = await launchWithExtension();
    const pBase = await baseline.browser.newPage();
    const pClosed = await closedExt.browser.newPage();
    const pPanel = await panelExt.browser.newPage();
    const pDevtools = await devtoolsOnly.browser.newPage();
    await pDevtools.goto(servers.pageUrl);
    await pDevtools.openDevTools();
    await pPanel.goto(servers.pageUrl);
    const { panel } = await openClaspPanel(pPanel);
    await panel.evaluate(() => {
      const w = window as unknown as { maxLongTask: number };
      w.maxLongTask = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.maxLongTask = Math.max(w.maxLongTask, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    for (const page of [pBase, pClosed, pDevtools]) await timeRun(page, servers.pageUrl, servers.wsUrl); // warm-up (JIT, sockets)
    const setups = [
      { name: 'baseline', page: pBase, times: [] as number[] },
      { name: 'extension', page: pClosed, times: [] as number[] },
      { name: 'DevTools open', page: pDevtools, times: [] as number[] },
      { name: 'with panel', page: pPanel, times: [] as number[] },
    ];
    let lost = 0;
    let sent = 0;
    /** Waits for the panel to show the `expected` frames of a run; counts what it lacks as lost. */
    const panelShows = async (expected: number): Promise<number> => {
      const seen = await waitForPanel(panel, expected);
      lost += expected - seen;
      sent += expected;
      return seen;
    };
    let rounds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Past the budget, stop (after 2 rounds at least): on a very loaded machine a whole Williams
      // square can take longer than the budget, and the bench must still end within 10 minutes.
      if ((Date.now() - started) / 1000 > BUDGET_S && round >= 2) {
        console.log(`time budget of ${BUDGET_S} s spent: ${round} of ${ROUNDS} rounds run`);
        break;
      }
      rounds += 1;
      const line: string[] = [];
      for (const index of WILLIAMS_ORDER[round % WILLIAMS_ORDER.length]!) {
        const setup = setups[index]!;
        await sleep(SETTLE_MS);
        setup.times.push(await timeRun(setup.page, servers.pageUrl, servers.wsUrl)); // a reload also clears the panel (no preserve log)
        line.push(`${setup.name} ${setup.times.at(-1)!.toFixed(0)} ms`);
        if (setup.page === pPanel) {
          const seen = await panelShows(2 * N);
          line.push(`panel shows ${seen}/${2 * N} frames`);
        }
      }
      console.log(`round ${round + 1}: ${line.join(', ')}`);
    }
    let panelRounds = 0;
    for (let round = 0; round < PANEL_ROUNDS; round++) {
      if ((Date.now() - started) / 1000 > BUDGET_S + 60) {
        console.log(`time budget spent: ${round} of ${PANEL_ROUNDS} untraced panel rounds run`);
        break;
      }
      panelRounds += 1;
      const ms = await timeRun(pPanel, servers.pageUrl, servers.wsUrl, PANEL_N);
      const seen = await panelShows(2 * PANEL_N);
      console.log(`panel round ${round + 1}: ${2 * PANEL_N} frames in ${ms.toFixed(0)} ms, panel shows ${seen}`);
    }
    const maxLongTask = await panel.evaluate(() => (window as unknown as { maxLongTask: number }).maxLongTask);
    // Untimed round under a trace: the panel's longest task in CPU time, not counting preemption.
    let tracedSeen = 0;
    const traced = await traceExtensionTasks(panelExt.browser, async () => {
      await timeRun(pPanel, servers.pageUrl, servers.wsUrl, PANEL_N);
      tracedSeen = await panelShows(2 * PANEL_N);
    });
    const heapMb = await panelHeapMb(panel);
    // Every frame must also arrive intact: the bench sends only SETs, so any other type in the
    // panel's type filter (`error`, `binary`) means bytes were lost or corrupted on the way.
    const types = await panel.$$eval('.type-list input[data-type]', (inputs) => inputs.map((i) => (i as HTMLInputElement).dataset['type'] ?? ''));
    if (types.join() !== 'SET') throw new Error(`the panel decoded other types than SET: ${types.join(', ')}`);
    const rate = (ms: number): number => (2 * N) / (ms / 1000);
    const [base, closed, devtools, open] = setups.map((setup) => median(setup.times)) as [number, number, number, number];
    const spread = (xs: number[]): string => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `${sorted[Math.floor((sorted.length - 1) / 4)]!.toFixed(0)}–${sorted[Math.ceil((3 * (sorted.length - 1)) / 4)]!.toFixed(0)} ms`;
    };
    console.log(`\n| setup | median time for ${N} frames echoed (${rounds} rounds) | quartiles | frames/s (both directions) | ratio |`);
    console.log('|---|---|---|---|---|');
    const row = (name: string, ms: number, times: number[], ratio: string): void => console.log(`| ${name} | ${ms.toFixed(0)} ms | ${spread(times)} | ${rate(ms).toFixed(0)} | ${ratio} |`);
    row('no extension', base, setups[0]!.times, '1.00');
    row('extension, DevTools closed', closed, setups[1]!.times, (base / closed).toFixed(2));
    row('no extension, DevTools open', devtools, setups[2]!.times, (base / devtools).toFixed(2));
    row('extension, CLASP panel open', open, setups[3]!.times, `${(base / open).toFixed(2)} (${(devtools / open).toFixed(2)} of DevTools open)`);
    console.log(`\npanel: ${sent} frames in ${rounds} rounds of ${2 * N} and ${panelRounds + 1} of ${2 * PANEL_N} (the last one traced), lost ${lost}, all decoded as ${types.join()}`);
    console.log(`panel longest task: ${maxLongTask.toFixed(0)} ms wall clock (PerformanceObserver, all untraced rounds); traced round: ${traced.panel.maxCpuMs.toFixed(1)} ms CPU / ${traced.panel.maxWallMs.toFixed(0)} ms wall, ${traced.panel.over50CpuMs} of ${traced.panel.tasks} tasks over 50 ms CPU`);
    console.log(`service worker longest task (traced round): ${traced.worker.maxCpuMs.toFixed(1)} ms CPU / ${traced.worker.maxWallMs.toFixed(0)} ms wall`);
    console.log(`panel JS heap after GC: ${heapMb.toFixed(1)} MiB holding ${tracedSeen} frames (cap ${MAX_PANEL_FRAMES}) (extension: ${EXTENSION_DIR.split('/').slice(-1)[0]})`);
    console.log(
      `BENCH devtools throughput_ratio=${(base / closed).toFixed(3)} throughput_ratio_panel=${(base / open).toFixed(3)} throughput_ratio_panel_vs_devtools=${(devtools / open).toFixed(3)} frames_lost=${lost} max_long_task_ms=${maxLongTask.toFixed(0)} max_task_cpu_ms=${traced.panel.maxCpuMs.toFixed(1)} panel_heap_mb=${heapMb.toFixed(1)} frames=${2 * N} rounds=${rounds} panel_rounds=${panelRounds} bench_s=${((Date.now() - started) / 1000).toFixed(0)}`,
    );
  } finally {
    await baseline?.close();
    await devtoolsOnly?.close();
    await closedExt?.close();
    await panelExt?.close();
    await servers.close();
  }
}

await main();
