/**
 * `npm run bench:devtools`: what the CLASP DevTools extension costs a page, measured in the same run.
 *
 * 1. Throughput: a page sends N CLASP SET frames (44 B) over a WebSocket to a local echo server, with
 *    bufferedAmount backpressure, and waits for all N echoes (2N captured frames). Timed in three
 *    Chromium instances, interleaved, median of R rounds each:
 *    - baseline: no extension;
 *    - extension installed, DevTools closed (the everyday case: hook + relay backlog only);
 *    - extension with the CLASP panel open and streaming (worst case).
 * 2. Panel under load (the panel run): every one of the 2N frames must reach the panel
 *    (`frames_lost` = 2N − frames in the panel, over all rounds), longest task in the panel
 *    (PerformanceObserver 'longtask'), and the panel's JS heap after the last round.
 *
 * Last line: `BENCH devtools throughput_ratio=<closed/baseline> throughput_ratio_panel=<open/baseline>
 * frames_lost=<n> max_long_task_ms=<ms> panel_heap_mb=<MB> frames=<2N>`.
 * The extension is built first if dist-ext/ is missing or stale.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { WebSocketServer } from 'ws';
import { encode } from '../src/protocol/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/browser.js';
import { EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../test/support/devtools-panel.js';

const N = Number(process.env['BENCH_FRAMES'] ?? 50_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const FRAME = encode({ type: 'SET', address: '/bench/level', value: 0.5, revision: 1n });

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title><script>
const FRAME = new Uint8Array([${[...FRAME].join(',')}]);
window.run = (url, n) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, 'clasp');
  ws.binaryType = 'arraybuffer';
  let got = 0, sent = 0, t0 = 0;
  ws.onerror = () => reject(new Error('socket error'));
  ws.onmessage = () => { if (++got === n) { const ms = performance.now() - t0; ws.close(); resolve(ms); } };
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

async function main(): Promise<void> {
  ensureExtensionBuilt();
  const servers = await startServers();
  const baseline: Browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  let closedExt: ExtensionBrowser | undefined;
  let panelExt: ExtensionBrowser | undefined;
  try {
    closedExt = await launchWithExtension();
    panelExt = await launchWithExtension();
    const pBase = await baseline.newPage();
    const pClosed = await closedExt.browser.newPage();
    const pPanel = await panelExt.browser.newPage();
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
    const times = { base: [] as number[], closed: [] as number[], panel: [] as number[] };
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      times.base.push(await timeRun(pBase, servers.pageUrl, servers.wsUrl));
      times.closed.push(await timeRun(pClosed, servers.pageUrl, servers.wsUrl));
      times.panel.push(await timeRun(pPanel, servers.pageUrl, servers.wsUrl)); // the reload clears the panel (no preserve log)
      let seen = 0;
      for (let i = 0; i < 300 && seen < 2 * N; i++) {
        await new Promise((r) => setTimeout(r, 100));
        seen = await panelFrames(panel);
      }
      lost += 2 * N - seen;
      console.log(`round ${round + 1}: baseline ${times.base.at(-1)!.toFixed(0)} ms, extension ${times.closed.at(-1)!.toFixed(0)} ms, with panel ${times.panel.at(-1)!.toFixed(0)} ms; panel shows ${seen}/${2 * N} frames`);
    }
    const maxLongTask = await panel.evaluate(() => (window as unknown as { maxLongTask: number }).maxLongTask);
    const heapMb = await panel.evaluate(() => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 2 ** 20);
    const rate = (ms: number): number => (2 * N) / (ms / 1000);
    const base = median(times.base);
    const closed = median(times.closed);
    const open = median(times.panel);
    console.log(`\n| setup | median time for ${N} frames echoed | frames/s (both directions) | ratio |`);
    console.log('|---|---|---|---|');
    console.log(`| no extension | ${base.toFixed(0)} ms | ${rate(base).toFixed(0)} | 1.00 |`);
    console.log(`| extension, DevTools closed | ${closed.toFixed(0)} ms | ${rate(closed).toFixed(0)} | ${(base / closed).toFixed(2)} |`);
    console.log(`| extension, CLASP panel open | ${open.toFixed(0)} ms | ${rate(open).toFixed(0)} | ${(base / open).toFixed(2)} |`);
    console.log(`\npanel: ${2 * N} frames per round, lost ${lost}, longest task ${maxLongTask.toFixed(0)} ms, JS heap ${heapMb.toFixed(1)} MiB (extension: ${EXTENSION_DIR.split('/').slice(-1)[0]})`);
    console.log(
      `BENCH devtools throughput_ratio=${(base / closed).toFixed(3)} throughput_ratio_panel=${(base / open).toFixed(3)} frames_lost=${lost} max_long_task_ms=${maxLongTask.toFixed(0)} panel_heap_mb=${heapMb.toFixed(1)} frames=${2 * N} rounds=${ROUNDS}`,
    );
  } finally {
    await baseline.close().catch(() => undefined);
    await closedExt?.close();
    await panelExt?.close();
    await servers.close();
  }
}

await main();
