/**
 * Readings shared by `bench:devtools` and `bench:devtools-heavy`: what the CLASP panel shows, its
 * JS heap, and a page's renderer process memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { CDPSession, Frame, Page } from 'puppeteer-core';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Frames the panel holds, read from its status line (`12,345 frames · …`). */
export async function panelFrames(panel: Frame): Promise<number> {
  const text = await panel.$eval('.status .status-text', (s) => s.textContent ?? '');
  return Number(/^([\d,]+) frames/.exec(text)?.[1]?.replace(/,/g, '') ?? 0);
}

/** The panel's whole status line. */
export function panelStatus(panel: Frame): Promise<string> {
  return panel.$eval('.status', (s) => s.textContent ?? '');
}

/** Waits until the panel shows `expected` frames (at most `timeoutMs`, default 60 s) and returns how many it shows. */
export async function waitForPanel(panel: Frame, expected: number, timeoutMs = 60_000): Promise<number> {
  let seen = 0;
  const deadline = Date.now() + timeoutMs;
  while (seen < expected && Date.now() < deadline) {
    await sleep(100);
    seen = await panelFrames(panel);
  }
  return seen;
}

/** The panel's JS heap after a full GC, in MiB: what it retains, read through its own CDP session. */
export async function panelHeapMb(panel: Frame): Promise<number> {
  // puppeteer-core 24 keeps the CDP session of an out-of-process frame on `client` (not public API).
  const client = (panel as unknown as { client?: CDPSession }).client;
  if (client === undefined) throw new Error('no CDP session for the panel frame');
  await client.send('HeapProfiler.collectGarbage');
  const { usedSize } = await client.send('Runtime.getHeapUsage');
  return usedSize / 2 ** 20;
}

/**
 * Runs a full garbage collection in the page's renderer (every world of it, content scripts
 * included) and returns what V8 then retains, in MiB: the JS heap plus ArrayBuffer backing stores.
 */
export async function collectPageGarbage(page: Page): Promise<number> {
  const session = await page.createCDPSession();
  await session.send('HeapProfiler.collectGarbage');
  await session.send('HeapProfiler.collectGarbage');
  const { usedSize, backingStorageSize } = await session.send('Runtime.getHeapUsage');
  await session.detach();
  return (usedSize + (backingStorageSize ?? 0)) / 2 ** 20;
}

/**
 * Proportional set size (Pss) of every web-page renderer of one browser, in MiB: the processes of the
 * browser's process group started with `--type=renderer`, except extension renderers (service
 * worker, panel). Read from /proc/<pid>/smaps_rollup.
 * @param browserPid pid of the browser process (its process group id).
 */
export function pageRendererMb(browserPid: number): number {
  let kib = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== browserPid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer') || cmdline.includes('--extension-process')) continue;
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8'));
      kib += Number(pss?.[1] ?? 0);
    } catch {
      // the process exited meanwhile
    }
  }
  return kib / 1024;
}
