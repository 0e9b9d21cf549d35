/**
 * The state view's model: the current value of every param, rebuilt from SET (also inside BUNDLE)
 * and SNAPSHOT frames as they arrive, with revision and writer. Pure apart from the codec;
 * unit-tested.
 *
 * Rules:
 * - a param's newer entry replaces the older one, except that a SET or SNAPSHOT entry carrying a
 *   revision lower than the known one is ignored (an out-of-order or stale echo);
 * - the writer is SNAPSHOT's `writer` field when present; for SET it is the side that sent it
 *   (`this page` for sent frames, the connection for received ones);
 * - undecodable frames change nothing (they are already shown as errors in the list).
 *
 * @packageDocumentation
 */
import { decode, type DecodedMessage, type Value } from '../../../src/protocol/index.js';
import type { FrameRecord } from './types.js';

/** One param as the state view shows it. */
export interface ParamState {
  readonly address: string;
  readonly value: Value;
  readonly revision: bigint | null;
  readonly writer: string;
  /** Time of the frame that set it. */
  readonly updated: number;
  /** Id of that frame (to jump to it in the list). */
  readonly frameId: number;
}

/** Label of the page itself as a writer. */
export const PAGE_WRITER = 'this page';

/** Current params, keyed by address. */
export class StateModel {
  readonly #params = new Map<string, ParamState>();
  #version = 0;

  /** Increases whenever a param changes (views re-render only then). */
  get version(): number {
    return this.#version;
  }

  /** Number of params. */
  get size(): number {
    return this.#params.size;
  }

  /** Applies frames in arrival order, decoding those that can change the state (imported frames). */
  add(frames: readonly FrameRecord[]): void {
    for (const frame of frames) {
      const type = frame.summary.type;
      if (frame.bytes === undefined || (type !== 'SET' && type !== 'SNAPSHOT' && type !== 'BUNDLE')) continue;
      let message: DecodedMessage;
      try {
        message = decode(frame.bytes);
      } catch {
        continue;
      }
      this.#apply(message, frame, 0);
    }
  }

  /** Applies one frame whose message is already decoded (live frames: decoded once, by the capture model). */
  apply(frame: FrameRecord, message: DecodedMessage): void {
    this.#apply(message, frame, 0);
  }

  /** Forgets every param. */
  clear(): void {
    this.#params.clear();
    this.#version += 1;
  }

  /** The params sorted by address. */
  rows(): ParamState[] {
    return [...this.#params.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** One param. */
  get(address: string): ParamState | undefined {
    return this.#params.get(address);
  }

  #apply(message: DecodedMessage, frame: FrameRecord, depth: number): void {
    if (message.type === 'SET') {
      const writer = frame.dir === 'out' ? PAGE_WRITER : (frame.conn.name ?? frame.conn.label);
      this.#put({ address: message.address, value: message.value, revision: message.revision ?? null, writer, updated: frame.t, frameId: frame.id });
    } else if (message.type === 'SNAPSHOT') {
      for (const p of message.params) {
        this.#put({ address: p.address, value: p.value, revision: p.revision, writer: p.writer ?? frame.conn.name ?? frame.conn.label, updated: frame.t, frameId: frame.id });
      }
    } else if (message.type === 'BUNDLE' && depth < 8) {
      for (const inner of message.messages) this.#apply(inner as DecodedMessage, frame, depth + 1);
    }
  }

  #put(next: ParamState): void {
    const known = this.#params.get(next.address);
    if (known !== undefined && known.revision !== null && next.revision !== null && next.revision < known.revision) return;
    this.#params.set(next.address, next);
    this.#version += 1;
  }
}
