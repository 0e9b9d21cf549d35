/**
 * A stand-in for the panel's port, for tests of the page side (hook → relay → service worker): an
 * extension page of the loaded extension connects `panel:<tabId>` for every other tab exactly as the
 * panel does, and collects what the service worker forwards. {@link listRecords} decodes those
 * messages the way the panel reads them (frame blocks, arrival numbers, skipped records).
 */
import type { Browser, Page } from 'puppeteer-core';
import { checkBlock, RECORD_KIND } from '../../extension/shared/frame-block.js';
import { MAX_FRAME_BYTES } from '../../extension/shared/limits.js';
import type { PanelMessage, RelayStats } from '../../extension/shared/messages.js';
import { base64ToBytes } from '../../extension/shared/validate.js';

/** One listed record: an event of a relay batch as a panel would show it. */
export interface TappedRecord {
  readonly n: number;
  /** The hook's order (taken when the page sent or received; a Blob frame arrives later but keeps it). */
  readonly seq: number;
  readonly k: string;
  readonly cid: string;
  readonly dir?: string;
  /** Text payload, or binary payload in hex. */
  readonly text?: string;
  readonly hex?: string;
  readonly size?: number;
  readonly page?: boolean;
  readonly message?: string;
  readonly code?: number;
}

/** The extension's id, from its service worker's URL. */
export async function extensionId(browser: Browser): Promise<string> {
  const sw = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'));
  return new URL(sw.url()).host;
}

/** A tap connected to every other tab; `messages()` returns what arrived so far. */
export interface RelayTap {
  readonly page: Page;
  messages(): Promise<PanelMessage[]>;
  /** Sends a panel command (e.g. `ack`) on every tapped port. */
  send(command: unknown): Promise<void>;
  close(): Promise<void>;
}

/** Opens an extension page and connects a panel port for each other tab. */
export async function tapRelays(browser: Browser): Promise<RelayTap> {
  const id = await extensionId(browser);
  const page = await browser.newPage();
  // Any page of the extension will do; this one only creates the panel (and fails to outside DevTools).
  await page.goto(`chrome-extension://${id}/extension/devtools/devtools.html`);
  await page.evaluate(async () => {
    const g = globalThis as unknown as { tapped: unknown[]; ports: chrome.runtime.Port[] };
    g.tapped = [];
    g.ports = [];
    const self = await chrome.tabs.getCurrent();
    for (const tab of await chrome.tabs.query({})) {
      if (tab.id === undefined || tab.id === self?.id) continue;
      const port = chrome.runtime.connect({ name: `panel:${tab.id}` });
      port.onMessage.addListener((m) => g.tapped.push(m));
      g.ports.push(port);
    }
  });
  return {
    page,
    messages: () => page.evaluate(() => (globalThis as unknown as { tapped: PanelMessage[] }).tapped),
    send: (command) => page.evaluate((c) => (globalThis as unknown as { ports: chrome.runtime.Port[] }).ports.forEach((p) => p.postMessage(c)), command as never),
    close: () => page.close(),
  };
}

/** Every record of the relay batches in `messages`, once each (by document and arrival number), in the hook's order. */
export function listRecords(messages: readonly PanelMessage[]): TappedRecord[] {
  const out = new Map<string, TappedRecord>();
  for (const m of messages) {
    if (m.type !== 'events') continue;
    for (const chunk of m.chunks ?? []) {
      const bytes = base64ToBytes(chunk.block);
      const checked = checkBlock(bytes.buffer, chunk.cids.length, chunk.events.length, MAX_FRAME_BYTES, true);
      if (!checked.ok) throw new Error(`bad block from the relay: ${checked.reason}`);
      const v = checked.view;
      let offset = v.payloadStart;
      let object = 0;
      for (let i = 0; i < v.count; i++) {
        const n = chunk.n0 + i;
        const key = `${m.doc}/${n}`;
        if (v.kind(i) === RECORD_KIND.BYTES) {
          const hex = Buffer.from(bytes.subarray(offset, offset + v.len(i))).toString('hex');
          offset += v.len(i);
          if (i >= chunk.skip) out.set(key, { n, seq: v.seq(i), k: 'frame', cid: chunk.cids[v.cid(i)]!, dir: v.dir(i) === 0 ? 'in' : 'out', hex, size: v.size(i) });
        } else if (v.kind(i) === RECORD_KIND.OBJECT) {
          const e = chunk.events[object++]! as unknown as Record<string, unknown>;
          if (i < chunk.skip) continue;
          const bytesOf = typeof e['bytes'] === 'string' ? Buffer.from(base64ToBytes(e['bytes'])).toString('hex') : undefined;
          out.set(key, {
            n,
            seq: Number(e['seq']),
            k: String(e['k']),
            cid: String(e['cid']),
            ...(e['dir'] === undefined ? {} : { dir: String(e['dir']) }),
            ...(typeof e['text'] === 'string' ? { text: e['text'] } : {}),
            ...(bytesOf === undefined ? {} : { hex: bytesOf }),
            ...(typeof e['size'] === 'number' ? { size: e['size'] } : {}),
            ...(e['page'] === true ? { page: true } : {}),
            ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}),
            ...(typeof e['code'] === 'number' ? { code: e['code'] } : {}),
          });
        }
      }
    }
  }
  return [...out.values()].sort((a, b) => a.seq - b.seq || a.n - b.n);
}

/** The latest counters each document reported. */
export function latestStats(messages: readonly PanelMessage[]): RelayStats[] {
  const byDoc = new Map<string, RelayStats>();
  for (const m of messages) if (m.type === 'events') byDoc.set(m.doc, m.stats);
  return [...byDoc.values()];
}
