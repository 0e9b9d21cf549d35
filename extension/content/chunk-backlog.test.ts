import { expect, test } from 'vitest';
import { ChunkBacklog } from './chunk-backlog.js';

const chunk = (name: string, count: number, weight = 1) => ({ name, count, weight, skip: 0 });
const kept = (b: ChunkBacklog<ReturnType<typeof chunk>>) => b.toArray().map((c) => `${c.name}+${c.skip}`);

test('evicts exactly the oldest events beyond the event cap, partly from the oldest chunk', () => {
  const b = new ChunkBacklog<ReturnType<typeof chunk>>(10, 1e9);
  b.push(chunk('a', 4));
  b.push(chunk('b', 4));
  expect(b.size).toBe(8);
  b.push(chunk('c', 5)); // 13 events: the 3 oldest go
  expect(kept(b)).toEqual(['a+3', 'b+0', 'c+0']);
  expect([b.size, b.evicted]).toEqual([10, 3]);
  b.push(chunk('d', 6)); // 16: a's last one and all of b and one of c go
  expect(kept(b)).toEqual(['c+1', 'd+0']);
  expect([b.size, b.evicted]).toEqual([10, 9]);
});

test('evicts whole chunks by weight but keeps a single heavy chunk', () => {
  const b = new ChunkBacklog<ReturnType<typeof chunk>>(1000, 10);
  b.push(chunk('a', 2, 4));
  b.push(chunk('b', 3, 4));
  b.push(chunk('c', 1, 4));
  expect(kept(b)).toEqual(['b+0', 'c+0']);
  expect([b.bytes, b.size, b.evicted]).toEqual([8, 4, 2]);
  b.push(chunk('huge', 7, 50));
  expect(kept(b)).toEqual(['huge+0']);
  expect([b.size, b.evicted]).toEqual([7, 6]);
});

test('a partly evicted chunk that is then dropped by weight counts only its remaining events', () => {
  const b = new ChunkBacklog<ReturnType<typeof chunk>>(5, 10);
  b.push(chunk('a', 4, 6));
  b.push(chunk('b', 3, 1)); // 7 events: 2 of a evicted
  expect(kept(b)).toEqual(['a+2', 'b+0']);
  b.push(chunk('c', 1, 6)); // weight 13 > 10: a (2 left) goes, then 4 events ≤ 5
  expect(kept(b)).toEqual(['b+0', 'c+0']);
  expect([b.size, b.evicted]).toEqual([4, 4]);
});

test('stays correct across internal compaction', () => {
  const b = new ChunkBacklog<ReturnType<typeof chunk>>(10, 1e9);
  for (let i = 0; i < 3000; i++) b.push(chunk(String(i), 3));
  expect(kept(b)).toEqual(['2996+2', '2997+0', '2998+0', '2999+0']);
  expect(b.evicted).toBe(8990);
});

test('refuses caps below 1', () => {
  expect(() => new ChunkBacklog(0, 10)).toThrow(RangeError);
  expect(() => new ChunkBacklog(10, 0)).toThrow(RangeError);
});
