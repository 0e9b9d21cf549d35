import { expect, test } from 'vitest';
import { PAGE_WRITER, StateModel } from './state-view.js';
import { RATE_WINDOW_S, RateModel } from './rates.js';
import { claspFrame, conn, textFrame } from './test-fixtures.js';

test('SNAPSHOT then SET rebuild the current values with revision and writer', () => {
  const m = new StateModel();
  m.add([
    claspFrame({ type: 'SNAPSHOT', params: [{ address: '/a', value: 1, revision: 5n, writer: 'console' }, { address: '/b', value: 'x', revision: 1n }] }, 'in'),
    claspFrame({ type: 'SET', address: '/a', value: 2, revision: 6n }, 'out'),
    claspFrame({ type: 'SET', address: '/c', value: true }, 'in', { c: conn('d/w2', { name: 'router' }) }),
  ]);
  expect(m.rows().map((r) => [r.address, r.value, r.revision, r.writer])).toEqual([
    ['/a', 2, 6n, PAGE_WRITER],
    ['/b', 'x', 1n, '#1'],
    ['/c', true, null, 'router'],
  ]);
});

test('a stale revision is ignored, SETs inside a BUNDLE count, other frames do not', () => {
  const m = new StateModel();
  m.add([claspFrame({ type: 'SET', address: '/a', value: 1, revision: 9n })]);
  const version = m.version;
  m.add([claspFrame({ type: 'SET', address: '/a', value: 0, revision: 3n }), claspFrame({ type: 'PUBLISH', address: '/a', value: 5 }), textFrame('SET /a')]);
  expect(m.get('/a')?.value).toBe(1);
  expect(m.version).toBe(version);
  m.add([claspFrame({ type: 'BUNDLE', messages: [{ type: 'SET', address: '/in/bundle', value: 3 }] })]);
  expect(m.get('/in/bundle')?.value).toBe(3);
  m.clear();
  expect(m.size).toBe(0);
});

test('rates count frames and bytes per connection and per second over a sliding minute', () => {
  const r = new RateModel();
  const c1 = conn('d/w1');
  const at = (s: number, c = c1) => claspFrame({ type: 'SET', address: '/a', value: 1 }, 'in', { t: s * 1000 + 10, c });
  const f = at(100);
  r.add([f, at(100), at(101), at(101, conn('d/w2'))]);
  const s = r.series('d/w1', 101);
  expect(s.frames).toHaveLength(RATE_WINDOW_S);
  expect(s.frames.slice(-2)).toEqual([2, 1]);
  expect(s.bytes.at(-1)).toBe(f.size);
  expect(s.totalFrames).toBe(3);
  expect(r.series('d/w1', 100 + RATE_WINDOW_S + 5).frames.every((n) => n === 0)).toBe(true);
  expect(r.connections()).toEqual(['d/w1', 'd/w2']);
});
