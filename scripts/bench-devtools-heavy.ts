/**
 * `npm run bench:devtools-heavy`: the CLASP DevTools extension under heavy pages.
 *
 * (a) Many connections: with the CLASP panel open, a page reports 10 000 connections with one
 *     frame each through `__CLASP_DEVTOOLS_HOOK__` (a reconnecting client over a long session).
 *     Time from the first report until the panel lists all 10 000 frames, and the panel's JS heap
 *     after a forced GC. `conn_list_s`.
 * (b) Memory with DevTools closed: a page receives 200 × 1 MiB binary frames, then (fresh load)
 *     60 × 8 Mi-char text frames, reading only their length. Growth of the page's renderer memory
 *     (Pss of its renderer processes after a forced GC, before vs after the traffic) with the
 *     extension minus the same growth without it. `page_mem_delta_mb`, `text_mem_delta_mb`. The
 *     same difference of what V8 retains (JS heap + ArrayBuffer backing stores, CDP
 *     `Runtime.getHeapUsage`) is printed too (`page_v8_delta_mb`, `text_v8_delta_mb`): process
 *     memory also holds allocator pages freed but not yet returned, which move by tens of MiB from
 *     one run to the next on a loaded machine.
 * (d) What every page pays, DevTools closed: page load time (the navigation's loadEventEnd) and
 *     the rate of 2 000 request–response echoes of a CLASP SET, median of 10 alternating rounds,
 *     with and without the extension (the figures in docs/devtools.md's security section).
 * (c) Large frames with the panel open: the page receives 64 × 1 MiB binary frames. The page's
 *     longest task in thread CPU time, from a Chrome trace of its renderer's main thread
 *     (`big_frame_longest_task_ms`; the wall-clock figures, which on a loaded machine include time
 *     the page waited for a core, are printed beside it), with the extension and for comparison
 *     without it; time from the request until the panel lists all 64 (`big_frame_list_s`), and
 *     how much of it the page itself took to receive them (`big_frame_stream_s`).
 *
 * Targets (issue 13): conn_list_s ≤ 10, page_mem_delta_mb ≤ 40, text_mem_delta_mb ≤ 40,
 * big_frame_longest_task_ms ≤ 50, big_frame_list_s ≤ 5. A target that is missed is printed as such;
 * the bench still prints every figure. Last line:
 * `BENCH devtools-heavy conn_list_s=… page_mem_delta_mb=… text_mem_delta_mb=… big_frame_longest_task_ms=… big_frame_list_s=…`.
 *
 * BENCH_QUICK=1 sends 100 binary and 16 text frames instead of 200 and 60 (BENCH_BIG_FRAMES,
 * BENCH_TEXT_FRAMES override);
 * the BENCH line names the counts used. The extension is built first if dist-ext/ is missing or
 * stale. Browsers are killed when the bench
 * is stopped from outside (SIGINT/SIGTERM, test/support/browser-cleanup.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { WebSocketServer } from 'ws';
import { encode } from '../src/protocol/index.js';
import { ensureExtensionBuilt, launchPuppeteer, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../test/support/devtools-panel.js';
import { tracePageTasks } from './bench-devtools-trace.js';
import { collectPageGarbage, pageRendererMb, panelFrames, panelHeapMb, panelStatus, waitForPanel } from './bench-devtools-support.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const CONNECTIONS = 10_000;
const BIG_FRAMES = Number(process.env['BENCH_BIG_FRAMES'] ?? (QUICK ? 100 : 200));
// Chromium itself takes 0.5–4 s per 8 Mi-char message on this loaded 2-core machine (with or
// without the extension), so the quick run sends fewer; the cap under test is hit either way.
const TEXT_FRAMES = Number(process.env['BENCH_TEXT_FRAMES'] ?? (QUICK ? 16 : 60));
const TEXT_CHARS = 8 << 20;
const PANEL_BIG_FRAMES = 64;
const MIB = 1 << 20;
/** Rounds of (d), alternating which browser goes first; echoes per round (one at a time, request–response). */
const COST_ROUNDS = 10;
const ECHOES = 2000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const FRAME = encode({ type: 'SET', address: '/heavy/level', value: 0.5, revision: 1n });

// The page: `recv(url, command)` asks the server for a stream and reads only each message's length;
// `connections(n)` reports n connections with one frame each through the extension's hook.
const PAGE = `<!doctype html><meta charset="utf-8"><title>heavy</title><script>
window.maxLongTask = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.maxLongTask = Math.max(window.maxLongTask, e.duration); }).observe({ type: 'longtask', buffered: true });
window.recv = (url, command) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let n = 0, bytes = 0;
  ws.onerror = () => reject(new Error('socket error'));
  ws.onmessage = (event) => {
    if (event.data === 'done') { ws.close(); resolve({ n, bytes }); return; }
    n += 1;
    bytes += typeof event.data === 'string' ? event.data.length : event.data.byteLength;
  };
  ws.onopen = () => ws.send(command);
});
const FRAME = new Uint8Array([${[...FRAME].join(',')}]);
window.echo = (url, n) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let got = 0, t0 = 0;
  ws.onerror = () => reject(new Error('socket error'));
  ws.onmessage = (event) => {
    if (typeof event.data === 'string') return;
    if (++got < n) return ws.send(FRAME);
    ws.close();
    resolve(performance.now() - t0);
  };
  ws.onopen = () => { ws.send('echo'); t0 = performance.now(); ws.send(FRAME); };
});
window.connections = (n) => {
  const hook = window.__CLASP_DEVTOOLS_HOOK__;
  if (hook === undefined) throw new Error('no hook: the extension did not run');
  const t = Date.now();
  for (let i = 0; i < n; i++) {
    const id = 'c' + i;
    hook.emit({ kind: 'connection', id, time: t, url: 'wss://relay.test/session/' + i, protocols: ['clasp'], source: 'bench', attempt: i });
    hook.emit({ kind: 'frame', id, time: t, direction: 'in', data: FRAME });
  }
};
</script>`;

async function startServers(): Promise<{ pageUrl: string; wsUrl: string; close(): Promise<void> }> {
  const http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', r));
  const binary = Buffer.alloc(MIB, 0x5a);
  const text = 'x'.repeat(TEXT_CHARS);
  const echoing = new WeakSet<object>();
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      if (echoing.has(ws)) return void ws.send(data, { binary: true });
      if (String(data) === 'echo') return void echoing.add(ws);
      const [kind, count] = String(data).split(' ');
      const n = Number(count);
      // Sent with backpressure, one message after the other's callback: a receiver that falls
      // behind slows the sender instead of growing the server's queue.
      let sent = 0;
      const next = (): void => {
        if (sent === n) return ws.send('done');
        sent += 1;
        ws.send(kind === 'text' ? text : binary, { binary: kind !== 'text' }, next);
      };
      next();
    }),
  );
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

function browserPid(browser: Browser): number {
  const pid = browser.process()?.pid;
  if (pid === undefined) throw new Error('no browser process');
  return pid;
}

/** Memory growth of one page load under `command`, in MiB (after forced GCs, settled): renderer processes' Pss and V8's heap + buffers. */
async function growthMb(browser: Browser, pageUrl: string, wsUrl: string, command: string): Promise<{ process: number; v8: number }> {
  // A tab of its own, and every other tab closed first: their renderers exit, so the "before"
  // figure holds no leftovers of an earlier load that would be freed during the measurement.
  for (const other of await browser.pages()) await other.close();
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const v8Before = await collectPageGarbage(page);
  await sleep(1000);
  const before = pageRendererMb(browserPid(browser));
  const t0 = Date.now();
  const result = await page.evaluate((url, c) => (window as unknown as { recv(u: string, c: string): Promise<{ n: number }> }).recv(url, c), wsUrl, command);
  const seconds = (Date.now() - t0) / 1000;
  await sleep(500); // the hook's last batch and the relay's bookkeeping
  await collectPageGarbage(page);
  await sleep(1500);
  const v8After = await collectPageGarbage(page);
  const after = pageRendererMb(browserPid(browser));
  await page.close();
  console.log(`  ${command}: ${result.n} messages in ${seconds.toFixed(1)} s, renderer Pss ${before.toFixed(1)} → ${after.toFixed(1)} MiB, V8 heap + buffers ${v8Before.toFixed(1)} → ${v8After.toFixed(1)} MiB`);
  return { process: after - before, v8: v8After - v8Before };
}

async function main(): Promise<void> {
  ensureExtensionBuilt();
  const servers = await startServers();
  const started = Date.now();
  let plain: ExtensionBrowser | undefined;
  let closedExt: ExtensionBrowser | undefined;
  let panelExt: ExtensionBrowser | undefined;
  try {
    plain = await launchPuppeteer();
    closedExt = await launchWithExtension();
    // (b) DevTools closed: growth with the extension minus growth without, per stream.
    console.log('(b) page memory, DevTools closed');
    const binBase = await growthMb(plain.browser, servers.pageUrl, servers.wsUrl, `bin ${BIG_FRAMES}`);
    const binExt = await growthMb(closedExt.browser, servers.pageUrl, servers.wsUrl, `bin ${BIG_FRAMES}`);
    const textBase = await growthMb(plain.browser, servers.pageUrl, servers.wsUrl, `text ${TEXT_FRAMES}`);
    const textExt = await growthMb(closedExt.browser, servers.pageUrl, servers.wsUrl, `text ${TEXT_FRAMES}`);
    const pPlain = await plain.browser.newPage();
    const pClosed = await closedExt.browser.newPage();
    const pageMemDelta = binExt.process - binBase.process;
    const textMemDelta = textExt.process - textBase.process;
    const growth = (ext: { process: number; v8: number }, base: { process: number; v8: number }): string =>
      `renderer Pss ${ext.process.toFixed(1)} MiB with the extension, ${base.process.toFixed(1)} without → delta ${(ext.process - base.process).toFixed(1)} MiB; V8 heap + buffers ${ext.v8.toFixed(1)} vs ${base.v8.toFixed(1)} → delta ${(ext.v8 - base.v8).toFixed(1)} MiB`;
    console.log(`  ${BIG_FRAMES} × 1 MiB binary: ${growth(binExt, binBase)}`);
    console.log(`  ${TEXT_FRAMES} × 8 Mi chars: ${growth(textExt, textBase)}`);

    // (d) What every page pays with DevTools closed: load time and a WebSocket echo rate.
    console.log('(d) cost to every page, DevTools closed');
    const loads: [number[], number[]] = [[], []];
    const echoes: [number[], number[]] = [[], []];
    for (let round = 0; round < COST_ROUNDS; round++) {
      for (const [i, page] of (round % 2 === 0 ? [[0, pPlain], [1, pClosed]] : [[1, pClosed], [0, pPlain]]) as [0 | 1, Page][]) {
        await page.goto(servers.pageUrl);
        loads[i].push(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd));
        echoes[i].push(await page.evaluate((url, n) => (window as unknown as { echo(u: string, n: number): Promise<number> }).echo(url, n), servers.wsUrl, ECHOES));
      }
    }
    const [loadBase, loadExt] = loads.map(median) as [number, number];
    const [echoBase, echoExt] = echoes.map((ms) => ECHOES / (median(ms) / 1000)) as [number, number];
    console.log(`  page load (median of ${COST_ROUNDS}): ${loadBase.toFixed(1)} ms without, ${loadExt.toFixed(1)} ms with the extension; echo rate of ${ECHOES} CLASP SETs: ${echoBase.toFixed(0)}/s without, ${echoExt.toFixed(0)}/s with (${(echoExt / echoBase).toFixed(2)}×)`);

    // (c) 64 × 1 MiB with the panel open; the same page without the extension for comparison.
    // The page's longest task is taken from a trace (thread CPU time: what the page itself was
    // blocked for, not the time the OS gave its core to others), and by the wall clock.
    console.log('(c) large frames, panel open');
    const bigCommand = `bin ${PANEL_BIG_FRAMES}`;
    const receive = (page: Page): Promise<unknown> => page.evaluate((url, c) => (window as unknown as { recv(u: string, c: string): Promise<unknown> }).recv(url, c), servers.wsUrl, bigCommand);
    await pPlain.goto(servers.pageUrl);
    const plainTrace = await tracePageTasks(plain.browser, async () => void (await receive(pPlain)));
    const plainLongTask = await pPlain.evaluate(() => (window as unknown as { maxLongTask: number }).maxLongTask);
    await plain.close();
    plain = undefined;
    await closedExt.close();
    closedExt = undefined;
    panelExt = await launchWithExtension();
    const pPanel = await panelExt.browser.newPage();
    await pPanel.goto(servers.pageUrl);
    const { panel } = await openClaspPanel(pPanel);
    // The request and the server's closing 'done' are text frames too: the panel lists 64 + 2.
    const bigExpected = PANEL_BIG_FRAMES + 2;
    const bigStart = Date.now();
    let streamS = 0;
    let bigSeen = 0;
    const panelTrace = await tracePageTasks(panelExt.browser, async () => {
      await receive(pPanel);
      streamS = (Date.now() - bigStart) / 1000;
      bigSeen = await waitForPanel(panel, bigExpected, 120_000);
    });
    const bigListS = (Date.now() - bigStart) / 1000;
    const bigLongTaskWall = await pPanel.evaluate(() => (window as unknown as { maxLongTask: number }).maxLongTask);
    const bigLongTask = panelTrace.maxCpuMs;
    console.log(
      `  page longest task with the panel open: ${panelTrace.maxCpuMs.toFixed(1)} ms CPU / ${panelTrace.maxWallMs.toFixed(0)} ms wall (trace), ${bigLongTaskWall.toFixed(0)} ms (longtask); without the extension: ${plainTrace.maxCpuMs.toFixed(1)} ms CPU / ${plainTrace.maxWallMs.toFixed(0)} ms wall, ${plainLongTask.toFixed(0)} ms (longtask)`,
    );
    console.log(`  the page had all ${PANEL_BIG_FRAMES} frames after ${streamS.toFixed(1)} s; the panel listed ${bigSeen}/${bigExpected} frames after ${bigListS.toFixed(1)} s (${(bigListS - streamS).toFixed(1)} s after the page)`);

    // (a) 10 000 connections × 1 frame with the panel open (fresh load: the panel is cleared).
    console.log('(a) many connections, panel open');
    await pPanel.goto(servers.pageUrl);
    for (let i = 0; i < 100 && (await panelFrames(panel)) !== 0; i++) await sleep(100);
    const connStart = Date.now();
    await pPanel.evaluate((n) => (window as unknown as { connections(n: number): void }).connections(n), CONNECTIONS);
    const connSeen = await waitForPanel(panel, CONNECTIONS, 180_000);
    const connListS = (Date.now() - connStart) / 1000;
    const heapMb = await panelHeapMb(panel);
    const status = await panelStatus(panel);
    console.log(`  ${connSeen}/${CONNECTIONS} frames listed after ${connListS.toFixed(1)} s; panel JS heap after GC ${heapMb.toFixed(1)} MiB; status: ${status}`);

    const target = (name: string, value: number, max: number): string => `${name} ${value.toFixed(1)} (target ≤ ${max}: ${value <= max ? 'met' : 'MISSED'})`;
    console.log(
      `\n${[target('conn_list_s', connListS, 10), target('page_mem_delta_mb', pageMemDelta, 40), target('text_mem_delta_mb', textMemDelta, 40), target('big_frame_longest_task_ms', bigLongTask, 50), target('big_frame_list_s', bigListS, 5)].join('\n')}`,
    );
    console.log(`bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(
      `BENCH devtools-heavy conn_list_s=${connListS.toFixed(1)} page_mem_delta_mb=${pageMemDelta.toFixed(1)} text_mem_delta_mb=${textMemDelta.toFixed(1)} big_frame_longest_task_ms=${bigLongTask.toFixed(1)} big_frame_list_s=${bigListS.toFixed(1)} big_frame_stream_s=${streamS.toFixed(1)} big_frame_wall_task_ms=${panelTrace.maxWallMs.toFixed(0)} big_frame_task_ms_base=${plainTrace.maxCpuMs.toFixed(1)} text_frames=${TEXT_FRAMES} big_frames=${BIG_FRAMES} load_ms=${loadExt.toFixed(1)} load_ms_base=${loadBase.toFixed(1)} echo_ratio=${(echoExt / echoBase).toFixed(2)} conn_listed=${connSeen} big_listed=${bigSeen} panel_heap_mb=${heapMb.toFixed(1)} page_v8_delta_mb=${(binExt.v8 - binBase.v8).toFixed(1)} text_v8_delta_mb=${(textExt.v8 - textBase.v8).toFixed(1)}`,
    );
  } finally {
    await plain?.close();
    await closedExt?.close();
    await panelExt?.close();
    await servers.close();
  }
}

await main();
