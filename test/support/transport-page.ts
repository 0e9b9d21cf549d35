/**
 * Node-side access to the transport test page (test/browser/pages/transport-page.ts): opens it in a
 * fresh tab and calls its `P` primitives by name.
 */
import type { Page } from 'playwright-core';
import type { PageApi } from '../browser/pages/transport-page.js';
import type { LaunchedChromium, PageServer } from './browser.js';

type Fn = (...args: never[]) => unknown;
type Args<K extends keyof PageApi> = PageApi[K] extends Fn ? Parameters<PageApi[K]> : never;
type Result<K extends keyof PageApi> = PageApi[K] extends Fn ? Awaited<ReturnType<PageApi[K]>> : never;

/** A tab with the transport page loaded. */
export interface TransportPage {
  readonly page: Page;
  call<K extends keyof PageApi>(name: K, ...args: Args<K>): Promise<Result<K>>;
  close(): Promise<void>;
}

/** Opens `test/browser/pages/transport.html` in a new tab. */
export async function openTransportPage(chromium: LaunchedChromium, server: PageServer): Promise<TransportPage> {
  const page = await chromium.context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${server.url}/test/browser/pages/transport.html`);
  await page.waitForFunction(() => 'P' in globalThis);
  await page.evaluate(() => (globalThis as unknown as { P: PageApi }).P.reset());
  return {
    page,
    call: (name, ...args) =>
      page.evaluate(
        ([n, a]) => {
          const api = (globalThis as unknown as { P: Record<string, (...x: unknown[]) => unknown> }).P;
          return api[n as string]?.(...(a as unknown[]));
        },
        [name, args] as const,
      ) as never,
    close: () => page.close(),
  };
}
