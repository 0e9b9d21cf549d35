/**
 * The page side of the extension against a hostile page (real headless Chromium, the built
 * extension from dist-ext/):
 * - the page's first script replaces every function and prototype member the hook could touch
 *   (pages/hostile-page.ts): it must neither read the secret event name nor slip forged events into
 *   a batch, and the page's real traffic must still be captured byte for byte;
 * - events the page dispatches on a socket itself (`isTrusted` false) are listed marked as
 *   page-dispatched (message) or as a marked error (close), and a real frame sent after a fake close
 *   is still listed on the open connection; the counters say how many there were.
 *
 * What the relay forwards is read through a stand-in panel port (support/relay-tap.ts): these
 * tests are about what reaches a panel, not how the panel draws it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, type ExtensionBrowser } from '../support/devtools-panel.js';
import { latestStats, listRecords, tapRelays, type RelayTap, type TappedRecord } from '../support/relay-tap.js';
import { hostilePageHtml } from './pages/hostile-page.js';

let http: Server;
let wss: WebSocketServer;
let chromium: ExtensionBrowser;
let page: Page;
let tap: RelayTap;
let records: TappedRecord[] = [];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ensureExtensionBuilt();
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(hostilePageHtml(wsUrl)));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  // CLASP_EXTENSION_DIR: run these tests against another unpacked build (e.g. an older hook).
  chromium = await launchWithExtension(process.env['CLASP_EXTENSION_DIR'] ?? EXTENSION_DIR);
  page = await chromium.browser.newPage();
  await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
  // Everything up to here happened with no panel: the relay keeps it in its since-load buffer.
  await page.waitForFunction(() => (globalThis as unknown as { closeSocket?: unknown }).closeSocket !== undefined);
  await sleep(500);
  await page.evaluate(() => (globalThis as unknown as { closeSocket(): void }).closeSocket());
  await page.evaluate(() => (globalThis as unknown as { done: Promise<void> }).done);
  tap = await tapRelays(chromium.browser);
  for (let i = 0; i < 100; i++) {
    records = listRecords(await tap.messages());
    if (records.some((r) => r.k === 'close')) break;
    await sleep(100);
  }
});

afterAll(async () => {
  await chromium?.close();
  for (const c of wss?.clients ?? []) c.terminate();
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
});

test('the overrides were live, and none of them ever saw the secret name or a batch of the hook', async () => {
  const { leaks, calls } = await page.evaluate(() => {
    const g = globalThis as unknown as { leaks: string[]; attackStats: { calls: number } };
    return { leaks: g.leaks, calls: g.attackStats.calls };
  });
  expect(calls).toBeGreaterThan(0); // the page's own code went through its replacements
  expect(leaks).toEqual([]);
});

test('exactly the real traffic is captured, byte for byte, with nothing forged', () => {
  const real = records.filter((r) => r.page !== true);
  const payload = (r: TappedRecord): string => r.text ?? (r.hex !== undefined && r.hex.length > 40 ? `${r.hex.length / 2} bytes ${r.hex.slice(0, 2)}…` : (r.hex ?? ''));
  expect(real.map((r) => `${r.k} ${r.dir ?? ''} ${payload(r)}`.trim())).toEqual([
    'conn',
    'open',
    'frame out 010203',
    'frame out 5000 bytes 07…',
    'frame out hello',
    'frame out 090807',
    'frame in 010203',
    'frame in 5000 bytes 07…',
    'frame in hello',
    'frame in 090807',
    'frame out after fake close',
    'frame in after fake close',
    'close',
  ]);
  expect(real.find((r) => r.hex?.length === 10_000)?.hex).toBe('07'.repeat(5000));
  expect(records.some((r) => r.text === 'FORGED' || r.message === 'FORGED')).toBe(false);
  expect(new Set(records.map((r) => r.cid))).toEqual(new Set(['w1']));
});

test('page-dispatched events are listed marked, never as traffic, and the fake close changes nothing', () => {
  const marked = records.filter((r) => r.page === true);
  expect(marked.map((r) => `${r.k} ${r.text ?? r.hex ?? r.message ?? ''}`)).toEqual([
    'frame FAKE-IN',
    'frame face',
    "error the page dispatched a 'close' event (code 4321) on this socket itself (not from the network)",
  ]);
  // The only close is the real one, after the frames that followed the fake close.
  const closes = records.filter((r) => r.k === 'close');
  expect(closes).toHaveLength(1);
  expect(closes[0]!.code).toBe(1000);
  expect(records.at(-1)!.k).toBe('close');
});

test('the counters report the page-dispatched events and no rejection or loss', async () => {
  const [stats] = latestStats(await tap.messages());
  expect(stats).toMatchObject({ pageDispatched: 3, rejected: 0, evicted: 0, behind: 0, truncated: 0 });
  expect(stats?.buffered?.events).toBeGreaterThan(0);
});

test('a large frame keeps its first 64 KiB (text: 64 Ki chars) with its real size, and up to 1 MiB once the panel turns full capture on', async () => {
  const send = (): Promise<void> =>
    page.evaluate(
      (url: string) =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => {
            ws.send(new Uint8Array(100_000).fill(1));
            ws.send('t'.repeat(100_000));
            ws.close();
            resolve();
          };
        }),
      `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    );
  await send();
  await sleep(300);
  await tap.send({ type: 'capture', full: true });
  await sleep(300);
  await send();
  let out: { cid: string; dir?: string; k: string; size?: number; kept: number }[] = [];
  for (let i = 0; i < 50; i++) {
    out = listRecords(await tap.messages())
      .filter((r) => r.k === 'frame' && r.dir === 'out' && (r.cid === 'w2' || r.cid === 'w3'))
      .map((r) => ({ cid: r.cid, k: r.k, size: r.size, kept: r.text?.length ?? (r.hex?.length ?? 0) / 2 }));
    if (out.length === 4) break;
    await sleep(100);
  }
  expect(out).toEqual([
    { cid: 'w2', k: 'frame', size: 100_000, kept: 64 << 10 },
    { cid: 'w2', k: 'frame', size: 100_000, kept: 64 << 10 },
    { cid: 'w3', k: 'frame', size: 100_000, kept: 100_000 },
    { cid: 'w3', k: 'frame', size: 100_000, kept: 100_000 },
  ]);
  const [stats] = latestStats(await tap.messages());
  expect(stats?.truncated).toBe(2);
});
