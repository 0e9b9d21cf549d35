/**
 * What's tested: the demo page end to end, as `npm start` serves it — demo/ built with Vite
 * (demo/vite.config.ts), served by the development relay on a free port, opened in headless
 * Chromium: the Rust client connects to the relay that served the page, gets a WELCOME, and the
 * page shows the fader's SETs coming back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRelay, type Relay } from '../../src/relay/index.js';
import { launchChromium, REPO_ROOT, type LaunchedChromium } from '../support/browser.js';

let chromium: LaunchedChromium;
let relay: Relay;
let outDir: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'clasp-demo-'));
  await build({ configFile: join(REPO_ROOT, 'demo/vite.config.ts'), logLevel: 'error', build: { outDir } });
  relay = await startRelay({ host: '127.0.0.1', port: 0, serveDir: outDir });
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await relay?.close();
  rmSync(outDir, { recursive: true, force: true });
});

test('the demo page served by the relay runs the Rust client and shows what it sees', async () => {
  const page = await chromium.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(relay.url.replace('ws://', 'http://'));
  await page.waitForFunction(() => document.getElementById('state')?.dataset['state'] === 'open');
  await page.waitForFunction(() => /^[0-9a-f-]{36}$/.test(document.getElementById('session')?.textContent ?? ''));
  await page.waitForFunction(() => Number((document.getElementById('counts')?.textContent ?? '0').split(' · ')[1]) >= 10);
  const out = Number(await page.textContent('#msgs-out'));
  const seen = await page.textContent('#seen-v');
  expect(out).toBeGreaterThanOrEqual(20);
  expect(seen).toMatch(/^[01]\.\d\d$/);
  expect(errors).toEqual([]);
  await page.close();
});
