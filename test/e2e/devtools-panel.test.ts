/**
 * What's tested (real headless Chromium, the built extension from dist-ext/, the REAL DevTools panel):
 * - frames sent before DevTools opened and live ones appear decoded, from (1) the project's transport
 *   (named connection via __CLASP_DEVTOOLS_HOOK__, no duplicates), (2) the official SDK @clasp-to/core,
 *   (3) a raw WebSocket in a srcdoc iframe (listed raw: binary and text);
 * - the WebSocket wrapper keeps native behaviour (instanceof, constructor, statics, InvalidStateError);
 * - forged events (guessed channel names, malformed hook events) never reach the panel and are counted;
 * - filters (address glob, direction, type, regex), field → bytes and byte → field linking,
 *   keyboard navigation in the list;
 * - the state view (SNAPSHOT + SET with revision and writer) and the per-connection rate graph;
 * - export to NDJSON and HAR (downloaded files), import of the NDJSON back, Record to IndexedDB;
 * - pause/resume, clear, a service worker restart (no loss, no duplicates), preserve log across
 *   navigation;
 * - the standard build shows no Deep mode button, only how to get the deep build;
 * - the picture of docs/panel.png: a selected field highlights its bytes (the file is written only by
 *   npm run docs:screenshots).
 *
 * The extension is built first when dist-ext/ is missing or stale (npm run build:ext).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPageServer, type PageServer } from '../support/browser.js';
import { docsScreenshot } from '../support/docs-screenshot.js';
import { clickRow, press, rowLines, rowTexts as panelRowTexts, setInput as setPanelInput, waitRows as waitPanelRows } from './panel-helpers.js';
import { startClaspTestRouter, type ClaspTestRouter } from '../support/clasp-test-router.js';
import { ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../support/devtools-panel.js';

let server: PageServer;
let router: ClaspTestRouter;
let chromium: ExtensionBrowser;
let page: Page;
let panel: Frame;
let devtools: Page;

const rowTexts = (frame: Frame): Promise<string[]> => panelRowTexts(frame);
const setInput = (selector: string, value: string): Promise<void> => setPanelInput(panel, selector, value);
const waitRows = (predicate: (rows: string[]) => boolean, what: string): Promise<string[]> => waitPanelRows(panel, predicate, what);

beforeAll(async () => {
  ensureExtensionBuilt();
  server = await startPageServer();
  router = await startClaspTestRouter();
  chromium = await launchWithExtension();
  page = await chromium.browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${server.url}/test/e2e/pages/devtools-app.html`);
  await page.waitForFunction(() => 'E' in globalThis);
  // Everything below happens BEFORE DevTools is opened.
  await page.evaluate((url) => (globalThis as any).E.startTransport(url), router.url);
  await page.evaluate((url) => (globalThis as any).E.startSdk(url), router.url);
  await page.evaluate((url) => (globalThis as any).E.startIframe(url), router.url);
  await page.evaluate(() => (globalThis as any).E.forge());
  ({ devtools, panel } = await openClaspPanel(page));
});

afterAll(async () => {
  await chromium?.close();
  await router?.close();
  await server?.close();
});

test('the standard build has no Deep mode button and explains how to get the deep build', async () => {
  expect(await panel.$('.deep-toggle')).toBeNull();
  const text = await panel.$eval('.deep-mode details p', (p) => p.textContent ?? '');
  expect(text).toContain('npm run build:ext -- --deep');
});

test('the WebSocket wrapper behaves like the native class', async () => {
  const result = await page.evaluate(() => (globalThis as any).E.nativeLike());
  expect(result).toEqual({ instance: true, ctor: true, statics: true, sendThrowsWhileConnecting: true, name: true });
});

test('frames from before DevTools opened appear decoded: transport, SDK and iframe', async () => {
  await setInput('.toolbar .address', '/e2e/**');
  const rows = await waitRows((r) => r.length >= 4 && r.every((x) => x.includes('|/e2e/')), 'the SETs of transport and SDK');
  // transport: sent SET and its echo, on the connection named through the hook; no duplicates
  expect(rows.filter((r) => r.includes('|e2e-transport|SET|/e2e/transport/level|'))).toHaveLength(2);
  expect(rows.some((r) => r.includes('|↑|e2e-transport|SET|/e2e/transport/level|Confirm|') && r.includes('= 0.5 rev 1'))).toBe(true);
  // SDK (plain WebSocket, recognised by its subprotocol): the SET and its echo
  expect(rows.filter((r) => r.includes('|SET|/e2e/sdk/fader|'))).toHaveLength(2);
  await setInput('.toolbar .address', '');
  // iframe raw socket: binary listed raw (not CLASP), text listed as text
  await setInput('.toolbar .text', 'hello from iframe');
  const text = await waitRows((r) => r.length === 2 && r.every((x) => x.endsWith('|hello from iframe')), 'the iframe text frames');
  expect(text.map((r) => r.split('|')[2])).toEqual(['↑', '↓']);
  expect(text.every((r) => r.includes('|text|'))).toBe(true);
  await setInput('.toolbar .text', '01 02 03 ff');
  const raw = await waitRows((r) => r.length === 2 && r.every((x) => x.endsWith('|01 02 03 ff')), 'the iframe binary frames');
  expect(raw.every((r) => r.includes('|binary|'))).toBe(true);
  await setInput('.toolbar .text', '');
});

test('forged events are rejected and counted, never listed', async () => {
  await setInput('.toolbar .text', 'FORGED');
  // a forged row would match the filter forever; without one the list empties once the filter applies
  expect(await waitRows((r) => r.length === 0, 'the filter to leave no row')).toEqual([]);
  await setInput('.toolbar .text', '');
  const status = await panel.$eval('.status', (s) => s.textContent ?? '');
  expect(status).toMatch(/\b3 forged\/malformed events rejected/);
});

test('live frames appear, and the direction / type / regex filters narrow the list', async () => {
  await page.evaluate(() => (globalThis as any).E.transportSet('/e2e/live/a', 1));
  await page.evaluate(() => (globalThis as any).E.transportSet('/e2e/live/b', 2));
  await setInput('.toolbar .address', '/e2e/live/*');
  await waitRows((r) => r.length === 4 && r.every((x) => x.includes('/e2e/live/')), 'two live SETs and their echoes');
  await setInput('.toolbar .direction', 'out');
  expect(await waitRows((r) => r.length === 2 && r.every((x) => x.includes('|↑|')), 'sent only')).toHaveLength(2);
  await setInput('.toolbar .direction', 'all');
  await panel.$eval('.toolbar .regex input', (i) => (i as HTMLInputElement).click());
  await setInput('.toolbar .text', '/live/b\\b');
  expect(await waitRows((r) => r.length === 2 && r.every((x) => x.includes('/e2e/live/b')), 'regex match')).toHaveLength(2);
  await setInput('.toolbar .text', '(');
  expect(await panel.$eval('.filter-error', (e) => e.textContent)).toMatch(/Invalid regular expression/);
  await panel.$eval('.toolbar .regex input', (i) => (i as HTMLInputElement).click());
  await setInput('.toolbar .text', '');
  await setInput('.toolbar .address', '');
  // hide SET: no SET row remains
  await panel.$eval('.type-list input[data-type="SET"]', (i) => (i as HTMLInputElement).click());
  const withoutSet = await waitRows((r) => r.length > 0 && r.every((x) => !x.includes('|SET|')), 'no SET rows');
  expect(withoutSet.length).toBeGreaterThan(0);
  await panel.$eval('.type-list input[data-type="SET"]', (i) => (i as HTMLInputElement).click());
});

/** Waits (30 s at most) for the field tree row starting with `start` and returns its index. */
async function treeRowIndex(start: string): Promise<string> {
  const handle = await panel.waitForFunction(
    (s: string) => [...document.querySelectorAll('.tree-row')].find((r) => r.textContent?.startsWith(s))?.getAttribute('data-index') ?? false,
    { polling: 100, timeout: 30_000 },
    start,
  );
  return String(await handle.jsonValue());
}

test('selecting a field highlights its bytes, and clicking a byte selects its field', async () => {
  await setInput('.toolbar .address', '/e2e/transport/level');
  await setInput('.toolbar .direction', 'out');
  await waitRows((r) => r.length === 1 && r[0]!.includes('|↑|e2e-transport|SET|/e2e/transport/level|'), 'the transport SET');
  await clickRow(panel, '.frame-rows .vlist-page.shown .row[data-id]');
  // SET /e2e/transport/level = 0.5 rev 1: find the address field row (the tree is drawn a frame later) and click it
  const rowIndex = await treeRowIndex('address: ');
  expect(rowIndex).toBeDefined();
  await panel.click(`.tree-row[data-index="${rowIndex}"]`);
  const highlighted = await panel.$$eval('.hex-bytes .hl', (cells) => cells.map((c) => c.textContent).join(' '));
  // u16 length 0x0014 then "/e2e/transport/level"
  const address = Buffer.from('/e2e/transport/level').toString('hex').match(/../g)!.join(' ');
  expect(highlighted).toBe(`00 14 ${address}`);
  // back: click the first byte (magic 0x53) → the magic field is selected
  await panel.click('.hex-bytes span[data-offset="0"]');
  const selected = await panel.$eval('.tree-row.selected', (r) => r.textContent ?? '');
  expect(selected).toMatch(/^magic/);
  expect(await panel.$$eval('.hex-bytes .hl', (c) => c.map((x) => x.textContent))).toEqual(['53']);
  await setInput('.toolbar .direction', 'all');
  await setInput('.toolbar .address', '');
});

test('keyboard: Home, ArrowDown and End move the selection in the list', async () => {
  await setInput('.toolbar .address', '/e2e/live/*');
  await waitRows((r) => r.length === 4 && r.every((x) => x.includes('/e2e/live/')), 'the live SETs');
  const rows = await rowLines(panel);
  await panel.focus('.frame-rows');
  await devtools.keyboard.press('Home');
  await panel.waitForSelector('.frame-rows .vlist-page.shown .row.selected');
  expect(await panel.$eval('.frame-rows .vlist-page.shown .row.selected', (r) => r.textContent)).toBe(rows[0]);
  await devtools.keyboard.press('ArrowDown');
  await panel.waitForFunction((want) => document.querySelector('.frame-rows .vlist-page.shown .row.selected')?.textContent === want, { polling: 100 }, rows[1]!);
  await devtools.keyboard.press('End');
  await panel.waitForFunction((want) => document.querySelector('.frame-rows .vlist-page.shown .row.selected')?.textContent === want, { polling: 100 }, rows[3]!);
  expect(await panel.$eval('.detail-title', (t) => t.textContent)).toMatch(/^SET · 27 B · e2e-transport/);
  await panel.hover('.frame-rows .vlist-page.shown .row.selected');
  // the tooltip holds what columns may cut: ISO time, connection URL, whole address
  expect(await panel.$eval('.frame-rows .vlist-page.shown .row.selected', (r) => (r as HTMLElement).title)).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}ws:\/\/127\.0\.0\.1:\d+\/\S*\n\/e2e\/live\/b$/);
  await setInput('.toolbar .address', '');
});

test('the state view shows the params rebuilt from SNAPSHOT and SET, with revision and writer', async () => {
  await panel.click('.tabs .tab-state');
  await panel.waitForFunction(() => document.querySelectorAll('.state-view tbody tr').length >= 4, { polling: 100 });
  const rows = await panel.$$eval('.state-view tbody tr', (trs) => trs.map((tr) => [...tr.children].slice(0, 4).map((td) => td.textContent)));
  expect(rows).toEqual(
    expect.arrayContaining([
      ['/lights/1/level', '0.25', '7', 'console-a'],
      ['/mixer/master', '-6', '3', 'console-b'],
      ['/e2e/transport/level', '0.5', '1', 'e2e-transport'],
    ]),
  );
  // a SET received from the SDK's connection: no revision, the writer is that connection
  expect(rows.find((r) => r[0] === '/e2e/sdk/fader')).toEqual(['/e2e/sdk/fader', '0.75', '', expect.stringMatching(/^#\d+$/)]);
  await panel.click('.tabs .tab-connections');
  await panel.waitForFunction(() => document.querySelectorAll('.conn-card canvas').length >= 3, { polling: 100 });
  const info = await panel.$$eval('.conn-info', (els) => els.map((e) => e.textContent ?? ''));
  expect(info.some((t) => t.startsWith('e2e-transport ws://127.0.0.1:') && /clasp · CLASP · clasp-wasm-transport · open/.test(t))).toBe(true);
  // the graph drew something: some pixels are not transparent
  const painted = await panel.$eval('.conn-card canvas', (c) => {
    const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n += 1;
    return n;
  });
  expect(painted).toBeGreaterThan(50);
  await panel.click('.tabs .tab-frames');
});

test('the picture for the docs: the selected SET value field highlights its 8 bytes', async () => {
  await setInput('.toolbar .address', '');
  await setInput('.toolbar .direction', 'all');
  // select the transport's first SET and its value field, so the picture shows field ↔ bytes linking
  // (found through the text filter: with the list at the bottom, that early frame may be out of view)
  await setInput('.toolbar .text', '/e2e/transport/level = 0.5');
  await waitRows((r) => r.length > 0 && r.every((x) => x.includes('/e2e/transport/level = 0.5')), 'the transport SETs');
  await clickRow(panel, '.frame-rows .vlist-page.shown .row[data-id]');
  const valueRow = await treeRowIndex('value:');
  await panel.click(`.tree-row[data-index="${valueRow}"]`);
  await setInput('.toolbar .text', '');
  await new Promise((r) => setTimeout(r, 300));
  expect(await panel.$$eval('.hex-bytes .hl', (cells) => cells.length)).toBe(8); // the f64 of 0.5
  await docsScreenshot(devtools, 'panel.png');
});

test('export to NDJSON and HAR downloads the log; importing the file browses it like a live one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clasp-export-'));
  try {
    const cdp = await chromium.browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    const downloaded = async (ext: string): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const name = readdirSync(dir).find((n) => n.endsWith(ext));
        if (name !== undefined) return join(dir, name);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no ${ext} download`);
    };
    await press(panel, '.record-bar .export-ndjson');
    const ndjsonPath = await downloaded('.ndjson');
    const lines = readFileSync(ndjsonPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; address: string | null; direction: string });
    expect(lines.some((l) => l.type === 'SET' && l.address === '/e2e/transport/level' && l.direction === 'out')).toBe(true);
    await press(panel, '.record-bar .export-har');
    const har = JSON.parse(readFileSync(await downloaded('.har'), 'utf8')) as { log: { entries: { _webSocketMessages: { type: string; opcode: number }[] }[] } };
    expect(har.log.entries.flatMap((e) => e._webSocketMessages).some((m) => m.type === 'send' && m.opcode === 2)).toBe(true);
    // import the NDJSON back: its frames show up on their own imported connections
    const input = await panel.$('.record-bar .import-file');
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(ndjsonPath);
    await setInput('.toolbar .text', '.ndjson');
    await setInput('.toolbar .address', '/e2e/transport/level');
    const imported = await waitRows((r) => r.length >= 2 && r.every((x) => x.includes('/e2e/transport/level')), 'imported frames');
    expect(imported.length).toBeGreaterThanOrEqual(2);
    expect(await panel.$eval('.status .notice', (n) => n.textContent)).toMatch(/^imported \d+ frames from clasp-.*\.ndjson$/);
  } finally {
    await setInput('.toolbar .text', '');
    await setInput('.toolbar .address', '');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Record writes live frames to IndexedDB until Stop', async () => {
  await press(panel, '.record-bar .record');
  await panel.waitForFunction(() => /^recording into session \d+$/.test(document.querySelector('.status .notice')?.textContent ?? ''), { polling: 100 });
  await page.evaluate(() => (globalThis as any).E.transportSet('/e2e/recorded', 1));
  await setInput('.toolbar .address', '/e2e/recorded');
  await waitRows((r) => r.length === 2 && r.every((x) => x.includes('/e2e/recorded')), 'the recorded frames');
  await setInput('.toolbar .address', '');
  await press(panel, '.record-bar .record');
  await panel.waitForFunction(() => /^recorded session \d+: 2 frames$/.test(document.querySelector('.status .notice')?.textContent ?? ''), { polling: 100 });
  expect(await panel.$eval('.record-bar .record', (b) => b.textContent)).toBe('Record');
});

test('pause holds new frames back until resume; clear empties the list', async () => {
  await setInput('.toolbar .address', '/e2e/paused');
  await setInput('.toolbar .direction', 'all');
  await press(panel, '.toolbar .pause');
  await page.evaluate(() => (globalThis as any).E.transportSet('/e2e/paused', 1));
  await panel.waitForFunction(() => /waiting \(paused\)/.test(document.querySelector('.status')?.textContent ?? ''), { polling: 100 });
  // The status and the list are drawn in separate tasks: the old rows may still be up for a frame.
  await waitRows((r) => r.length === 0, 'no rows while paused (the frames wait)');
  expect(await panel.$eval('.status', (e) => e.textContent ?? '')).toMatch(/ 0 shown · 2 waiting \(paused\)/);
  await press(panel, '.toolbar .pause');
  await waitRows((r) => r.length === 2 && r.every((x) => x.includes('/e2e/paused')), 'the held frames after resume');
  await press(panel, '.toolbar .clear');
  await waitRows((r) => r.length === 0, 'an empty list after clear');
  await setInput('.toolbar .address', '');
  expect(await rowTexts(panel)).toEqual([]);
});

test('the service worker can restart: ports reconnect and nothing is lost or duplicated', async () => {
  const sw = await chromium.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'));
  const worker = await sw.worker();
  await worker!.close();
  // sent while the worker is down or restarting: kept in the page's backlog, replayed once
  await page.evaluate(() => (globalThis as any).E.transportSet('/e2e/restart', 1));
  await setInput('.toolbar .address', '/e2e/restart');
  const rows = await waitRows((r) => r.length >= 2 && r.every((x) => x.includes('/e2e/restart')), 'frames sent across the restart');
  await new Promise((r) => setTimeout(r, 500));
  expect(await rowTexts(panel)).toHaveLength(2);
  expect(rows.every((r) => r.includes('/e2e/restart'))).toBe(true);
  // it really was a new worker
  const restarted = await chromium.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://') && t !== sw, { timeout: 5000 });
  expect(restarted).not.toBe(sw);
  await setInput('.toolbar .address', '');
});

test('a navigation clears the log unless Preserve log is on', async () => {
  await page.evaluate(() => (globalThis as any).E.transportSet('/e2e/before-nav', 1));
  await setInput('.toolbar .address', '/e2e/before-nav');
  await waitRows((r) => r.length === 2 && r.every((x) => x.includes('/e2e/before-nav')), 'frames before the navigation');
  await panel.$eval('.toolbar .preserve input', (i) => (i as HTMLInputElement).click());
  await page.reload();
  await page.waitForFunction(() => 'E' in globalThis);
  await page.evaluate((url) => (globalThis as any).E.startTransport(url), router.url);
  await setInput('.toolbar .address', '/e2e/transport/level');
  // With Preserve log on, one marker row (which every filter shows) separates the two pages.
  const notMarker = (r: string[]): string[] => r.filter((x) => !x.includes('|navigation|'));
  await waitRows((r) => notMarker(r).length === 2 && notMarker(r).every((x) => x.includes('/e2e/transport/level')) && r.length === 3, 'the new document’s frames and the marker');
  await setInput('.toolbar .address', '/e2e/before-nav');
  const preserved = await waitRows((r) => notMarker(r).length === 2 && notMarker(r).every((x) => x.includes('/e2e/before-nav')), 'preserved frames');
  expect(preserved.at(-1)).toMatch(/\|navigation\|.*navigated to /);
  await panel.$eval('.toolbar .preserve input', (i) => (i as HTMLInputElement).click());
  await page.reload();
  await page.waitForFunction(() => 'E' in globalThis);
  await page.evaluate((url) => (globalThis as any).E.startTransport(url), router.url);
  await setInput('.toolbar .address', '/e2e/transport/level');
  await waitRows((r) => r.length === 2 && r.every((x) => x.includes('/e2e/transport/level')), 'only the newest document’s frames');
  await setInput('.toolbar .address', '/e2e/before-nav');
  expect(await waitRows((r) => r.length === 0, 'no frames of older documents')).toEqual([]);
});
