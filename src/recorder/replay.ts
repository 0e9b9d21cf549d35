/**
 * Replay: the frames of a recorded session sent again, in recorded order, at their recorded offsets.
 *
 * Invariants:
 * - Frame i is due at `anchorWall + (time_i − anchorRecorded) / speed` on a monotonic clock; the
 *   anchors move only on pause/resume and speed changes, never because a frame was late, so
 *   lateness never accumulates: a late frame is followed by frames sent as soon as possible until
 *   the schedule is met again.
 * - A frame is never sent before it is due, never reordered, never dropped: a sink that returns a
 *   promise is awaited before the next frame.
 * - Only frames committed when the replay started are sent (a session still being recorded grows
 *   underneath; its later frames are not part of this replay).
 * - At most two stored chunks are in memory (the one being sent and the one read ahead).
 */
import { RecorderError } from './errors.js';
import type { FrameLog } from './frame-log.js';
import { LatenessHistogram, type LatenessStats } from './lateness.js';
import type { FrameQuery, RecordedFrame } from './query.js';
import { monotonicClock, type ReplayClock } from './replay-clock.js';

/** Where replayed frames go; awaited when it returns a promise (the next frame waits for it). */
export type ReplaySink = (bytes: Uint8Array, frame: RecordedFrame) => void | PromiseLike<void>;

/** Options of {@link replaySession}: the sink, the pace, and `FrameQuery` filters. */
export interface ReplayOptions extends Omit<FrameQuery, 'sessionId' | 'direction'> {
  /** Receives each frame's bytes (a view only valid until it returns or its promise settles). */
  send: ReplaySink;
  /** Which recorded frames to send: page → server (`'out'`), server → page (`'in'`) or both. Default `'out'`. */
  direction?: 'out' | 'in' | 'both';
  /** Time scale: 2 = twice as fast, `Infinity` = as fast as the sink takes them. Default 1. */
  speed?: number;
  /** Stops the replay; `done` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Minimum ms between two `progress` events. Default 100. */
  progressIntervalMs?: number;
  /** Time source and sleeper. Default {@link monotonicClock}. */
  clock?: ReplayClock;
}

/** What a finished replay did. */
export interface ReplayResult {
  /** Frames sent. */
  frames: number;
  /**
   * How late frames went out against their schedule (ms). At speed `Infinity` there is no
   * schedule, so all are 0.
   */
  lateness: LatenessStats;
  /** Clock time from the first frame's send to the end, in ms (pauses included). */
  elapsedMs: number;
  /** Recorded time from the first to the last frame sent, in ms. */
  recordedMs: number;
}

/** The `progress` event of a {@link ReplayRun}. */
export class ReplayProgressEvent extends Event {
  /**
   * @param frames frames sent so far
   * @param position recorded ms from the first selected frame to the last one sent
   * @param duration recorded ms the selection spans (from chunk summaries: exact without filters,
   *   an outer bound with them); 0 for an empty selection
   * @param done true on the last event of a replay that completed
   */
  constructor(
    readonly frames: number,
    readonly position: number,
    readonly duration: number,
    readonly done: boolean,
  ) {
    super('progress');
  }
}

/**
 * A running replay. Events: `progress` ({@link ReplayProgressEvent}), at most one per
 * `progressIntervalMs` while sending and one when it completed.
 */
export class ReplayRun extends EventTarget {
  /** Resolves when every selected frame was sent; rejects on abort, a sink error or a read error. */
  readonly done: Promise<ReplayResult>;
  #speed: number;
  #paused = false;
  #resumed: (() => void) | undefined;
  #wake = new AbortController();
  #anchorWall = 0;
  #anchorRecorded = 0;
  #lastSentOffset = 0;
  #started = false;
  readonly #clock: ReplayClock;

  /** @internal use {@link replaySession} */
  constructor(log: FrameLog, sessionId: number, options: ReplayOptions) {
    super();
    this.#speed = checkSpeed(options.speed ?? 1);
    this.#clock = options.clock ?? monotonicClock;
    this.done = this.#run(log, sessionId, options);
    // Observed by the caller; this keeps an unobserved abort from being an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** Current time scale. */
  get speed(): number {
    return this.#speed;
  }

  /** True while paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Changes the time scale from now on; frames already sent are not re-timed.
   * @throws RangeError unless `speed` is a positive number (or `Infinity`).
   */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.#rebase();
    this.#speed = speed;
    this.#wake.abort();
  }

  /** Holds the next frame until {@link resume}; the recorded gaps are kept across the pause. */
  pause(): void {
    if (this.#paused) return;
    this.#rebase();
    this.#paused = true;
    this.#wake.abort();
  }

  /** Continues after {@link pause}. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#anchorWall = this.#clock.now();
    this.#resumed?.();
    this.#resumed = undefined;
  }

  /** Moves the anchors to the current position, so the schedule continues from here. */
  #rebase(): void {
    if (!this.#started || this.#paused) return;
    const now = this.#clock.now();
    const position = this.#speed === Infinity
      ? this.#lastSentOffset
      : Math.max(this.#lastSentOffset, this.#anchorRecorded + (now - this.#anchorWall) * this.#speed);
    this.#anchorRecorded = position;
    this.#anchorWall = now;
  }

  async #run(log: FrameLog, sessionId: number, options: ReplayOptions): Promise<ReplayResult> {
    const { signal, send } = options;
    signal?.throwIfAborted();
    const session = await log.session(sessionId);
    if (session === undefined) throw new RecorderError('SessionNotFound', `no session ${sessionId}`);
    const committedEnd = session.nextSeq;
    const query = toQuery(sessionId, options);
    const span = await log.timeSpan(query);
    signal?.throwIfAborted();
    const onAbort = (): void => {
      this.#wake.abort();
      this.#resumed?.();
    };
    signal?.addEventListener('abort', onAbort);
    const interval = options.progressIntervalMs ?? 100;
    const lateness = new LatenessHistogram();
    const clock = this.#clock;
    const batches = log.batches(query)[Symbol.asyncIterator]();
    let first = NaN;
    let frames = 0;
    let startWall = 0;
    let lastProgress = -Infinity;
    const duration = (): number => (span === undefined || Number.isNaN(first) ? 0 : Math.max(0, span.last - first));
    const progress = (done: boolean): void => {
      lastProgress = clock.now();
      this.dispatchEvent(new ReplayProgressEvent(frames, this.#lastSentOffset, duration(), done));
    };
    try {
      let pending = batches.next();
      for (;;) {
        const batch = await pending;
        if (batch.done === true) break;
        pending = batches.next();
        pending.catch(() => undefined); // awaited at the top of the loop
        for (const frame of batch.value) {
          if (frame.seq >= committedEnd) return this.#finish(frames, lateness, startWall, progress);
          if (!this.#started) {
            first = frame.time;
            startWall = clock.now();
            this.#anchorWall = startWall;
            this.#started = true;
          }
          const offset = frame.time - first;
          // Most frames are due already (speed Infinity, a burst, or behind): no promise for those.
          if (!this.#sendNow(offset, signal, lateness)) await this.#waitUntilDue(offset, signal, lateness);
          const sent = send(frame.bytes, frame);
          if (sent !== undefined && typeof (sent as PromiseLike<void>).then === 'function') await sent;
          frames += 1;
          this.#lastSentOffset = offset;
          if (clock.now() - lastProgress >= interval) progress(false);
        }
      }
      return this.#finish(frames, lateness, startWall, progress);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#resumed?.();
      // Ends the read-ahead; queued behind a pending read, and its own errors no longer matter.
      void batches.return(undefined).catch(() => undefined);
    }
  }

  /** True (and the lateness recorded) when the frame at `offset` may go out at once. */
  #sendNow(offset: number, signal: AbortSignal | undefined, lateness: LatenessHistogram): boolean {
    if (this.#paused || signal?.aborted === true) return false;
    if (this.#speed === Infinity) {
      lateness.add(0);
      return true;
    }
    const late = this.#clock.now() - (this.#anchorWall + Math.max(0, offset - this.#anchorRecorded) / this.#speed);
    if (late < 0) return false;
    lateness.add(late);
    return true;
  }

  /** Waits (through pauses and speed changes) until the frame at `offset` is due; records lateness. */
  async #waitUntilDue(offset: number, signal: AbortSignal | undefined, lateness: LatenessHistogram): Promise<void> {
    const clock = this.#clock;
    for (;;) {
      signal?.throwIfAborted();
      if (this.#paused) {
        await new Promise<void>((resolve) => (this.#resumed = resolve));
        continue;
      }
      if (this.#wake.signal.aborted) this.#wake = new AbortController();
      if (this.#speed === Infinity) {
        lateness.add(0);
        return;
      }
      const due = this.#anchorWall + Math.max(0, offset - this.#anchorRecorded) / this.#speed;
      const now = clock.now();
      if (now >= due) {
        lateness.add(now - due);
        return;
      }
      await clock.sleepUntil(due, this.#wake.signal);
    }
  }

  #finish(frames: number, lateness: LatenessHistogram, startWall: number, progress: (done: boolean) => void): ReplayResult {
    progress(true);
    return {
      frames,
      lateness: lateness.stats(),
      elapsedMs: frames === 0 ? 0 : this.#clock.now() - startWall,
      recordedMs: this.#lastSentOffset,
    };
  }
}

function checkSpeed(speed: number): number {
  if (!(speed > 0)) throw new RangeError(`replay speed must be a positive number or Infinity, got ${speed}`);
  return speed;
}

function toQuery(sessionId: number, options: ReplayOptions): FrameQuery {
  const { send: _send, direction, speed: _speed, signal: _signal, progressIntervalMs: _p, clock: _clock, ...filters } = options;
  const dir = direction ?? 'out';
  if (dir !== 'out' && dir !== 'in' && dir !== 'both') throw new RangeError(`replay direction must be 'out', 'in' or 'both', got ${String(dir)}`);
  return { ...filters, sessionId, ...(dir === 'both' ? {} : { direction: dir }) };
}

/**
 * Replays the frames of session `sessionId` into `options.send`, in recorded order at their
 * recorded offsets from the first selected frame, divided by `speed`, on a monotonic clock.
 * A sink slower than the recording delays later frames (see `lateness`); none is dropped or
 * reordered. Reads chunk by chunk through `FrameLog.batches`, never the session as a whole.
 *
 * ```ts
 * const run = replaySession(log, id, { send: (bytes) => sender.send(bytes), speed: 1 });
 * run.addEventListener('progress', (e) => bar.value = e.position / e.duration);
 * const { frames, lateness } = await run.done;
 * ```
 * @throws RangeError (synchronously) for a speed that is not a positive number, or an unknown
 *   direction. `done` rejects with RecorderError `SessionNotFound`, the signal's reason on abort,
 *   the sink's error, or a read error (RecorderError `CorruptChunk`, DOMException).
 */
export function replaySession(log: FrameLog, sessionId: number, options: ReplayOptions): ReplayRun {
  toQuery(sessionId, options);
  return new ReplayRun(log, sessionId, options);
}
