import { describe, expect, test } from 'vitest';
import { encode } from '../../../src/protocol/index.js';
import type { PanelMessage, WireEvent } from '../../shared/messages.js';
import { bytesToBase64 } from '../../shared/validate.js';
import { RelayCore } from '../../content/relay-core.js';
import { pageDetail, type DetailItem } from '../../shared/detail-fixtures.js';
import { CaptureModel } from './capture-model.js';
import { frameLine } from './summarize.js';

/** Runs page batches through a real RelayCore and returns what it posts, as the worker forwards it. */
function throughRelay(batches: DetailItem[][], caps = {}): PanelMessage[] {
  const posted: PanelMessage[] = [];
  const relay = new RelayCore('d1', (m) => {
    if (m.type === 'events') posted.push({ type: 'events', frameId: 0, url: 'https://app.test/', doc: m.doc, backlog: m.backlog, events: [], chunks: m.chunks, stats: m.stats });
  }, () => undefined, caps);
  for (const items of batches) relay.acceptDetail(pageDetail(items));
  relay.command({ type: 'subscribe' });
  return posted;
}

const stats = { rejected: 2, evicted: 0, truncated: 0 };
const batch = (doc: string, events: WireEvent[], frameId = 0): PanelMessage => ({ type: 'events', frameId, url: 'https://app.test/', doc, backlog: false, events, stats });
const b64 = (bytes: Uint8Array) => bytesToBase64(bytes);
const SET = encode({ type: 'SET', address: '/a/b', value: 0.5, revision: 3n });

describe('CaptureModel', () => {
  test('builds connections and decodes CLASP frames; counters are kept per document', () => {
    const m = new CaptureModel();
    const { frames } = m.ingest(
      batch('d1', [
        { n: 1, k: 'conn', seq: 1, t: 1, cid: 'w1', url: 'ws://x/', protocols: ['clasp'], source: 'websocket', attempt: 0 },
        { n: 2, k: 'open', seq: 2, t: 2, cid: 'w1', protocol: 'clasp' },
        { n: 3, k: 'frame', seq: 3, t: 3, cid: 'w1', dir: 'out', bytes: b64(SET), size: SET.length },
      ]),
    );
    expect(frames).toHaveLength(1);
    expect(frames[0]!.summary).toMatchObject({ kind: 'clasp', type: 'SET', address: '/a/b', qos: 'Confirm' });
    expect(frameLine(frames[0]!)).toBe('/a/b = 0.5 rev 3');
    expect(m.connections.get('d1/w1')).toMatchObject({ state: 'open', clasp: true, url: 'ws://x/' });
    expect(m.stats.get('d1')).toEqual(stats);
  });

  test('drops events already received (replayed backlog after a reconnect)', () => {
    const m = new CaptureModel();
    const e = (n: number): WireEvent => ({ n, k: 'frame', seq: n, t: n, cid: 'w1', dir: 'in', text: `m${n}`, size: 2 });
    expect(m.ingest(batch('d1', [e(1), e(2)])).frames).toHaveLength(2);
    expect(m.ingest(batch('d1', [e(1), e(2), e(3)])).frames.map((f) => f.text)).toEqual(['m3']);
    expect(m.ingest(batch('d2', [e(1)])).frames).toHaveLength(1); // numbering is per document
  });

  test('a non-CLASP socket is listed raw until a frame starts with the magic byte', () => {
    const m = new CaptureModel();
    const raw = m.ingest(batch('d1', [{ n: 1, k: 'frame', seq: 1, t: 1, cid: 'w9', dir: 'in', bytes: b64(new Uint8Array([1, 2, 3])), size: 3 }])).frames[0]!;
    expect(raw.summary).toMatchObject({ kind: 'binary', line: '01 02 03' });
    const clasp = m.ingest(batch('d1', [{ n: 2, k: 'frame', seq: 2, t: 2, cid: 'w9', dir: 'in', bytes: b64(SET), size: SET.length }])).frames[0]!;
    expect(clasp.summary.type).toBe('SET');
    expect(m.connections.get('d1/w9')?.clasp).toBe(true);
  });

  test('bad bytes become an error frame, never an exception', () => {
    const m = new CaptureModel();
    const bad = new Uint8Array([0x53, 0x41, 0x00, 0x09, 0x21, 0x07, 0x00, 0xff]);
    const { frames } = m.ingest(
      batch('d1', [
        { n: 1, k: 'frame', seq: 1, t: 1, cid: 'w1', dir: 'in', bytes: b64(bad), size: bad.length },
        { n: 2, k: 'frame', seq: 2, t: 2, cid: 'w1', dir: 'in', bytes: '!!not base64', size: 3 },
      ]),
    );
    expect(frames.map((f) => f.summary.kind)).toEqual(['undecodable', 'undecodable']);
    expect(frames[0]!.summary.error).toMatch(/truncated at byte \d+/);
  });

  test('truncated payloads are flagged', () => {
    const m = new CaptureModel();
    const f = m.ingest(batch('d1', [{ n: 1, k: 'frame', seq: 1, t: 1, cid: 'w1', dir: 'in', bytes: b64(SET), size: 5_000_000 }])).frames[0]!;
    expect(f.truncated).toBe(true);
  });

  test('a new top-level document after the first is a navigation; iframes and repeats are not', () => {
    const m = new CaptureModel();
    const doc = (d: string, frameId = 0): PanelMessage => ({ type: 'document', frameId, url: '', doc: d });
    expect(m.ingest(doc('d1')).navigatedTo).toBeNull();
    expect(m.ingest(doc('i1', 4)).navigatedTo).toBeNull();
    expect(m.ingest(doc('d1')).navigatedTo).toBeNull();
    expect(m.ingest(doc('d2')).navigatedTo).toBe('d2');
  });

  test('transport-reported connections are CLASP and carry their name', () => {
    const m = new CaptureModel();
    m.ingest(batch('d1', [{ n: 1, k: 'conn', seq: 1, t: 1, cid: 'w1', url: 'ws://x/', protocols: [], source: 'clasp-wasm-transport', name: 'mixer', attempt: 0 }]));
    expect(m.connections.get('d1/w1')).toMatchObject({ clasp: true, name: 'mixer', source: 'clasp-wasm-transport' });
  });

  test('deep-mode connections are named "(deep)" and recognised as CLASP only by subprotocol or magic byte', () => {
    const m = new CaptureModel();
    m.ingest(
      batch('deep:4:1', [
        { n: 1, k: 'conn', seq: 1, t: 1, cid: 'd:S:r1', url: 'ws://w/', protocols: [], source: 'deep mode', attempt: 0 },
        { n: 2, k: 'frame', seq: 2, t: 2, cid: 'd:S:r1', dir: 'out', text: 'plain', size: 5 },
      ], -1),
    );
    expect(m.connections.get('deep:4:1/d:S:r1')).toMatchObject({ clasp: false, source: 'deep mode', name: '#1 (deep)' });
    const { frames } = m.ingest(batch('deep:4:1', [{ n: 3, k: 'frame', seq: 3, t: 3, cid: 'd:S:r1', dir: 'in', bytes: b64(SET), size: SET.length }], -1));
    expect(frames[0]!.summary).toMatchObject({ kind: 'clasp', type: 'SET' });
    expect(m.connections.get('deep:4:1/d:S:r1')!.clasp).toBe(true);
  });

  test('relay batches: block frames and object events in page order, decoded, deduplicated after a replay', () => {
    const open = { k: 'open', seq: 1, t: 1, cid: 'w1', protocol: 'clasp' };
    const text = { k: 'frame', seq: 3, t: 3, cid: 'w1', dir: 'in', text: 'hello', size: 5 };
    const big = { k: 'frame', seq: 4, t: 4, cid: 'w1', dir: 'in', bytes: SET.slice().buffer, size: SET.length };
    const batches: DetailItem[][] = [[{ object: open }, { bytes: SET, dir: 'out', t: 2 }], [{ object: text }, { object: big }, { bytes: [1, 2], cid: 'w2' }]];
    const [message] = throughRelay(batches);
    const m = new CaptureModel();
    const { frames } = m.ingest(message!);
    expect(frames.map((f) => `${f.conn.key} ${f.dir} ${f.summary.kind} ${frameLine(f)}`)).toEqual([
      'd1/w1 out clasp /a/b = 0.5 rev 3',
      'd1/w1 in text hello',
      'd1/w1 in clasp /a/b = 0.5 rev 3',
      'd1/w2 in binary 01 02',
    ]);
    expect(frames[0]!.t).toBe(2);
    expect(m.connections.get('d1/w1')).toMatchObject({ state: 'open', protocol: 'clasp', clasp: true });
    expect(m.ingest(message!).frames).toEqual([]); // the same backlog again (worker restart): nothing new
  });

  test('relay batches: evicted records (skip) and refused objects are not listed', () => {
    const [message] = throughRelay([[{ bytes: [1] }, { bytes: [2] }, { object: { k: 'bogus' } }, { bytes: [3] }]], { maxEvents: 3 });
    const { frames } = new CaptureModel().ingest(message!);
    expect(frames.map((f) => frameLine(f))).toEqual(['02', '03']);
  });

  test('an unreadable relay batch becomes one error frame, never an exception', () => {
    const [message] = throughRelay([[{ bytes: SET }]]);
    const chunk = (message as Extract<PanelMessage, { type: 'events' }>).chunks![0]!;
    const m = new CaptureModel();
    const broken = { ...message!, chunks: [{ ...chunk, block: chunk.block.slice(0, -8) }, { ...chunk, n0: 5, block: '@@@' }] } as PanelMessage;
    const { frames } = m.ingest(broken);
    expect(frames.map((f) => f.summary.kind)).toEqual(['undecodable', 'undecodable']);
    expect(frames[0]!.summary.error).toMatch(/unreadable batch of frames/);
  });

  test('a message run in steps gives the same frames as at once, never more records per step than asked', () => {
    const open = { k: 'open', seq: 1, t: 1, cid: 'w1', protocol: 'clasp' };
    const items: DetailItem[] = [{ object: open }];
    for (let i = 0; i < 300; i++) items.push({ bytes: i % 7 === 0 ? [i & 0xff] : SET, dir: i % 2 ? 'in' : 'out', t: 10 + i, cid: i % 3 ? 'w1' : 'w2' });
    items.push({ object: { k: 'frame', seq: 400, t: 400, cid: 'w1', dir: 'in', text: 'tail', size: 4 } });
    const posted = throughRelay([items.slice(0, 120), items.slice(120)]);
    const message = { ...posted[0]!, chunks: posted.flatMap((p) => (p.type === 'events' ? (p.chunks ?? []) : [])) } as PanelMessage;
    const whole = new CaptureModel().ingest(message).frames;
    expect(whole).toHaveLength(301);
    const m = new CaptureModel();
    const job = m.start(message);
    const stepped: typeof whole = [];
    let steps = 0;
    for (;;) {
      const before = stepped.length;
      const done = job.step(16, stepped);
      steps += 1;
      expect(stepped.length - before).toBeLessThanOrEqual(16);
      if (done) break;
    }
    expect(steps).toBeGreaterThanOrEqual(19);
    const line = (f: (typeof whole)[number]) => `${f.id} ${f.conn.key} ${f.dir} ${f.t} ${f.summary.kind} ${frameLine(f)}`;
    expect(stepped.map(line)).toEqual(whole.map(line));
    expect(m.ingest(message).frames).toEqual([]); // the whole message counts as received
  });

  test('frames of one relay block each show exactly their own bytes (slices of the shared block)', () => {
    const payloads = [[1, 2, 3], [0x53, 9], [], [7, 7, 7, 7, 7]];
    const items: DetailItem[] = payloads.map((bytes, i) => ({ bytes, dir: i % 2 ? 'in' : 'out', t: 10 + i, cid: 'w1' }));
    const posted = throughRelay([items]);
    const frames = new CaptureModel().ingest(posted[0]! as PanelMessage).frames;
    expect(frames.map((f) => [...(f.bytes ?? [])])).toEqual(payloads);
    expect(frames.map((f) => f.truncated)).toEqual([false, false, false, false]);
    expect(frames[3]!.bytes).not.toBe(frames[3]!.bytes); // no view is kept per frame: each read makes one
  });
});
