/**
 * Page-side bookkeeping for "nothing left behind" checks: live timers (setTimeout not yet fired nor
 * cleared) and WebSocket listeners (added minus removed). Installed before any transport code runs.
 */
const liveTimers = new Set<unknown>();
const listeners = new Map<EventTarget, number>();

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

globalThis.setTimeout = ((handler: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const id = realSetTimeout(() => {
    liveTimers.delete(id);
    handler(...args);
  }, ms);
  liveTimers.add(id);
  return id;
}) as typeof setTimeout;

globalThis.clearTimeout = ((id: ReturnType<typeof setTimeout> | undefined) => {
  liveTimers.delete(id);
  realClearTimeout(id);
}) as typeof clearTimeout;

const realAdd = EventTarget.prototype.addEventListener;
const realRemove = EventTarget.prototype.removeEventListener;
WebSocket.prototype.addEventListener = function add(this: WebSocket, ...a: Parameters<EventTarget['addEventListener']>) {
  listeners.set(this, (listeners.get(this) ?? 0) + 1);
  realAdd.apply(this, a);
};
WebSocket.prototype.removeEventListener = function remove(this: WebSocket, ...a: Parameters<EventTarget['removeEventListener']>) {
  listeners.set(this, (listeners.get(this) ?? 0) - 1);
  realRemove.apply(this, a);
};

/** Real setTimeout, for test code that must not count itself. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => realSetTimeout(r, ms));

/** Forgets everything recorded so far (timers of the page framework, earlier scenarios). */
export function resetLeftovers(): void {
  liveTimers.clear();
  listeners.clear();
}

/** What is still alive: timers and WebSocket listeners. */
export function leftovers(): { timers: number; listeners: number } {
  let total = 0;
  for (const n of listeners.values()) total += n;
  return { timers: liveTimers.size, listeners: total };
}
