import { expect, test } from 'vitest';
import { MAX_FRAME_BYTES } from '../shared/limits.js';
import { DEEP_SOURCE } from '../shared/messages.js';
import { DeepMapper, type CdpEvent } from './deep-map.js';

const W = 'WORKER-SESSION';
const attachWorker = (type = 'worker', sessionId = W): CdpEvent => ({ method: 'Target.attachedToTarget', params: { sessionId, targetInfo: { type, url: 'blob:x' } } });
const ev = (method: string, params: Record<string, unknown>, sessionId?: string): CdpEvent => ({ method: `Network.${method}`, params, sessionId });
const frame = (opcode: number, payloadData: string) => ({ requestId: 'r1', response: { opcode, mask: true, payloadData } });

test('a worker socket maps to conn, open, data frames and close, numbered in order', () => {
  const m = new DeepMapper();
  expect(m.map(attachWorker(), 5)).toEqual([]);
  const out = [
    ...m.map(ev('webSocketCreated', { requestId: 'r1', url: 'ws://h/x' }, W), 5),
    ...m.map(ev('webSocketWillSendHandshakeRequest', { requestId: 'r1', request: { headers: { 'Sec-WebSocket-Protocol': 'clasp, other' } } }, W), 6),
    ...m.map(ev('webSocketHandshakeResponseReceived', { requestId: 'r1', response: { headers: { 'sec-websocket-protocol': 'clasp' } } }, W), 7),
    ...m.map(ev('webSocketFrameSent', frame(1, 'hi'), W), 8),
    ...m.map(ev('webSocketFrameReceived', frame(2, 'U0FC'), W), 9),
    ...m.map(ev('webSocketClosed', { requestId: 'r1' }, W), 10),
  ];
  const cid = `d:${W}:r1`;
  expect(out.map((e) => e.k)).toEqual(['conn', 'conn', 'open', 'frame', 'frame', 'close']);
  expect(out.map((e) => e.n)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(out.every((e) => e.cid === cid)).toBe(true);
  expect(out[1]).toMatchObject({ k: 'conn', url: 'ws://h/x', protocols: ['clasp', 'other'], source: DEEP_SOURCE });
  expect(out[2]).toMatchObject({ k: 'open', protocol: 'clasp', t: 7 });
  expect(out[3]).toMatchObject({ k: 'frame', dir: 'out', text: 'hi', size: 2, t: 8 });
  expect(out[4]).toMatchObject({ k: 'frame', dir: 'in', bytes: 'U0FC', size: 3 });
  expect(out[5]).toMatchObject({ k: 'close', code: 0, reason: '' });
});

test('a worker socket created before the attach is announced by its first frame, without URL', () => {
  const m = new DeepMapper();
  m.map(attachWorker('shared_worker'));
  const out = m.map(ev('webSocketFrameReceived', frame(1, 'late'), W));
  expect(out.map((e) => e.k)).toEqual(['conn', 'frame']);
  expect(out[0]).toMatchObject({ url: '', source: DEEP_SOURCE });
});

test('page and iframe sockets: data frames stay the hook\'s, nothing is listed', () => {
  const m = new DeepMapper();
  m.map(attachWorker('iframe', 'IFRAME'));
  for (const sessionId of [undefined, 'IFRAME', 'UNKNOWN']) {
    expect(m.map(ev('webSocketCreated', { requestId: 'r1', url: 'ws://h/' }, sessionId))).toEqual([]);
    expect(m.map(ev('webSocketHandshakeResponseReceived', { requestId: 'r1', response: { headers: {} } }, sessionId))).toEqual([]);
    expect(m.map(ev('webSocketFrameSent', frame(1, 'page'), sessionId))).toEqual([]);
    expect(m.map(ev('webSocketFrameReceived', frame(2, 'AA=='), sessionId))).toEqual([]);
    expect(m.map(ev('webSocketFrameError', { requestId: 'r1', errorMessage: 'x' }, sessionId))).toEqual([]);
    expect(m.map(ev('webSocketClosed', { requestId: 'r1' }, sessionId))).toEqual([]);
  }
});

test('control frames (close, ping, pong) are kept for every socket, labelled by opcode', () => {
  const m = new DeepMapper();
  m.map(ev('webSocketCreated', { requestId: 'r1', url: 'ws://page/' }));
  const ping = m.map(ev('webSocketFrameReceived', frame(9, 'abc')));
  expect(ping.map((e) => e.k)).toEqual(['conn', 'frame']);
  expect(ping[0]).toMatchObject({ url: 'ws://page/', source: DEEP_SOURCE });
  expect(ping[1]).toMatchObject({ dir: 'in', text: '[ping] abc', size: 3 });
  expect(m.map(ev('webSocketFrameSent', frame(10, 'abc')))).toEqual([expect.objectContaining({ dir: 'out', text: '[pong] abc' })]);
  expect(m.map(ev('webSocketFrameSent', frame(8, '')))).toEqual([expect.objectContaining({ text: '[close] ' })]);
  m.map(attachWorker());
  expect(m.map(ev('webSocketFrameSent', frame(9, ''), W))).toEqual([expect.objectContaining({ k: 'conn' }), expect.objectContaining({ text: '[ping] ' })]);
});

test('an unknown opcode is reported as an error on its connection, not dropped', () => {
  const m = new DeepMapper();
  m.map(attachWorker());
  const out = m.map(ev('webSocketFrameSent', frame(3, 'x'), W));
  expect(out.at(-1)).toMatchObject({ k: 'error', message: 'unknown WebSocket opcode 3' });
});

test('hostile params: wrong types and missing fields map to nothing or to safe defaults', () => {
  const m = new DeepMapper();
  expect(m.map({ method: 'Network.webSocketFrameSent', params: {} })).toEqual([]);
  expect(m.map({ method: 'Network.webSocketFrameSent', params: { requestId: 7 } })).toEqual([]);
  expect(m.map({ method: 'Target.attachedToTarget', params: { sessionId: 3, targetInfo: null } })).toEqual([]);
  expect(m.map({ method: 'Network.requestWillBeSent', params: { requestId: 'r1' } })).toEqual([]);
  m.map(attachWorker());
  const out = m.map(ev('webSocketFrameSent', { requestId: 'r1', response: { opcode: '1', payloadData: 5 } }, W));
  expect(out.at(-1)).toMatchObject({ k: 'error', message: 'unknown WebSocket opcode -1' });
  const created = m.map(ev('webSocketCreated', { requestId: 'r2', url: 'x'.repeat(10_000) }, W));
  expect(created[0]).toMatchObject({ k: 'conn' });
  expect((created[0] as { url: string }).url).toHaveLength(2048);
});

test('a binary payload over the cap is cut to whole base64 groups and keeps its real size', () => {
  const m = new DeepMapper();
  m.map(attachWorker());
  const big = 'QUJD'.repeat((MAX_FRAME_BYTES / 3) + 10);
  const out = m.map(ev('webSocketFrameReceived', frame(2, big), W));
  const f = out.at(-1) as { bytes: string; size: number };
  expect(f.bytes.length % 4).toBe(0);
  expect((f.bytes.length / 4) * 3).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  expect(f.size).toBe((big.length / 4) * 3);
});

test('a detached session no longer marks its new sockets as worker sockets', () => {
  const m = new DeepMapper();
  m.map(attachWorker());
  m.map({ method: 'Target.detachedFromTarget', params: { sessionId: W } });
  expect(m.map(ev('webSocketFrameSent', frame(1, 'x'), W))).toEqual([]);
});
