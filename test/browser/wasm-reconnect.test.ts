/**
 * What's tested: clasp-wasm-client's reconnect in the real browser. The example's demo app (a
 * client subscribed to `/demo/**`, moving a fader) loses its relay; a fresh relay (no sessions, no
 * subscriptions) comes up on the same port; the client reconnects through the TypeScript transport,
 * sends HELLO and its subscription again, and its fader SETs come back to it again.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRelay, type Relay } from '../../src/relay/index.js';
import { launchChromium, startPageServer, type LaunchedChromium, type PageServer } from '../support/browser.js';
import { openWasmPage, reportsOf, type WasmPage } from '../support/wasm-page.js';

let chromium: LaunchedChromium;
let server: PageServer;
let page: WasmPage;
const relays: Relay[] = [];

beforeAll(async () => {
  server = await startPageServer();
  chromium = await launchChromium();
  page = await openWasmPage(chromium, server);
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  for (const r of relays) await r.close().catch(() => undefined);
});

async function lastState(id: number, until: (s: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
  const started = Date.now();
  for (;;) {
    const state = reportsOf(await page.reports(id), 'state').at(-1);
    if (state !== undefined && until(state)) return state;
    if (Date.now() - started > 30_000) throw new Error(`timeout waiting for ${what}; last state ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('after its relay restarts, the client reconnects, re-subscribes and sees its SETs again', async () => {
  const first = await startRelay({ host: '127.0.0.1', port: 0 });
  relays.push(first);
  const id = await page.start(`mode=demo url=${first.url}`);
  const before = await lastState(id, (s) => Number(s['sets_in']) >= 5, 'fader SETs from the first relay');
  expect(before['reconnects']).toBe(0);

  await first.close();
  const down = await lastState(id, (s) => s['connected'] === false, 'the drop');
  const second = await startRelay({ host: '127.0.0.1', port: first.port });
  relays.push(second);
  const back = await lastState(id, (s) => s['connected'] === true && Number(s['reconnects']) === 1, 'the reconnect');
  // Only a re-sent SUBSCRIBE makes the new relay send the fader's SETs back.
  await lastState(id, (s) => Number(s['sets_in']) >= Number(back['sets_in']) + 5, 'fader SETs from the second relay');
  expect(Number(down['sets_in'])).toBeGreaterThanOrEqual(Number(before['sets_in']));
  expect(await page.panic(id)).toBeUndefined();
  await page.dispose(id);
}, 120_000);
