/**
 * What's tested: the browser test harness itself — Chromium starts with this machine's flags,
 * a Vite-served page runs TypeScript from src/, and the page result reaches the test.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, startPageServer, type LaunchedChromium, type PageServer } from '../support/browser.js';

let chromium: LaunchedChromium;
let server: PageServer;

beforeAll(async () => {
  server = await startPageServer();
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

test('a page served from the repository imports TypeScript from src/', async () => {
  const page = await chromium.context.newPage();
  await page.goto(`${server.url}/test/browser/pages/smoke.html`);
  const result = await page.waitForFunction(() => (globalThis as { smokeResult?: string }).smokeResult);
  expect(await result.jsonValue()).toBe('__CLASP_DEVTOOLS_HOOK__');
});
