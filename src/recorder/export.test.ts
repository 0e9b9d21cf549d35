/**
 * What's tested (fake-indexeddb): NDJSON and HAR export → import round trips (bytes, time,
 * direction, connection, text flag, type, address); the HAR has every field Chrome's importer
 * requires; a HAR shaped exactly like Chrome's "Save all as HAR" imports; bad input is rejected with
 * the first bad line / entry and leaves no session behind.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { mixedFrames, setFrame, useFrameLog } from '../../test/unit/recorder-fixtures.js';
import { fromBase64, toBase64 } from './base64.js';
import { ImportError } from './errors.js';
import { exportHar, importHar } from './har.js';
import { toBlob } from './import-session.js';
import type { RecordedFrame } from './query.js';
import { exportNdjson, importNdjson } from './ndjson.js';

const fixture = useFrameLog();
const all = fixture.all;

async function text(parts: AsyncIterable<string>): Promise<string> {
  return (await toBlob(parts, 'text/plain')).text();
}

async function recordMixed(): Promise<number> {
  const rec = await fixture.log.startRecording({ name: 'src', chunkFrames: 50 });
  rec.describeConnection('c1', { url: 'ws://127.0.0.1:7330/', protocol: 'clasp' });
  for (const f of mixedFrames(300)) rec.append(f.bytes, { direction: f.direction, connection: f.connection, time: f.time + 0.25 });
  rec.append(new TextEncoder().encode('héllo text'), { direction: 'out', connection: 'c1', text: true, time: 1_700_000_999_000 });
  await rec.close();
  return rec.sessionId;
}

const view = (f: RecordedFrame): unknown => [[...f.bytes], f.direction, f.connection, f.text, f.type, f.address];

test('base64 matches Node and rejects bad input with a position', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 50, 257]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect([...fromBase64(toBase64(bytes))]).toEqual([...bytes]);
  }
  expect(() => fromBase64('abc')).toThrow(/multiple of 4/);
  expect(() => fromBase64('ab!d')).toThrow(/at 2/);
  expect(() => fromBase64('a=bc')).toThrow(/at 1/);
});

describe('NDJSON', () => {
  test('export → import round trip keeps every frame', async () => {
    const id = await recordMixed();
    const exported = await text(exportNdjson(fixture.log, id));
    const lines = exported.trimEnd().split('\n');
    expect(lines).toHaveLength(301);
    const firstSet = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o['type'] === 'SET')!;
    expect(firstSet).toMatchObject({ typeCode: 0x21, direction: expect.any(String), iso: expect.stringMatching(/Z$/) });
    expect(firstSet['address']).toMatch(/^\/mixer\//);
    const result = await importNdjson(fixture.log, new Blob([exported]), { name: 'copy' });
    expect(result.frames).toBe(301);
    const [a, b] = [await all(id), await all(result.sessionId)];
    expect(b.map(view)).toEqual(a.map(view));
    expect(b.map((f) => f.time)).toEqual(a.map((f) => f.time));
    expect((await fixture.log.session(result.sessionId))?.name).toBe('copy');
  });

  test.each([
    ['not JSON', '{"time":1', 2, /not JSON/],
    ['bad base64', '{"time":1,"direction":"in","bytes":"@@@@"}', 2, /base64/],
    ['missing direction', '{"time":1,"bytes":"AA=="}', 2, /direction/],
    ['time is a string', '{"time":"1","direction":"in","bytes":"AA=="}', 2, /time/],
    ['array instead of object', '[1,2]', 2, /object/],
  ])('%s → ImportError on that line, nothing kept', async (_name, bad, line, message) => {
    const good = JSON.stringify({ time: 1, direction: 'in', bytes: toBase64(setFrame('/a', 1)) });
    const before = (await fixture.log.sessions()).length;
    const input = [good, bad, good].join('\n');
    const error = await importNdjson(fixture.log, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ line, message: expect.stringMatching(message) });
    expect((await fixture.log.sessions()).length).toBe(before);
    expect((await fixture.log.totals()).frames).toBe(0);
  });

  test('blank lines are ignored; line numbers count them', async () => {
    const good = JSON.stringify({ time: 1, direction: 'out', bytes: toBase64(setFrame('/a', 1)) });
    await expect(importNdjson(fixture.log, `${good}\n\n${good}\n`)).resolves.toMatchObject({ frames: 2 });
    await expect(importNdjson(fixture.log, `${good}\n\nnope`)).rejects.toMatchObject({ line: 3 });
  });
});

describe('HAR', () => {
  test('export has the fields Chrome requires, one entry per connection, seconds and opcodes', async () => {
    const id = await recordMixed();
    const har = JSON.parse(await text(exportHar(fixture.log, id))) as {
      log: { version: string; creator: { name: string }; pages: unknown[]; entries: Record<string, any>[] };
    };
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.map((e) => e['connection']).sort()).toEqual(['c0', 'c1', 'c2']);
    for (const e of har.log.entries) {
      expect(Number.isNaN(new Date(e['startedDateTime']).getTime())).toBe(false);
      expect(e).toMatchObject({ time: expect.any(Number), _resourceType: 'websocket', cache: {} });
      expect(e['request']).toMatchObject({ method: 'GET', url: expect.any(String), httpVersion: 'HTTP/1.1', headersSize: -1, bodySize: 0 });
      expect(e['response']).toMatchObject({ status: 101, content: { size: 0, mimeType: 'x-unknown' }, headersSize: -1, bodySize: -1 });
      expect(e['timings']).toMatchObject({ send: 0, wait: 0, receive: 0 });
    }
    const c1 = har.log.entries.find((e) => e['connection'] === 'c1')!;
    expect(c1['request'].url).toBe('ws://127.0.0.1:7330/');
    const messages = c1['_webSocketMessages'] as { type: string; time: number; opcode: number; data: string }[];
    const frames = (await all(id)).filter((f) => f.connection === 'c1');
    expect(messages).toHaveLength(frames.length);
    expect(messages[0]).toEqual({
      type: frames[0]!.direction === 'out' ? 'send' : 'receive',
      time: frames[0]!.time / 1000,
      opcode: 2,
      data: toBase64(frames[0]!.bytes),
    });
    expect(messages[messages.length - 1]).toMatchObject({ type: 'send', opcode: 1, data: 'héllo text' });
  });

  test('export → import round trip', async () => {
    const id = await recordMixed();
    const result = await importHar(fixture.log, await text(exportHar(fixture.log, id)));
    expect(result).toMatchObject({ frames: 301, skipped: 0 });
    const a = (await all(id)).sort((x, y) => x.time - y.time || x.seq - y.seq);
    const b = await all(result.sessionId);
    expect(b.map(view)).toEqual(a.map(view));
    b.forEach((f, i) => expect(f.time).toBeCloseTo(a[i]!.time, 3));
    expect((await fixture.log.session(result.sessionId))?.connections['c1']).toEqual({ url: 'ws://127.0.0.1:7330/' });
  });

  test('a HAR as Chrome writes it imports its WebSocket frames and skips the rest', async () => {
    const chrome = readFileSync(new URL('../../test/unit/fixtures/chrome-websocket.har', import.meta.url), 'utf8');
    const result = await importHar(fixture.log, chrome, { name: 'from chrome' });
    expect(result).toMatchObject({ frames: 4, skipped: 2 });
    const frames = await all(result.sessionId);
    expect(frames.map((f) => [f.direction, f.text, f.connection, f.type, f.address])).toEqual([
      ['out', true, '63', -1, null],
      ['out', false, '63', -1, null],
      ['in', false, '63', -1, null],
      ['in', false, '63', 0x21, '/a/b'],
    ]);
    expect(new TextDecoder().decode(frames[0]!.bytes)).toBe('text-after-devtools');
    expect([...frames[1]!.bytes]).toEqual([1, 2]);
    expect(frames[2]!.time).toBeCloseTo(1795632463514.616, 2);
    expect((await fixture.log.session(result.sessionId))?.connections['63']?.url).toBe('ws://127.0.0.1:37227/ws?from=har-check');
  });

  test.each<[string, unknown, Partial<ImportError>]>([
    ['entries not an array', { log: { entries: {} } }, { entry: undefined }],
    ['entry not an object', { log: { entries: [{ _webSocketMessages: [] }, 7] } }, { entry: 1 }],
    ['messages not an array', { log: { entries: [{ _webSocketMessages: 'x' }] } }, { entry: 0 }],
    ['bad type', { log: { entries: [{ _webSocketMessages: [{ type: 'sent', time: 1, opcode: 2, data: '' }] }] } }, { entry: 0, item: 0 }],
    ['bad base64', { log: { entries: [{}, { _webSocketMessages: [{ type: 'send', time: 1, opcode: 2, data: 'AA==' }, { type: 'send', time: 1, opcode: 2, data: 'A' }] }] } }, { entry: 1, item: 1 }],
    ['time missing', { log: { entries: [{ _webSocketMessages: [{ type: 'send', opcode: 1, data: 'x' }] }] } }, { entry: 0, item: 0 }],
  ])('%s → ImportError naming the first bad entry, nothing kept', async (_name, doc, where) => {
    const error = await importHar(fixture.log, JSON.stringify(doc)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject(where);
    expect(await fixture.log.sessions()).toEqual([]);
  });

  test('not JSON → ImportError', async () => {
    await expect(importHar(fixture.log, '{"log":')).rejects.toBeInstanceOf(ImportError);
  });
});
