/**
 * The real CLASP panel (headless Chromium, the built extension from dist-ext/, DevTools opened for
 * the page) against a hostile and heavy page, issue 13 panel side. The page reports through the
 * public `__CLASP_DEVTOOLS_HOOK__` (pages/panel-load-page.ts), as any page can.
 * - spoofing characters (U+202E, U+200B, U+2028, U+2066/9, newline) show escaped, in their own
 *   style, in rows, tooltips, the detail title and tree, and the text view (item 6);
 * - a CLASP ERROR message and undecodable bytes are distinct types in rows and the type filter;
 *   malformed emit() calls are counted in the status bar (item 9);
 * - while following a stream the top row is whole (scroll position a whole number of rows) (item 9);
 * - 10 000 connections × 1 frame are all listed, the menu keeps the newest 1 000 and the status bar
 *   says how many were dropped (item 2); the time it took is printed, not asserted;
 * - 64 frames of 1 MiB are listed with their "truncated, N B total" mark (item 8); time printed;
 *   with Full capture on, a 200 000-byte frame is kept whole;
 * - a navigation empties the connection menu of the old page, and with Preserve log on a marker row
 *   sits between the pages (item 9);
 * - an extension without access to the site shows why nothing is captured and how to fix it (item 10).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPageServer, type PageServer } from '../support/browser.js';
import { EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../support/devtools-panel.js';
import { clickRow, rowTexts, setInput, statusOf, waitRows } from './panel-helpers.js';

let server: PageServer;
let chromium: ExtensionBrowser;
let page: Page;
let panel: Frame;
const PAGE = '/test/e2e/pages/panel-load-page.html';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; status: ${await statusOf(panel)}`);
}

const totalFrames = async (): Promise<number> => Number(/^([\d,]+) frames/.exec(await statusOf(panel))?.[1]?.replace(/,/g, '') ?? 0);
const call = (script: string): Promise<unknown> => page.evaluate(script);

/** The panel's JS heap after a full GC, in bytes (puppeteer keeps an out-of-process frame's CDP session on `client`). */
async function panelHeap(): Promise<number> {
  const client = (panel as unknown as { client?: CDPSession }).client;
  if (client === undefined) return Number.NaN;
  await client.send('HeapProfiler.collectGarbage');
  return (await client.send('Runtime.getHeapUsage')).usedSize;
}

beforeAll(async () => {
  ensureExtensionBuilt();
  server = await startPageServer();
  chromium = await launchWithExtension();
  page = await chromium.browser.newPage();
  await page.goto(`${server.url}${PAGE}`);
  await page.waitForFunction(() => 'H' in globalThis);
  ({ panel } = await openClaspPanel(page));
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

test('spoofing characters show escaped and styled in rows, tooltip, detail title, tree and text', async () => {
  await call('H.spoof()');
  await setInput(panel, '.toolbar .text', 'mixer');
  const rows = await waitRows(panel, (r) => r.length === 1 && r[0]!.includes('|SET|'), 'the look-alike SET');
  expect(rows[0]).toContain('|/mixer/1/ga\\u200Bin|');
  expect(rows[0]).toContain('|e\\u202Evil|');
  const row = await panel.$eval('.frame-rows .vlist-page.shown .row[data-id]:not([hidden])', (r) => ({
    escapes: [...r.querySelectorAll('.esc')].map((e) => e.textContent),
    raw: /[\u202E\u200B]/.test(r.textContent ?? ''),
  }));
  expect(row.escapes).toEqual(expect.arrayContaining(['\\u202E', '\\u200B']));
  expect(row.raw).toBe(false);
  const option = await panel.$$eval('.toolbar .connection option', (o) => o.map((x) => x.textContent ?? '').find((t) => t.startsWith('e')) ?? '');
  expect(option).toMatch(/^e\\u202Evil ws:/);
  // the tooltip is made when the pointer reaches the row
  await panel.hover('.frame-rows .vlist-page.shown .row[data-id]:not([hidden])');
  const title = await panel.$eval('.frame-rows .vlist-page.shown .row[data-id]:not([hidden])', (r) => r.getAttribute('title') ?? '');
  expect(title).toContain('/mixer/1/ga\\u200Bin');
  expect(title).not.toMatch(/[\u200B\u202E]/);
  await clickRow(panel, '.frame-rows .vlist-page.shown .row[data-id]:not([hidden])');
  // The detail's title and its field tree are drawn in separate steps: wait for the tree.
  await panel.waitForFunction(() => [...document.querySelectorAll('.tree .tree-row')].some((r) => (r.textContent ?? '').includes('/mixer/1/ga')), { polling: 100, timeout: 30_000 });
  const detail = await panel.evaluate(() => ({
    title: document.querySelector('.detail-title')?.textContent ?? '',
    titleEscapes: [...document.querySelectorAll('.detail-title .esc')].map((e) => e.textContent),
    tree: [...document.querySelectorAll('.tree .tree-row')].map((r) => r.textContent ?? ''),
    treeEscapes: document.querySelectorAll('.tree .tree-row .esc').length,
  }));
  expect(detail.titleEscapes).toEqual(['\\u202E']);
  expect(detail.tree.some((t) => t.includes('/mixer/1/ga\\u200Bin'))).toBe(true);
  expect(detail.treeEscapes).toBeGreaterThan(0);
  // the text frame: line breaks kept in the text view, separators and isolates escaped
  await setInput(panel, '.toolbar .text', 'line one');
  await waitRows(panel, (r) => r.length === 1 && r[0]!.includes('|text|'), 'the text frame');
  const textRow = (await rowTexts(panel))[0]!;
  expect(textRow).toContain('line one\\u000Aline two\\u2028after separator \\u2066isolated\\u2069');
  await clickRow(panel, '.frame-rows .vlist-page.shown .row[data-id]:not([hidden])');
  const text = await panel.$eval('.detail-text', (p) => ({ text: p.textContent ?? '', escapes: [...p.querySelectorAll('.esc')].map((e) => e.textContent) }));
  expect(text.text).toBe('line one\nline two\\u2028after separator \\u2066isolated\\u2069');
  expect(text.escapes).toEqual(['\\u2028', '\\u2066', '\\u2069']);
  await setInput(panel, '.toolbar .text', '');
});

test('CLASP ERROR and undecodable frames are distinct types; malformed emit() calls are counted', async () => {
  const rejectedBefore = Number(/([\d,]+) forged\/malformed/.exec(await statusOf(panel))?.[1] ?? 0);
  await call('H.errors()');
  await call('H.malformed()');
  await setInput(panel, '.toolbar .connection', '');
  await setInput(panel, '.toolbar .text', 'no such param');
  expect((await waitRows(panel, (r) => r.length === 1 && r[0]!.includes('no such param'), 'the ERROR message'))[0]).toContain('|ERROR|');
  await setInput(panel, '.toolbar .text', '');
  await until('the type checkboxes', async () => (await panel.$$('.type-list input[data-type="undecodable"]')).length === 1);
  const types = await panel.$$eval('.type-list input', (inputs) => inputs.map((i) => (i as HTMLInputElement).dataset['type']));
  expect(types).toContain('ERROR');
  expect(types).toContain('undecodable');
  expect(types).not.toContain('error');
  // unchecking ERROR leaves the undecodable rows, and the other way round
  await panel.$eval('.type-list input[data-type="ERROR"]', (i) => (i as HTMLInputElement).click());
  await setInput(panel, '.toolbar .text', 'errors');
  const withoutError = await waitRows(panel, (r) => r.length === 1 && r[0]!.includes('|undecodable|'), 'only the undecodable frame');
  expect(withoutError[0]).toContain('|errors|undecodable|');
  await panel.$eval('.type-list input[data-type="ERROR"]', (i) => (i as HTMLInputElement).click());
  await panel.$eval('.type-list input[data-type="undecodable"]', (i) => (i as HTMLInputElement).click());
  expect((await waitRows(panel, (r) => r.length === 1 && r[0]!.includes('|ERROR|'), 'only the ERROR frame'))[0]).toContain('|errors|ERROR|');
  await panel.$eval('.type-list input[data-type="undecodable"]', (i) => (i as HTMLInputElement).click());
  await setInput(panel, '.toolbar .text', '');
  await until('3 more malformed events counted', async () => Number(/([\d,]+) forged\/malformed/.exec(await statusOf(panel))?.[1] ?? 0) >= rejectedBefore + 3);
});

test('while following a stream the top row is whole', async () => {
  await call('H.stream(5, 3000)');
  await sleep(400);
  const samples = await panel.evaluate(async () => {
    const list = document.querySelector<HTMLElement>('.frame-rows')!;
    const out: { top: number; bottom: boolean }[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 150));
      out.push({ top: list.scrollTop, bottom: list.scrollTop + list.clientHeight >= list.scrollHeight - 1 });
    }
    return out;
  });
  for (const s of samples) {
    expect(s.bottom).toBe(true);
    expect(s.top % 20).toBe(0);
  }
});

test('10 000 connections × 1 frame are listed; the menu keeps the newest 1 000 and says how many were dropped', async () => {
  const before = await totalFrames();
  const heapBefore = await panelHeap();
  const started = Date.now();
  await call('H.manyConnections(10000)');
  await until('10 000 more frames', async () => (await totalFrames()) >= before + 10_000, 120_000);
  const seconds = (Date.now() - started) / 1000;
  const perConnection = ((await panelHeap()) - heapBefore) / 10_000;
  console.log(`[panel-load] 10 000 connections × 1 frame listed in ${seconds.toFixed(1)} s; panel heap +${perConnection.toFixed(0)} B per connection and its frame (1 000 connections kept)`);
  const status = await statusOf(panel);
  expect(status).toMatch(/older connections dropped from the menu \(cap 1,000\)/);
  const options = await panel.$$eval('.toolbar .connection option', (o) => o.length);
  expect(options).toBe(1001); // "All connections" + the newest 1 000
  const last = await panel.$eval('.toolbar .connection option:last-child', (o) => o.textContent ?? '');
  expect(last).toMatch(/^c9999 /);
});

test('64 frames of 1 MiB are listed with their truncated mark', async () => {
  const before = await totalFrames();
  const started = Date.now();
  await call('H.bigFrames(64, 1048576)');
  await until('64 big frames', async () => (await totalFrames()) >= before + 64, 120_000);
  console.log(`[panel-load] 64 × 1 MiB frames listed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await setInput(panel, '.toolbar .text', 'ws://127.0.0.1:9/big');
  await until('64 shown', async () => / 64 shown/.test(await statusOf(panel)));
  const rows = await waitRows(panel, (r) => r.length > 0 && r.every((x) => x.includes('|big|')), 'big frame rows');
  expect(rows.every((r) => r.includes('|1.0 MiB|[truncated, 1,048,576 B total]'))).toBe(true);
  // A row drawn a frame before the list caught up with the filter may be the one clicked: click
  // again (a few times) until a big frame is the selected one.
  let note = '';
  for (let i = 0; i < 5 && !/Truncated: showing/.test(note); i++) {
    await clickRow(panel, '.frame-rows .vlist-page.shown .row[data-id]:not([hidden])');
    await sleep(i * 200);
    note = await panel.$eval('.detail-note', (n) => n.textContent ?? '');
  }
  expect(note).toMatch(/Truncated: showing the first [\d,]+ of 1,048,576 bytes/);
  // Full capture on: from then on whole frames up to 1 MiB are kept (the command reaches the page
  // through the service worker and the relay, so the first frames after the click may still be cut)
  await panel.$eval('.toolbar .full-capture input', (i) => (i as HTMLInputElement).click());
  await setInput(panel, '.toolbar .text', 'ws://127.0.0.1:9/whole');
  let whole: string[] = [];
  for (let i = 0; i < 30 && whole.length === 0; i++) {
    await call(`H.bigFrames(1, 200000, 'whole')`);
    await sleep(300);
    whole = (await rowTexts(panel)).filter((r) => r.includes('|whole|') && !r.includes('[truncated'));
  }
  expect(whole[0]).toContain('|195.3 KiB|');
  await panel.$eval('.toolbar .full-capture input', (i) => (i as HTMLInputElement).click());
  await setInput(panel, '.toolbar .text', '');
});

test('a navigation empties the old page\'s connections from the menu; with Preserve log a marker row separates the pages', async () => {
  await panel.$eval('.toolbar .preserve input', (i) => (i as HTMLInputElement).click());
  await page.goto(`${server.url}${PAGE}?second`);
  await page.waitForFunction(() => 'H' in globalThis);
  await call('H.errors()');
  await setInput(panel, '.toolbar .text', 'navigated to');
  const marker = await waitRows(panel, (r) => r.length === 1 && r[0]!.includes('|navigation|'), 'the navigation marker');
  expect(marker[0]).toContain(`|navigation|`);
  expect(marker[0]).toContain(`navigated to ${server.url}${PAGE}?second`);
  await setInput(panel, '.toolbar .text', '');
  // Preserve log off: the next navigation leaves only the new page's connections in the menu
  await panel.$eval('.toolbar .preserve input', (i) => (i as HTMLInputElement).click());
  await page.goto(`${server.url}${PAGE}?third`);
  await page.waitForFunction(() => 'H' in globalThis);
  await call('H.errors()');
  // (the Vite dev server's own HMR socket is a connection of every page too)
  await until('the menu of the new page', async () => {
    const labels = await panel.$$eval('.toolbar .connection option', (o) => o.map((x) => x.textContent ?? ''));
    return labels.some((l) => l.startsWith('errors ')) && labels.length <= 3;
  });
  const labels = await panel.$$eval('.toolbar .connection option', (o) => o.map((x) => x.textContent ?? ''));
  expect(labels.filter((l) => /^(c\d+|stream|big|ev.*-name) /.test(l))).toEqual([]);
  await waitRows(panel, (r) => r.length > 0 && r.every((x) => !/navigated to|\|c\d+\|/.test(x)), 'only the new page\'s rows');
});

test('a site the extension has no access to: the panel says why and how to enable capture', async () => {
  // The same build, but its content scripts match no site: Chrome withholds 127.0.0.1 from it, as
  // with site access "On click" or "On specific sites".
  const dir = mkdtempSync(join(tmpdir(), 'clasp-no-access-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { content_scripts: { matches: string[] }[] };
  for (const script of manifest.content_scripts) script.matches = ['https://example.invalid/*'];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const other = await launchWithExtension(dir);
  try {
    const tab = await other.browser.newPage();
    await tab.goto(`${server.url}${PAGE}`);
    const { panel: noAccess } = await openClaspPanel(tab);
    await noAccess.waitForSelector('.site-access:not([hidden])', { timeout: 30_000 });
    const banner = await noAccess.$eval('.site-access', (b) => ({ text: b.querySelector('.site-access-reason')?.textContent ?? '', button: b.querySelector('button')?.textContent ?? '', hidden: b.querySelector('button')?.hidden }));
    expect(banner.text).toContain('no access to this site');
    expect(banner.text).toContain('On click');
    expect(banner.button).toBe('Allow on this site and reload');
    expect(banner.hidden).toBe(false);
  } finally {
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
