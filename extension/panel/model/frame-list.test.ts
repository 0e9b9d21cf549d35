import { expect, test } from 'vitest';
import { compileFilter, EMPTY_FILTER } from './filter.js';
import { FrameList } from './frame-list.js';
import { claspFrame, textFrame } from './test-fixtures.js';

const set = (address: string, t: number) => claspFrame({ type: 'SET', address, value: 1 }, 'in', { t });

test('append keeps time order and the filtered view follows', () => {
  const list = new FrameList();
  const a = set('/a', 10);
  const b = set('/b', 20);
  expect(list.append([a, b])).toBe(2);
  list.setFilter(compileFilter({ ...EMPTY_FILTER, address: '/b' }));
  expect(list.visibleCount).toBe(1);
  expect(list.visibleAt(0)).toBe(b);
  expect(list.append([set('/b', 30), set('/c', 40)])).toBe(1);
  expect(list.visibleCount).toBe(2);
});

test('a late batch (another document’s backlog) is merged into time order', () => {
  const list = new FrameList();
  const live = [set('/x', 100), set('/x', 300)];
  list.append(live);
  const late = [set('/y', 200), set('/y', 50)];
  expect(list.append(late)).toBe(2);
  expect([...list.all()].map((f) => f.t)).toEqual([50, 100, 200, 300]);
  expect(list.visibleIndexOf(late[0]!.id)).toBe(2);
  expect(list.visibleIndexOf(late[1]!.id)).toBe(0);
});

test('the cap drops the oldest and counts them; get and visibleIndexOf forget dropped frames', () => {
  const list = new FrameList(3);
  const frames = [1, 2, 3, 4, 5].map((t) => set('/a', t));
  list.append(frames);
  expect(list.size).toBe(3);
  expect(list.dropped).toBe(2);
  expect(list.get(frames[0]!.id)).toBeUndefined();
  expect(list.visibleIndexOf(frames[0]!.id)).toBe(-1);
  expect(list.visibleAt(0)).toBe(frames[2]);
});

test('100 000 frames: cap, order and lookups stay consistent', () => {
  const list = new FrameList(50_000);
  const all = Array.from({ length: 100_000 }, (_, i) => textFrame(`m${i}`, 'in', i));
  for (let i = 0; i < all.length; i += 1000) list.append(all.slice(i, i + 1000));
  expect(list.size).toBe(50_000);
  expect(list.dropped).toBe(50_000);
  expect(list.visibleAt(0)).toBe(all[50_000]);
  expect(list.visibleIndexOf(all[99_999]!.id)).toBe(49_999);
});

test('an invalid filter shows nothing; clear and removeWhere empty the list', () => {
  const list = new FrameList();
  const a = set('/a', 1);
  const b = set('/b', 2);
  list.append([a, b]);
  list.setFilter(compileFilter({ ...EMPTY_FILTER, text: '[', regex: true }));
  expect(list.visibleCount).toBe(0);
  list.setFilter(compileFilter(EMPTY_FILTER));
  list.removeWhere((f) => f === a);
  expect([...list.all()]).toEqual([b]);
  expect(list.visibleAt(0)).toBe(b);
  list.clear();
  expect(list.size + list.visibleCount).toBe(0);
});
