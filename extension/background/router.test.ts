import { expect, test } from 'vitest';
import { pageDetail } from '../shared/detail-fixtures.js';
import type { PanelMessage, RelayMessage } from '../shared/messages.js';
import { bytesToBase64 } from '../shared/validate.js';
import { Router, type RouterPort } from './router.js';

const ORIGIN = 'chrome-extension://abc/';

class FakePort implements RouterPort {
  posted: unknown[] = [];
  disconnected = false;
  #onMessage: ((m: unknown) => void)[] = [];
  #onDisconnect: (() => void)[] = [];
  constructor(
    readonly name: string,
    readonly sender: RouterPort['sender'],
  ) {}
  postMessage(message: unknown) {
    this.posted.push(JSON.parse(JSON.stringify(message)));
  }
  disconnect() {
    this.disconnected = true;
  }
  readonly onMessage = { addListener: (l: (m: unknown) => void) => void this.#onMessage.push(l) };
  readonly onDisconnect = { addListener: (l: () => void) => void this.#onDisconnect.push(l) };
  send(message: RelayMessage) {
    for (const l of this.#onMessage) l(message);
  }
  drop() {
    for (const l of this.#onDisconnect) l();
  }
}

const relay = (tab: number, frameId = 0) => new FakePort('relay', { tab: { id: tab }, frameId, url: `https://page${tab}.test/` });
const panel = (tab: number, url = `${ORIGIN}extension/panel/panel.html`) => new FakePort(`panel:${tab}`, { url });
const stats = { rejected: 0, evicted: 0, truncated: 0 };
const events = (doc: string, text: string): RelayMessage => ({
  type: 'events',
  doc,
  backlog: false,
  // One batch of one object event: the worker forwards it without reading it.
  chunks: [{ n0: 1, skip: 0, block: bytesToBase64(new Uint8Array(pageDetail([{ object: null }]).block)), cids: [], events: [{ k: 'frame', n: 1, seq: 1, t: 1, cid: 'w1', dir: 'in', text, size: text.length }] }],
  stats,
});

function setup() {
  const woken: number[] = [];
  return { router: new Router(ORIGIN, (tab) => woken.push(tab)), woken };
}

test('a relay without any panel is told to go dormant and disconnected', () => {
  const { router } = setup();
  const r = relay(1);
  router.accept(r);
  r.send({ type: 'hello', v: 1, doc: 'd1', url: 'ignored' });
  expect(r.posted).toEqual([{ type: 'dormant' }]);
  expect(r.disconnected).toBe(true);
  expect(router.relayCount(1)).toBe(0);
});

test('a panel wakes its tab; its relays subscribe and their events reach only that tab', () => {
  const { router, woken } = setup();
  const p1 = panel(1);
  const p2 = panel(2);
  router.accept(p1);
  router.accept(p2);
  expect(woken).toEqual([1, 2]);
  const r1 = relay(1, 3);
  const r2 = relay(2);
  router.accept(r1);
  router.accept(r2);
  r1.send({ type: 'hello', v: 1, doc: 'd1', url: 'https://evil.test/' });
  r2.send({ type: 'hello', v: 1, doc: 'd2', url: '' });
  expect(r1.posted).toEqual([{ type: 'subscribe' }]);
  r1.send(events('d1', 'tab one'));
  r2.send(events('d2', 'tab two'));
  const texts = (p: FakePort) => (p.posted as PanelMessage[]).flatMap((m) => (m.type === 'events' ? (m.chunks ?? []).flatMap((c) => c.events.map((e) => (e.k === 'frame' ? e.text : ''))) : []));
  expect(texts(p1)).toEqual(['tab one']);
  expect(texts(p2)).toEqual(['tab two']);
  // frameId and url come from the browser's sender, not from the message
  expect(p1.posted[0]).toEqual({ type: 'document', frameId: 3, url: 'https://page1.test/', doc: 'd1' });
});

test('the document id is the one the port announced, whatever a later message claims', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  const r = relay(1);
  router.accept(r);
  r.send({ type: 'hello', v: 1, doc: 'd1', url: '' });
  r.send(events('someone-else', 'x'));
  expect(p.posted.at(-1)).toMatchObject({ type: 'events', doc: 'd1' });
});

test('events before hello are ignored', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  const r = relay(1);
  router.accept(r);
  r.send(events('d1', 'early'));
  expect(p.posted).toEqual([]);
});

test('panels from another origin, bad tab ids, relays without a tab and unknown ports are refused', () => {
  const { router } = setup();
  const ports = [panel(1, 'https://evil.test/panel.html'), panel(-1), new FakePort('panel:abc', { url: ORIGIN }), new FakePort('relay', {}), new FakePort('other', { url: ORIGIN })];
  for (const p of ports) router.accept(p);
  expect(ports.every((p) => p.disconnected)).toBe(true);
  expect(router.panelCount(1)).toBe(0);
});

test('when the last panel of a tab leaves, its relays go dormant', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  const r = relay(1);
  router.accept(r);
  r.send({ type: 'hello', v: 1, doc: 'd1', url: '' });
  p.drop();
  expect(r.posted).toEqual([{ type: 'subscribe' }, { type: 'dormant' }]);
  expect(r.disconnected).toBe(true);
});

test('a relay that goes away is reported to the panel', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  const r = relay(1, 7);
  router.accept(r);
  r.send({ type: 'hello', v: 1, doc: 'd1', url: '' });
  r.drop();
  expect(p.posted.at(-1)).toEqual({ type: 'document-gone', frameId: 7, doc: 'd1' });
});

test('panel hooks: deep commands carry the tab of the panel port, and the last panel leaving is reported', () => {
  const log: string[] = [];
  const router = new Router(ORIGIN, () => undefined, {
    connected: (tab) => log.push(`connected ${tab}`),
    command: (tab, command) => log.push(`command ${tab} ${command.on}`),
    lastGone: (tab) => log.push(`gone ${tab}`),
    injectRefusal: () => '',
  });
  const a = panel(3);
  const b = panel(3);
  router.accept(a);
  router.accept(b);
  a.send({ type: 'deep', on: true } as never);
  a.send({ type: 'deep', on: 'yes', tabId: 9 } as never); // malformed: ignored
  a.send({ type: 'other' } as never);
  a.drop();
  b.drop();
  expect(log).toEqual(['connected 3', 'connected 3', 'command 3 true', 'gone 3']);
  const evil = panel(4, 'https://evil.test/');
  router.accept(evil);
  evil.send({ type: 'deep', on: true } as never);
  expect(log).toHaveLength(4);
});

test('acks go to the relay of the named document only; full capture reaches every relay and later subscribes', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  const r1 = relay(1, 0);
  const r2 = relay(1, 4);
  router.accept(r1);
  router.accept(r2);
  r1.send({ type: 'hello', v: 1, doc: 'd1', url: '' });
  r2.send({ type: 'hello', v: 1, doc: 'd2', url: '' });
  p.send({ type: 'ack', doc: 'd2', n: 41 } as never);
  p.send({ type: 'ack', doc: 'd2', n: 1e300 } as never); // not a safe integer: ignored
  p.send({ type: 'capture', full: true } as never);
  expect(r1.posted).toEqual([{ type: 'subscribe' }, { type: 'capture', full: true }]);
  expect(r2.posted).toEqual([{ type: 'subscribe' }, { type: 'ack', n: 41 }, { type: 'capture', full: true }]);
  const r3 = relay(1, 5);
  router.accept(r3);
  r3.send({ type: 'hello', v: 1, doc: 'd3', url: '' });
  expect(r3.posted).toEqual([{ type: 'subscribe', full: true }]);
});

test('a tab whose content scripts did not answer is reported to its panels, unless a relay is connected', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  router.noRelay(1, 'Could not establish connection. Receiving end does not exist.');
  expect(p.posted.at(-1)).toEqual({ type: 'no-content-script', detail: 'Could not establish connection. Receiving end does not exist.' });
  const r = relay(1);
  router.accept(r);
  r.send({ type: 'hello', v: 1, doc: 'd1', url: '' });
  const count = p.posted.length;
  router.noRelay(1, 'late answer');
  expect(p.posted).toHaveLength(count);
});

test('counters and chunks from a relay are range-checked before a panel sees them', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  const r = relay(1);
  router.accept(r);
  r.send({ type: 'hello', v: 1, doc: 'd1', url: '' });
  const good = (events('d1', 'ok') as Extract<RelayMessage, { type: 'events' }>).chunks[0]!;
  r.send({
    type: 'events',
    doc: 'd1',
    backlog: false,
    chunks: [good, { ...good, n0: 1e300 }, { ...good, skip: -1 }, { ...good, block: 7 } as never, null as never],
    stats: { rejected: -5, evicted: 1.5, truncated: 2, behind: 'x', pageDispatched: 3, buffered: { events: 1, bytes: Infinity, maxEvents: 2, maxBytes: 3 } } as never,
  });
  const message = p.posted.at(-1) as Extract<PanelMessage, { type: 'events' }>;
  expect(message.chunks).toHaveLength(1);
  expect(message.stats).toEqual({ rejected: 0, evicted: 0, truncated: 2, behind: 0, pageDispatched: 3, buffered: { events: 1, bytes: 0, maxEvents: 2, maxBytes: 3 } });
});

test('inject: refused unless the tab is in deep mode; then it reaches the relay of its document only, and the answer comes back', () => {
  let deepOn = false;
  const router = new Router(ORIGIN, () => undefined, {
    connected: () => undefined,
    command: () => undefined,
    lastGone: () => undefined,
    injectRefusal: () => (deepOn ? '' : 'needs deep mode'),
  });
  const p = panel(1);
  const other = panel(2);
  router.accept(p);
  router.accept(other);
  const r1 = relay(1, 0);
  const r2 = relay(1, 3);
  const r9 = relay(2, 0);
  for (const [r, doc] of [[r1, 'd1'], [r2, 'd2'], [r9, 'd1']] as const) {
    router.accept(r);
    r.send({ type: 'hello', v: 1, doc, url: '' });
  }
  const sent = (r: FakePort) => r.posted.filter((m) => (m as { type: string }).type === 'inject');
  const bytes = bytesToBase64(new Uint8Array([0x53, 0x21, 0, 0]));
  p.send({ type: 'inject', doc: 'd2', id: 'a-1', cid: 'w1', bytes } as never);
  expect(p.posted.at(-1)).toEqual({ type: 'injected', doc: 'd2', id: 'a-1', ok: false, error: 'needs deep mode', buffered: 0, sent: 0 });
  expect(sent(r2)).toEqual([]);
  deepOn = true;
  p.send({ type: 'inject', doc: 'd2', id: 'a-2', cid: 'w1', bytes, extra: 'dropped' } as never);
  p.send({ type: 'inject', doc: 'd2', id: 'a-3', cid: 'w1', text: 'hi' } as never);
  p.send({ type: 'inject', doc: 'gone', id: 'a-4', cid: 'w1', bytes } as never);
  p.send({ type: 'inject', doc: 'd2', id: 'a-5', cid: 'w1', bytes, text: 'both' } as never);
  p.send({ type: 'inject', doc: 'd2', id: 'a-6', cid: 'w1', bytes: 'not base64!' } as never);
  expect(sent(r2)).toEqual([{ type: 'inject', id: 'a-2', cid: 'w1', frames: [{ bytes }] }, { type: 'inject', id: 'a-3', cid: 'w1', frames: [{ text: 'hi' }] }]);
  expect(sent(r1)).toEqual([]);
  expect(sent(r9)).toEqual([]); // same document id in another tab: never reached from this tab's panel
  const answers = p.posted.filter((m) => (m as { type: string }).type === 'injected').slice(1);
  expect(answers).toEqual([
    { type: 'injected', doc: 'gone', id: 'a-4', ok: false, error: 'the document is gone (navigated or closed)', buffered: 0, sent: 0 },
    { type: 'injected', doc: 'd2', id: 'a-5', ok: false, error: 'malformed inject command', buffered: 0, sent: 0 },
    { type: 'injected', doc: 'd2', id: 'a-6', ok: false, error: 'malformed inject command', buffered: 0, sent: 0 },
  ]);
  // the relay's answer: checked, named by the relay's own document, and sent to the panels of its tab only
  r2.send({ type: 'injected', doc: 'forged', id: 'a-2', ok: true, error: '', buffered: 12, sent: 1 } as never);
  r2.send({ type: 'injected', doc: 'd2', id: 'a-3', ok: 'yes', error: '', buffered: -1, sent: 1 } as never);
  expect(p.posted.at(-1)).toEqual({ type: 'injected', doc: 'd2', id: 'a-2', ok: true, error: '', buffered: 12, sent: 1 });
  expect(other.posted.some((m) => (m as { type: string }).type === 'injected')).toBe(false);
});

test('inject: a router without panel hooks (no deep mode) refuses every inject', () => {
  const { router } = setup();
  const p = panel(1);
  router.accept(p);
  const r = relay(1);
  router.accept(r);
  r.send({ type: 'hello', v: 1, doc: 'd1', url: '' });
  p.send({ type: 'inject', doc: 'd1', id: 'x', cid: 'w1', text: 'hi' } as never);
  expect(r.posted).toEqual([{ type: 'subscribe' }]);
  expect(p.posted.at(-1)).toMatchObject({ type: 'injected', id: 'x', ok: false });
});
