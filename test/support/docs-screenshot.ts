/**
 * Screenshots for docs/: written only by `npm run docs:screenshots` (which sets
 * CLASP_DOCS_SCREENSHOTS=1), so `npm test` leaves the work tree unchanged. Otherwise the picture is
 * still taken (the same code path runs in every test run) and only checked to be a PNG.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { REPO_ROOT } from './browser.js';

/** True when this run should refresh the screenshots in docs/. */
export const WRITE_DOCS_SCREENSHOTS = process.env['CLASP_DOCS_SCREENSHOTS'] === '1';

/**
 * Takes a screenshot of `page`; saves it as `docs/<name>` only under `npm run docs:screenshots`.
 * @returns the PNG bytes.
 * @throws Error when the capture is not a PNG.
 */
export async function docsScreenshot(page: Page, name: string): Promise<Uint8Array> {
  const png = await page.screenshot({ type: 'png' });
  const signature = [0x89, 0x50, 0x4e, 0x47];
  if (png.length < 64 || signature.some((b, i) => png[i] !== b)) throw new Error(`screenshot for docs/${name} is not a PNG`);
  if (WRITE_DOCS_SCREENSHOTS) {
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'docs', name), type: 'png' });
  }
  return png;
}
