/**
 * Node-side access to the wasm harness page (test/browser/pages/wasm-page.ts), for the wasm
 * browser tests and `npm run bench:wasm`.
 */
import type { Page } from 'playwright-core';
import type { WasmHarness } from '../browser/pages/wasm-page.js';
import type { LaunchedChromium, PageServer } from './browser.js';

/** A report of the example client (one JSON object). */
export type Report = Record<string, unknown> & { event?: string };

/** A tab with the harness loaded. */
export interface WasmPage {
  readonly page: Page;
  /** Instantiates the example and starts it with `args`; returns the run id. */
  start(args: string): Promise<number>;
  /** Waits until run `id` reported `event` (or panicked); returns all its reports. */
  waitFor(id: number, event: string, timeoutMs?: number): Promise<Report[]>;
  reports(id: number): Promise<Report[]>;
  panic(id: number): Promise<string | undefined>;
  memory(id: number): Promise<number[]>;
  connectionCount(id: number): Promise<number>;
  /** Stops run `id` (`WasmBridge.dispose`): its transports are released. */
  dispose(id: number): Promise<void>;
  close(): Promise<void>;
}

type H = { wasmHarness: WasmHarness };

/** Opens `test/browser/pages/wasm.html` in a new tab. */
export async function openWasmPage(chromium: LaunchedChromium, server: PageServer): Promise<WasmPage> {
  const page = await chromium.context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${server.url}/test/browser/pages/wasm.html`);
  await page.waitForFunction(() => 'wasmHarness' in globalThis);
  return {
    page,
    start: (args) => page.evaluate((a) => (globalThis as unknown as H).wasmHarness.start(a), args),
    waitFor: (id, event, timeoutMs) =>
      page.evaluate(([i, e, t]) => (globalThis as unknown as H).wasmHarness.waitFor(i, e, t), [id, event, timeoutMs] as const),
    reports: (id) => page.evaluate((i) => (globalThis as unknown as H).wasmHarness.run(i)?.reports ?? [], id),
    panic: (id) => page.evaluate((i) => (globalThis as unknown as H).wasmHarness.panic(i), id),
    memory: (id) => page.evaluate((i) => (globalThis as unknown as H).wasmHarness.memory(i), id),
    connectionCount: (id) => page.evaluate((i) => (globalThis as unknown as H).wasmHarness.connectionCount(i), id),
    dispose: (id) => page.evaluate((i) => (globalThis as unknown as H).wasmHarness.run(i)?.dispose(), id),
    close: () => page.close(),
  };
}

/** The reports of `event`. */
export function reportsOf(reports: readonly Report[], event: string): Report[] {
  return reports.filter((r) => r.event === event);
}
