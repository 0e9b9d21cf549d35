import { expect, test } from 'vitest';
import { EventChannel, RingQueue } from './event-queue.js';

test('RingQueue keeps FIFO order across growth and wrap-around', () => {
  const q = new RingQueue<number>();
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 50; round += 1) {
    for (let i = 0; i < 37; i += 1) q.push(next++);
    for (let i = 0; i < 29; i += 1) expect(q.shift()).toBe(expected++);
  }
  while (q.length > 0) expect(q.shift()).toBe(expected++);
  expect(expected).toBe(next);
  expect(q.shift()).toBeUndefined();
});

test('EventChannel resolves waiting recv() calls in order, then null after end and drain', async () => {
  const c = new EventChannel<string>();
  const first = c.recv();
  const second = c.recv();
  c.push('a');
  c.push('b');
  c.push('c');
  expect(await first).toBe('a');
  expect(await second).toBe('b');
  c.end();
  c.push('ignored');
  expect(await c.recv()).toBe('c');
  expect(await c.recv()).toBeNull();
  expect(await c.recv()).toBeNull();
});

test('EventChannel.end() releases waiters with null', async () => {
  const c = new EventChannel<number>();
  const waiting = c.recv();
  c.end();
  expect(await waiting).toBeNull();
});

test('onDrain runs when an item is taken from the queue', async () => {
  const c = new EventChannel<number>();
  let drained = 0;
  c.onDrain = () => (drained += 1);
  c.push(1);
  c.push(2);
  await c.recv();
  expect(drained).toBe(1);
});
