import { afterEach, expect, test, vi } from 'vitest';
import { openPanelPort } from './port.js';

/** A fake chrome.runtime whose ports record what is posted and can be dropped. */
function fakeRuntime() {
  const ports: { name: string; posted: unknown[]; drop: () => void }[] = [];
  const runtime = {
    connect({ name }: { name: string }) {
      const dropListeners: (() => void)[] = [];
      const port = { name, posted: [] as unknown[], drop: () => dropListeners.forEach((l) => l()) };
      ports.push(port);
      return {
        postMessage: (m: unknown) => port.posted.push(m),
        disconnect: () => undefined,
        onMessage: { addListener: () => undefined },
        onDisconnect: { addListener: (l: () => void) => dropListeners.push(l) },
      };
    },
  };
  vi.stubGlobal('chrome', { runtime });
  return ports;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

test('a command sent while the worker restarts is delivered when the port reconnects', () => {
  vi.useFakeTimers();
  const ports = fakeRuntime();
  const states: boolean[] = [];
  const port = openPanelPort(7, () => undefined, (s) => states.push(s));
  expect(ports[0]!.name).toBe('panel:7');
  ports[0]!.drop();
  expect(port.send({ type: 'deep', on: true })).toBe(true);
  expect(port.send({ type: 'deep', on: false })).toBe(true); // only the latest wish counts
  vi.advanceTimersByTime(100);
  expect(ports).toHaveLength(2);
  expect(ports[1]!.posted).toEqual([{ type: 'deep', on: false }]);
  expect(states).toEqual([true, false, true]);
  port.send({ type: 'deep', on: true });
  expect(ports[1]!.posted).toHaveLength(2);
});

test('after close() nothing is sent and no reconnect happens', () => {
  vi.useFakeTimers();
  const ports = fakeRuntime();
  const port = openPanelPort(1, () => undefined, () => undefined);
  port.close();
  expect(port.send({ type: 'deep', on: true })).toBe(false);
  vi.advanceTimersByTime(1000);
  expect(ports).toHaveLength(1);
});
