/**
 * What's tested (fake-indexeddb, a fake page behind the panel port that answers asynchronously):
 * replay into a page socket sends the recorded `out` frames in order, byte-exact, text as text, and
 * skips HELLO (counted); at most INJECT_WINDOW_FRAMES wait for an answer; a socket that stops
 * taking frames ends the replay with its reason and nothing after it is sent; a socket whose
 * `bufferedAmount` is high holds the replay (probes) until it drains; an unanswered inject times
 * out; answers for ids the panel never sent are ignored; the target list holds only open sockets the
 * hook wrapped. The real path through the hook is tested in test/e2e/devtools-replay-page.test.ts.
 */
import 'fake-indexeddb/auto';
import { encode } from '../../src/protocol/index.js';
import { afterEach, expect, test, vi } from 'vitest';
import { setFrame, useFrameLog } from '../../test/unit/recorder-fixtures.js';
import type { PanelCommand } from '../shared/messages.js';
import { base64ToBytes } from '../shared/validate.js';
import { conn } from './model/test-fixtures.js';
import { INJECT_TIMEOUT_MS, INJECT_WINDOW_FRAMES, PAGE_BUFFER_HIGH, PageInjector, pageTargets, replayToPage } from './page-replay.js';

const fixture = useFrameLog();
const T0 = 1_700_000_000_000;
const target = { doc: 'doc-1', cid: 'w2' };
const utf8 = new TextEncoder();

afterEach(() => {
  vi.useRealTimers();
});

type Inject = Extract<PanelCommand, { type: 'inject' }>;

/**
 * A page behind the port: answers each inject on a later macrotask. `answer(command, sentSoFar)`
 * decides the result (default: ok, buffered 0).
 */
function fakePage(answer: (command: Inject, sent: number) => { ok: boolean; error?: string; buffered?: number } = () => ({ ok: true })) {
  const sent: Inject[] = [];
  const probes: Inject[] = [];
  let inflight = 0;
  let maxInflight = 0;
  const injector = new PageInjector((command) => {
    if (command.type !== 'inject') return;
    if (command.bytes === undefined && command.text === undefined) probes.push(command);
    else sent.push(command);
    inflight += 1;
    maxInflight = Math.max(maxInflight, inflight);
    const result = answer(command, sent.length);
    setImmediate(() => {
      inflight -= 1;
      injector.result({ type: 'injected', doc: command.doc, id: command.id, ok: result.ok, error: result.error ?? '', buffered: result.buffered ?? 0 });
    });
  });
  return { injector, sent, probes, maxInflight: () => maxInflight };
}

/** Records frames into a closed session: [direction, bytes, text?]. */
async function record(frames: [('in' | 'out'), Uint8Array, boolean?][]): Promise<number> {
  const rec = await fixture.log.startRecording({ name: 'show', chunkFrames: 16, flushIntervalMs: 1e9 });
  frames.forEach(([direction, bytes, text], i) => rec.append(bytes, { time: T0 + i, direction, connection: 'c', text: text === true }));
  await rec.close();
  return rec.sessionId;
}

const hello = (): Uint8Array => encode({ type: 'HELLO', version: 1, name: 'recorded app', features: ['param'] });

test('the recorded out frames reach the socket in order, byte-exact, text as text; HELLO is skipped and counted', async () => {
  const frames: [('in' | 'out'), Uint8Array, boolean?][] = [['out', hello()], ['in', setFrame('/from/server', 1)]];
  for (let i = 0; i < 300; i++) frames.push(['out', setFrame(`/lights/${i}/level`, i / 300)]);
  frames.push(['out', utf8.encode('plain text ✓'), true]);
  const id = await record(frames);
  const page = fakePage();
  const replay = replayToPage(fixture.log, id, target, page.injector, Infinity, new AbortController().signal);
  const result = await replay.done;
  expect(result.frames).toBe(302); // HELLO passed to the sink, and skipped there
  expect(page.sent).toHaveLength(301);
  expect(page.sent.every((c) => c.doc === 'doc-1' && c.cid === 'w2')).toBe(true);
  for (let i = 0; i < 300; i++) expect([...base64ToBytes(page.sent[i]!.bytes!)]).toEqual([...setFrame(`/lights/${i}/level`, i / 300)]);
  expect(page.sent[300]).toMatchObject({ text: 'plain text ✓' });
  expect(page.sent[300]!.bytes).toBeUndefined();
  expect(page.maxInflight()).toBeLessThanOrEqual(INJECT_WINDOW_FRAMES);
  expect(page.maxInflight()).toBeGreaterThan(1); // windowed, not one round trip per frame
  expect(replay.outcome()).toBe("the page's socket took 301 frames; 1 HELLO not sent (the connection already has its session)");
  expect(page.injector.pending).toBe(0);
});

test('direction in: the recorded in frames go to the page (dir in), WELCOME skipped and counted, no bufferedAmount hold', async () => {
  const welcome = encode({ type: 'WELCOME', version: 1, session: 's', name: 'server', features: [], time: 1n });
  const frames: [('in' | 'out'), Uint8Array, boolean?][] = [['out', hello()], ['in', welcome]];
  for (let i = 0; i < 100; i++) frames.push(['in', setFrame(`/from/server/${i}`, i)], ['out', setFrame(`/from/page/${i}`, i)]);
  const id = await record(frames);
  // A page socket whose bufferedAmount is high (its own sends): delivering to the page does not wait for it.
  const page = fakePage(() => ({ ok: true, buffered: 10 * PAGE_BUFFER_HIGH }));
  const replay = replayToPage(fixture.log, id, target, page.injector, Infinity, new AbortController().signal, {}, 'in');
  const result = await replay.done;
  expect(result.frames).toBe(101);
  expect(page.sent).toHaveLength(100);
  expect(page.probes).toHaveLength(0);
  expect(page.sent.every((c) => c.dir === 'in')).toBe(true);
  for (let i = 0; i < 100; i++) expect([...base64ToBytes(page.sent[i]!.bytes!)]).toEqual([...setFrame(`/from/server/${i}`, i)]);
  expect(replay.outcome()).toBe('the page received 100 frames; 1 WELCOME not sent (the connection already has its session)');
});

test('a socket that stops taking frames ends the replay with its reason; nothing after the refusal is sent', async () => {
  const frames: [('in' | 'out'), Uint8Array][] = [];
  for (let i = 0; i < 200; i++) frames.push(['out', setFrame(`/a/${i}`, i)]);
  const id = await record(frames);
  const page = fakePage((_command, n) => (n >= 10 ? { ok: false, error: 'socket w2 is not open (readyState 3)' } : { ok: true }));
  const replay = replayToPage(fixture.log, id, target, page.injector, Infinity, new AbortController().signal);
  await expect(replay.done).rejects.toThrow('socket w2 is not open (readyState 3)');
  // The frames already on their way when the first refusal came back (at most one window) are all
  // the page was asked for.
  expect(page.sent.length).toBeLessThanOrEqual(10 + INJECT_WINDOW_FRAMES);
  expect(page.sent.length).toBeLessThan(200);
  expect(replay.outcome()).toMatch(/^the page's socket took 9 frames$/);
});

test('a socket whose bufferedAmount is high holds the replay until it drains (probes), then goes on', async () => {
  const frames: [('in' | 'out'), Uint8Array][] = [];
  for (let i = 0; i < 200; i++) frames.push(['out', setFrame(`/b/${i}`, i)]);
  const id = await record(frames);
  // The network stalls after the 5th frame (bufferedAmount stays high) and drains on the 3rd probe.
  let stalled = false;
  let probesLeft = 3;
  let sentWhileStalled = 0;
  const page = fakePage((command, n) => {
    if (command.bytes === undefined) {
      probesLeft -= 1;
      if (probesLeft === 0) stalled = false;
      return { ok: true, buffered: stalled ? 2 * PAGE_BUFFER_HIGH : 0 };
    }
    if (n === 5) stalled = true;
    else if (stalled) sentWhileStalled += 1;
    return { ok: true, buffered: stalled ? 2 * PAGE_BUFFER_HIGH : 0 };
  });
  const replay = replayToPage(fixture.log, id, target, page.injector, Infinity, new AbortController().signal);
  const result = await replay.done;
  expect(result.frames).toBe(200);
  expect(page.sent).toHaveLength(200);
  expect(page.probes).toHaveLength(3);
  // Only what was already in the window when the stall was reported went out during it.
  expect(sentWhileStalled).toBeLessThanOrEqual(INJECT_WINDOW_FRAMES);
});

test('an inject nobody answers fails after INJECT_TIMEOUT_MS; answers to unknown ids are ignored', async () => {
  vi.useFakeTimers();
  const posted: Inject[] = [];
  const injector = new PageInjector((command) => void (command.type === 'inject' && posted.push(command)));
  const answer = injector.request(target, { bytes: new Uint8Array([0x53]) });
  injector.result({ type: 'injected', doc: 'doc-1', id: 'someone-else-1', ok: true, error: '', buffered: 0 });
  expect(injector.pending).toBe(1);
  await vi.advanceTimersByTimeAsync(INJECT_TIMEOUT_MS);
  await expect(answer).resolves.toMatchObject({ ok: false, error: `the page did not answer within ${INJECT_TIMEOUT_MS / 1000} s` });
  expect(injector.pending).toBe(0);
  expect(posted).toHaveLength(1);
  expect(posted[0]).toMatchObject({ doc: 'doc-1', cid: 'w2', bytes: 'Uw==' });
});

test('the targets are the open sockets the hook wrapped, in live documents only', () => {
  const targets = pageTargets([
    conn('doc-1/w1', { name: 'app', url: 'ws://a/' }),
    conn('doc-1/w2', { state: 'closed' }),
    conn('doc-1/w3', { state: 'connecting' }),
    conn('doc-1/t:7'), // a transport without a socket the hook wrapped
    conn('import:1/c', { doc: 'import:1' }),
    conn('deep:5:1/1234.5', { doc: 'deep:5:1', source: 'deep mode' }),
    conn('doc-2/w1', { url: 'ws://b/' }),
  ]);
  expect(targets).toEqual([
    { target: { doc: 'doc-1', cid: 'w1' }, label: 'app ws://a/' },
    { target: { doc: 'doc-2', cid: 'w1' }, label: '#1 ws://b/' },
  ]);
});
