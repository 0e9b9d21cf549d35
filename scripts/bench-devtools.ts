/**
 * `npm run bench:devtools`: what the CLASP DevTools extension costs a page, measured in the same run.
 *
 * 1. Throughput: a page sends N CLASP SET frames (44 B) over a WebSocket to a local echo server, with
 *    bufferedAmount backpressure, and waits for all N echoes (2N captured frames), reading each
 *    echo's payload as any client does (its length; the total is checked). Timed in four
 *    Chromium instances, interleaved, median of R rounds each:
 *    - baseline: no extension, DevTools closed;
 *    - extension installed, DevTools closed (the everyday case: hook + relay backlog only);
 *    - no extension, DevTools open: what Chrome's own DevTools costs (it records every WebSocket
 *      frame for its Network panel whatever panel is shown), so the next line can be read;
 *    - extension with the CLASP panel open and streaming (worst case).
 * 2. Panel under load (the panel run): every one of the 2N frames must reach the panel
 *    (`frames_lost` = 2N − frames in the panel, over all rounds); longest task in the panel by
 *    PerformanceObserver 'longtask' (wall clock: includes time the OS gave the core to others); then
 *    one extra, untimed round under a Chrome trace for the panel's longest task in thread CPU time
 *    (see bench-devtools-trace.ts); the panel's JS heap after a forced GC (CDP), with its caps.
 *
 * Last line: `BENCH devtools throughput_ratio=<closed/baseline> throughput_ratio_panel=<open/baseline>
 * throughput_ratio_panel_vs_devtools=<open/devtools-open-no-ext> frames_lost=<n> max_long_task_ms=<wall ms>
 * max_task_cpu_ms=<cpu ms> panel_heap_mb=<MB> frames=<2N> rounds=<R>` (R = BENCH_ROUNDS, default 5).
 * The extension is built first if dist-ext/ is missing or stale.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type CDPSession, type Frame, type Page } from 'puppeteer-core';
import { WebSocketServer } from 'ws';
import { encode } from '../src/protocol/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/browser.js';
import { MAX_PANEL_FRAMES } from '../extension/shared/limits.js';
import { traceExtensionTasks } from './bench-devtools-trace.js';
import { EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../test/support/devtools-panel.js';

const N = Number(process.env['BENCH_FRAMES'] ?? 50_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
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

async function timeRun(page: Page, pageUrl: string, wsUrl: string): Promise<number> {
  await page.goto(pageUrl);
  return page.evaluate((url, n) => (window as unknown as { run(u: string, n: number): Promise<number> }).run(url, n), wsUrl, N);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Frames the panel holds, read from its status line (`12,345 frames · …`). */
async function panelFrames(panel: Frame): Promise<number> {
  const text = await panel.$eval('.status .status-text', (s) => s.textContent ?? '');
  return Number(/^([\d,]+) frames/.exec(text)?.[1]?.replace(/,/g, '') ?? 0);
}

/** Waits until the panel shows 2N frames (at most 60 s) and returns how many it shows. */
async function waitForPanel(panel: Frame): Promise<number> {
  let seen = 0;
  for (let i = 0; i < 600 && seen < 2 * N; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await panelFrames(panel);
  }
  return seen;
}

/** The panel's JS heap after a full GC, in MiB: what it retains, read through its own CDP session. */
async function panelHeapMb(panel: Frame): Promise<number> {
  // puppeteer-core 24 keeps the CDP session of an out-of-process frame on `client` (not public API).
  const client = (panel as unknown as { client?: CDPSession }).client;
  if (client === undefined) throw new Error('no CDP session for the panel frame');
  await client.send('HeapProfiler.collectGarbage');
  const { usedSize } = await client.send('Runtime.getHeapUsage');
  return usedSize / 2 ** 20;
}

async function main(): Promise<void> {
  ensureExtensionBuilt();
  const servers = await startServers();
  const baseline: Browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  let closedExt: ExtensionBrowser | undefined;
  let panelExt: ExtensionBrowser | undefined;
  const devtoolsOnly: Browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    closedExt = await launchWithExtension();
    panelExt = await launchWithExtension();
    const pBase = await baseline.newPage();
    const pClosed = await closedExt.browser.newPage();
    const pPanel = await panelExt.browser.newPage();
    const pDevtools = await devtoolsOnly.newPage();
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
    await timeRun(pBase, servers.pageUrl, servers.wsUrl); // warm-up (JIT, sockets)
    await timeRun(pClosed, servers.pageUrl, servers.wsUrl);
    await timeRun(pDevtools, servers.pageUrl, servers.wsUrl);
    const times = { base: [] as number[], closed: [] as number[], devtools: [] as number[], panel: [] as number[] };
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      times.base.push(await timeRun(pBase, servers.pageUrl, servers.wsUrl));
      times.closed.push(await timeRun(pClosed, servers.pageUrl, servers.wsUrl));
      times.devtools.push(await timeRun(pDevtools, servers.pageUrl, servers.wsUrl));
      times.panel.push(await timeRun(pPanel, servers.pageUrl, servers.wsUrl)); // the reload clears the panel (no preserve log)
      const seen = await waitForPanel(panel);
      lost += 2 * N - seen;
      console.log(`round ${round + 1}: baseline ${times.base.at(-1)!.toFixed(0)} ms, extension ${times.closed.at(-1)!.toFixed(0)} ms, DevTools open ${times.devtools.at(-1)!.toFixed(0)} ms, with panel ${times.panel.at(-1)!.toFixed(0)} ms; panel shows ${seen}/${2 * N} frames`);
    }
    const maxLongTask = await panel.evaluate(() => (window as unknown as { maxLongTask: number }).maxLongTask);
    // Untimed round under a trace: the panel's longest task in CPU time, not counting preemption.
    let tracedSeen = 0;
    const traced = await traceExtensionTasks(panelExt.browser, async () => {
      await timeRun(pPanel, servers.pageUrl, servers.wsUrl);
      tracedSeen = await waitForPanel(panel);
    });
    lost += 2 * N - tracedSeen;
    const heapMb = await panelHeapMb(panel);
    // Every frame must also arrive intact: the bench sends only SETs, so any other type in the
    // panel's type filter (`error`, `binary`) means bytes were lost or corrupted on the way.
    const types = await panel.$$eval('.type-list input[data-type]', (inputs) => inputs.map((i) => (i as HTMLInputElement).dataset['type'] ?? ''));
    if (types.join() !== 'SET') throw new Error(`the panel decoded other types than SET: ${types.join(', ')}`);
    const rate = (ms: number): number => (2 * N) / (ms / 1000);
    const base = median(times.base);
    const closed = median(times.closed);
    const open = median(times.panel);
    const devtools = median(times.devtools);
    console.log(`\n| setup | median time for ${N} frames echoed | frames/s (both directions) | ratio |`);
    console.log('|---|---|---|---|');
    console.log(`| no extension | ${base.toFixed(0)} ms | ${rate(base).toFixed(0)} | 1.00 |`);
    console.log(`| extension, DevTools closed | ${closed.toFixed(0)} ms | ${rate(closed).toFixed(0)} | ${(base / closed).toFixed(2)} |`);
    console.log(`| no extension, DevTools open | ${devtools.toFixed(0)} ms | ${rate(devtools).toFixed(0)} | ${(base / devtools).toFixed(2)} |`);
    console.log(`| extension, CLASP panel open | ${open.toFixed(0)} ms | ${rate(open).toFixed(0)} | ${(base / open).toFixed(2)} (${(devtools / open).toFixed(2)} of DevTools open) |`);
    console.log(`\npanel: ${2 * N} frames per round, ${ROUNDS + 1} rounds (the last one traced), lost ${lost}, all decoded as ${types.join()}`);
    console.log(`panel longest task: ${maxLongTask.toFixed(0)} ms wall clock (PerformanceObserver, timed rounds); traced round: ${traced.panel.maxCpuMs.toFixed(1)} ms CPU / ${traced.panel.maxWallMs.toFixed(0)} ms wall, ${traced.panel.over50CpuMs} of ${traced.panel.tasks} tasks over 50 ms CPU`);
    console.log(`service worker longest task (traced round): ${traced.worker.maxCpuMs.toFixed(1)} ms CPU / ${traced.worker.maxWallMs.toFixed(0)} ms wall`);
    console.log(`panel JS heap after GC: ${heapMb.toFixed(1)} MiB holding ${tracedSeen} frames (cap ${MAX_PANEL_FRAMES}) (extension: ${EXTENSION_DIR.split('/').slice(-1)[0]})`);
    console.log(
      `BENCH devtools throughput_ratio=${(base / closed).toFixed(3)} throughput_ratio_panel=${(base / open).toFixed(3)} throughput_ratio_panel_vs_devtools=${(devtools / open).toFixed(3)} frames_lost=${lost} max_long_task_ms=${maxLongTask.toFixed(0)} max_task_cpu_ms=${traced.panel.maxCpuMs.toFixed(1)} panel_heap_mb=${heapMb.toFixed(1)} frames=${2 * N} rounds=${ROUNDS}`,
    );
  } finally {
    await baseline.close().catch(() => undefined);
    await devtoolsOnly.close().catch(() => undefined);
    await closedExt?.close();
    await panelExt?.close();
    await servers.close();
  }
}

await main();
