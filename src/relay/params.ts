/**
 * The relay's parameter state: value, monotonic revision (1 on creation), writer, timestamp and lock
 * holder per address, with the Rust router's rules (`clasp_core::state`): an expected revision must
 * match the current one, a lock held by another session refuses the write, last writer wins.
 *
 * @packageDocumentation
 */
import type { ParamValue, SetMessage, Value } from '../protocol/index.js';

/** One stored parameter (read it through {@link ParamStore.toParamValue}). */
export interface ParamState {
  readonly address: string;
  value: Value;
  revision: bigint;
  writer: string;
  timestamp: bigint;
  lockHolder: string | undefined;
}

/** Why a SET was refused: ERROR code (400 RevisionConflict, 401 LockHeld) and message. */
export interface SetRefusal {
  readonly code: 400 | 401;
  readonly message: string;
}

/** Current time in µs since the Unix epoch. */
export const nowMicros = (): bigint => BigInt(Date.now()) * 1000n;

/** All parameters of one relay. */
export class ParamStore {
  private readonly params = new Map<string, ParamState>();

  /** Number of parameters. */
  get size(): number {
    return this.params.size;
  }

  /** Applies a SET from `writer`; returns the new revision or why it was refused. */
  apply(set: SetMessage, writer: string): bigint | SetRefusal {
    const existing = this.params.get(set.address);
    if (existing === undefined) {
      this.params.set(set.address, {
        address: set.address, value: set.value, revision: 1n, writer, timestamp: nowMicros(),
        lockHolder: set.lock === true ? writer : undefined,
      });
      return 1n;
    }
    if (set.revision !== undefined && BigInt(set.revision) !== existing.revision) {
      return { code: 400, message: `Revision conflict: expected ${set.revision}, current ${existing.revision}` };
    }
    const holder = existing.lockHolder;
    if (holder !== undefined && holder !== writer) {
      return { code: 401, message: `Parameter locked by ${holder}` };
    }
    if (set.unlock === true) existing.lockHolder = undefined;
    if (set.lock === true) existing.lockHolder = writer;
    existing.value = set.value;
    existing.revision += 1n;
    existing.writer = writer;
    existing.timestamp = nowMicros();
    return existing.revision;
  }

  /** The parameter at `address`, as a SNAPSHOT entry. */
  get(address: string): ParamValue<bigint> | undefined {
    const p = this.params.get(address);
    return p === undefined ? undefined : this.toParamValue(p);
  }

  /** Every parameter, oldest first (iterate in slices: nothing is copied). */
  entries(): IterableIterator<Readonly<ParamState>> {
    return this.params.values();
  }

  /** A stored parameter as a SNAPSHOT entry. */
  toParamValue(p: Readonly<ParamState>): ParamValue<bigint> {
    return { address: p.address, value: p.value, revision: p.revision, writer: p.writer, timestamp: p.timestamp };
  }
}
