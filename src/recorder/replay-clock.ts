/**
 * The clock a replay schedules against. The default reads `performance.now()` (monotonic: wall-clock
 * adjustments never shift a replay) and sleeps in two phases: a `setTimeout` for all but the last
 * {@link SPIN_MS}, then macrotask yields through a `MessageChannel` until the deadline. Timers alone
 * wake 1–4 ms late (browsers clamp nested timers to 4 ms); the yields keep the event loop free
 * while they close that gap.
 */

/** What a replay needs from a clock. Times are milliseconds on one monotonic scale. */
export interface ReplayClock {
  /** Current time. */
  now(): number;
  /**
   * Resolves at or after `deadline` (never before), or early when `signal` aborts. A deadline
   * already past still yields one macrotask, so a long replay never starves the event loop.
   */
  sleepUntil(deadline: number, signal: AbortSignal): Promise<void>;
}

/** The last part of a wait that is spent yielding instead of in a timer. */
export const SPIN_MS = 2;

let channel: MessageChannel | undefined;
const wakers: (() => void)[] = [];

/** One macrotask, without setTimeout's clamp. */
function nextTask(): Promise<void> {
  if (channel === undefined) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => wakers.shift()?.();
    // Node keeps a process alive for a ref'd port; the replay's own promise does that already.
    (channel.port1 as { unref?: () => void }).unref?.();
  }
  return new Promise((resolve) => {
    wakers.push(resolve);
    channel!.port2.postMessage(0);
  });
}

function timer(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(id);
      resolve();
    };
    const id = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The default clock: `performance.now()`, a timer, then macrotask yields (see the module comment). */
export const monotonicClock: ReplayClock = {
  now: () => performance.now(),
  async sleepUntil(deadline, signal) {
    const coarse = deadline - performance.now() - SPIN_MS;
    if (coarse > 0) await timer(coarse, signal);
    do await nextTask();
    while (!signal.aborted && performance.now() < deadline);
  },
};
