/**
 * Helpers for driving the built extension and the REAL DevTools panel in headless Chromium with
 * puppeteer-core 24 (`page.openDevTools()`), as proven in the devtools-capture reference:
 * - {@link ensureExtensionBuilt}: runs `npm run build:ext` when dist-ext/ is missing or older than
 *   any source file of the extension;
 * - {@link launchWithExtension}: Chromium with this machine's flags, a fresh profile and dist-ext/;
 * - {@link openClaspPanel}: opens DevTools for a page, selects the CLASP panel with DevTools' own
 *   `InspectorView.showPanel`, and returns the panel's frame.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO_ROOT } from './browser.js';
import { killRegisteredProfile, registerBrowser, releaseBrowser } from './browser-cleanup.js';

/** The unpacked extension folder. */
export const EXTENSION_DIR = join(REPO_ROOT, 'dist-ext');

/** The unpacked deep flavour (`npm run build:ext -- --deep`, permission "debugger"). */
export const DEEP_EXTENSION_DIR = join(REPO_ROOT, 'dist-ext-deep');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((n) => !n.endsWith('.test.ts')).map((n) => newestMtime(join(path, n))));
}

/**
 * Builds the extension if its folder is missing or stale.
 * @param flavour `standard` (dist-ext/, default) or `deep` (dist-ext-deep/).
 * @throws Error with the build output when the build fails.
 */
export function ensureExtensionBuilt(flavour: 'standard' | 'deep' = 'standard'): void {
  const built = join(flavour === 'deep' ? DEEP_EXTENSION_DIR : EXTENSION_DIR, 'manifest.json');
  const sources = [join(REPO_ROOT, 'extension'), join(REPO_ROOT, 'manifest.json'), join(REPO_ROOT, 'vite.config.ts'), join(REPO_ROOT, 'src', 'protocol'), join(REPO_ROOT, 'src', 'recorder'), join(REPO_ROOT, 'src', 'transport')];
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.filter(existsSync).map(newestMtime))) return;
  const result = spawnSync('node', ['scripts/build-ext.mjs', ...(flavour === 'deep' ? ['--deep'] : [])], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build:ext failed:\n${result.stdout}\n${result.stderr}`);
}

/** A Chromium with the extension loaded. */
export interface ExtensionBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Starts headless Chromium with an unpacked extension (default dist-ext/) and a fresh profile. */
export async function launchWithExtension(dir: string = EXTENSION_DIR): Promise<ExtensionBrowser> {
  return launchPuppeteer([`--disable-extensions-except=${dir}`, `--load-extension=${dir}`], true);
}

/**
 * Starts headless Chromium under puppeteer-core with this machine's flags and a fresh profile, which
 * is removed on close. The browser is killed with this process on SIGINT/SIGTERM/SIGHUP or an early
 * exit (browser-cleanup.ts; puppeteer's own signal handlers are off, they close asynchronously).
 * @param extraArgs further flags.
 * @param extensions allow extensions (needed with `--load-extension`).
 */
export async function launchPuppeteer(extraArgs: readonly string[] = [], extensions = false): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'clasp-devtools-'));
  registerBrowser(profile);
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      enableExtensions: extensions,
      userDataDir: profile,
      defaultViewport: { width: 1400, height: 900 },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      // A loaded 2-core machine can take minutes for one long evaluate (a benchmark's whole stream).
      protocolTimeout: 600_000,
      args: [...CHROMIUM_ARGS, ...extraArgs, '--window-size=1400,900'],
    });
  } catch (error) {
    killRegisteredProfile(profile);
    throw error;
  }
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      releaseBrowser(profile);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Opens the real DevTools for `page`, shows the CLASP panel and returns the DevTools page and panel frame. */
export async function openClaspPanel(page: Page): Promise<{ devtools: Page; panel: Frame }> {
  const devtools = await page.openDevTools();
  const load = `async () => import(new URL('./ui/legacy/legacy.js', location.href).href)`;
  let panelId: string | null = null;
  // A deadline rather than a try count: on a loaded 2-core machine DevTools can take a minute to
  // register the extension's panel, and each evaluate then takes longer too.
  const deadline = Date.now() + 90_000;
  while (panelId === null && Date.now() < deadline) {
    panelId = await devtools
      .evaluate(async (src: string) => {
        const UI = await (0, eval)(src)();
        const ids: string[] = UI.InspectorView.InspectorView.instance().tabbedPane.tabIds();
        return ids.find((id) => id.startsWith('chrome-extension://')) ?? null;
      }, load)
      .catch(() => null);
    if (panelId === null) await sleep(150);
  }
  if (panelId === null) throw new Error('the CLASP panel never appeared in DevTools');
  await devtools.evaluate(
    async (src: string, id: string) => {
      const UI = await (0, eval)(src)();
      // Undocked: the DevTools page is then its own window, so screenshots show the panel only.
      UI.DockController.DockController.instance().setDockSide('undocked');
      await UI.InspectorView.InspectorView.instance().showPanel(id);
    },
    load,
    panelId,
  );
  for (let i = 0; i < 100; i++) {
    const panel = devtools.frames().find((f) => f.url().endsWith('/extension/panel/panel.html'));
    if (panel !== undefined) {
      await panel.waitForSelector('.toolbar');
      return { devtools, panel };
    }
    await sleep(100);
  }
  throw new Error('the CLASP panel frame did not load');
}
