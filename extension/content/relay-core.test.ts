import { expect, test } from 'vitest';
import { pageDetail, type DetailItem } from '../shared/detail-fixtures.js';
import { checkBlock, RECORD_KIND } from '../shared/frame-block.js';
import type { RelayMessage, WireChunk } from '../shared/messages.js';
import { base64ToBytes } from '../shared/validate.js';
import { RelayCore, toWire } from './relay-core.js';

function setup(caps = {}) {
  const sent: RelayMessage[] = [];
  const timers: (() => void)[] = [];
  const core = new RelayCore('doc-1', (m) => sent.push(m), (f) => timers.push(f), caps);
  return { core, sent, timers, runTimers: () => timers.splice(0).forEach((f) => f()) };
}

const frames = (...payloads: number[][]): DetailItem[] => payloads.map((bytes) => ({ bytes }));
const chunksOf = (m: RelayMessage | undefined): readonly WireChunk[] => (m?.type === 'events' ? m.chunks : []);

/** What the panel would list from one wire chunk: arrival number and payload (hex) or object kind. */
function listed(chunk: WireChunk): string[] {
  const bytes = base64ToBytes(chunk.block);
  const checked = checkBlock(bytes.buffer, chunk.cids.length, chunk.events.length, 1 << 20, true);
  if (!checked.ok) throw new Error(checked.reason);
  const v = checked.view;
  const out: string[] = [];
  let offset = v.payloadStart;
  let object = 0;
  for (let i = 0; i < v.count; i++) {
    const n = chunk.n0 + i;
    if (v.kind(i) === RECORD_KIND.BYTES) {
      if (i >= chunk.skip) out.push(`${n}:${chunk.cids[v.cid(i)]}:${Buffer.from(bytes.subarray(offset, offset + v.len(i))).toString('hex')}`);
      offset += v.len(i);
    } else if (v.kind(i) === RECORD_KIND.OBJECT) {
      const e = chunk.events[object++]!;
      expect(e.n).toBe(n);
      if (i >= chunk.skip) out.push(`${n}:${e.k}`);
    } else if (i >= chunk.skip) out.push(`${n}:dropped`);
  }
  return out;
}

test('buffers without sending while no panel is subscribed', () => {
  const { core, sent } = setup();
  core.acceptDetail(pageDetail(frames([0x53], [1, 2])));
  expect(sent).toEqual([]);
  expect(core.buffered).toBe(2);
});

test('on subscribe sends the backlog as blocks (base64, arrival numbers), then live batches per flush', () => {
  const { core, sent, runTimers } = setup();
  core.acceptDetail(pageDetail(frames([0xde, 0xad])));
  core.command({ type: 'subscribe' });
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ type: 'events', doc: 'doc-1', backlog: true });
  expect(chunksOf(sent[0]).flatMap(listed)).toEqual(['1:w1:dead']);
  core.acceptDetail(pageDetail(frames([1])));
  core.acceptDetail(pageDetail([{ bytes: [2], cid: 'w2' }, { object: { k: 'open', seq: 9, t: 1, cid: 'w2', protocol: 'clasp' } }]));
  expect(sent).toHaveLength(1);
  runTimers();
  expect(sent).toHaveLength(2);
  expect(sent[1]).toMatchObject({ backlog: false });
  expect(chunksOf(sent[1]).flatMap(listed)).toEqual(['2:w1:01', '3:w2:02', '4:open']);
});

test('an empty backlog still answers the subscribe (the panel learns the counters)', () => {
  const { core, sent } = setup();
  core.command({ type: 'subscribe' });
  expect(sent).toEqual([
    {
      type: 'events',
      doc: 'doc-1',
      backlog: true,
      chunks: [],
      stats: { rejected: 0, evicted: 0, truncated: 0, behind: 0, pageDispatched: 0, buffered: { events: 0, bytes: 0, maxEvents: 20_000, maxBytes: 32 << 20 } },
    },
  ]);
});

test('a refused object event is counted and kept as a DROPPED record; its neighbours stay', () => {
  const { core, sent } = setup();
  const bad = { k: 'frame', seq: 2, t: 1, cid: 'w1', dir: 'sideways', text: 'x', size: 1 };
  core.acceptDetail(pageDetail([{ bytes: [1] }, { object: bad }, { object: null }, { object: { k: 'frame', seq: 4, t: 1, cid: 'w1', dir: 'in', text: 'ok', size: 2 } }]));
  expect(core.stats.rejected).toBe(2);
  core.command({ type: 'subscribe' });
  expect(chunksOf(sent[0]).flatMap(listed)).toEqual(['1:w1:01', '2:dropped', '3:dropped', '4:frame']);
});

test('a malformed batch is refused whole and counted by what it claimed to hold', () => {
  const { core } = setup();
  core.acceptDetail('not a batch');
  expect(core.stats.rejected).toBe(1);
  const detail = pageDetail(frames([1], [2], [3]));
  core.acceptDetail({ ...detail, cids: [] }); // records name a connection the table lacks
  expect(core.stats.rejected).toBe(4);
  const cut = detail.block.slice(0, detail.block.byteLength - 1);
  core.acceptDetail({ ...detail, block: cut });
  expect(core.stats.rejected).toBe(7);
  expect(core.buffered).toBe(0);
});

test('counts frames the hook truncated (block records and object frames)', () => {
  const { core } = setup();
  core.acceptDetail(pageDetail([{ bytes: [1, 2], size: 10 }, { object: { k: 'frame', seq: 2, t: 1, cid: 'w1', dir: 'in', text: 'abc', size: 99 } }]));
  expect(core.stats.truncated).toBe(2);
});

test('evicts exactly the oldest events beyond the cap; resubscribing replays only what is kept', () => {
  const { core, sent } = setup({ maxEvents: 2 });
  core.acceptDetail(pageDetail(frames([1], [2])));
  core.acceptDetail(pageDetail(frames([3])));
  core.command({ type: 'subscribe' });
  expect(sent[0]).toMatchObject({ stats: { evicted: 1 } });
  expect(chunksOf(sent[0]).flatMap(listed)).toEqual(['2:w1:02', '3:w1:03']);
});

test('dormant and disconnect stop streaming', () => {
  const { core, sent, runTimers } = setup();
  core.command({ type: 'subscribe' });
  expect(core.command({ type: 'dormant' })).toBe(false);
  core.acceptDetail(pageDetail(frames([1])));
  runTimers();
  expect(sent).toHaveLength(1);
  core.command({ type: 'subscribe' });
  core.disconnected();
  core.acceptDetail(pageDetail(frames([2])));
  runTimers();
  expect(sent).toHaveLength(2);
});

test('object frames carry their own buffer, charged to the byte cap', () => {
  const { core } = setup({ maxBytes: 1 << 20 });
  for (let seq = 1; seq <= 8; seq++) {
    core.acceptDetail(pageDetail([{ object: { k: 'frame', seq, t: seq, cid: 'w1', dir: 'in', bytes: new ArrayBuffer(256 << 10), size: 256 << 10 } }]));
  }
  // Each batch keeps 256 KiB alive: at most 3 of them fit in 1 MiB (plus the per-event overhead).
  expect(core.buffered).toBe(3);
  expect(core.stats.evicted).toBe(5);
});

test('live events evicted before the relay could send them count as "panel fell behind", not as before-open', () => {
  const { core, sent, runTimers } = setup({ maxEvents: 2 });
  core.command({ type: 'subscribe' });
  core.acceptDetail(pageDetail(frames([1], [2])));
  core.acceptDetail(pageDetail(frames([3], [4]))); // evicts 1 and 2 before the timer fired
  expect(core.stats).toMatchObject({ evicted: 0, behind: 2 });
  runTimers();
  expect(chunksOf(sent[1]).flatMap(listed)).toEqual(['3:w1:03', '4:w1:04']);
  expect(sent[1]).toMatchObject({ stats: { behind: 2, evicted: 0 } });
});

test('evicting frames a panel already received is no loss: a long stream with the panel open reports nothing evicted', () => {
  const { core, sent, runTimers } = setup({ maxEvents: 4 });
  core.command({ type: 'subscribe' });
  for (let i = 0; i < 50; i++) {
    core.acceptDetail(pageDetail(frames([i], [i + 1])));
    runTimers();
  }
  expect(core.buffered).toBe(4);
  expect(core.stats).toMatchObject({ evicted: 0, behind: 0 });
  expect(sent.slice(1).flatMap((m) => chunksOf(m).flatMap(listed))).toHaveLength(100);
});

test('frames evicted while no panel was subscribed are "evicted before the panel opened", exactly', () => {
  const { core } = setup({ maxEvents: 3 });
  core.command({ type: 'subscribe' });
  core.acceptDetail(pageDetail(frames([1], [2])));
  core.flush(); // 1 and 2 reached the panel
  core.command({ type: 'dormant' });
  for (let i = 0; i < 4; i++) core.acceptDetail(pageDetail(frames([3 + i]))); // 1, 2 (delivered) then 3 go
  expect(core.stats).toMatchObject({ evicted: 1, behind: 0 });
});

test('once the panel acknowledges, at most the window is in flight; the backlog is the slack and catches up in big steps', () => {
  const { core, sent } = setup({ windowBytes: 3000 });
  const batch = (i: number) => pageDetail(frames(...Array.from({ length: 8 }, (_, k) => Array.from({ length: 100 }, () => (i + k) & 0xff))));
  core.command({ type: 'subscribe' });
  core.command({ type: 'ack', n: 0 }); // a panel that acknowledges
  const sentRecords = () => sent.flatMap((m) => chunksOf(m).flatMap(listed)).length;
  for (let i = 0; i < 10; i++) core.acceptDetail(batch(i));
  core.flush();
  const first = sentRecords();
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(80); // about 3000 bytes' worth: the rest waits in the backlog
  core.command({ type: 'ack', n: first });
  expect(sentRecords()).toBeGreaterThan(first);
  for (let i = 0; i < 20 && sentRecords() < 80; i++) core.command({ type: 'ack', n: sentRecords() });
  expect(sentRecords()).toBe(80);
  expect(core.stats).toMatchObject({ evicted: 0, behind: 0 });
});

test('a panel that acknowledges too slowly loses the oldest unsent frames, counted exactly as "behind"', () => {
  const { core, sent } = setup({ windowBytes: 1, maxEvents: 10 });
  core.command({ type: 'subscribe' });
  core.command({ type: 'ack', n: 0 });
  core.acceptDetail(pageDetail(frames([1], [2]))); // sent (the window always lets one chunk go)
  core.flush();
  for (let i = 0; i < 6; i++) core.acceptDetail(pageDetail(frames([3 + 2 * i], [4 + 2 * i]))); // 14 events, 12 unsent
  expect(core.stats).toMatchObject({ behind: 2, evicted: 0 }); // 14 − 10 kept − 2 already sent
  core.command({ type: 'ack', n: 2 });
  const listedAll = sent.flatMap((m) => chunksOf(m).flatMap(listed));
  expect(listedAll[0]).toBe('1:w1:01');
  expect(listedAll[2]).toBe('5:w1:05'); // 3 and 4 were lost, and said so
});

test('counts page-dispatched events; full capture is passed on to the hook and reset when the panel goes', () => {
  const told: boolean[] = [];
  const core = new RelayCore('doc', () => undefined, () => undefined, {}, (full) => told.push(full));
  core.acceptDetail(pageDetail([{ object: { k: 'frame', seq: 1, t: 1, cid: 'w1', dir: 'in', text: 'fake', size: 4, page: true } }]));
  expect(core.stats.pageDispatched).toBe(1);
  core.command({ type: 'subscribe', full: true });
  core.command({ type: 'capture', full: true });
  core.command({ type: 'capture', full: false });
  core.command({ type: 'capture', full: true });
  core.command({ type: 'dormant' });
  expect(told).toEqual([true, false, true, false]);
  expect(core.fullCapture).toBe(false);
});

test('a full live queue is sent without waiting for the timer (timers of a busy page run late)', () => {
  const { core, sent, timers } = setup();
  core.command({ type: 'subscribe' });
  const many = Array.from({ length: 512 }, (_, i) => [i & 0xff]);
  for (let i = 0; i < 4; i++) core.acceptDetail(pageDetail(frames(...many)));
  expect(timers).toHaveLength(1); // the timer was never needed
  expect(sent).toHaveLength(2);
  expect(chunksOf(sent[1])).toHaveLength(4);
});

test('a large backlog is replayed one message of about 1 MiB per task, the rest at the next timers', () => {
  const { core, sent, timers, runTimers } = setup();
  for (let seq = 1; seq <= 12; seq++) {
    core.acceptDetail(pageDetail([{ object: { k: 'frame', seq, t: seq, cid: 'w1', dir: 'in', bytes: new ArrayBuffer(1 << 20), size: 1 << 20 } }]));
  }
  core.command({ type: 'subscribe' });
  expect(sent).toHaveLength(1);
  expect(timers).toHaveLength(1);
  for (let i = 0; i < 20 && timers.length > 0; i++) runTimers();
  expect(sent.flatMap((m) => chunksOf(m).flatMap(listed))).toHaveLength(12);
  expect(sent.length).toBeGreaterThanOrEqual(3);
  expect(sent.every((m) => m.type === 'events' && m.backlog)).toBe(true);
});

test('the page-dispatched and replay flags of a binary object frame survive the way to the panel', () => {
  const base = { k: 'frame', seq: 1, t: 1, cid: 'w1', dir: 'out', bytes: new Uint8Array([0x53, 1]).buffer, size: 2 } as const;
  expect(toWire(5, { ...base, replay: true })).toMatchObject({ n: 5, bytes: 'UwE=', replay: true });
  expect(toWire(6, { ...base, page: true })).toMatchObject({ n: 6, page: true });
  expect(toWire(7, base)).not.toHaveProperty('replay');
  expect(toWire(8, { ...base, bytes: undefined, text: 'x', replay: true })).toMatchObject({ n: 8, text: 'x', replay: true });
});
