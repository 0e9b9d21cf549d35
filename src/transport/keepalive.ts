/**
 * Keepalive and dead-peer detection. Browsers cannot send WebSocket pings, so after `idleMs` without
 * any received frame a CLASP PING goes out, and if nothing at all arrives within `timeoutMs` the peer
 * is declared dead. Any received frame counts as liveness (PONGs are still delivered to the app).
 *
 * One timer at a time. Receiving a frame only stores a timestamp: no timer churn per frame.
 *
 * @packageDocumentation
 */
import type { KeepalivePolicy } from './config.js';

/** A CLASP PING frame: magic `0x53`, flags `0x01` (Fire, v1), length 1, type `0x41` (`docs/wire-format.md` §4.14). */
export const KEEPALIVE_PING_FRAME: Readonly<Uint8Array> = new Uint8Array([0x53, 0x01, 0x00, 0x01, 0x41]);

/** Drives one open connection's keepalive. */
export class Keepalive {
  private readonly policy: Required<KeepalivePolicy>;
  private readonly sendPing: () => void;
  private readonly onDead: () => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastReceived = 0;
  private pingSentAt = -1;

  constructor(policy: Required<KeepalivePolicy>, sendPing: () => void, onDead: () => void) {
    this.policy = policy;
    this.sendPing = sendPing;
    this.onDead = onDead;
  }

  /** Starts watching, counting from now. */
  start(): void {
    this.lastReceived = performance.now();
    this.arm(this.policy.idleMs);
  }

  /** Records that a frame arrived. */
  received(): void {
    this.lastReceived = performance.now();
  }

  /** Stops watching; no timer remains. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pingSentAt = -1;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.tick, Math.max(0, ms));
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    const now = performance.now();
    if (this.pingSentAt >= 0) {
      if (this.lastReceived >= this.pingSentAt) {
        this.pingSentAt = -1;
        this.arm(this.lastReceived + this.policy.idleMs - now);
      } else {
        this.onDead();
      }
      return;
    }
    const idleFor = now - this.lastReceived;
    if (idleFor < this.policy.idleMs) {
      this.arm(this.policy.idleMs - idleFor);
      return;
    }
    this.pingSentAt = now;
    this.sendPing();
    this.arm(this.policy.timeoutMs);
  };
}
