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
import { MAX_INJECT_FRAMES } from '../shared/limits.js';
import { INJECT_TIMEOUT_MS, INJECT_WINDOW_FRAMES, PAGE_BUFFER_HIGH, PageInjector, pageTargets, replayToPage } from './page-replay.js';

const fixture = useFrameLog();
const T0 = 1_700_000_000_000;
const target = { doc: 'doc-1', cid: 'w2' };
const utf8 = new TextEncoder();

afterEach(() => {
  vi.useRealTimers();
});

type Inject = Extract<PanelCommand, { type: 'inject' }>;

/** One frame as the page got it: the command it came in, and its payload. */
interface Sent {
  readonly command: Inject;
  readonly bytes?: string;
  readonly text?: string;
}

/**
 * A page behind the port: takes each inject's frames in order and answers on a later macrotask.
 * `take(frame, sentSoFar)` decides per frame: `true` (sent), or an error that ends the inject there.
 * `buffered(sentSoFar, probe)` is the bufferedAmount it reports.
 */
function fakePage(take: (frame: Sent, sent: number) => true | string = () => true, buffered: (sent: number, probe: boolean) => number = () => 0) {
  const sent: Sent[] = [];
  const probes: Inject[] = [];
  const commands: Inject[] = [];
  let inflightFrames = 0;
  let maxInflightFrames = 0;
  const injector = new PageInjector((command) => {
    if (command.type !== 'inject') return;
    if (command.frames.length === 0) probes.push(command);
    else commands.push(command);
    inflightFrames += command.frames.length;
    maxInflightFrames = Math.max(maxInflightFrames, inflightFrames);
    let taken = 0;
    let error = '';
    for (const f of command.frames) {
      const frame: Sent = { command, ...f };
      const verdict = take(frame, sent.length);
      if (verdict !== true) {
        error = verdict;
        break;
      }
      sent.push(frame);
      taken += 1;
    }
    const result = { ok: error === '', error, buffered: error === '' ? buffered(sent.length, command.frames.length === 0) : 0, sent: taken };
    setImmediate(() => {
      inflightFrames -= command.frames.length;
      injector.result({ type: 'injected', doc: command.doc, id: command.id, ...result });
    });
  });
  return { injector, sent, probes, commands, maxInflightFrames: () => maxInflightFrames };
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
  expect(page.sent.every((f) => f.command.doc === 'doc-1' && f.command.cid === 'w2' && f.command.dir === undefined)).toBe(true);
  for (let i = 0; i < 300; i++) expect([...base64ToBytes(page.sent[i]!.bytes!)]).toEqual([...setFrame(`/lights/${i}/level`, i / 300)]);
  expect(page.sent[300]).toMatchObject({ text: 'plain text ✓' });
  expect(page.sent[300]!.bytes).toBeUndefined();
  expect(page.maxInflightFrames()).toBeLessThanOrEqual(INJECT_WINDOW_FRAMES);
  // At speed max, frames go many to an inject (within its caps), not one message per frame.
  expect(page.commands.length).toBeLessThan(301 / 10);
  expect(page.commands.every((c) => c.frames.length <= MAX_INJECT_FRAMES)).toBe(true);
  expect(replay.outcome()).toBe("the page's socket took 301 frames; 1 HELLO not sent (the connection already has its session)");
  expect(page.injector.pending).toBe(0);
});

test('direction in: the recorded in frames go to the page (dir in), WELCOME skipped and counted, no bufferedAmount hold', async () => {
  const welcome = encode({ type: 'WELCOME', version: 1, session: 's', name: 'server', features: [], time: 1n });
  const frames: [('in' | 'out'), Uint8Array, boolean?][] = [['out', hello()], ['in', welcome]];
  for (let i = 0; i < 100; i++) frames.push(['in', setFrame(`/from/server/${i}`, i)], ['out', setFrame(`/from/page/${i}`, i)]);
  const id = await record(frames);
  // A page socket whose bufferedAmount is high (its own sends): delivering to the page does not wait for it.
  const page = fakePage(() => true, () => 10 * PAGE_BUFFER_HIGH);
  const replay = replayToPage(fixture.log, id, target, page.injector, Infinity, new AbortController().signal, {}, 'in');
  const result = await replay.done;
  expect(result.frames).toBe(101);
  expect(page.sent).toHaveLength(100);
  expect(page.probes).toHaveLength(0);
  expect(page.sent.every((f) => f.command.dir === 'in')).toBe(true);
  for (let i = 0; i < 100; i++) expect([...base64ToBytes(page.sent[i]!.bytes!)]).toEqual([...setFrame(`/from/server/${i}`, i)]);
  expect(replay.outcome()).toBe('the page received 100 frames; 1 WELCOME not sent (the connection already has its session)');
});

test('a socket that stops taking frames ends the replay with its reason; nothing after the refusal is sent', async () => {
  const frames: [('in' | 'out'), Uint8Array][] = [];
  for (let i = 0; i < 200; i++) frames.push(['out', setFrame(`/a/${i}`, i)]);
  const id = await record(frames);
  const page = fakePage((_frame, n) => (n >= 9 ? 'socket w2 is not open (readyState 3)' : true));
  const replay = replayToPage(fixture.log, id, target, page.injector, Infinity, new AbortController().signal);
  await expect(replay.done).rejects.toThrow('socket w2 is not open (readyState 3)');
  // Nothing after the refused frame was taken, and the replay stopped asking within a window.
  expect(page.sent).toHaveLength(9);
  expect(page.commands.flatMap((c) => c.frames).length).toBeLessThanOrEqual(9 + INJECT_WINDOW_FRAMES);
  expect(replay.outcome()).toMatch(/^the page's socket took 9 frames$/);
});

test('a socket whose bufferedAmount is high holds the replay until it drains (probes), then goes on', async () => {
  const frames: [('in' | 'out'), Uint8Array][] = [];
  for (let i = 0; i < 2000; i++) frames.push(['out', setFrame(`/b/${i}`, i)]);
  const id = await record(frames);
  // The network stalls after the 5th frame (bufferedAmount stays high) and drains on the 3rd probe.
  let probesLeft = 3;
  let stalledAt = -1;
  let sentWhileStalled = 0;
  const stalled = (): boolean => stalledAt !== -1 && stalledAt !== Infinity;
  const page = fakePage(
    () => {
      if (stalled()) sentWhileStalled += 1;
      return true;
    },
    (n, probe) => {
      if (probe && --probesLeft === 0) stalledAt = Infinity;
      if (stalledAt === -1 && n >= 5) stalledAt = n;
      return stalled() ? 2 * PAGE_BUFFER_HIGH : 0;
    },
  );
  const replay = replayToPage(fixture.log, id, target, page.injector, Infinity, new AbortController().signal);
  const result = await replay.done;
  expect(result.frames).toBe(2000);
  expect(page.sent).toHaveLength(2000);
  expect(page.probes).toHaveLength(3);
  // Only what was already in the window when the stall was reported went out during it.
  expect(sentWhileStalled).toBeLessThanOrEqual(INJECT_WINDOW_FRAMES);
});

test('an inject nobody answers fails after INJECT_TIMEOUT_MS; answers to unknown ids are ignored', async () => {
  vi.useFakeTimers();
  const posted: Inject[] = [];
  const injector = new PageInjector((command) => void (command.type === 'inject' && posted.push(command)));
  const answer = injector.request(target, [{ bytes: new Uint8Array([0x53]) }]);
  injector.result({ type: 'injected', doc: 'doc-1', id: 'someone-else-1', ok: true, error: '', buffered: 0, sent: 1 });
  expect(injector.pending).toBe(1);
  await vi.advanceTimersByTimeAsync(INJECT_TIMEOUT_MS);
  await expect(answer).resolves.toMatchObject({ ok: false, error: `the page did not answer within ${INJECT_TIMEOUT_MS / 1000} s` });
  expect(injector.pending).toBe(0);
  expect(posted).toHaveLength(1);
  expect(posted[0]).toMatchObject({ doc: 'doc-1', cid: 'w2', frames: [{ bytes: 'Uw==' }] });
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
