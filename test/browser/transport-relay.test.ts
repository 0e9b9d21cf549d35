/**
 * What's tested (real headless Chromium, development relay on 127.0.0.1):
 * - handshake over our transport: HELLO → WELCOME (relay name, features) + the initial SNAPSHOT;
 * - interop with the official SDK `@clasp-to/core` in the same page, through the same relay: the SDK
 *   receives what our transport SETs, and our transport receives the SDK's SET and PUBLISH;
 * - the relay process killed (SIGKILL) mid-stream: Disconnected 1006 after the last, in-order Data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { InteropApi } from './pages/interop-page.js';
import { launchChromium, startPageServer, REPO_ROOT, type LaunchedChromium, type PageServer } from '../support/browser.js';
import { connectClient } from '../support/relay-client.js';
import { startRelay, type Relay } from '../../src/relay/index.js';
import type { Page } from 'playwright-core';

let chromium: LaunchedChromium;
let pages: PageServer;
let relay: Relay;

beforeAll(async () => {
  pages = await startPageServer();
  chromium = await launchChromium();
  relay = await startRelay({ port: 0 });
});

afterAll(async () => {
  await chromium?.close();
  await pages?.close();
  await relay?.close();
});

async function interopPage(): Promise<Page> {
  const page = await chromium.context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${pages.url}/test/browser/pages/interop.html`);
  await page.waitForFunction(() => 'I' in globalThis);
  return page;
}

type Api = { I: InteropApi };

test('handshake with the development relay over the transport', async () => {
  const page = await interopPage();
  const [welcome, snapshot] = await page.evaluate((url) => (globalThis as unknown as Api).I.handshake(url), relay.url);
  expect(welcome).toMatchObject({ type: 'WELCOME', version: 1, name: 'clasp-dev-relay', features: ['param', 'event', 'stream', 'gesture', 'timeline'] });
  expect(snapshot).toEqual({ type: 'SNAPSHOT', params: [] });
  await page.close();
});

test('interop: @clasp-to/core and this transport talk through the same relay', async () => {
  const page = await interopPage();
  const r = await page.evaluate((url) => (globalThis as unknown as Api).I.interop(url), relay.url);
  expect(r['ack']).toEqual({ type: 'ACK', address: '/interop/from-ours', revision: '1n' });
  expect(r['fromSdk']).toMatchObject({ type: 'SET', address: '/interop/from-sdk', value: 42, revision: '1n' });
  expect(r['sdkEvent']).toMatchObject({ type: 'PUBLISH', address: '/interop/sdk-event', signal: 'event', value: { x: 1 } });
  expect(r['sdkSeen']).toEqual(expect.arrayContaining([
    { address: '/interop/from-ours', value: 'hello from ours' },
    { address: '/interop/ours-event', value: 3.5 },
    { address: '/interop/from-sdk', value: 42 },
  ]));
  expect(r['sdkCached']).toBe('hello from ours');
  await page.close();
});

/** Starts the relay CLI as a child process on a free port. */
async function spawnRelay(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'src/relay/cli.ts'), '--ws-port', '0', '--quiet'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) resolveUrl(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
  return { child, url };
}

test('relay killed mid-stream: Disconnected 1006 after the last in-order Data', async () => {
  const { child, url } = await spawnRelay();
  const page = await interopPage();
  try {
    const result = page.evaluate((u) => (globalThis as unknown as Api).I.floodUntilDisconnected(u), url);
    await page.waitForFunction(() => (globalThis as Record<string, unknown>)['floodReady'] === true);
    const flooder = await connectClient(url);
    await flooder.hello();
    // Flood in batches until the page has seen some, then kill the relay while frames are in flight.
    let sent = 0;
    let flooding = true;
    const flood = (async () => {
      while (flooding && flooder.ws.readyState === flooder.ws.OPEN) {
        for (let i = 0; i < 100; i += 1, sent += 1) flooder.send({ type: 'PUBLISH', address: `/flood/${sent}`, signal: 'stream', value: sent });
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await page.waitForFunction(() => Number((globalThis as Record<string, unknown>)['floodCount'] ?? 0) >= 500);
    child.kill('SIGKILL');
    const r = await result;
    flooding = false;
    await flood;
    expect(r.last).toEqual({ type: 'Disconnected', code: 1006, reason: '', wasClean: false });
    expect(r.inOrder).toBe(true);
    expect(r.publishes).toBeGreaterThan(0);
    await flooder.close();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await page.close();
  }
});
