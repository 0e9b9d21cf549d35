/**
 * Deep mode end to end (real headless Chromium, the deep build from dist-ext-deep/, the REAL DevTools
 * panel): a page with a dedicated Worker whose WebSocket the page hook cannot see.
 * - the deep build's manifest asks for "debugger" and nothing else;
 * - before the click the worker socket is absent (the page socket is there, from the hook);
 * - after clicking "Deep mode" the worker's frames appear, decoded (CLASP SET), marked `(deep)`,
 *   and the closed worker socket shows as closed; the page socket is not listed twice;
 * - a second click detaches: later worker frames no longer appear;
 * - the picture of docs/panel-deep.png (written only by npm run docs:screenshots).
 * Control frames: the server pings every socket, and Chromium 156's CDP reports no ping/pong/close
 * frame at all (checked separately with a plain CDP session), so none can be asserted here; their
 * mapping is unit-tested in extension/background/deep-map.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { startPageServer, type PageServer } from '../support/browser.js';
import { docsScreenshot } from '../support/docs-screenshot.js';
import { rowFields } from '../../extension/panel/view/row-text.js';
import { DEEP_EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../support/devtools-panel.js';
import { press } from './panel-helpers.js';

let server: PageServer;
let wsHttp: Server;
let wsUrl: string;
let chromium: ExtensionBrowser;
let page: Page;
let panel: Frame;
let devtools: Page;

/** Fields of the rendered rows (joined by `|`), in list order. */
function rowTexts(): Promise<string[]> {
  return panel.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.frame-rows .vlist-page.shown .row')]
      .filter((r) => !r.hidden && r.dataset['id'] !== undefined)
      .sort((a, b) => Number(a.dataset['id']) - Number(b.dataset['id']))
      .map((r) => r.textContent ?? ''),
  ).then((lines) => lines.map((line) => rowFields(line).join('|')));
}

async function waitRows(predicate: (rows: string[]) => boolean, what: string): Promise<string[]> {
  let rows: string[] = [];
  for (let i = 0; i < 300; i++) {
    rows = await rowTexts();
    if (predicate(rows)) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; rows:\n${rows.join('\n')}`);
}

/** Waits (30 s at most) for the deep-mode state; on timeout the error names the state shown and its text. */
async function waitDeepState(state: string): Promise<void> {
  let shown = '';
  for (let i = 0; i < 300; i++) {
    shown = await panel.$eval('.deep-mode', (e) => `${e.getAttribute('data-state')} (${e.querySelector('.deep-state')?.textContent ?? ''})`);
    if (shown.startsWith(`${state} (`)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`deep mode did not reach "${state}"; the panel shows ${shown}`);
}

/** An echo server that pings every socket and closes `?close=1` sockets on `close please`. */
async function startEchoServer(): Promise<void> {
  wsHttp = createServer();
  const wss = new WebSocketServer({ server: wsHttp, handleProtocols: (protocols) => (protocols.has('clasp') ? 'clasp' : false) });
  wss.on('connection', (ws, request) => {
    ws.ping(Buffer.from('keepalive'));
    ws.on('message', (data, isBinary) => {
      if (!isBinary && String(data) === 'close please' && (request.url ?? '').includes('close=1')) ws.close(4000, 'bye');
      else ws.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((resolve) => wsHttp.listen(0, '127.0.0.1', resolve));
  const address = wsHttp.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  wsUrl = `ws://127.0.0.1:${address.port}/`;
}

beforeAll(async () => {
  ensureExtensionBuilt('deep');
  server = await startPageServer();
  await startEchoServer();
  chromium = await launchWithExtension(DEEP_EXTENSION_DIR);
  page = await chromium.browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${server.url}/test/e2e/pages/deep-worker.html`);
  await page.waitForFunction(() => 'D' in globalThis);
  await page.evaluate((url) => (globalThis as any).D.pageSocket(url), wsUrl);
  await page.evaluate((url) => (globalThis as any).D.startWorker(url), wsUrl);
  ({ panel, devtools } = await openClaspPanel(page));
});

afterAll(async () => {
  await chromium?.close();
  await new Promise((r) => wsHttp?.close(r));
  await server?.close();
});

test('the deep build asks for the debugger permission only', () => {
  const manifest = JSON.parse(readFileSync(join(DEEP_EXTENSION_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  expect(manifest['permissions']).toEqual(['debugger']);
  expect(manifest).not.toHaveProperty('host_permissions');
  expect(manifest).not.toHaveProperty('optional_permissions');
});

test('before the click: the page socket is listed, the worker socket is absent', async () => {
  expect(await panel.$eval('.deep-toggle', (b) => b.textContent)).toBe('Deep mode');
  const explained = await panel.$eval('.deep-mode details p', (p) => p.textContent ?? '');
  expect(explained).toMatch(/workers/);
  expect(explained).toMatch(/started debugging this browser/);
  await waitRows((r) => r.filter((x) => x.endsWith('|page socket text')).length === 2, 'the page socket frames');
  await page.evaluate(() => (globalThis as any).D.workerText('worker text, deep mode off'));
  await new Promise((r) => setTimeout(r, 500));
  const rows = await rowTexts();
  expect(rows.some((r) => r.includes('worker text'))).toBe(false);
});

test('after clicking Deep mode, worker frames appear decoded and marked, the page socket is not doubled', async () => {
  await press(panel, '.deep-toggle');
  await waitDeepState('on');
  expect(await panel.$eval('.deep-toggle', (b) => b.textContent)).toBe('Stop deep mode');
  // a socket the worker opened before the click: its later frames arrive (without its URL)
  await page.evaluate(() => (globalThis as any).D.workerText('worker text, deep mode on'));
  const text = await waitRows((r) => r.filter((x) => x.endsWith('|worker text, deep mode on')).length === 2, 'the worker text frames');
  expect(text.filter((x) => x.endsWith('|worker text, deep mode on')).map((x) => x.split('|')[2])).toEqual(['↑', '↓']);
  expect(text.filter((x) => x.endsWith('|worker text, deep mode on')).every((x) => / \(deep\)\|text\|/.test(x))).toBe(true);
  // a new worker socket: CLASP subprotocol, a SET decoded, then the server closes it
  const answer = await page.evaluate((url) => (globalThis as any).D.workerClasp(url, '/deep/worker/level'), wsUrl);
  expect(answer).toEqual({ closed: 4000 });
  const rows = await waitRows((r) => r.filter((x) => x.includes('|SET|/deep/worker/level|')).length === 2, 'the worker SET and its echo');
  const sets = rows.filter((x) => x.includes('|SET|/deep/worker/level|'));
  expect(sets.every((x) => / \(deep\)\|SET\|/.test(x) && x.includes('= 0.25 rev 3'))).toBe(true);
  // the page socket's frames are still listed once (the hook's), never again through deep mode
  await page.evaluate((url) => (globalThis as any).D.pageSocket(url), wsUrl);
  await waitRows((r) => r.filter((x) => x.endsWith('|page socket text')).length === 4, 'the second page socket exchange');
  await new Promise((r) => setTimeout(r, 300));
  expect((await rowTexts()).filter((x) => x.endsWith('|page socket text'))).toHaveLength(4);
  expect((await rowTexts()).some((x) => x.includes('(deep)') && x.includes('page socket'))).toBe(false);
  // the worker's CLASP socket is listed as closed (CDP gives no close code: 0), source deep mode
  await panel.click('.tabs .tab-connections');
  await panel.waitForFunction(() => [...document.querySelectorAll('.conn-info')].some((e) => /clasp · CLASP · deep mode · closed 0/.test(e.textContent ?? '')), { polling: 100 });
  const info = await panel.$$eval('.conn-info', (els) => els.map((e) => e.textContent ?? ''));
  expect(info.filter((t) => / \(deep\) ws:\/\/127\.0\.0\.1:\d+\/\?close=1/.test(t))).toHaveLength(1);
  await panel.click('.tabs .tab-frames');
  await docsScreenshot(devtools, 'panel-deep.png');
});

test('a second click detaches: worker frames stop appearing', async () => {
  await press(panel, '.deep-toggle');
  await waitDeepState('off');
  expect(await panel.$eval('.deep-toggle', (b) => b.textContent)).toBe('Deep mode');
  await page.evaluate(() => (globalThis as any).D.workerText('worker text after detach'));
  await page.evaluate((url) => (globalThis as any).D.pageSocket(url), wsUrl);
  await waitRows((r) => r.filter((x) => x.endsWith('|page socket text')).length === 6, 'a page exchange after detach');
  expect((await rowTexts()).some((x) => x.includes('worker text after detach'))).toBe(false);
});
