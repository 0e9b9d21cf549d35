/**
 * What's tested: the browser test harness itself — Chromium starts with this machine's flags,
 * a Vite-served page runs TypeScript from src/, and the page result reaches the test.
 */
import { expect, test } from 'vitest';
import { useBrowser } from '../support/browser-fixture.js';

const browser = useBrowser();

test('a page served from the repository imports TypeScript from src/', async () => {
  const page = await browser.chromium.context.newPage();
  await page.goto(`${browser.pages.url}/test/browser/pages/smoke.html`);
  const result = await page.waitForFunction(() => (globalThis as { smokeResult?: string }).smokeResult);
  expect(await result.jsonValue()).toBe('__CLASP_DEVTOOLS_HOOK__');
});
