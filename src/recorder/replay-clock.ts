/**
 * The clock a replay schedules against. The default reads `performance.now()` (monotonic: wall-clock
 * adjustments never shift a replay) and sleeps in a `setTimeout` for the whole wait, then yields
 * macrotasks through a `MessageChannel` until the deadline in case the timer woke early. A wait
 * shorter than {@link TIMER_MIN_MS} is spent in those yields only: browsers clamp a timer below 4 ms
 * to 4 ms once timers nest five deep, which a replay's chain of timers does.
 *
 * Why not spin the last milliseconds of every wait for precision: on a loaded 2-core machine,
 * spinning 2 ms before each deadline gave a p99 lateness 2–5 times that of plain timers in one
 * measurement (a second one was too noisy to tell); a page that spins looks CPU-bound to the OS
 * scheduler, and an idle machine's timers are already within about a millisecond.
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

/** Waits shorter than this are spent in macrotask yields, not in a timer (the 4 ms nesting clamp). */
export const TIMER_MIN_MS = 4;

/** Longest delay `setTimeout` takes (a signed 32-bit count of ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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

/** The default clock: `performance.now()` and a timer (see the module comment). */
export const monotonicClock: ReplayClock = {
  now: () => performance.now(),
  async sleepUntil(deadline, signal) {
    do {
      const wait = deadline - performance.now();
      // A longer timer fires at once (32-bit delay): a recording with a gap of weeks waits in steps.
      if (wait >= TIMER_MIN_MS) await timer(Math.min(wait, MAX_TIMER_MS), signal);
      else await nextTask();
    } while (!signal.aborted && performance.now() < deadline);
  },
};
