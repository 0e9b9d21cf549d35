/**
 * What's tested: the lateness histogram's percentiles against exact ones over each of its ranges
 * (0.01 ms bins, 1 ms bins, powers of two), zeros, negatives and the empty case.
 */
import { expect, test } from 'vitest';
import { LatenessHistogram } from './lateness.js';

function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
}

test('percentiles are within one bin above the exact ones, and max is exact', () => {
  let x = 7;
  const rand = (): number => ((x = (x * 48271) % 2147483647) / 2147483647);
  for (const scale of [3, 80, 5000, 100_000]) {
    const values = Array.from({ length: 10_000 }, () => rand() ** 3 * scale);
    const h = new LatenessHistogram();
    values.forEach((v) => h.add(v));
    const s = h.stats();
    for (const [q, got] of [[0.5, s.p50], [0.99, s.p99]] as const) {
      const want = exact(values, q);
      const bin = want < 100 ? 0.01 : want < 10_000 ? 1 : want;
      expect(got).toBeGreaterThanOrEqual(want);
      expect(got - want).toBeLessThanOrEqual(bin + 1e-9);
    }
    expect(s.max).toBe(Math.max(...values));
    expect(h.samples).toBe(10_000);
  }
});

test('zeros and negatives count as 0; no samples give zeros', () => {
  const h = new LatenessHistogram();
  expect(h.stats()).toEqual({ p50: 0, p99: 0, max: 0 });
  [0, -3, 0, 0.004].forEach((v) => h.add(v));
  expect(h.stats()).toEqual({ p50: 0, p99: 0.004, max: 0.004 });
});
