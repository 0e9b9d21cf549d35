/**
 * Builders of page batches (PageDetail) for unit tests, written with the hook's own BlockWriter.
 */
import { BlockWriter } from './frame-block.js';
import { HOOK_ARENA_BYTES, HOOK_BATCH_EVENTS } from './limits.js';
import type { PageDetail } from './messages.js';

/** A binary frame for the block, or any object that travels beside it (valid or not). */
export type DetailItem =
  | { readonly bytes: readonly number[] | Uint8Array; readonly dir?: 'in' | 'out'; readonly cid?: string; readonly seq?: number; readonly t?: number; readonly size?: number }
  | { readonly object: unknown };

/** One batch as the hook would dispatch it. */
export function pageDetail(items: readonly DetailItem[]): PageDetail {
  const writer = new BlockWriter(HOOK_BATCH_EVENTS, HOOK_ARENA_BYTES);
  const cids: string[] = [];
  const events: unknown[] = [];
  items.forEach((item, i) => {
    if ('object' in item) {
      writer.addObject();
      events.push(item.object);
      return;
    }
    const cid = item.cid ?? 'w1';
    if (!cids.includes(cid)) cids.push(cid);
    const bytes = item.bytes instanceof Uint8Array ? item.bytes : new Uint8Array(item.bytes);
    writer.addBytes(item.t ?? 1000 + i, item.seq ?? i + 1, item.size ?? bytes.length, cids.indexOf(cid), item.dir === 'out' ? 1 : 0, bytes);
  });
  return { block: writer.take(), cids, events: events as PageDetail['events'] };
}
