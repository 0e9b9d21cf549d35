/**
 * What's tested (issue 13, item 2): per-connection work is O(1) and connections are capped.
 * 10 000 connections of one frame each go through the model in relay-sized batches; after each
 * batch the panel is handed only the connections that batch created (what the toolbar and rate
 * counters then touch), never the whole list; at most MAX_CONNECTIONS are kept, the rest are counted
 * and their keys handed over once for removal; frames keep their connection record.
 */
import { describe, expect, test } from 'vitest';
import type { PanelMessage, WireEvent } from '../../shared/messages.js';
import { MAX_CONNECTIONS } from '../limits.js';
import { CaptureModel } from './capture-model.js';
import { RateModel } from './rates.js';

const stats = { rejected: 0, evicted: 0, truncated: 0 };
const batch = (events: WireEvent[]): PanelMessage => ({ type: 'events', frameId: 0, url: 'https://app.test/', doc: 'd1', backlog: false, events, stats });

describe('connections at scale', () => {
  test('10 000 connections × 1 frame: changes per batch, cap, counts', () => {
    const m = new CaptureModel();
    const rates = new RateModel();
    let n = 0;
    let forgottenTotal = 0;
    const allForgotten = new Set<string>();
    for (let b = 0; b < 100; b++) {
      const events: WireEvent[] = [];
      for (let i = 0; i < 100; i++) {
        const cid = `w${b * 100 + i}`;
        events.push({ n: ++n, k: 'conn', seq: n, t: 1000 + n, cid, url: `ws://h/${cid}`, protocols: [], source: 'websocket', attempt: 0 });
        events.push({ n: ++n, k: 'frame', seq: n, t: 1000 + n, cid, dir: 'in', text: 'x', size: 1 });
      }
      const { frames } = m.ingest(batch(events));
      expect(frames).toHaveLength(100);
      rates.add(frames);
      const { touched, forgotten } = m.takeConnectionChanges();
      // only this batch's connections (all kept right after creation, some forgotten by later ones in the same batch only past the cap)
      expect(touched.length).toBeLessThanOrEqual(100);
      expect(touched.every((c) => c.url.endsWith(c.key.slice(3)))).toBe(true);
      for (const key of forgotten) {
        expect(allForgotten.has(key)).toBe(false); // each key handed over once
        allForgotten.add(key);
        rates.forget(key);
      }
      forgottenTotal += forgotten.length;
      expect(m.connections.size).toBeLessThanOrEqual(MAX_CONNECTIONS);
    }
    expect(m.connections.size).toBe(MAX_CONNECTIONS);
    expect(m.droppedConnections).toBe(10_000 - MAX_CONNECTIONS);
    expect(forgottenTotal).toBe(10_000 - MAX_CONNECTIONS);
    expect(rates.connections()).toHaveLength(MAX_CONNECTIONS);
    // the newest are kept, the oldest forgotten
    expect(m.connections.has('d1/w9999')).toBe(true);
    expect(m.connections.has('d1/w0')).toBe(false);
    expect([...m.connections.values()][0]!.key).toBe(`d1/w${10_000 - MAX_CONNECTIONS}`);
  });

  test('a renamed connection is handed over again; one without changes is not', () => {
    const m = new CaptureModel();
    m.ingest(batch([{ n: 1, k: 'conn', seq: 1, t: 1, cid: 'w1', url: 'ws://a/', protocols: [], source: 'websocket', attempt: 0 }]));
    expect(m.takeConnectionChanges().touched.map((c) => c.key)).toEqual(['d1/w1']);
    m.ingest(batch([{ n: 2, k: 'frame', seq: 2, t: 2, cid: 'w1', dir: 'in', text: 'x', size: 1 }]));
    expect(m.takeConnectionChanges().touched).toEqual([]);
    m.ingest(batch([{ n: 3, k: 'conn', seq: 3, t: 3, cid: 'w1', url: 'ws://a/', protocols: [], source: 'transport', name: 'mixer', attempt: 0 }]));
    expect(m.takeConnectionChanges().touched.map((c) => c.name)).toEqual(['mixer']);
  });

  test('a navigation without Preserve log hands over the old page\'s connection keys', () => {
    const m = new CaptureModel();
    m.ingest(batch([{ n: 1, k: 'conn', seq: 1, t: 1, cid: 'w1', url: 'ws://a/', protocols: [], source: 'websocket', attempt: 0 }]));
    m.takeConnectionChanges();
    m.forgetOtherDocuments('d2');
    expect(m.takeConnectionChanges().forgotten).toEqual(['d1/w1']);
    expect(m.connections.size).toBe(0);
  });

  test('connections that never report an error or a subprotocol share one empty list', () => {
    const m = new CaptureModel();
    const a = m.connection('d', 'a', 0);
    const b = m.connection('d', 'b', 0);
    expect(a.errors).toBe(b.errors);
    expect(a.protocols).toBe(b.protocols);
    m.ingest(batch([{ n: 1, k: 'error', seq: 1, t: 1, cid: 'a', message: 'boom' }]));
    expect(m.connections.get('d1/a')?.errors).toEqual(['boom']);
    expect(b.errors).toEqual([]);
  });
});
