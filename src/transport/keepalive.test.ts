import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { Keepalive, KEEPALIVE_PING_FRAME } from './keepalive.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

test('KEEPALIVE_PING_FRAME is a CLASP PING (docs/wire-format.md §4.14)', () => {
  expect([...KEEPALIVE_PING_FRAME]).toEqual([0x53, 0x01, 0x00, 0x01, 0x41]);
});

test('pings after idleMs without frames and declares the peer dead after timeoutMs', () => {
  let pings = 0;
  let dead = 0;
  const k = new Keepalive({ idleMs: 1_000, timeoutMs: 500 }, () => (pings += 1), () => (dead += 1));
  k.start();
  vi.advanceTimersByTime(999);
  expect(pings).toBe(0);
  vi.advanceTimersByTime(1);
  expect(pings).toBe(1);
  vi.advanceTimersByTime(499);
  expect(dead).toBe(0);
  vi.advanceTimersByTime(1);
  expect(dead).toBe(1);
  expect(vi.getTimerCount()).toBe(0);
});

test('any received frame counts as liveness and postpones the ping', () => {
  let pings = 0;
  let dead = 0;
  const k = new Keepalive({ idleMs: 1_000, timeoutMs: 500 }, () => (pings += 1), () => (dead += 1));
  k.start();
  vi.advanceTimersByTime(800);
  k.received();
  vi.advanceTimersByTime(900);
  expect(pings).toBe(0);
  vi.advanceTimersByTime(100);
  expect(pings).toBe(1);
  vi.advanceTimersByTime(200);
  k.received(); // the PONG (or anything else)
  vi.advanceTimersByTime(300);
  expect(dead).toBe(0);
  vi.advanceTimersByTime(700);
  expect(pings).toBe(2);
  k.stop();
  expect(vi.getTimerCount()).toBe(0);
  expect(dead).toBe(0);
});
