/**
 * Replay into the page's own connection against a hostile page (real headless Chromium, the deep
 * build from dist-ext-deep/, a WebSocket server on 127.0.0.1 that keeps every message it receives,
 * inject commands sent on a stand-in panel port opened from an extension page):
 * - binary frames (empty, a CLASP frame with a 65 535-byte payload, 1 MiB) and text frames injected
 *   into the socket of a page that replaced ~60 prototype members reach the server byte-exact and in
 *   order, each answered `ok`, and reach the panel as traffic marked `replay`;
 * - no page-defined function or getter runs because of an inject (the page's trap logs are the same
 *   before and after), and the page's replaced `send` never sees a replayed frame;
 * - the page can neither start nor answer an inject: events on every name it can guess (`<html>`
 *   attributes included) and `__CLASP_DEVTOOLS_HOOK__.emit` with `replay` fields send nothing, answer
 *   nothing and list nothing as replayed, even when the page's own markup presets the handshake
 *   attribute with a secret it knows;
 * - an inject on a closed socket, an unknown socket, a malformed one or one with deep mode off is
 *   answered `ok: false` with the reason, and sends nothing.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { encodeFrame } from '../../src/protocol/frame.js';
import { DEEP_EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, type ExtensionBrowser } from '../support/devtools-panel.js';
import { extensionId } from '../support/relay-tap.js';
import { hostileInjectPageHtml, TRAPPED_FIELDS } from './pages/hostile-inject-page.js';
import { sleep, until } from './panel-helpers.js';

/** The secret a hostile page writes into its own markup as the handshake attribute. */
const PRESET_SECRET = 'page-known-secret';
/**
 * The `<html>` attribute through which the two content scripts agreed on their secret before they
 * agreed through events (`agreeChannel`): a page could preset it in its markup.
 */
const HANDSHAKE_ATTRIBUTE = 'data-clasp-devtools-channel';

let http: Server;
let wss: WebSocketServer;
let wsUrl: string;
let origin: string;
/** Every message the server received, per request path, in order. */
const received = new Map<string, string[]>();
let chromium: ExtensionBrowser;

const digest = (bytes: Uint8Array): string => `bin ${bytes.length} ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

type Message = Readonly<Record<string, unknown>>;

/** A panel port `panel:<tabId>` for the tab showing `url`, opened from an extension page. */
interface PanelPort {
  /** Every message so far (read incrementally). */
  messages(): Promise<Message[]>;
  send(command: unknown): Promise<void>;
  close(): Promise<void>;
}

async function openPanelPort(browser: Browser, url: string): Promise<PanelPort> {
  const id = await extensionId(browser);
  const ext = await browser.newPage();
  await ext.goto(`chrome-extension://${id}/extension/devtools/devtools.html`);
  // A tab's URL needs the "tabs" permission: a port is opened for every other tab, and the one whose
  // relay announces a document at `url` is kept.
  await ext.evaluate(async (target: string) => {
    const g = globalThis as unknown as { got: unknown[]; port: chrome.runtime.Port };
    const self = await chrome.tabs.getCurrent();
    const tabs = (await chrome.tabs.query({})).filter((t) => t.id !== undefined && t.id !== self?.id);
    const opened = tabs.map((t) => ({ port: chrome.runtime.connect({ name: `panel:${t.id}` }), got: [] as { type?: string; url?: string }[] }));
    for (const o of opened) o.port.onMessage.addListener((m) => o.got.push(m));
    const chosen = await new Promise<(typeof opened)[number]>((resolve, reject) => {
      setTimeout(() => reject(new Error(`no document at ${target}`)), 30_000);
      const look = (): void => {
        const found = opened.find((o) => o.got.some((m) => m.type === 'document' && m.url === target));
        if (found === undefined) setTimeout(look, 50);
        else resolve(found);
      };
      look();
    });
    for (const o of opened) if (o !== chosen) o.port.disconnect();
    g.port = chosen.port;
    g.got = chosen.got;
  }, url);
  const all: Message[] = [];
  return {
    async messages() {
      all.push(...(await ext.evaluate((from: number) => (globalThis as unknown as { got: Message[] }).got.slice(from), all.length)));
      return all;
    },
    send: (command) => ext.evaluate((c) => (globalThis as unknown as { port: chrome.runtime.Port }).port.postMessage(c), command as never),
    close: () => ext.close(),
  };
}

/** The hook's traffic events (object records) of the relay batches, once each, in the hook's order. */
function objectEvents(messages: readonly Message[], doc: string): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of messages) {
    if (m['type'] !== 'events' || m['doc'] !== doc) continue;
    for (const chunk of (m['chunks'] ?? []) as { events: Message[] }[]) for (const e of chunk.events) bySeq.set(Number(e['seq']), e);
  }
  return [...bySeq.values()].sort((a, b) => Number(a['seq']) - Number(b['seq']));
}

const replayed = (messages: readonly Message[], doc: string): Message[] => objectEvents(messages, doc).filter((e) => e['replay'] === true);
const answers = (messages: readonly Message[]): Message[] => messages.filter((m) => m['type'] === 'injected');

/** One hostile page in its own tab, with a panel port in deep mode and its socket's ids. */
interface Target {
  readonly page: Page;
  readonly port: PanelPort;
  readonly doc: string;
  readonly cid: string;
  readonly path: string;
}

async function openTarget(path: string): Promise<Target> {
  const page = await chromium.browser.newPage();
  const url = `${origin}${path}`;
  await page.goto(url);
  await page.evaluate(() => (globalThis as unknown as { opened: Promise<void> }).opened);
  await until(() => received.get(path) ?? [], (r) => r.length === 1, 'the page hello');
  const port = await openPanelPort(chromium.browser, url);
  await port.send({ type: 'deep', on: true });
  await until(port.messages, (ms) => ms.some((m) => m['type'] === 'deep-state' && m['state'] === 'on'), 'deep mode on', 60_000);
  const docs = await until(port.messages, (ms) => ms.some((m) => m['type'] === 'document' && m['frameId'] === 0), 'the document');
  const doc = String(docs.find((m) => m['type'] === 'document' && m['frameId'] === 0)!['doc']);
  const events = await until(
    port.messages,
    (ms) => objectEvents(ms, doc).some((e) => e['k'] === 'conn' && e['url'] === `${wsUrl}${path}`),
    'the conn event of the page socket',
  );
  const cid = String(objectEvents(events, doc).find((e) => e['k'] === 'conn' && e['url'] === `${wsUrl}${path}`)!['cid']);
  return { page, port, doc, cid, path };
}

let nextId = 0;
/** Sends inject commands one after the other (each waits for its answer, as the panel's window of 1 would). */
async function inject(target: Target, frames: readonly (Frame | Message)[], cid = target.cid): Promise<Message[]> {
  const out: Message[] = [];
  for (const f of frames) {
    const id = `t-${++nextId}`;
    const payload = 'bytes' in f && f.bytes instanceof Uint8Array ? { bytes: b64(f.bytes) } : f;
    await target.port.send({ type: 'inject', doc: target.doc, id, cid, ...payload });
    const ms = await until(target.port.messages, (m) => answers(m).some((a) => a['id'] === id), `the answer to ${id}`, 60_000);
    out.push(answers(ms).find((a) => a['id'] === id)!);
  }
  return out;
}

/** What the page's traps saw so far (returned by value: reading calls nothing the page replaced). */
function trapLog(page: Page): Promise<{ calls: number; traps: string[]; sends: string[]; leaks: string[] }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { attackStats: { calls: number }; injectTraps: string[]; pageSends: string[]; leaks: string[] };
    return { calls: g.attackStats.calls, traps: g.injectTraps, sends: g.pageSends, leaks: g.leaks };
  });
}

let main: Target;
const clasp = encodeFrame(new Uint8Array(65_535).map((_, i) => (i * 7 + 3) & 0xff));
const mebibyte = new Uint8Array(1 << 20).map((_, i) => (i * 131 + (i >> 9)) & 0xff);
type Frame = { readonly bytes: Uint8Array } | { readonly text: string };
const FRAMES: readonly Frame[] = [{ bytes: new Uint8Array([0x53, 1, 2, 3]) }, { bytes: clasp }, { text: 'replayed text: ünïcödé ✓ 𝄞' }, { bytes: new Uint8Array(0) }, { bytes: mebibyte }, { text: '' }, { bytes: new Uint8Array([0xff, 0x00, 0xfe]) }];
const expectedAt = (f: Frame): string => ('bytes' in f ? digest(f.bytes) : `text ${f.text}`);
let before: Awaited<ReturnType<typeof trapLog>>;
let after: Awaited<ReturnType<typeof trapLog>>;
let results: Message[] = [];

beforeAll(async () => {
  ensureExtensionBuilt('deep');
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4 << 20 });
  await new Promise<void>((r) => wss.once('listening', r));
  wss.on('connection', (ws, req) => {
    const list: string[] = [];
    received.set(req.url ?? '/', list);
    ws.on('message', (data, isBinary) => list.push(isBinary ? digest(new Uint8Array(data as Buffer)) : `text ${(data as Buffer).toString('utf8')}`));
  });
  wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const attrs: Record<string, string> = path === '/preset' ? { [HANDSHAKE_ATTRIBUTE]: PRESET_SECRET } : {};
    res.writeHead(200, { 'content-type': 'text/html' }).end(hostileInjectPageHtml(`${wsUrl}${path}`, attrs));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  chromium = await launchWithExtension(DEEP_EXTENSION_DIR);
  main = await openTarget('/main');
}, 300_000);

afterAll(async () => {
  await chromium?.close();
  for (const c of wss?.clients ?? []) c.terminate();
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
});

test('frames injected into the hostile page socket reach the server byte-exact and in order, each answered ok', async () => {
  before = await trapLog(main.page);
  expect(await trapLog(main.page)).toEqual(before); // reading the logs touches none of the traps
  results = await inject(main, FRAMES);
  await until(() => received.get('/main')!, (r) => r.length >= 1 + FRAMES.length, 'the injected frames at the server');
  after = await trapLog(main.page);
  expect(results.map((r) => [r['ok'], r['error'], r['doc']])).toEqual(FRAMES.map(() => [true, '', main.doc]));
  expect(results.every((r) => Number.isSafeInteger(r['buffered']) && (r['buffered'] as number) >= 0)).toBe(true);
  // The page's own send after the replay goes after it on the same socket.
  await main.page.evaluate(() => (globalThis as unknown as { ws: WebSocket }).ws.send('page-after'));
  const got = await until(() => received.get('/main')!, (r) => r.length === 2 + FRAMES.length, 'the page frame after the replay');
  expect(got).toEqual(['text page-hello', ...FRAMES.map(expectedAt), 'text page-after']);
}, 300_000);

test('each injected frame reaches the panel once, marked replay, on the page socket', async () => {
  const marked = await until(main.port.messages, (ms) => replayed(ms, main.doc).length >= FRAMES.length, 'the replayed frames at the panel');
  const list = replayed(marked, main.doc);
  expect(list.map((e) => [e['k'], e['cid'], e['dir'], e['size']])).toEqual(
    FRAMES.map((f) => ['frame', main.cid, 'out', 'bytes' in f ? f.bytes.length : f.text.length]),
  );
  expect(list.map((e) => e['text'] ?? Buffer.from(String(e['bytes']), 'base64').length)).toEqual(FRAMES.map((f) => ('text' in f ? f.text : Math.min(f.bytes.length, 64 << 10))));
  expect(list[0]!['bytes']).toBe(b64(new Uint8Array([0x53, 1, 2, 3])));
  // Not full capture: the 1 MiB frame keeps its first 64 KiB.
  expect(Buffer.from(String(list[4]!['bytes']), 'base64').equals(Buffer.from(mebibyte.subarray(0, 64 << 10)))).toBe(true);
});

test('no page-defined function or getter ran because of the injects, and the page send never saw them', async () => {
  expect(after).toEqual(before);
  expect(after.sends).toEqual(['page-hello']);
  expect(after.leaks).toEqual([]);
  // The Object.prototype traps were still in place after the injects.
  const live = await main.page.evaluate((fields: readonly string[]) => fields.filter((f) => typeof Object.getOwnPropertyDescriptor(Object.prototype, f)?.get === 'function'), TRAPPED_FIELDS as string[]);
  expect(live).toEqual(TRAPPED_FIELDS);
  // And they log what reaches them: the page itself reads a missing field and a Map.
  await main.page.evaluate(() => {
    const fields = {} as { text?: unknown };
    return [fields.text, new Map().get(1)].length;
  });
  const control = await trapLog(main.page);
  expect(control.calls).toBeGreaterThan(after.calls);
  expect(control.traps.slice(after.traps.length)).toEqual(expect.arrayContaining(['Object.prototype.text get', 'Map.get']));
});

/** What the page tries: every name it can guess, with inject and answer details, and the hook's emit with replay fields. */
async function forge(page: Page, cid: string, extraSecrets: readonly string[]): Promise<string[]> {
  return page.evaluate(
    (cidArg: string, secrets: readonly string[]) => {
      const root = document.documentElement;
      const seen = [...secrets];
      for (const a of Array.from(root.attributes)) seen.push(a.name, a.value);
      const names = new Set<string>(['clasp-devtools', 'clasp-devtools:', 'clasp-devtools:inject', 'clasp-devtools:injected', 'inject', 'injected', ':inject', ':injected']);
      for (const s of ['', ...seen]) {
        for (const base of [s, `clasp-devtools:${s}`]) for (const suffix of [':inject', ':injected', '']) names.add(`${base}${suffix}`);
      }
      const details: unknown[] = [
        // the hook's own detail shape (frames), the one-frame shape of the ports, and a well-formed answer
        { id: 'forged-1', cid: cidArg, frames: ['FORGED-INJECT'] },
        { id: 'forged-2', cid: cidArg, frames: [new Uint8Array([0xde, 0xad]).buffer] },
        { id: 'forged-4', cid: cidArg, dir: 'in', frames: ['FORGED-DELIVERY'] },
        { id: 'forged-5', cid: cidArg, text: 'FORGED-INJECT' },
        { id: 'forged-3', ok: true, error: '', buffered: 0, sent: 1 },
      ];
      for (const name of names) {
        for (const detail of details) {
          for (const target of [document, root, window]) target.dispatchEvent(new CustomEvent(name, { detail }));
        }
      }
      const hook = (globalThis as unknown as { __CLASP_DEVTOOLS_HOOK__: { emit(e: unknown): void } }).__CLASP_DEVTOOLS_HOOK__;
      const ws = (globalThis as unknown as { ws: WebSocket }).ws;
      hook.emit({ kind: 'connection', id: 'forger', url: ws.url, protocols: [], source: 'forger', attempt: 0, socket: ws, replay: true });
      hook.emit({ kind: 'frame', id: 'forger', direction: 'out', data: 'FORGED-EMIT', replay: true });
      hook.emit({ kind: 'connection', id: 'forger-2', url: 'ws://forged/', protocols: [], source: 'forger', attempt: 0 });
      hook.emit({ kind: 'frame', id: 'forger-2', direction: 'out', data: 'FORGED-EMIT', replay: true, mark: 2 });
      hook.emit({ kind: 'frame', id: 'forger-2', direction: 'out', data: new Uint8Array([0xbe, 0xef]).buffer, replay: true });
      return [...names];
    },
    cid,
    extraSecrets as string[],
  );
}

test('the page can neither start nor answer an inject, nor list a frame as replayed', async () => {
  const replayedBefore = replayed(await main.port.messages(), main.doc).length;
  const names = await forge(main.page, main.cid, []);
  expect(names).toContain('clasp-devtools:inject');
  // A real inject after the forgeries: once answered, everything forged before it would have arrived.
  const [probe] = await inject(main, [{ text: 'after forgeries' }]);
  expect(probe).toMatchObject({ ok: true });
  await until(() => received.get('/main')!, (r) => r.at(-1) === 'text after forgeries', 'the frame after the forgeries');
  await sleep(500);
  const ms = await main.port.messages();
  expect(received.get('/main')!.filter((m) => m.includes('FORGED') || m.startsWith('bin 2 '))).toEqual([]);
  expect(answers(ms).filter((a) => String(a['id']).startsWith('forged'))).toEqual([]);
  const list = replayed(ms, main.doc);
  expect(list.slice(replayedBefore).map((e) => e['text'] ?? e['bytes'])).toEqual(['after forgeries']);
  // The emitted frames are listed, as the page's own traffic (never marked replay).
  expect(objectEvents(ms, main.doc).filter((e) => e['text'] === 'FORGED-EMIT').map((e) => e['replay'] ?? 'unmarked')).toEqual(['unmarked']);
  expect(objectEvents(ms, main.doc).some((e) => e['text'] === 'FORGED-DELIVERY')).toBe(false);
});

test('a closed socket, an unknown socket and a malformed inject are answered ok: false and send nothing', async () => {
  await main.page.evaluate(() => (globalThis as unknown as { openAndClose(): Promise<void> }).openAndClose());
  const ms = await until(main.port.messages, (m) => objectEvents(m, main.doc).some((e) => e['k'] === 'close'), 'the close of the second socket');
  const closedCid = String(objectEvents(ms, main.doc).find((e) => e['k'] === 'close')!['cid']);
  expect(closedCid).not.toBe(main.cid);
  const count = received.get('/main')!.length;
  const [closed, unknown] = [(await inject(main, [{ text: 'to a closed socket' }], closedCid))[0]!, (await inject(main, [{ text: 'to nobody' }], 'w999'))[0]!];
  expect(closed).toMatchObject({ ok: false, error: `no open socket ${closedCid} in this document`, buffered: 0 });
  expect(unknown).toMatchObject({ ok: false, error: 'no open socket w999 in this document', buffered: 0 });
  const [malformed] = await inject(main, [{ bytes: 'not base64!' }]);
  expect(malformed).toMatchObject({ ok: false, error: 'malformed inject command' });
  await sleep(300);
  expect(received.get('/main')!.length).toBe(count);
  expect(received.get('/main?second')).toEqual([]);
});

test('with deep mode off an inject is refused with the reason and sends nothing', async () => {
  await main.port.send({ type: 'deep', on: false });
  await until(main.port.messages, (ms) => ms.some((m) => m['type'] === 'deep-state' && m['state'] === 'off'), 'deep mode off');
  const count = received.get('/main')!.length;
  const [refused] = await inject(main, [{ text: 'deep mode is off' }]);
  expect(refused).toMatchObject({ ok: false, buffered: 0 });
  expect(String(refused!['error'])).toMatch(/needs Deep mode on/);
  await sleep(300);
  expect(received.get('/main')!.length).toBe(count);
});

// The page's own markup can put any attribute on <html> before the extension's scripts run. The
// scripts once agreed on their secret through such an attribute, so a preset one was adopted (found
// by this test); they now agree through events at document_start and never read or write the DOM:
// the page's attribute stays as the page wrote it and means nothing.
test('a page whose markup presets the handshake attribute can neither start nor answer an inject, nor blind the capture', async () => {
  const path = '/preset';
  const page = await chromium.browser.newPage();
  const url = `${origin}${path}`;
  await page.goto(url);
  await page.evaluate(() => (globalThis as unknown as { opened: Promise<void> }).opened);
  const port = await openPanelPort(chromium.browser, url);
  await port.send({ type: 'deep', on: true });
  const ms0 = await until(port.messages, (ms) => ms.some((m) => m['type'] === 'deep-state' && m['state'] === 'on'), 'deep mode on', 60_000);
  const doc = String(ms0.find((m) => m['type'] === 'document' && m['frameId'] === 0)!['doc']);
  const leftOnHtml = await page.evaluate((name: string) => document.documentElement.getAttribute(name), HANDSHAKE_ATTRIBUTE);
  const names = await forge(page, 'w1', [PRESET_SECRET]);
  expect(names).toContain(`clasp-devtools:${PRESET_SECRET}:inject`);
  // The page socket is the document's first (w1). A real inject, answered or not within 15 s.
  await port.send({ type: 'inject', doc, id: 'preset-probe', cid: 'w1', text: 'after forgeries' });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !answers(await port.messages()).some((a) => a['id'] === 'preset-probe')) await sleep(100);
  await sleep(500);
  const ms = await port.messages();
  expect({
    leftOnHtml,
    captured: objectEvents(ms, doc).some((e) => e['k'] === 'conn' && e['url'] === `${wsUrl}${path}`),
    probe: answers(ms).find((a) => a['id'] === 'preset-probe')?.['ok'] ?? 'no answer',
    forgedAnswers: answers(ms).filter((a) => String(a['id']).startsWith('forged')).map((a) => a['id']),
    forgedAtServer: (received.get(path) ?? []).filter((m) => m.includes('FORGED') || m.startsWith('bin 2 ')),
    replayed: replayed(ms, doc).map((e) => e['text'] ?? e['bytes']),
  }).toEqual({ leftOnHtml: PRESET_SECRET, captured: true, probe: true, forgedAnswers: [], forgedAtServer: [], replayed: ['after forgeries'] });
}, 120_000);
