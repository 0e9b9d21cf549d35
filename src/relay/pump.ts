/**
 * Runs the router over every connection's inbox, one message at a time in arrival order per client
 * and round-robin across clients, in tasks of at most {@link PumpOptions.sliceMs} (then it yields to
 * I/O with `setImmediate`). Before every slice it checks the flow policy of `connection.ts`: while a
 * draining client is backed up it waits (polling every 5 ms), so writers' sockets fill up and pause.
 *
 * @packageDocumentation
 */
import { performance } from 'node:perf_hooks';
import type { ClaspRouter, RelayClient, RouterWork } from './router.js';
import { INBOX_PAUSE_BYTES, type Connection } from './connection.js';

/** Options of {@link Pump}. */
export interface PumpOptions {
  /** ms of wall clock a task spends on messages before yielding to I/O (plus up to half as much writing). Default 10. */
  readonly sliceMs?: number;
  /** Called when a message's handling threw anyway (never expected: the router catches). */
  readonly log: (line: string) => void;
}

const WAIT_POLL_MS = 5;

/** The relay's scheduler. */
export class Pump {
  private readonly ready: Connection[] = [];
  private readonly backedUp = new Set<Connection>();
  private readonly corked: Connection[] = [];
  private work: RouterWork | undefined;
  private scheduled = false;
  private waiting: NodeJS.Timeout | undefined;
  private readonly sliceMs: number;
  private stopped = false;
  private running = false;

  constructor(private readonly router: ClaspRouter, private readonly clientOf: (c: Connection) => RelayClient, private readonly options: PumpOptions) {
    this.sliceMs = options.sliceMs ?? 10;
  }

  /** Queues a message from `c` (null: a text message); pauses its socket when its inbox is full. */
  enqueue(c: Connection, data: Uint8Array | null): void {
    c.inbox.push(data);
    c.inboxBytes += data === null ? 1 : data.byteLength;
    if (c.inboxBytes >= INBOX_PAUSE_BYTES && !c.ws.isPaused) c.ws.pause();
    if (!c.queued) {
      c.queued = true;
      this.ready.push(c);
    }
    this.schedule();
  }

  /** Notes a frame queued for `c`: flushed at the end of the slice; `c` may now be backed up. */
  noteSent(c: Connection, first: boolean): void {
    if (!this.running) c.flush();
    else if (first) this.corked.push(c);
    if (c.isBackedUp()) this.backedUp.add(c);
  }

  /** Writes out corked clients until `deadline` (checked every 16); true when none is left. */
  private flushUntil(deadline: number): boolean {
    let i = 0;
    while (i < this.corked.length) {
      (this.corked[i] as Connection).flush();
      i += 1;
      if ((i & 15) === 0 && performance.now() > deadline) break;
    }
    this.corked.splice(0, i);
    return this.corked.length === 0;
  }

  /** Stops scheduling (relay closing). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.waiting);
  }

  private schedule(): void {
    if (this.scheduled || this.waiting !== undefined || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /** True while a client that still drains has too much waiting. */
  private held(now: number): boolean {
    for (const c of this.backedUp) {
      if (!c.isBackedUp()) this.backedUp.delete(c);
      else if (c.holdsBack(now)) return true;
    }
    return false;
  }

  /**
   * One task: writes left over from the last one, then messages until `sliceMs`, then the writes they
   * caused for up to half of `sliceMs` more (500 sockets cost tens of ms to write out: the rest goes
   * first in the next task).
   */
  private run(): void {
    const start = performance.now();
    this.running = true;
    let sliced = false;
    try {
      if (this.flushUntil(start + this.sliceMs / 2)) {
        sliced = true;
        this.slice(start + this.sliceMs);
      }
    } finally {
      this.running = false;
      // Skipped messages (writes were left) or writes left now: another task, or nothing wakes it.
      if (!this.flushUntil(performance.now() + this.sliceMs / 2) || !sliced) this.schedule();
    }
  }

  private slice(deadline: number): void {
    for (;;) {
      if (this.stopped) return;
      const now = performance.now();
      if (this.held(now)) {
        this.waiting = setTimeout(() => {
          this.waiting = undefined;
          this.run();
        }, WAIT_POLL_MS);
        return;
      }
      if (now >= deadline) {
        this.schedule();
        return;
      }
      if (this.work === undefined && !this.next()) return;
      try {
        if (this.work?.next().done === true) this.work = undefined;
      } catch (e) {
        this.work = undefined;
        this.options.log(`internal error while handling a message: ${(e as Error).message}`);
      }
    }
  }

  /** Starts the next message, round-robin; false when every inbox is empty. */
  private next(): boolean {
    for (;;) {
      const c = this.ready.shift();
      if (c === undefined) return false;
      if (c.closed) {
        c.queued = false;
        continue;
      }
      const data = c.inbox.shift() as Uint8Array | null;
      c.inboxBytes -= data === null ? 1 : data.byteLength;
      if (c.inbox.length > 0) this.ready.push(c);
      else c.queued = false;
      if (c.ws.isPaused && c.inboxBytes < INBOX_PAUSE_BYTES / 2) c.ws.resume();
      const client = this.clientOf(c);
      if (data === null) this.router.handleText(client);
      else this.work = this.router.receive(client, data);
      return true;
    }
  }
}
