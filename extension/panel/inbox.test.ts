/**
 * What's tested (issue 13, items 7 and 8, panel side): the inbox is bounded in bytes; when the panel
 * falls behind beyond the cap, the oldest event messages not yet started are dropped and their
 * events counted exactly (from the block headers, evicted records excluded); navigation and other
 * control messages are never dropped, nor is the newest message; and the status bar names each
 * loss with its own reason (never "before the panel opened" for a panel that fell behind).
 */
import { describe, expect, test } from 'vitest';
import { pageDetail } from '../shared/detail-fixtures.js';
import type { PanelMessage, WireChunk } from '../shared/messages.js';
import { bytesToBase64 } from '../shared/validate.js';
import { Inbox, messageBytes, messageEvents } from './inbox.js';
import { statusText, type StatusCounts } from './strings.js';

/** One relay batch of `count` binary frames of `size` bytes each, numbered from n0. */
function chunk(n0: number, count: number, size: number, skip = 0): WireChunk {
  const detail = pageDetail(Array.from({ length: count }, (_, i) => ({ bytes: new Uint8Array(size).fill(i & 0xff) })));
  return { n0, skip, block: bytesToBase64(new Uint8Array(detail.block)), cids: detail.cids, events: [] };
}

const events = (chunks: WireChunk[]): PanelMessage => ({ type: 'events', frameId: 0, url: 'https://a.test/', doc: 'd1', backlog: false, events: [], chunks, stats: { rejected: 0, evicted: 0, truncated: 0 } });

describe('Inbox', () => {
  test('counts events from block headers, without the evicted ones', () => {
    expect(messageEvents(events([chunk(1, 10, 4), chunk(11, 5, 4, 2)]))).toBe(13);
    expect(messageEvents({ type: 'document', frameId: 0, url: '', doc: 'd' })).toBe(0);
    expect(messageEvents(events([{ n0: 1, skip: 0, block: '@@not base64', cids: [], events: [] }]))).toBe(0);
  });

  test('stays within its byte cap by dropping the oldest event messages, counted exactly', () => {
    const one = events([chunk(1, 100, 500)]);
    const size = messageBytes(one);
    const inbox = new Inbox(size * 3 + 100);
    inbox.push({ type: 'document', frameId: 0, url: 'https://a.test/', doc: 'd1' });
    for (let i = 0; i < 10; i++) inbox.push(events([chunk(1 + i * 100, 100, 500)]));
    expect(inbox.bytes).toBeLessThanOrEqual(inbox.maxBytes);
    expect(inbox.dropped).toBe(700); // 7 messages of 100 frames
    const kept: PanelMessage[] = [];
    for (let m = inbox.shift(); m !== undefined; m = inbox.shift()) kept.push(m);
    expect(kept[0]!.type).toBe('document'); // never dropped
    expect(kept.slice(1).map((m) => (m.type === 'events' ? m.chunks![0]!.n0 : -1))).toEqual([701, 801, 901]); // the newest kept
    expect(inbox.bytes).toBe(0);
    expect(inbox.length).toBe(0);
  });

  test('sustained overflow by many small messages stays bounded and counts every event', () => {
    const small = events([chunk(1, 1, 16)]);
    const inbox = new Inbox(messageBytes(small) * 10);
    for (let i = 0; i < 20_000; i++) inbox.push(events([chunk(1 + i, 1, 16)]));
    expect(inbox.length).toBeLessThanOrEqual(10);
    expect(inbox.dropped + inbox.length).toBe(20_000);
  });

  test('a single message larger than the cap is still taken (never the newest dropped)', () => {
    const inbox = new Inbox(100);
    inbox.push(events([chunk(1, 10, 1000)]));
    expect(inbox.length).toBe(1);
    expect(inbox.dropped).toBe(0);
  });

  test('64 messages of one 1 MiB frame each fit the default cap while the panel keeps up', () => {
    const inbox = new Inbox();
    const big = events([chunk(1, 1, 4096)]);
    const perMiB = messageBytes(big) / 4096; // base64 is 4/3 of the bytes
    expect(perMiB * (1 << 20) * 16).toBeLessThan(inbox.maxBytes); // 16 × 1 MiB frames in flight fit (the relay window is 8 MiB)
  });
});

describe('status bar reasons', () => {
  const zero: StatusCounts = { total: 10, shown: 10, dropped: 0, rejected: 0, evicted: 0, behind: 0, inboxDropped: 0, truncated: 0, paused: 0, pageDispatched: 0, droppedConnections: 0, unreadable: 0 };

  test('nothing missing: no reason is shown', () => {
    expect(statusText(zero)).toBe('10 frames · 10 shown');
  });

  test('each loss names its own cause', () => {
    expect(statusText({ ...zero, evicted: 3 })).toContain('3 evicted from the page buffer before the panel opened');
    const behind = statusText({ ...zero, behind: 8671 });
    expect(behind).toContain('8,671 lost: the panel fell behind and the page buffer was full');
    expect(behind).not.toContain('before the panel opened');
    expect(statusText({ ...zero, inboxDropped: 12 })).toContain('12 lost: the panel fell behind and its inbox was full (64 MiB)');
    expect(statusText({ ...zero, dropped: 5 })).toContain('5 oldest dropped by the panel cap (250,000 frames)');
    expect(statusText({ ...zero, droppedConnections: 9000 })).toContain('9,000 older connections dropped from the menu (cap 1,000)');
    expect(statusText({ ...zero, pageDispatched: 2 })).toContain('2 events dispatched by the page itself (not traffic)');
    expect(statusText({ ...zero, rejected: 3 })).toContain('3 forged/malformed events rejected');
  });
});
