/**
 * What's tested: which values of an address are plotted (SET, PUBLISH, SNAPSHOT entries, BUNDLE
 * contents; int64 and booleans; other types counted as skipped; page-dispatched and truncated frames
 * ignored), time order, the point bound, nearest-point lookup and the path's size bound.
 */
import { describe, expect, test } from 'vitest';
import { claspFrame } from './test-fixtures.js';
import { MAX_PLOT_POINTS, numericOf, plotGeometry, ValueSeries, type PlotPoint } from './value-plot.js';

const A = '/mixer/1/gain';

describe('ValueSeries', () => {
  test('values of one address from SET, PUBLISH, SNAPSHOT and BUNDLE, in time order', () => {
    const frames = [
      claspFrame({ type: 'SET', address: A, value: 0.5 }, 'out', { t: 10 }),
      claspFrame({ type: 'SET', address: '/other', value: 9 }, 'out', { t: 11 }),
      claspFrame({ type: 'PUBLISH', address: A, signal: 'stream', value: 0.75 }, 'in', { t: 12 }),
      claspFrame({ type: 'SNAPSHOT', params: [{ address: '/x', value: 1, revision: 1n }, { address: A, value: 3n, revision: 2n }] }, 'in', { t: 14 }),
      claspFrame({ type: 'BUNDLE', messages: [{ type: 'SET', address: A, value: true }] }, 'out', { t: 13 }),
      claspFrame({ type: 'SET', address: A, value: 'loud' }, 'out', { t: 15 }),
    ];
    const s = new ValueSeries(A);
    s.add(frames);
    expect(s.points.map((p) => [p.t, p.v])).toEqual([[10, 0.5], [12, 0.75], [13, 1], [14, 3]]);
    expect(s.points.map((p) => p.frameId)).toEqual([frames[0]!.id, frames[2]!.id, frames[4]!.id, frames[3]!.id]);
    expect(s.skipped).toBe(1);
  });

  test('frames the page dispatched itself and truncated frames change nothing', () => {
    const s = new ValueSeries(A);
    s.add([
      { ...claspFrame({ type: 'SET', address: A, value: 1 }), pageDispatched: true },
      { ...claspFrame({ type: 'SET', address: A, value: 2 }), truncated: true },
    ]);
    expect(s.points).toEqual([]);
  });

  test('keeps at most MAX_PLOT_POINTS, counting the oldest it lets go', () => {
    const s = new ValueSeries(A);
    const f = claspFrame({ type: 'SET', address: A, value: 1 });
    s.add(Array.from({ length: MAX_PLOT_POINTS + 5 }, (_, i) => ({ ...f, t: i })));
    expect(s.points.length).toBe(MAX_PLOT_POINTS);
    expect(s.dropped).toBe(5);
    expect(s.points[0]!.t).toBe(5);
  });

  test('nearest point in time', () => {
    const s = new ValueSeries(A);
    s.add([10, 20, 40].map((t) => claspFrame({ type: 'SET', address: A, value: t }, 'out', { t })));
    expect([0, 14, 16, 29, 31, 99].map((t) => s.nearest(t)?.t)).toEqual([10, 10, 20, 20, 40, 40]);
    expect(new ValueSeries(A).nearest(5)).toBeUndefined();
  });

  test('numericOf', () => {
    expect([1.5, NaN, Infinity, 2n ** 70n, false, 'x', null, [1]].map((v) => numericOf(v as never))).toEqual([1.5, null, null, 2 ** 70, 0, null, null, null]);
  });
});

describe('plotGeometry', () => {
  test('maps the ranges to pixels; a constant series sits mid-height', () => {
    const g = plotGeometry([{ t: 0, v: 0, frameId: 1 }, { t: 100, v: 10, frameId: 2 }], 200, 50);
    expect([g.x(0), g.x(100), g.y(0), g.y(10), g.time(100)]).toEqual([0, 200, 50, 0, 50]);
    expect(g.path).toBe('M0 50.0 L200 0.0');
    const flat = plotGeometry([{ t: 5, v: 3, frameId: 1 }], 100, 40);
    expect([flat.x(5), flat.y(3)]).toEqual([50, 20]);
  });

  test('a million points make at most three path points per pixel column', () => {
    const points: PlotPoint[] = Array.from({ length: 1_000_000 }, (_, i) => ({ t: i, v: Math.sin(i / 1000), frameId: i }));
    const g = plotGeometry(points, 300, 100);
    expect(g.path.split(/[ML]/).length - 1).toBeLessThanOrEqual(3 * 301);
  });
});
