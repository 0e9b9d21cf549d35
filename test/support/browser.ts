/**
 * Shared helpers for tests that drive real headless Chromium (Debian's /usr/bin/chromium).
 *
 * - {@link launchChromium}: playwright-core with the flags this machine needs (root, closed network)
 *   and a fresh profile directory that is removed on close.
 * - {@link startPageServer}: a Vite dev server over the repository on 127.0.0.1, so a test page can
 *   `import` TypeScript from `src/` directly (`/src/transport/index.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { killRegisteredProfile, registerBrowser, releaseBrowser } from './browser-cleanup.js';

/** Where Debian puts Chromium; `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags every Chromium start needs here: root, no GPU, no traffic beyond 127.0.0.1. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** A running Chromium and the profile directory it owns. */
export interface LaunchedChromium {
  readonly browser: Browser;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a new, empty profile.
 * @param extraArgs further command-line flags (e.g. `--load-extension=...`).
 */
export async function launchChromium(
  extraArgs: readonly string[] = [],
  options: LaunchOptions = {},
): Promise<LaunchedChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'clasp-chromium-'));
  registerBrowser(profile); // killed with this process on SIGINT/SIGTERM (browser-cleanup.ts)
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      ...options,
    });
  } catch (error) {
    killRegisteredProfile(profile);
    throw error;
  }
  const browser = context.browser();
  return {
    // launchPersistentContext has no separate Browser object; expose the context's when present.
    browser: browser as Browser,
    context,
    async close() {
      await context.close().catch(() => undefined);
      releaseBrowser(profile);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A Vite dev server over the repository root. */
export interface PageServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Repository root (this file lives in test/support). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Serves the repository with Vite on a free port of 127.0.0.1, so `test/browser/pages/x.html`
 * is at `${url}/test/browser/pages/x.html` and can import `/src/...ts` modules.
 */
export async function startPageServer(root: string = REPO_ROOT): Promise<PageServer> {
  const server: ViteDevServer = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (address === null || address === undefined || typeof address === 'string') {
    await server.close();
    throw new Error('vite dev server did not report a TCP address');
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}
