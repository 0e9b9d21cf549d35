/**
 * What's tested (real headless Chromium, the built extension from dist-ext/, the REAL DevTools panel,
 * the panel's real IndexedDB), on the Recordings tab:
 * - while recording, the status bar shows the recording state (frames, bytes, dropped);
 * - the list shows each recording (name, start, duration, frames, bytes, connections);
 * - rename (kept after a refresh), export NDJSON and HAR (downloaded, every frame), open (read a page
 *   at a time into the Frames tab, browsed with the live filters), delete (two clicks);
 * - replay into a development relay through the panel's WasmWebSocketTransport: a subscriber on
 *   that relay receives the recorded SETs in order; pause, resume and the progress bar;
 * - the retention setting: stored, applied at once, deleting the oldest recordings beyond it;
 * - the value plot in the State view: a clicked param's values (live ones added), and a click on
 *   the plot selecting the frame of the nearest point.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRelay, type Relay } from '../../src/relay/index.js';
import { startPageServer, type PageServer } from '../support/browser.js';
import { ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../support/devtools-panel.js';
import { connectClient } from '../support/relay-client.js';
import { rowFields } from '../../extension/panel/view/row-text.js';
import { press, sleep, until } from './panel-helpers.js';

let server: PageServer;
let source: Relay;
let target: Relay;
let chromium: ExtensionBrowser;
let page: Page;
let panel: Frame;
let downloads: string;

const notice = (): Promise<string> => panel.$eval('.status .notice', (n) => n.textContent ?? '');

interface Row {
  id: string;
  name: string;
  duration: string;
  frames: string;
  bytes: string;
  connections: string;
}

function rows(): Promise<Row[]> {
  return panel.$$eval('.recordings-rows tr', (trs) =>
    trs.map((tr) => {
      const cell = (c: string): string => tr.querySelector(`.${c}`)?.textContent ?? '';
      return { id: (tr as HTMLElement).dataset['id'] ?? '', name: cell('rec-name'), duration: cell('rec-duration'), frames: cell('rec-frames'), bytes: cell('rec-bytes'), connections: cell('rec-connections') };
    }),
  );
}

async function setInput(selector: string, value: string, event = 'input'): Promise<void> {
  await panel.evaluate(
    (sel, v, ev) => {
      const input = document.querySelector<HTMLInputElement | HTMLSelectElement>(sel)!;
      input.value = v;
      input.dispatchEvent(new Event(ev, { bubbles: true }));
    },
    selector,
    value,
    event,
  );
}

async function showRecordings(): Promise<void> {
  await panel.click('.tabs .tab-recordings');
  await panel.waitForSelector('.recordings-view:not([hidden])');
}

/** Records `n` SETs to `/e2e/rec/<tag>` (values 0..n-1) from the page's transport, through the panel's Record button. */
async function recordSession(tag: string, n: number): Promise<void> {
  await press(panel, '.record-bar .record');
  await until(notice, (t) => /^recording into session \d+$/.test(t), 'recording to start');
  for (let i = 0; i < n; i++) await page.evaluate((a, v) => (globalThis as any).E.transportSet(a, v), `/e2e/rec/${tag}`, i);
  const state = await until(() => panel.$eval('.status .rec-state', (e) => ((e as HTMLElement).hidden ? '' : e.textContent ?? '')), (t) => Number(/: (\d+) frames/.exec(t)?.[1] ?? 0) >= n, 'the recording state');
  expect(state).toMatch(/^● Recording session \d+: \d+ frames \(\d+ waiting\), [\d.]+ (B|KB) stored, 0 dropped$/);
  await sleep(300);
  await press(panel, '.record-bar .record');
  await until(notice, (t) => /^recorded session \d+: \d+ frames$/.test(t), 'recording to stop');
}

beforeAll(async () => {
  ensureExtensionBuilt();
  downloads = mkdtempSync(join(tmpdir(), 'clasp-recordings-'));
  server = await startPageServer();
  source = await startRelay({ port: 0 });
  target = await startRelay({ port: 0 });
  chromium = await launchWithExtension();
  page = await chromium.browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${server.url}/test/e2e/pages/devtools-app.html`);
  await page.waitForFunction(() => 'E' in globalThis);
  await page.evaluate((url) => (globalThis as any).E.startTransport(url), source.url);
  ({ panel } = await openClaspPanel(page));
  const cdp = await chromium.browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
});

afterAll(async () => {
  await chromium?.close();
  await source?.close();
  await target?.close();
  await server?.close();
  if (downloads !== undefined) rmSync(downloads, { recursive: true, force: true });
});

test('recordings are listed with their figures; rename sticks', async () => {
  await recordSession('first', 5);
  await recordSession('second', 40);
  await showRecordings();
  const list = await until(rows, (r) => r.length === 2, 'two recordings');
  // Newest first. Each SET goes out and comes back (the relay's broadcast), and an ACK comes in.
  expect(Number(list[0]!.frames)).toBeGreaterThanOrEqual(40);
  expect(Number(list[1]!.frames)).toBeGreaterThanOrEqual(5);
  for (const r of list) {
    expect(r.name).toMatch(/^CLASP DevTools /);
    expect(r.duration).toMatch(/^\d+:\d\d/);
    expect(r.bytes).toMatch(/^\d+(\.\d)? (B|KB)$/);
    expect(r.connections).toBe('1');
  }
  await panel.click(`.recordings-rows tr[data-id="${list[0]!.id}"] .rec-rename`);
  await panel.waitForSelector('.rec-name-input');
  await panel.evaluate(() => (document.querySelector<HTMLInputElement>('.rec-name-input')!.value = 'glitch hunt'));
  await panel.focus('.rec-name-input');
  await panel.page().keyboard.press('Enter');
  await until(rows, (r) => r[0]?.name === 'glitch hunt', 'the new name');
  await panel.click('.tabs .tab-frames');
  await showRecordings();
  expect((await until(rows, (r) => r.length === 2, 'the list again'))[0]!.name).toBe('glitch hunt');
});

test('export NDJSON and HAR of a recording download every frame', async () => {
  await showRecordings();
  const [second] = await rows();
  await panel.click(`.recordings-rows tr[data-id="${second!.id}"] .rec-ndjson`);
  const file = await until(async () => readdirSync(downloads).find((n) => n === 'glitch-hunt.ndjson'), (n) => n !== undefined, 'the NDJSON download');
  await sleep(200);
  const lines = readFileSync(join(downloads, file!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { address: string | null; direction: string });
  expect(lines.length).toBe(Number(second!.frames));
  expect(lines.filter((l) => l.direction === 'out' && l.address === '/e2e/rec/second').length).toBe(40);
  await panel.click(`.recordings-rows tr[data-id="${second!.id}"] .rec-har`);
  const har = await until(async () => readdirSync(downloads).find((n) => n === 'glitch-hunt.har'), (n) => n !== undefined, 'the HAR download');
  await sleep(200);
  const parsed = JSON.parse(readFileSync(join(downloads, har!), 'utf8')) as { log: { entries: { _webSocketMessages: unknown[] }[] } };
  expect(parsed.log.entries.flatMap((e) => e._webSocketMessages).length).toBe(Number(second!.frames));
});

test('open browses a recording in the Frames tab with the live filters', async () => {
  await showRecordings();
  const [second] = await rows();
  await panel.click(`.recordings-rows tr[data-id="${second!.id}"] .rec-open`);
  await until(notice, (t) => t.startsWith('opened "glitch hunt": frames 0–'), 'the open notice');
  await setInput('.toolbar .text', 'glitch hunt');
  await setInput('.toolbar .address', '/e2e/rec/second');
  await setInput('.toolbar .direction', 'out');
  // The filters of live capture apply: exactly the 40 recorded SETs of this recording are shown.
  await until(() => panel.$eval('.status .status-text', (e) => e.textContent ?? ''), (t) => / 40 shown\b/.test(t), 'the 40 opened SETs');
  // The live frame and the opened one: the same SET, on the live and on the recording's connection.
  await setInput('.toolbar .text', '/e2e/rec/second = 39');
  const last = await until(
    () => panel.$$eval('.frame-rows .vlist-page.shown .row[data-id]', (rs) => rs.filter((r) => !(r as HTMLElement).hidden).map((r) => r.textContent ?? '')),
    (r) => r.length === 2,
    'the last SET, live and opened',
  );
  expect(last.map((line) => rowFields(line).join('|')).filter((f) => f.includes('glitch hunt'))).toHaveLength(1);
  await setInput('.toolbar .text', '');
  await setInput('.toolbar .address', '');
  await setInput('.toolbar .direction', 'all');
  await showRecordings();
});

test('replay into a relay URL: a subscriber receives the recorded SETs in order; pause/resume and progress', async () => {
  const subscriber = await connectClient(target.url);
  await subscriber.hello('subscriber');
  subscriber.send({ type: 'SUBSCRIBE', id: 1, pattern: '/e2e/rec/**' });
  subscriber.send({ type: 'PING' });
  expect((await subscriber.next()).type).toBe('PONG');
  await showRecordings();
  const [second] = await rows();
  // Nothing listens on port 1: the failure is reported, and the bar is ready for the next replay.
  await setInput('.replay-url', 'ws://127.0.0.1:1/');
  await panel.click(`.recordings-rows tr[data-id="${second!.id}"] .rec-replay`);
  expect(await until(notice, (t) => t.startsWith('replay failed: '), 'the refused connection')).toMatch(/^replay failed: .+/);
  expect(await panel.$eval('.replay-stop', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
  await setInput('.replay-url', target.url);
  await setInput('.replay-speed', '1', 'change');
  await panel.click(`.recordings-rows tr[data-id="${second!.id}"] .rec-replay`);
  await until(() => panel.$eval('.replay-pause', (b) => (b as HTMLButtonElement).disabled), (d) => !d, 'the replay to start');
  await press(panel, '.replay-pause');
  expect(await panel.$eval('.replay-pause', (b) => b.textContent)).toBe('Resume');
  await press(panel, '.replay-pause');
  const done = await until(notice, (t) => t.startsWith('replayed '), 'the replay to finish', 30_000);
  expect(done).toMatch(/^replayed \d+ frames of recording \d+ into ws:\/\/127\.0\.0\.1:\d+\/; lateness p99 [\d.]+ ms, max [\d.]+ ms; \d+ answers from the relay$/);
  expect(await panel.$eval('.replay-progress', (p) => (p as HTMLProgressElement).value)).toBe(1);
  const values: unknown[] = [];
  while (values.length < 40) {
    const m = await subscriber.next();
    if (m.type === 'SET' && m.address === '/e2e/rec/second') values.push(m.value);
  }
  expect(values).toEqual(Array.from({ length: 40 }, (_, i) => i));
  await subscriber.close();
});

test('delete takes two clicks; the retention setting is stored and deletes the oldest beyond it', async () => {
  await showRecordings();
  const [second, first] = await rows();
  await panel.click(`.recordings-rows tr[data-id="${second!.id}"] .rec-delete`);
  expect((await rows()).length).toBe(2);
  await panel.click(`.recordings-rows tr[data-id="${second!.id}"] .rec-delete`);
  await until(rows, (r) => r.length === 1 && r[0]!.id === first!.id, 'the deletion');
  expect(await panel.$eval('.retention-mb', (i) => (i as HTMLInputElement).value)).toBe('500');
  expect(await panel.$eval('.retention-days', (i) => (i as HTMLInputElement).value)).toBe('30');
  await recordSession('third', 3);
  await showRecordings();
  await until(rows, (r) => r.length === 2, 'the third recording');
  const third = (await rows())[0]!;
  // A limit just under the newest recording's size: the older one has to go.
  const bytes = await panel.evaluate(async () => {
    const req = indexedDB.open('clasp-frame-log');
    const db: IDBDatabase = await new Promise((r) => (req.onsuccess = () => r(req.result)));
    const all: { byteCount: number }[] = await new Promise((r) => {
      const get = db.transaction('sessions').objectStore('sessions').getAll();
      get.onsuccess = () => r(get.result as { byteCount: number }[]);
    });
    db.close();
    return all.map((s) => s.byteCount);
  });
  await setInput('.retention-mb', String((Math.max(...bytes) + 1) / (1024 * 1024)));
  await panel.click('.retention-apply');
  await until(rows, (r) => r.length === 1 && r[0]!.id === third.id, 'retention to delete the oldest');
  expect(await notice()).toMatch(/^retention: deleted 1 recordings/);
  expect(JSON.parse((await panel.evaluate(() => localStorage.getItem('clasp-devtools.retention')))!)).toMatchObject({ maxDays: 30 });
});

test('value plot: clicking a param in the State view plots its values; clicking a point selects its frame', async () => {
  for (let i = 0; i < 20; i++) await page.evaluate((v) => (globalThis as any).E.transportSet('/e2e/plot/level', v), i * i);
  await panel.click('.tabs .tab-state');
  const row = await panel.waitForSelector('.state-view tbody tr[data-address="/e2e/plot/level"]', { timeout: 15_000 });
  await row!.click();
  const title = await until(() => panel.$eval('.value-plot .plot-title', (e) => e.textContent ?? ''), (t) => t.startsWith('/e2e/plot/level — 20 values'), 'the plot');
  expect(title).toBe('/e2e/plot/level — 20 values; click a point to see its frame');
  expect(await panel.$$eval('.value-plot .plot-dot', (d) => d.length)).toBe(20);
  expect(await panel.$$eval('.value-plot .plot-label', (l) => l.map((x) => x.textContent))).toEqual(expect.arrayContaining(['361', '0']));
  // Live: a new value is added to the plot.
  await page.evaluate(() => (globalThis as any).E.transportSet('/e2e/plot/level', 400));
  await until(() => panel.$eval('.value-plot .plot-title', (e) => e.textContent ?? ''), (t) => t.includes('21 values'), 'the live value');
  // The right edge of the plot is the newest value: its frame gets selected in the Frames tab.
  const box = (await (await panel.$('.value-plot .plot-svg'))!.boundingBox())!;
  await panel.page().mouse.click(box.x + box.width - 9, box.y + box.height / 2);
  await panel.waitForSelector('.split:not([hidden])');
  await until(() => panel.$$eval('.tree-row', (rows) => rows.map((r) => r.textContent ?? '')), (rows) => rows.includes('data: f64 = 400'), 'the selected frame of the newest point');
});
