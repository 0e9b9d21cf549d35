/**
 * What's tested, with real Chrome DevTools (its HAR code, `models/har/har.js`, running in a
 * headless Chromium DevTools window opened by puppeteer-core):
 * - a HAR written by DevTools itself (`HAR.Log.Log.build` over its network log, what "Save all as
 *   HAR" serializes) for a real WebSocket exchange imports here: every sent and echoed frame, the
 *   text message, directions and bytes;
 * - our HAR export goes through DevTools' own parser and importer (`HARRoot`,
 *   `Importer.requestsFromHARLog`) with every frame intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startPageServer, type PageServer } from '../support/browser.js';

let server: PageServer;
let echo: WebSocketServer;
let browser: Browser;
let profile: string;
let page: Page;
let devtools: Page;

type PageApi = Record<string, (...args: unknown[]) => Promise<unknown>>;
interface ImportedRequest {
  url: string;
  status: number;
  type: string;
  frames: [string, number, number, string][];
}

beforeAll(async () => {
  server = await startPageServer();
  echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  echo.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await new Promise((resolve) => echo.once('listening', resolve));
  profile = mkdtempSync(join(tmpdir(), 'clasp-recorder-devtools-'));
  browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, userDataDir: profile, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage();
  await page.goto(`${server.url}/test/browser/pages/recorder.html`);
  await page.waitForFunction(() => 'recorderPage' in globalThis, { polling: 100 });
  devtools = await page.openDevTools();
  // DevTools records only what happens once it is attached: wait until a probe request shows up.
  await inDevtools(`
    const Logs = await load('./models/logs/logs.js');
    if (!Logs.NetworkLog.NetworkLog.instance().requests().some((r) => r.url().includes('devtools-probe'))) {
      throw new Error('network log not recording yet');
    }
  `, null, () => page.evaluate(() => fetch('/test/browser/pages/recorder.html?devtools-probe').then(() => undefined)));
});

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise((resolve) => echo?.close(resolve));
  await server?.close();
});

/**
 * Evaluates `body` (the source of an async function body; `load(path)` imports a DevTools module,
 * `arg` is the JSON-decoded argument) in the DevTools window, retrying while DevTools initialises.
 * Source text, not a function: vitest would rewrite a dynamic `import()` inside a function.
 */
async function inDevtools<T>(body: string, arg: unknown = null, beforeTry?: () => Promise<void>): Promise<T> {
  const source = `(async () => {
    const load = (path) => import(new URL(path, location.href).href);
    const arg = ${JSON.stringify(arg)};
    ${body}
  })()`;
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try {
      await beforeTry?.();
      return (await devtools.evaluate(source)) as T;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw last;
}

function inPage<T>(name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    (n, a) => ((globalThis as unknown as { recorderPage: PageApi }).recorderPage[n]!(...a)),
    name,
    args,
  ) as Promise<T>;
}

test('a HAR written by Chrome DevTools for a real WebSocket exchange imports here', async () => {
  const url = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}/devtools`;
  const { sent } = await inPage<{ sent: string[] }>('exchange', url, 20);
  const har = await inDevtools<string>(`
    const [Logs, HAR] = await Promise.all([load('./models/logs/logs.js'), load('./models/har/har.js')]);
    const requests = Logs.NetworkLog.NetworkLog.instance().requests();
    const ws = requests.filter((r) => r.url() === arg);
    if (ws.length !== 1 || ws[0].frames().length < 42) throw new Error('WebSocket not (yet) in the network log: ' + JSON.stringify(requests.map((r) => [r.url(), r.frames?.().length])));
    return JSON.stringify({ log: await HAR.Log.Log.build(requests, { sanitize: false }) });
  `, url);
  const parsed = JSON.parse(har) as { log: { creator: { name: string }; entries: { _webSocketMessages?: unknown[] }[] } };
  expect(parsed.log.creator.name).toBe('WebInspector');
  const r = await inPage<{ result: { frames: number; skipped: number }; rows: [number, string, string, string, number, number, string | null][] }>(
    'importHarRows', 'devtools-har', har,
  );
  expect(r.result.frames).toBe(42);
  const out = r.rows.filter((row) => row[2] === 'out');
  const back = r.rows.filter((row) => row[2] === 'in');
  expect(out).toHaveLength(21);
  expect(back).toHaveLength(21);
  const hello = [...new TextEncoder().encode('hello devtools')];
  const fnv = (bytes: number[]): string => {
    let h = 0x811c9dc5;
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h.toString(16);
  };
  expect(out.map((row) => row[1])).toEqual([...sent, fnv(hello)]);
  expect(back.map((row) => row[1]).sort()).toEqual([...sent, fnv(hello)].sort());
  expect(out.slice(0, 20).every((row) => row[5] === 0x21 && row[6]?.startsWith('/devtools/'))).toBe(true);
});

test('our HAR export goes through Chrome DevTools’ own HAR importer intact', async () => {
  const har = await inPage<string>('exportHarText', 'devtools-export', 500, 7);
  const imported = await inDevtools<ImportedRequest[]>(`
    const HAR = await load('./models/har/har.js');
    const root = new HAR.HARFormat.HARRoot(JSON.parse(arg));
    return HAR.Importer.Importer.requestsFromHARLog(root.log).map((r) => ({
      url: r.url(), status: r.statusCode, type: r.resourceType().name(),
      frames: r.frames().map((f) => [f.type, f.time, f.opCode, f.text]),
    }));
  `, har);
  const ours = JSON.parse(har) as { log: { entries: { _webSocketMessages: { type: string; time: number; opcode: number; data: string }[] }[] } };
  expect(imported).toHaveLength(3);
  expect(imported.every((r) => r.type === 'websocket' && r.status === 101)).toBe(true);
  expect(imported.reduce((n, r) => n + r.frames.length, 0)).toBe(500);
  imported.forEach((r, i) => {
    expect(r.frames).toEqual(ours.log.entries[i]!._webSocketMessages.map((m) => [m.type, m.time, m.opcode, m.data]));
  });
});
