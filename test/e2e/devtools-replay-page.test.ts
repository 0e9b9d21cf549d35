/**
 * Replay into the inspected page's own connection (real headless Chromium, the deep build from
 * dist-ext-deep/, the REAL DevTools panel and service worker, a WebSocket server on 127.0.0.1 that
 * keeps every message it receives):
 * - without deep mode the page's socket is offered but disabled, and the service worker refuses an
 *   inject sent straight on a panel port;
 * - a session recorded through the panel's Record button (HELLO, 30 SETs, a text frame), replayed
 *   in deep mode into the same open page socket, reaches the server in order and byte-exact, HELLO
 *   left out and counted; the rows are marked `[replayed by DevTools]`;
 * - the page's replaced `WebSocket.prototype.send` (a page watching its own sends) never sees a
 *   replayed frame;
 * - the recording's `in` frames (what the server sent) replayed into the page arrive at the page's own
 *   `onmessage` in order and byte-exact (ArrayBuffer, as its binaryType says; text as text), WELCOME
 *   left out and counted, listed as incoming and marked;
 * - a part of a recording (an address pattern) loops until Stop;
 * - a socket closed during a replay ends it with that reason, and what reached the server is an
 *   in-order prefix of the recording.
 */
import { createServer, type Server } from 'node:http';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { encode } from '../../src/protocol/index.js';
import { startPageServer, type PageServer } from '../support/browser.js';
import { DEEP_EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../support/devtools-panel.js';
import { choose, press, setInput, sleep, until, waitRows } from './panel-helpers.js';

let server: PageServer;
let wsHttp: Server;
let wsUrl: string;
/** Every message the server received, per connection, in order (binary as hex, text as `text …`). */
const received: string[][] = [];
let chromium: ExtensionBrowser;
let page: Page;
let panel: Frame;
/** Recording `a` of the second test: its id and the frames the page sent. */
let recordingA: { id: string; frames: (number[] | string)[] } | undefined;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** What the server sends back for a text frame `text`. */
function serverAnswers(text: string): (Uint8Array | string)[] {
  return [
    encode({ type: 'WELCOME', version: 1, session: 's-1', name: 'replay e2e server', features: ['param'], time: 1n }),
    encode({ type: 'SET', address: '/e2e/replay/from-server', value: text.length, revision: 7n }),
    `server answer to ${text}`,
  ];
}

const notice = (): Promise<string> => panel.$eval('.status .notice', (n) => n.textContent ?? '');

/**
 * The replay target menu, rebuilt as when the user opens it: the relay entry and the options of the
 * test's socket (the page server's own client socket is left out).
 */
function targets(): Promise<{ value: string; text: string; disabled: boolean }[]> {
  return panel
    .evaluate(() => {
      const menu = document.querySelector<HTMLSelectElement>('.replay-target')!;
      menu.dispatchEvent(new Event('focus'));
      return [...menu.options].map((o) => ({ value: o.value, text: o.textContent ?? '', disabled: o.disabled }));
    })
    .then((options) => options.filter((o) => o.value === 'relay' || o.text.endsWith(` ${wsUrl}`)));
}

async function waitDeepState(state: string): Promise<void> {
  await until(() => panel.$eval('.deep-mode', (e) => e.getAttribute('data-state') ?? ''), (s) => s === state, `deep mode ${state}`);
}

/** Records what the page sends through the panel's Record button; returns the recording's id and the frames sent. */
async function recordSession(tag: string, count: number, gapMs: number): Promise<{ id: string; frames: (number[] | string)[] }> {
  const frames: (number[] | string)[] = [[...encode({ type: 'HELLO', version: 1, name: `replay e2e ${tag}`, features: ['param'] })]];
  for (let i = 0; i < count; i++) frames.push([...encode({ type: 'SET', address: `/e2e/replay/${tag}/${i}`, value: i * 0.5, revision: BigInt(i) })]);
  frames.push(`text frame of ${tag} ✓`);
  await press(panel, '.record-bar .record');
  await until(notice, (t) => /^recording into session \d+$/.test(t), 'recording to start');
  for (const frame of frames) {
    await page.evaluate((f) => (globalThis as any).R.send(f), frame);
    if (gapMs > 0) await sleep(gapMs);
  }
  await until(() => panel.$eval('.status .rec-state', (e) => e.textContent ?? ''), (t) => Number(/: (\d+) frames/.exec(t)?.[1] ?? 0) >= frames.length, 'the recording state');
  await press(panel, '.record-bar .record');
  const stopped = await until(notice, (t) => /^recorded session \d+: \d+ frames/.test(t), 'recording to stop');
  return { id: /^recorded session (\d+)/.exec(stopped)![1]!, frames };
}

beforeAll(async () => {
  ensureExtensionBuilt('deep');
  server = await startPageServer();
  wsHttp = createServer();
  const wss = new WebSocketServer({ server: wsHttp, handleProtocols: (protocols) => (protocols.has('clasp') ? 'clasp' : false) });
  wss.on('connection', (ws) => {
    const log: string[] = [];
    received.push(log);
    ws.on('message', (data, isBinary) => {
      log.push(isBinary ? hex(new Uint8Array(data as Buffer)) : `text ${String(data)}`);
      // A text frame is answered the way a server talks to a client: a WELCOME, a SET and a text.
      if (!isBinary) for (const answer of serverAnswers(String(data))) ws.send(answer, { binary: typeof answer !== 'string' });
    });
  });
  await new Promise<void>((resolve) => wsHttp.listen(0, '127.0.0.1', resolve));
  const address = wsHttp.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  wsUrl = `ws://127.0.0.1:${address.port}/`;
  chromium = await launchWithExtension(DEEP_EXTENSION_DIR);
  page = await chromium.browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${server.url}/test/e2e/pages/replay-page.html`);
  await page.waitForFunction(() => 'R' in globalThis);
  await page.evaluate((url) => (globalThis as any).R.open(url), wsUrl);
  const opened = await openClaspPanel(page);
  panel = opened.panel;
  opened.devtools.on('console', (m) => { if (!/Autofill|Third-party|Unknown VE|project settings/.test(m.text())) console.log('[devtools console]', m.type(), m.text()); });
  opened.devtools.on('pageerror', (e) => console.log('[devtools pageerror]', e));
});

afterAll(async () => {
  await chromium?.close();
  await new Promise((r) => wsHttp?.close(r));
  await server?.close();
});

test('without deep mode the page socket is offered disabled, and the service worker refuses an inject', async () => {
  await panel.click('.tabs .tab-recordings');
  await panel.waitForSelector('.recordings-view:not([hidden])');
  const menu = await until(targets, (t) => t.length === 2, 'the page socket in the target menu');
  expect(menu[0]).toEqual({ value: 'relay', text: 'a relay URL', disabled: false });
  expect(menu[1]!.text).toBe(`this page: #2 ${wsUrl}`);
  expect(menu[1]!.disabled).toBe(true);
  expect(await panel.$eval('.replay-hint', (e) => e.textContent)).toBe("(into this page's own connections: turn on Deep mode first)");
  // A panel port that skips the panel's own check: the service worker checks again.
  const doc = menu[1]!.value.slice('page:'.length).split('/')[0]!;
  const answer = await panel.evaluate(
    (d) =>
      new Promise<unknown>((resolve) => {
        const port = chrome.runtime.connect({ name: `panel:${chrome.devtools.inspectedWindow.tabId}` });
        port.onMessage.addListener((m: { type: string }) => {
          if (m.type !== 'injected') return;
          port.disconnect();
          resolve(m);
        });
        port.postMessage({ type: 'inject', doc: d, id: 'forged-1', cid: 'w2', text: 'not without deep mode' });
      }),
    doc,
  );
  expect(answer).toEqual({ type: 'injected', doc, id: 'forged-1', ok: false, error: 'replay into the page needs Deep mode on (the debugger attached to this tab)', buffered: 0, sent: 0 });
  await sleep(300);
  expect(received[0]!.some((m) => m.includes('not without deep mode'))).toBe(false);
});

test('in deep mode a recording replays into the open page socket: in order, byte-exact, HELLO left out; the page spy sees none of it', async () => {
  recordingA = await recordSession('a', 30, 0);
  const { id, frames } = recordingA;
  const sentByPage = received[0]!.length;
  expect(sentByPage).toBe(frames.length);
  const spiedBefore = await page.evaluate(() => (globalThis as any).R.spied() as string[]);
  expect(spiedBefore).toHaveLength(frames.length);
  await press(panel, '.deep-toggle');
  await waitDeepState('on');
  await panel.click('.tabs .tab-recordings');
  const menu = await until(targets, (t) => t.length === 2 && !t[1]!.disabled, 'the enabled page socket');
  await choose(panel, '.replay-target', menu[1]!.value);
  expect(await panel.$eval('.replay-url', (e) => (e as HTMLElement).hidden)).toBe(true);
  await choose(panel, '.replay-speed', 'Infinity');
  await panel.click(`.recordings-rows tr[data-id="${id}"] .rec-replay`);
  const done = await until(notice, (t) => t.startsWith('replayed ') || t.startsWith('replay failed'), 'the replay to finish');
  expect(done).toMatch(/^replayed 32 frames of recording \d+ into this page: #2 ws:\/\/127\.0\.0\.1:\d+\/; lateness p99 [\d.]+ ms, max [\d.]+ ms; the page's socket took 31 frames; 1 HELLO not sent \(the connection already has its session\)$/);
  // What the server got after the page's own frames: the recording's SETs and text, byte for byte, in order.
  const expected = frames.slice(1).map((f) => (typeof f === 'string' ? `text ${f}` : hex(new Uint8Array(f))));
  const replayed = await until(async () => received[0]!.slice(sentByPage), (r) => r.length >= expected.length, 'the replayed frames at the server', 10_000);
  expect(replayed).toEqual(expected);
  // The page's own send (replaced by the page) never ran for them.
  expect(await page.evaluate(() => (globalThis as any).R.spied() as string[])).toEqual(spiedBefore);
  // The panel lists them as outgoing traffic, marked, and the free text finds them by their mark.
  await panel.click('.tabs .tab-frames');
  await setInput(panel, '.toolbar .text', 'replayed by devtools');
  await until(() => panel.$eval('.status .status-text', (e) => e.textContent ?? ''), (t) => / 31 shown\b/.test(t), 'the 31 replayed frames in the list');
  // The list is redrawn a task after the status: wait until only marked rows are up.
  const marked = await waitRows(panel, (r) => r.length > 0 && r.every((x) => x.includes('[replayed by DevTools]')) && r.at(-1)!.includes('text frame of a'), 'the replayed rows');
  expect(marked.every((x) => x.includes('[replayed by DevTools]') && x.split('|')[2] === '↑')).toBe(true);
  expect(marked.at(-1)).toMatch(/\[replayed by DevTools\] text frame of a ✓$/);
  expect(marked.slice(0, -1).every((x) => x.includes('|SET|/e2e/replay/a/'))).toBe(true);
  await setInput(panel, '.toolbar .text', '');
});

test("the recording's in frames replay into the page as if from the server: in order, byte-exact, WELCOME left out", async () => {
  const { id, frames } = recordingA!;
  const text = frames.at(-1) as string;
  const [, set, answer] = serverAnswers(text);
  // While recording, the page's listener got the server's three answers.
  // (and three more after the replay above sent the text frame again)
  const before = await page.evaluate(() => (globalThis as any).R.messages() as { data: string; origin: string; trusted: boolean }[]);
  expect(before).toHaveLength(6);
  expect(before.slice(0, 3).map((m) => m.data)).toEqual([`binary ${hex(serverAnswers(text)[0] as Uint8Array)}`, `binary ${hex(set as Uint8Array)}`, `text ${answer as string}`]);
  const sentBefore = received[0]!.length;
  await panel.click('.tabs .tab-recordings');
  const menu = await until(targets, (t) => t.length === 2 && !t[1]!.disabled, 'the page socket');
  await choose(panel, '.replay-target', menu[1]!.value);
  await choose(panel, '.replay-direction', 'in');
  await choose(panel, '.replay-speed', 'Infinity');
  await panel.click(`.recordings-rows tr[data-id="${id}"] .rec-replay`);
  const done = await until(notice, (t) => t.includes('the in frames of') || t.startsWith('replay failed'), 'the replay to finish');
  expect(done).toMatch(/^replayed 3 frames of the in frames of recording \d+ into this page: #2 ws:.+; the page received 2 frames; 1 WELCOME not sent \(the connection already has its session\)$/);
  const after = (await page.evaluate(() => (globalThis as any).R.messages() as { data: string; origin: string; trusted: boolean }[])).slice(before.length);
  expect(after.map((m) => m.data)).toEqual([`binary ${hex(set as Uint8Array)}`, `text ${answer as string}`]);
  // As the browser would deliver it, except that isTrusted is false (no script can make a trusted event).
  expect(after.every((m) => m.origin === before[0]!.origin && m.trusted === false)).toBe(true);
  expect(before[0]!.trusted).toBe(true);
  // Nothing went to the server.
  await sleep(200);
  expect(received[0]!.length).toBe(sentBefore);
  await panel.click('.tabs .tab-frames');
  await setInput(panel, '.toolbar .text', 'replayed by devtools');
  const rows = await waitRows(panel, (r) => r.every((x) => x.includes('[replayed by DevTools]')) && r.some((x) => x.includes('server answer to')), 'the delivered frames in the list');
  const delivered = rows.filter((x) => x.split('|')[2] === '↓');
  expect(delivered).toHaveLength(2);
  expect(delivered[0]).toContain('|SET|/e2e/replay/from-server|');
  await setInput(panel, '.toolbar .text', '');
  await choose(panel, '.replay-direction', 'out');
});

test('a part of a recording (an address pattern) replays in a loop until Stop', async () => {
  const { id, frames } = recordingA!;
  const before = received[0]!.length;
  await panel.click('.tabs .tab-recordings');
  const menu = await until(targets, (t) => t.length === 2 && !t[1]!.disabled, 'the page socket');
  await choose(panel, '.replay-target', menu[1]!.value);
  await choose(panel, '.replay-speed', '10');
  await setInput(panel, '.replay-address', '/e2e/replay/a/1*'); // 1 and 10–19: 11 SETs
  await panel.$eval('.replay-loop', (c) => (c as HTMLInputElement).click());
  await panel.click(`.recordings-rows tr[data-id="${id}"] .rec-replay`);
  // The recording has no gaps: rounds follow each other quickly, each reported.
  const second = await until(notice, (t) => /\(round ([2-9]|\d{2,})\)/.test(t), 'two rounds of the loop');
  expect(second).toMatch(/^replayed 11 frames of recording \d+ \(\/e2e\/replay\/a\/1\*\) into this page: #2 ws:.+ \(round \d+\); lateness .+; the page's socket took 11 frames$/);
  await press(panel, '.replay-stop');
  // Stop lands in a round or between two: either way the replay ends and says so.
  await until(notice, (t) => t.startsWith(`replay of recording ${id} stopped`), 'the loop to stop');
  await panel.$eval('.replay-loop', (c) => (c as HTMLInputElement).click());
  await setInput(panel, '.replay-address', '');
  await sleep(300);
  const part = frames.slice(1, -1).map((f) => hex(new Uint8Array(f as number[]))).filter((_, i) => /^1\d?$/.test(String(i)));
  expect(part).toHaveLength(11);
  const got = received[0]!.slice(before);
  expect(got.length).toBeGreaterThanOrEqual(22);
  // Round after round, each the 11 SETs in recorded order; the round Stop cut short is a prefix.
  got.forEach((frame, i) => expect(frame).toBe(part[i % 11]));
});

test('a socket closed during a replay ends it with that reason; the server got an in-order prefix', async () => {
  const { id, frames } = await recordSession('b', 40, 25);
  const before = received[0]!.length;
  await panel.click('.tabs .tab-recordings');
  const menu = await until(targets, (t) => t.length === 2 && !t[1]!.disabled, 'the page socket');
  await choose(panel, '.replay-target', menu[1]!.value);
  await choose(panel, '.replay-speed', '1');
  await panel.click(`.recordings-rows tr[data-id="${id}"] .rec-replay`);
  await until(() => panel.$eval('.replay-status', (e) => e.textContent ?? ''), (t) => /^([5-9]|\d\d+)( \/ \d+)? frames/.test(t), 'a few replayed frames');
  await page.evaluate(() => (globalThis as any).R.close());
  const failed = await until(notice, (t) => t.startsWith('replay failed') || t.startsWith('replayed '), 'the replay to end');
  expect(failed).toMatch(/^replay failed: (no open socket w2 in this document|socket w2 is not open \(readyState [23]\))$/);
  const got = received[0]!.slice(before);
  const expected = frames.slice(1).map((f) => (typeof f === 'string' ? `text ${f}` : hex(new Uint8Array(f))));
  expect(got.length).toBeGreaterThan(0);
  expect(got.length).toBeLessThan(expected.length);
  expect(got).toEqual(expected.slice(0, got.length));
  expect(await panel.$eval('.replay-stop', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
  // Closed: the socket is no longer offered.
  expect(await until(targets, (t) => t.length === 1, 'the closed socket to leave the menu')).toHaveLength(1);
});
