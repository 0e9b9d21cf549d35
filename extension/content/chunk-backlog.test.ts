import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
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

test('reports every eviction once, in order, with the chunk and the evicted range', () => {
  const log: string[] = [];
  const b = new ChunkBacklog<ReturnType<typeof chunk>>(5, 1e9, (c, first, count) => log.push(`${c.name}[${first}+${count}]`));
  b.push(chunk('a', 3));
  b.push(chunk('b', 3)); // one of a
  b.push(chunk('c', 4)); // the rest of a and two of b
  expect(log).toEqual(['a[0+1]', 'a[1+2]', 'b[0+2]']);
  expect(b.evicted).toBe(5);
});

test('finds the first chunk after an arrival point by binary search', () => {
  const b = new ChunkBacklog<ReturnType<typeof chunk> & { end: number }>(1000, 1e9);
  for (let i = 1; i <= 9; i++) b.push({ ...chunk(`c${i}`, 1), end: i * 10 });
  expect(b.search((c) => c.end <= 35)).toBe(3);
  expect(b.search((c) => c.end <= 0)).toBe(0);
  expect(b.search((c) => c.end <= 90)).toBe(9);
  expect(b.at(3).name).toBe('c4');
});

test('a chunk evicted whole is released at once (garbage-collected, not kept until a later compaction)', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const b = new ChunkBacklog<{ count: number; weight: number; skip: number; payload: ArrayBuffer }>(1000, 2 << 20);
  let first: WeakRef<ArrayBuffer> | undefined;
  const add = (): void => {
    const payload = new ArrayBuffer(1 << 20);
    first ??= new WeakRef(payload);
    b.push({ count: 1, weight: payload.byteLength, skip: 0, payload });
  };
  for (let i = 0; i < 3; i++) add(); // the first one no longer fits in 2 MiB
  expect(b.length).toBe(2);
  await new Promise((r) => setTimeout(r, 0));
  gc();
  expect(first?.deref()).toBeUndefined();
});
