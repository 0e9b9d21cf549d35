/**
 * The usual browser-test setup as one call: a Vite page server over the repository and a headless
 * Chromium, started once per test file and closed after it.
 */
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, startPageServer, type LaunchedChromium, type PageServer } from './browser.js';

/** What {@link useBrowser} gives a test file; the getters throw outside the file's tests. */
export interface BrowserFixture {
  readonly chromium: LaunchedChromium;
  readonly pages: PageServer;
}

/** Registers `beforeAll`/`afterAll` hooks that start and stop Chromium and the page server. */
export function useBrowser(): BrowserFixture {
  let chromium: LaunchedChromium | undefined;
  let pages: PageServer | undefined;
  beforeAll(async () => {
    pages = await startPageServer();
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await pages?.close();
  });
  return {
    get chromium(): LaunchedChromium {
      if (chromium === undefined) throw new Error('useBrowser: Chromium is not running');
      return chromium;
    },
    get pages(): PageServer {
      if (pages === undefined) throw new Error('useBrowser: the page server is not running');
      return pages;
    },
  };
}
