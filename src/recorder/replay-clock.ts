/**
 * The clock a replay schedules against. The default reads `performance.now()` (monotonic: wall-clock
 * adjustments never shift a replay) and sleeps in one `setTimeout` per wait (in steps for a wait
 * longer than a timer can hold), checking the deadline again when it fires.
 *
 * A wait shorter than {@link TIMER_MIN_MS} first hops to a `MessageChannel` task: browsers clamp a
 * timer below 4 ms to 4 ms once timers nest five deep, which a replay's chain of timers does, and a
 * timer set from a message task is not nested.
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
  /** Resolves at or after `deadline` (never before), or early when `signal` aborts. */
  sleepUntil(deadline: number, signal: AbortSignal): Promise<void>;
}

/** Waits shorter than this start from a message task (the 4 ms clamp of nested timers). */
export const TIMER_MIN_MS = 4;

/** Longest delay `setTimeout` takes (a signed 32-bit count of ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

let channel: MessageChannel | undefined;
const wakers: (() => void)[] = [];

/** The next macrotask: a message task, so a timer set from it is not nested. */
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
    for (;;) {
      if (signal.aborted || performance.now() >= deadline) return;
      if (deadline - performance.now() < TIMER_MIN_MS) await nextTask();
      // A longer timer fires at once (32-bit delay): a recording with a gap of weeks waits in steps.
      const wait = deadline - performance.now();
      if (wait > 0) await timer(Math.min(wait, MAX_TIMER_MS), signal);
    }
  },
};
