/**
 * `FrameRecorder`: appends frames of one session from anywhere and writes them in batches.
 *
 * Invariants:
 * - `append()` is synchronous: it copies the bytes into the open chunk or throws; it never awaits.
 * - At most one write transaction is in flight; frames appended meanwhile wait in the bounded queue.
 * - A write starts when a chunk is full (`chunkFrames` / `chunkBytes`) or `flushIntervalMs` after
 *   the oldest unwritten frame, whichever comes first.
 * - A failed write stops recording for good: one fatal `error` event, all waiting `flush()`/`close()`
 *   promises reject with the same error, later `append()`s throw `NotRecording`. Nothing already
 *   committed is touched (the failed transaction is aborted as a whole).
 * - No promise created here is left unobserved (no unhandled rejections).
 */
import { ChunkBuilder, FLAG_OUT, FLAG_TEXT, type SealedChunk } from './chunk.js';
import { commitChunks, type RetentionLimits } from './commit.js';
import { RecorderError, RecorderErrorEvent } from './errors.js';
import { summarizeFrame } from './frame-summary.js';
import type { ConnectionInfo, FrameLogDatabase } from './schema.js';
import type { FrameDirection } from '../transport/devtools-hook.js';

/** Optional fields of one appended frame. */
export interface AppendOptions {
  /** Default `'in'`. */
  direction?: FrameDirection;
  /** Connection id. Default `''`. */
  connection?: string;
  /** Wall-clock ms since the Unix epoch. Default `performance.timeOrigin + performance.now()`. */
  time?: number;
  /** The frame was a text WebSocket message (its UTF-8 bytes are stored). Default `false`. */
  text?: boolean;
}

/** Batching and bounds of a recorder. Defaults suit 100 000+ frames/s of small frames. */
export interface RecorderTuning {
  /** Longest time a frame waits before its batch is written. Default 100 ms. */
  flushIntervalMs?: number;
  /** Frames per chunk record. Default 1024. */
  chunkFrames?: number;
  /** Bytes per chunk record (a larger single frame gets its own chunk). Default 256 KiB. */
  chunkBytes?: number;
  /** Frames waiting in memory before `append()` throws `QueueFull`. Default 65 536. */
  maxQueuedFrames?: number;
  /** Bytes waiting in memory before `append()` throws `QueueFull`. Default 16 MiB. */
  maxQueuedBytes?: number;
  /** Chunks per write transaction. Default 32. */
  maxChunksPerWrite?: number;
  /** Retention applied in every write. Default: unlimited. */
  retention?: RetentionLimits;
  /**
   * Transaction durability. Default `'relaxed'`: a commit survives a tab or renderer crash but may be
   * lost on an OS crash or power loss; `'strict'` waits for the disk flush (much slower).
   */
  durability?: IDBTransactionDurability;
}

/** Counters of a recorder. */
export interface RecorderStats {
  /** Frames accepted by `append()`. */
  appended: number;
  /** Frames committed to the database. */
  committed: number;
  /** Frames accepted but not yet committed. */
  queued: number;
  /** Frames refused by `append()` (queue full), each reported. */
  dropped: number;
}

/** Recorder lifecycle. */
export type RecorderState = 'recording' | 'closing' | 'closed' | 'failed';

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Records frames of one session. Create it with `FrameLog.startRecording()`.
 * Events: `error` ({@link RecorderErrorEvent}).
 */
export class FrameRecorder extends EventTarget {
  /** Id of the session this recorder writes. */
  readonly sessionId: number;
  private readonly db: FrameLogDatabase;
  private readonly builder: ChunkBuilder;
  private readonly sealed: SealedChunk[] = [];
  private readonly tuning: Required<RecorderTuning>;
  private readonly waiters: Waiter[] = [];
  private readonly readyWaiters: (() => void)[] = [];
  // A Map, not an object: connection ids come from pages and may be '__proto__'.
  private readonly connections = new Map<string, ConnectionInfo>();
  private nextSeq = 0;
  private committedSeq = 0;
  private queuedBytes = 0;
  private dropped = 0;
  private overflowReported = false;
  private writing = false;
  private flushDue = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: unknown;
  private pendingFailure: unknown;
  private endedAt: number | undefined;
  private currentState: RecorderState = 'recording';

  /** @internal use `FrameLog.startRecording()` */
  constructor(db: FrameLogDatabase, sessionId: number, tuning: RecorderTuning = {}) {
    super();
    this.db = db;
    this.sessionId = sessionId;
    this.tuning = {
      flushIntervalMs: tuning.flushIntervalMs ?? 100,
      chunkFrames: tuning.chunkFrames ?? 1024,
      chunkBytes: tuning.chunkBytes ?? 256 * 1024,
      maxQueuedFrames: tuning.maxQueuedFrames ?? 65_536,
      maxQueuedBytes: tuning.maxQueuedBytes ?? 16 * 1024 * 1024,
      maxChunksPerWrite: tuning.maxChunksPerWrite ?? 32,
      retention: tuning.retention ?? {},
      durability: tuning.durability ?? 'relaxed',
    };
    this.builder = new ChunkBuilder(sessionId, this.tuning.chunkFrames, this.tuning.chunkBytes);
  }

  /** Current lifecycle state. */
  get state(): RecorderState {
    return this.currentState;
  }

  /** Counters (cheap; a snapshot). */
  get stats(): RecorderStats {
    return {
      appended: this.nextSeq,
      committed: this.committedSeq,
      queued: this.nextSeq - this.committedSeq,
      dropped: this.dropped,
    };
  }

  /**
   * Queues one frame. The bytes are copied before this returns, so the caller may reuse its buffer.
   * @returns the frame's seq within the session
   * @throws RecorderError `QueueFull` when the queue is at its bound (the frame is counted in
   *   `stats.dropped` and the session's `droppedFrames`, and the first refusal of an overflow is also
   *   an `error` event); `NotRecording` after `close()` or a failure.
   */
  append(bytes: Uint8Array, options: AppendOptions = {}): number {
    if (this.currentState !== 'recording') {
      throw new RecorderError('NotRecording', `recorder of session ${this.sessionId} is ${this.currentState}`, {
        cause: this.failure,
      });
    }
    const queued = this.nextSeq - this.committedSeq;
    if (queued >= this.tuning.maxQueuedFrames || this.queuedBytes + bytes.length > this.tuning.maxQueuedBytes) {
      this.refuse(queued);
    }
    if (!this.builder.fits(bytes.length)) this.sealOpen();
    const flags = (options.direction === 'out' ? FLAG_OUT : 0) | (options.text === true ? FLAG_TEXT : 0);
    const time = options.time ?? performance.timeOrigin + performance.now();
    const summary = options.text === true ? { type: -1, address: null } : summarizeFrame(bytes);
    const seq = this.nextSeq++;
    this.builder.add(seq, bytes, flags, time, options.connection ?? '', summary);
    this.queuedBytes += bytes.length;
    if (this.builder.count >= this.tuning.chunkFrames) this.sealOpen();
    if (this.sealed.length > 0) this.pump();
    if (this.builder.count > 0) this.timer ??= setTimeout(() => this.onTimer(), this.tuning.flushIntervalMs);
    return seq;
  }

  /**
   * Records what is known about a connection (URL, subprotocol); stored with the next write and used
   * by the HAR export.
   */
  describeConnection(connection: string, info: ConnectionInfo): void {
    this.connections.set(connection, { ...this.connections.get(connection), ...info });
  }

  /**
   * Resolves when the queue is below half its bound, for producers that can wait instead of being
   * refused; starts writing at once. Resolves immediately when there is room or the recorder stopped.
   */
  ready(): Promise<void> {
    if (this.hasRoom() || this.currentState !== 'recording') return Promise.resolve();
    const waiting = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    // A producer that waits wants the queue drained now, not at the next interval.
    this.flushDue = true;
    this.pump();
    return waiting;
  }

  /**
   * Writes everything appended so far.
   * @throws the error that stopped recording (a `DOMException` such as `QuotaExceededError`, or a
   *   RecorderError), if it failed before these frames were committed.
   */
  flush(): Promise<void> {
    const target = this.nextSeq;
    if (this.committedSeq >= target && !this.hasPendingMeta()) return Promise.resolve();
    if (this.currentState === 'failed') return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq: target, resolve, reject });
      this.pump();
    });
  }

  /**
   * Writes everything, marks the session ended and stops. Idempotent.
   * @throws like {@link flush}.
   */
  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    if (this.currentState === 'failed') throw this.failure;
    this.currentState = 'closing';
    this.endedAt = Date.now();
    await this.flush();
    if (this.currentState === 'closing') this.currentState = 'closed';
    this.releaseReady();
  }

  /** Stops recording because the database went away (called by the owning `FrameLog`). @internal */
  fail(error: unknown): void {
    if (this.currentState === 'closed' || this.currentState === 'failed') return;
    // A transaction in flight still commits after `db.close()`: let it finish so `lostFrames` is exact.
    if (this.writing) this.pendingFailure = error;
    else this.stop(error);
  }

  private hasRoom(): boolean {
    return (
      this.nextSeq - this.committedSeq < this.tuning.maxQueuedFrames / 2 &&
      this.queuedBytes < this.tuning.maxQueuedBytes / 2
    );
  }

  private hasPendingMeta(): boolean {
    return this.endedAt !== undefined || this.connections.size > 0;
  }

  private refuse(queued: number): never {
    this.dropped += 1;
    const error = new RecorderError(
      'QueueFull',
      `frame refused: ${queued} frames / ${this.queuedBytes} bytes wait for IndexedDB ` +
        `(bounds ${this.tuning.maxQueuedFrames} frames, ${this.tuning.maxQueuedBytes} bytes)`,
    );
    this.flushDue = true;
    this.pump();
    if (!this.overflowReported) {
      this.overflowReported = true;
      this.dispatchEvent(new RecorderErrorEvent(error, false, 0));
    }
    throw error;
  }

  private sealOpen(): void {
    if (this.builder.count > 0) this.sealed.push(this.builder.seal());
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.flushDue = true;
    this.pump();
  }

  /** Starts the next write unless one is in flight; seals the open chunk when a flush is due. */
  private pump(): void {
    if (this.writing || this.currentState === 'failed') return;
    if (this.pendingFailure !== undefined) return this.stop(this.pendingFailure);
    const force = this.flushDue || this.waiters.length > 0;
    if (force) {
      this.flushDue = false;
      this.sealOpen();
    }
    if (this.sealed.length === 0 && !(force && this.hasPendingMeta())) return;
    const batch = this.sealed.splice(0, this.tuning.maxChunksPerWrite);
    this.writing = true;
    void this.write(batch).then(
      () => this.onWritten(batch),
      (error: unknown) => this.stop(this.pendingFailure ?? error),
    );
  }

  private write(batch: SealedChunk[]): Promise<void> {
    const last = batch[batch.length - 1]?.summary;
    const nextSeq = last === undefined ? this.committedSeq : last.lastSeq + 1;
    const isFinal = this.endedAt !== undefined && nextSeq === this.nextSeq && this.sealed.length === 0;
    const connections = [...this.connections];
    return commitChunks(this.db, this.sessionId, batch, {
      nextSeq,
      droppedFrames: this.dropped,
      connections,
      ...(isFinal ? { endedAt: this.endedAt } : {}),
    }, this.tuning.retention, this.tuning.durability).then(() => {
      for (const [id, info] of connections) if (this.connections.get(id) === info) this.connections.delete(id);
      if (isFinal) this.endedAt = undefined;
    });
  }

  private onWritten(batch: SealedChunk[]): void {
    this.writing = false;
    for (const chunk of batch) {
      this.committedSeq = chunk.summary.lastSeq + 1;
      this.queuedBytes -= chunk.summary.bytes;
    }
    if (this.hasRoom()) {
      this.overflowReported = false;
      this.releaseReady();
    }
    const metaDone = !this.hasPendingMeta();
    const remaining: Waiter[] = [];
    for (const w of this.waiters.splice(0)) {
      if (w.seq <= this.committedSeq && metaDone) w.resolve();
      else remaining.push(w);
    }
    this.waiters.push(...remaining);
    this.pump();
  }

  private stop(error: unknown): void {
    if (this.currentState === 'failed') return;
    this.writing = false;
    const lost = this.nextSeq - this.committedSeq;
    this.failure = error;
    this.currentState = 'failed';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.sealed.length = 0;
    this.builder.seal();
    this.queuedBytes = 0;
    for (const w of this.waiters.splice(0)) w.reject(error);
    this.releaseReady();
    this.dispatchEvent(new RecorderErrorEvent(error, true, lost));
  }

  private releaseReady(): void {
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }
}
