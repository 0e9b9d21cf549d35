import { expect, test } from 'vitest';
import type { RelayMessage } from '../shared/messages.js';
import { RelayCore } from './relay-core.js';

function setup(caps = {}) {
  const sent: RelayMessage[] = [];
  const timers: (() => void)[] = [];
  const core = new RelayCore('doc-1', (m) => sent.push(m), (f) => timers.push(f), caps);
  return { core, sent, timers, runTimers: () => timers.splice(0).forEach((f) => f()) };
}

const frame = (seq: number, bytes: number[]) => ({ k: 'frame', seq, t: 1000 + seq, cid: 'w1', dir: 'in', bytes: new Uint8Array(bytes).buffer, size: bytes.length });

test('buffers without sending while no panel is subscribed', () => {
  const { core, sent } = setup();
  core.acceptDetail([frame(1, [0x53]), frame(2, [1, 2])]);
  expect(sent).toEqual([]);
  expect(core.buffered).toBe(2);
});

test('on subscribe sends the backlog (base64, arrival numbers) then batches live events per flush', () => {
  const { core, sent, runTimers } = setup();
  core.acceptDetail([frame(1, [0xde, 0xad])]);
  core.command({ type: 'subscribe' });
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ type: 'events', doc: 'doc-1', backlog: true, events: [{ k: 'frame', n: 1, bytes: '3q0=', size: 2 }] });
  core.acceptDetail([frame(2, [1]), frame(3, [2])]);
  expect(sent).toHaveLength(1);
  runTimers();
  expect(sent).toHaveLength(2);
  expect(sent[1]).toMatchObject({ backlog: false, events: [{ n: 2 }, { n: 3 }] });
});

test('an empty backlog still answers the subscribe (the panel learns the counters)', () => {
  const { core, sent } = setup();
  core.command({ type: 'subscribe' });
  expect(sent).toEqual([{ type: 'events', doc: 'doc-1', backlog: true, events: [], stats: { rejected: 0, evicted: 0, truncated: 0 } }]);
});

test('counts rejected events and a non-array detail, and keeps valid neighbours', () => {
  const { core } = setup();
  core.acceptDetail('not an array');
  core.acceptDetail([frame(1, [1]), { k: 'frame', seq: 2, t: 1, cid: 'w1', dir: 'sideways', text: 'x', size: 1 }, null]);
  expect(core.stats.rejected).toBe(3);
  expect(core.buffered).toBe(1);
});

test('evicts the oldest beyond the cap and reports it; resubscribing replays only what is kept', () => {
  const { core, sent } = setup({ maxEvents: 2 });
  core.acceptDetail([frame(1, [1]), frame(2, [2]), frame(3, [3])]);
  core.command({ type: 'subscribe' });
  expect(sent[0]).toMatchObject({ events: [{ n: 2 }, { n: 3 }], stats: { evicted: 1 } });
});

test('dormant and disconnect stop streaming', () => {
  const { core, sent, runTimers } = setup();
  core.command({ type: 'subscribe' });
  expect(core.command({ type: 'dormant' })).toBe(false);
  core.acceptDetail([frame(1, [1])]);
  runTimers();
  expect(sent).toHaveLength(1);
  core.command({ type: 'subscribe' });
  core.disconnected();
  core.acceptDetail([frame(2, [2])]);
  runTimers();
  expect(sent).toHaveLength(2);
});

test('frames that share one page buffer (the hook batches small payloads) are sent as their own bytes', () => {
  const { core, sent } = setup();
  const shared = new Uint8Array([0xde, 0xad, 0x53, 0x01, 0x02]);
  const view = (seq: number, from: number, to: number) => ({ k: 'frame', seq, t: seq, cid: 'w1', dir: 'in', bytes: shared.subarray(from, to), size: to - from });
  core.acceptDetail([view(1, 0, 2), view(2, 2, 5)]);
  core.command({ type: 'subscribe' });
  expect(sent[0]).toMatchObject({ events: [{ n: 1, bytes: '3q0=', size: 2 }, { n: 2, bytes: 'UwEC', size: 3 }] });
});

test('a tiny view of a large buffer is charged the whole buffer (a page cannot pin memory past the cap)', () => {
  const { core } = setup({ maxBytes: 1 << 20 });
  for (let seq = 1; seq <= 8; seq++) {
    const big = new Uint8Array(256 << 10);
    core.acceptDetail([{ k: 'frame', seq, t: seq, cid: 'w1', dir: 'in', bytes: big.subarray(0, 1), size: 1 }]);
  }
  // Each event keeps 256 KiB alive: at most 3 of them fit in 1 MiB (plus the per-event overhead).
  expect(core.buffered).toBe(3);
  expect(core.stats.evicted).toBe(5);
});
