import { expect, test } from 'vitest';
import { Backlog } from './backlog.js';

test('evicts the oldest items beyond the item cap and counts them', () => {
  const b = new Backlog<number>(3, 1000);
  for (let i = 1; i <= 5; i++) b.push(i, 1);
  expect(b.toArray()).toEqual([3, 4, 5]);
  expect(b.evicted).toBe(2);
  expect(b.size).toBe(3);
});

test('evicts by total weight, but keeps a single heavy item', () => {
  const b = new Backlog<string>(100, 10);
  b.push('a', 4);
  b.push('b', 4);
  b.push('c', 4);
  expect(b.toArray()).toEqual(['b', 'c']);
  expect(b.bytes).toBe(8);
  b.push('huge', 50);
  expect(b.toArray()).toEqual(['huge']);
  expect(b.evicted).toBe(3);
});

test('stays correct across internal compaction', () => {
  const b = new Backlog<number>(10, 1e9);
  for (let i = 0; i < 5000; i++) b.push(i, 1);
  expect(b.toArray()).toEqual([4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
  expect(b.evicted).toBe(4990);
});

test('refuses caps below 1', () => {
  expect(() => new Backlog(0, 10)).toThrow(RangeError);
});
