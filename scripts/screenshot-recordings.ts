/**
 * `npx tsx scripts/screenshot-recordings.ts`: makes the pictures of docs/recorder.md in the real
 * DevTools panel (headless Chromium, the built extension, a development relay on 127.0.0.1):
 * - docs/value-plot.png: the State view with the value plot of a fader that glitches once;
 * - docs/recordings.png: the Recordings tab after two recordings, one renamed.
 * Run by `npm run docs:screenshots`, not by `npm test` (tests leave the work tree unchanged).
 * The browser is closed on SIGINT/SIGTERM too.
 */
import { join } from 'node:path';
import { startRelay, type Relay } from '../src/relay/index.js';
import { REPO_ROOT, startPageServer, type PageServer } from '../test/support/browser.js';
import { ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../test/support/devtools-panel.js';

let server: PageServer | undefined;
let relay: Relay | undefined;
let chromium: ExtensionBrowser | undefined;
async function shutdown(): Promise<void> {
  await chromium?.close();
  await relay?.close();
  await server?.close();
  chromium = relay = server = undefined;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown().finally(() => process.exit(130)));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

try {
  ensureExtensionBuilt();
  server = await startPageServer();
  relay = await startRelay({ port: 0 });
  chromium = await launchWithExtension();
  const page = await chromium.browser.newPage();
  await page.goto(`${server.url}/test/e2e/pages/devtools-app.html`);
  await page.waitForFunction(() => 'E' in globalThis);
  await page.evaluate((url) => (globalThis as unknown as { E: { startTransport(u: string): Promise<void> } }).E.startTransport(url), relay.url);
  const { devtools, panel } = await openClaspPanel(page);
  const press = (selector: string): Promise<void> => panel.$eval(selector, (b) => (b as HTMLElement).click());
  const set = (address: string, value: number): Promise<void> =>
    page.evaluate((a, v) => (globalThis as unknown as { E: { transportSet(a: string, v: number): Promise<void> } }).E.transportSet(a, v), address, value);

  // A recorded fader move with one glitch: the value drops to 0 for one frame.
  await press('.record-bar .record');
  for (let i = 0; i < 160; i++) {
    const level = 0.5 + 0.4 * Math.sin(i / 14);
    await set('/mixer/1/gain', i === 97 ? 0 : Number(level.toFixed(3)));
    if (i % 20 === 0) await set('/mixer/2/gain', i / 160);
    await sleep(12);
  }
  await press('.record-bar .record');
  await press('.record-bar .record');
  for (let i = 0; i < 40; i++) await set('/lights/cue', i);
  await press('.record-bar .record');
  await sleep(500);

  await press('.tabs .tab-state');
  const row = await panel.waitForSelector('.state-view tbody tr[data-address="/mixer/1/gain"]');
  await row!.click();
  await panel.waitForFunction(() => document.querySelector('.value-plot .plot-title')?.textContent?.startsWith('/mixer/1/gain — 160 values') === true, { polling: 100 });
  // The plot and the first rows of the table under it, not the empty rest of the view.
  await (await panel.$('.state-view'))!.screenshot({ path: join(REPO_ROOT, 'docs', 'value-plot.png'), clip: { x: 0, y: 0, width: 900, height: 270 } });

  await press('.tabs .tab-recordings');
  await panel.waitForFunction(() => document.querySelectorAll('.recordings-rows tr').length === 2, { polling: 100 });
  await press('.recordings-rows tr:last-child .rec-rename');
  await panel.$eval('.rec-name-input', (i) => ((i as HTMLInputElement).value = 'fader glitch at 1.2 s'));
  await panel.focus('.rec-name-input');
  await devtools.keyboard.press('Enter');
  await panel.waitForFunction(() => document.querySelector('.recordings-rows tr:last-child .rec-name')?.textContent === 'fader glitch at 1.2 s', { polling: 100 });
  await (await panel.$('.recordings-view'))!.screenshot({ path: join(REPO_ROOT, 'docs', 'recordings.png'), clip: { x: 0, y: 0, width: 1200, height: 150 } });
  console.log('wrote docs/value-plot.png and docs/recordings.png');
} finally {
  await shutdown();
}
