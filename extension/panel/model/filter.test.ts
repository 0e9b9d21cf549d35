import { describe, expect, test } from 'vitest';
import { compileFilter, EMPTY_FILTER, typeKey, type FilterSpec } from './filter.js';
import { claspFrame, conn, textFrame } from './test-fixtures.js';

const frames = [
  claspFrame({ type: 'SET', address: '/lights/1/level', value: 0.5 }, 'out'),
  claspFrame({ type: 'SET', address: '/lights/2/color', value: 'red' }, 'in'),
  claspFrame({ type: 'PUBLISH', address: '/mixer/fader', value: 1 }, 'in', { c: conn('doc/w2', { name: 'mixer' }) }),
  claspFrame({ type: 'SUBSCRIBE', id: 1, pattern: '/lights/**' }, 'out'),
  textFrame('{"hello":"world"}'),
];

function shown(spec: Partial<FilterSpec>): number[] {
  const compiled = compileFilter({ ...EMPTY_FILTER, ...spec });
  if (!compiled.ok) throw new Error(compiled.error);
  return frames.flatMap((f, i) => (compiled.test(f) ? [i] : []));
}

describe('compileFilter', () => {
  test('the empty filter shows everything and says so', () => {
    const c = compileFilter(EMPTY_FILTER);
    expect(c.ok && c.isEmpty).toBe(true);
    expect(shown({})).toEqual([0, 1, 2, 3, 4]);
  });

  test('direction', () => {
    expect(shown({ direction: 'out' })).toEqual([0, 3]);
    expect(shown({ direction: 'in' })).toEqual([1, 2, 4]);
  });

  test('hidden types (CLASP names and the raw kinds)', () => {
    expect(frames.map(typeKey)).toEqual(['SET', 'SET', 'PUBLISH', 'SUBSCRIBE', 'text']);
    expect(shown({ hiddenTypes: new Set(['SET', 'text']) })).toEqual([2, 3]);
  });

  test('connection', () => {
    expect(shown({ connection: 'doc/w2' })).toEqual([2]);
  });

  test('address glob: ** spans segments, * one segment, the pattern of SUBSCRIBE counts', () => {
    expect(shown({ address: '/lights/**' })).toEqual([0, 1, 3]);
    expect(shown({ address: '/lights/*/level' })).toEqual([0]);
    expect(shown({ address: '/mixer/*' })).toEqual([2]);
  });

  test('address glob: k* within a segment, no leading / = any depth, a refused pattern is reported', () => {
    expect(shown({ address: '/lights/*/c*' })).toEqual([1]);
    expect(shown({ address: 'fader' })).toEqual([2]);
    expect(compileFilter({ ...EMPTY_FILTER, address: '/a//b' })).toEqual({ ok: false, error: expect.stringMatching(/empty segment/) });
  });

  test('free text is a case-insensitive substring over type, address, summary, connection and text', () => {
    expect(shown({ text: 'RED' })).toEqual([1]);
    expect(shown({ text: 'mixer' })).toEqual([2]);
    expect(shown({ text: 'hello' })).toEqual([4]);
    expect(shown({ text: '.*' })).toEqual([]);
  });

  test('regex', () => {
    expect(shown({ text: '^SET /lights/\\d', regex: true })).toEqual([0, 1]);
    const bad = compileFilter({ ...EMPTY_FILTER, text: '(', regex: true });
    expect(bad.ok).toBe(false);
  });

  test('criteria combine with AND', () => {
    expect(shown({ direction: 'in', address: '/lights/**', text: 'color' })).toEqual([1]);
  });
});

test('free text finds frames by their row marks: replayed and page-dispatched ones', () => {
  const replayed = { ...claspFrame({ type: 'SET', address: '/a', value: 1 }, 'out'), replayed: true as const };
  const dispatched = { ...textFrame('forged'), pageDispatched: true as const };
  const plain = claspFrame({ type: 'SET', address: '/a', value: 1 }, 'out');
  const matches = (text: string) => {
    const c = compileFilter({ ...EMPTY_FILTER, text });
    if (!c.ok) throw new Error(c.error);
    return [replayed, dispatched, plain].map((f) => c.test(f));
  };
  expect(matches('replayed by devtools')).toEqual([true, false, false]);
  expect(matches('page-dispatched')).toEqual([false, true, false]);
  expect(matches('/a')).toEqual([true, false, true]);
});
