/**
 * The frame block: how the page-side hook packs one batch of captured events into a single
 * `ArrayBuffer`, and how the relay and the panel read it back.
 *
 * Why: a batch of 512 small frames as 512 objects costs a structured clone of every object when the
 * batch crosses from the MAIN to the ISOLATED world, a validation object per event in the relay, and
 * a JSON object plus a base64 string per frame on each port. As one block it costs one memcpy per
 * hop and one base64 string per batch.
 *
 * Layout (native byte order, little-endian on every platform Chrome runs on; a block never leaves
 * the browser that wrote it):
 *
 *   [0, 8)                header: u32 record count, u32 reserved (0)
 *   [8, 8 + 24·count)     records, 24 bytes each:
 *                           f64 t (wall-clock ms) · u32 seq · u32 size (original bytes) ·
 *                           u32 len (bytes kept in this block) · u16 cid index · u8 dir · u8 kind
 *   [8 + 24·count, end)   payloads of the `kind = BYTES` records, back to back in record order
 *
 * `kind = OBJECT` marks the place of an event that travels as an object beside the block (text,
 * large and Blob frames, connection events), so the order of a batch is the order of its records.
 * Its `t`, `seq`, `size`, `len`, `cid` and `dir` are 0. The relay turns the OBJECT record of an
 * event it refuses into `kind = DROPPED`, so record numbers stay the arrival numbers.
 *
 * @packageDocumentation
 */

import { MAX_TIME_MS } from './limits.js';

/** Bytes before the first record. */
export const BLOCK_HEADER_BYTES = 8;

/** Bytes per record. */
export const BLOCK_RECORD_BYTES = 24;

/** Byte offset of each field within a record (the layout above); every read and write goes through these. */
const AT = { t: 0, seq: 8, size: 12, len: 16, cid: 20, dir: 22, kind: 23 } as const;

// Element index of each field in a typed view of its width over record 0, and the record stride in
// elements of each width. Plain constants, so that a reader or writer does one multiply-add per
// field even before the JIT has optimised it (the relay's code is cold after every page load).
const T_F64 = AT.t / 8;
const SEQ_U32 = AT.seq / 4;
const SIZE_U32 = AT.size / 4;
const LEN_U32 = AT.len / 4;
const CID_U16 = AT.cid / 2;
const DIR_U8 = AT.dir;
const KIND_U8 = AT.kind;
const F64_STRIDE = BLOCK_RECORD_BYTES / 8;
const U32_STRIDE = BLOCK_RECORD_BYTES / 4;
const U16_STRIDE = BLOCK_RECORD_BYTES / 2;
const U8_STRIDE = BLOCK_RECORD_BYTES;

/** Record kinds. */
export const RECORD_KIND = {
  /** A binary frame whose payload is in the block. */
  BYTES: 0,
  /** Placeholder for the next object event of the batch. */
  OBJECT: 1,
  /** An OBJECT record whose event the relay refused (written by the relay only; never shown). */
  DROPPED: 2,
} as const;

/** Direction codes of a record. */
export const RECORD_DIR = { in: 0, out: 1 } as const;

/** Most records a block may hold (a page can forge any count; this bounds what a reader allocates). */
export const MAX_BLOCK_RECORDS = 4096;

/** Most connection ids one block may name. */
export const MAX_BLOCK_CIDS = 256;

/** Typed views over one block; created once per block by the reader. */
export class BlockView {
  readonly count: number;
  readonly #f64: Float64Array;
  readonly #u32: Uint32Array;
  readonly #u16: Uint16Array;
  readonly #u8: Uint8Array;

  /** @throws RangeError when the buffer cannot hold its header and records, or the count is too large. */
  constructor(readonly buffer: ArrayBuffer) {
    if (buffer.byteLength < BLOCK_HEADER_BYTES) throw new RangeError(`frame block of ${buffer.byteLength} bytes has no header`);
    const count = new Uint32Array(buffer, 0, 1)[0]!;
    if (count > MAX_BLOCK_RECORDS) throw new RangeError(`frame block claims ${count} records (at most ${MAX_BLOCK_RECORDS})`);
    const end = BLOCK_HEADER_BYTES + count * BLOCK_RECORD_BYTES;
    if (end > buffer.byteLength) throw new RangeError(`frame block of ${buffer.byteLength} bytes cannot hold ${count} records`);
    this.count = count;
    this.#f64 = new Float64Array(buffer, BLOCK_HEADER_BYTES, count * 3);
    this.#u32 = new Uint32Array(buffer, BLOCK_HEADER_BYTES, count * 6);
    this.#u16 = new Uint16Array(buffer, BLOCK_HEADER_BYTES, count * 12);
    this.#u8 = new Uint8Array(buffer, BLOCK_HEADER_BYTES, count * 24);
  }

  /** Byte offset of the first payload. */
  get payloadStart(): number {
    return BLOCK_HEADER_BYTES + this.count * BLOCK_RECORD_BYTES;
  }

  /** Raw fields of record `i` (not validated here; see {@link checkBlock}). */
  kind(i: number): number { return this.#u8[i * U8_STRIDE + KIND_U8]!; }
  t(i: number): number { return this.#f64[i * F64_STRIDE + T_F64]!; }
  seq(i: number): number { return this.#u32[i * U32_STRIDE + SEQ_U32]!; }
  size(i: number): number { return this.#u32[i * U32_STRIDE + SIZE_U32]!; }
  len(i: number): number { return this.#u32[i * U32_STRIDE + LEN_U32]!; }
  cid(i: number): number { return this.#u16[i * U16_STRIDE + CID_U16]!; }
  dir(i: number): number { return this.#u8[i * U8_STRIDE + DIR_U8]!; }

  /** Turns record `i` (an OBJECT record) into a DROPPED one. */
  markDropped(i: number): void {
    this.#u8[i * U8_STRIDE + KIND_U8] = RECORD_KIND.DROPPED;
  }

  /**
   * The record loop of {@link checkBlock}, on the typed views directly (no call per field).
   * @returns the number of truncated records, or the reason the block is refused.
   */
  check(cidCount: number, objectCount: number, maxFrameBytes: number, allowDropped: boolean): number | string {
    const u8 = this.#u8;
    const u16 = this.#u16;
    const u32 = this.#u32;
    const f64 = this.#f64;
    const end = this.buffer.byteLength;
    let offset = this.payloadStart;
    let objects = 0;
    let truncated = 0;
    for (let i = 0; i < this.count; i++) {
      const kind = u8[i * U8_STRIDE + KIND_U8]!;
      if (kind === RECORD_KIND.OBJECT) {
        objects += 1;
        continue;
      }
      if (kind === RECORD_KIND.DROPPED && allowDropped) continue;
      if (kind !== RECORD_KIND.BYTES) return `record ${i}: unknown kind ${kind}`;
      const w = i * U32_STRIDE;
      const size = u32[w + SIZE_U32]!;
      const len = u32[w + LEN_U32]!;
      const dir = u8[i * U8_STRIDE + DIR_U8]!;
      const cid = u16[i * U16_STRIDE + CID_U16]!;
      if (dir !== RECORD_DIR.in && dir !== RECORD_DIR.out) return `record ${i}: unknown direction ${dir}`;
      if (cid >= cidCount) return `record ${i}: connection index ${cid} of ${cidCount}`;
      const t = f64[i * F64_STRIDE + T_F64]!;
      if (!(t >= -MAX_TIME_MS && t <= MAX_TIME_MS)) return `record ${i}: time ${t} outside the Date range`;
      if (len > size || len > maxFrameBytes) return `record ${i}: ${len} bytes kept of ${size}`;
      if (offset + len > end) return `record ${i}: payload runs past the block`;
      if (len < size) truncated += 1;
      offset += len;
    }
    if (offset !== end) return `${end - offset} bytes after the last payload`;
    if (objects !== objectCount) return `${objects} object records for ${objectCount} objects`;
    return truncated;
  }
}

/** What {@link checkBlock} learned about a valid block. */
export interface BlockCheck {
  readonly ok: true;
  readonly view: BlockView;
  /** Records whose payload was cut (`len < size`). */
  readonly truncated: number;
}

/**
 * Checks every record of an untrusted block: kinds and directions known, connection index within
 * `cidCount`, `len ≤ size` and `len ≤ maxFrameBytes`, time within the JS Date range (±8.64e15 ms), payloads exactly filling the rest
 * of the block, and exactly `objectCount` OBJECT records. Allocates nothing per record.
 *
 * @param allowDropped accept DROPPED records (true for blocks from the relay, false from the page).
 * @returns the block's view, or the reason it is refused (never throws).
 */
export function checkBlock(buffer: unknown, cidCount: number, objectCount: number, maxFrameBytes: number, allowDropped = false): BlockCheck | { readonly ok: false; readonly reason: string } {
  if (!(buffer instanceof ArrayBuffer)) return { ok: false, reason: 'block is not an ArrayBuffer' };
  let view: BlockView;
  try {
    view = new BlockView(buffer);
  } catch (error) {
    return { ok: false, reason: (error as RangeError).message };
  }
  const result = view.check(cidCount, objectCount, maxFrameBytes, allowDropped);
  if (typeof result === 'string') return { ok: false, reason: result };
  return { ok: true, view, truncated: result };
}

// Captured when the hook loads (before any page script), so a page that replaces these globals or
// their prototypes' methods later cannot see or change what the writer does: every method is called
// through the saved Reflect.apply, never through a page-modifiable `Function.prototype.call`.
const U8 = Uint8Array;
const U16 = Uint16Array;
const U32 = Uint32Array;
const F64 = Float64Array;
const AB = ArrayBuffer;
const u8Set = Uint8Array.prototype.set;
const apply = Reflect.apply;
/** Payloads up to this many bytes are copied by a loop: cheaper than a call for a typical CLASP frame. */
const SMALL_COPY = 64;

/**
 * Writes one batch of records and payloads (the hook's side). Reused across batches: {@link take}
 * returns an exact-size copy and starts the next batch.
 */
export class BlockWriter {
  readonly #records: ArrayBuffer;
  readonly #f64: Float64Array;
  readonly #u32: Uint32Array;
  readonly #u16: Uint16Array;
  readonly #u8: Uint8Array;
  readonly #payloads: Uint8Array;
  readonly #payloadBuffer: ArrayBuffer;
  #count = 0;
  #used = 0;

  /**
   * @param maxRecords records per block (≤ {@link MAX_BLOCK_RECORDS}).
   * @param payloadBytes payload bytes per block.
   */
  constructor(
    readonly maxRecords: number,
    readonly payloadBytes: number,
  ) {
    this.#records = new AB(BLOCK_HEADER_BYTES + maxRecords * BLOCK_RECORD_BYTES);
    this.#f64 = new F64(this.#records, BLOCK_HEADER_BYTES);
    this.#u32 = new U32(this.#records, BLOCK_HEADER_BYTES);
    this.#u16 = new U16(this.#records, BLOCK_HEADER_BYTES);
    this.#u8 = new U8(this.#records, BLOCK_HEADER_BYTES);
    this.#payloadBuffer = new AB(payloadBytes);
    this.#payloads = new U8(this.#payloadBuffer);
  }

  /** Records in the current batch. */
  get count(): number {
    return this.#count;
  }

  /** True when one more record with `len` payload bytes fits in the current batch. */
  fits(len: number): boolean {
    return this.#count < this.maxRecords && this.#used + len <= this.payloadBytes;
  }

  /**
   * Adds a binary frame; the caller checked {@link fits}. `src` is copied now.
   * @param len bytes of `src` (given, not read from `src`: a page may redefine typed-array getters).
   */
  addBytes(t: number, seq: number, size: number, cid: number, dir: 0 | 1, src: Uint8Array, len: number = src.length): void {
    this.#record(t, seq, size, len, cid, dir, RECORD_KIND.BYTES);
    const payloads = this.#payloads;
    const at = this.#used;
    if (len <= SMALL_COPY) for (let i = 0; i < len; i++) payloads[at + i] = src[i]!;
    else apply(u8Set, payloads, [src, at]);
    this.#used += len;
  }

  /** Marks the place of the batch's next object event; the caller checked {@link fits}(0). */
  addObject(): void {
    this.#record(0, 0, 0, 0, 0, 0, RECORD_KIND.OBJECT);
  }

  #record(t: number, seq: number, size: number, len: number, cid: number, dir: number, kind: number): void {
    const i = this.#count++;
    const w = i * U32_STRIDE;
    this.#f64[i * F64_STRIDE + T_F64] = t;
    this.#u32[w + SEQ_U32] = seq;
    this.#u32[w + SIZE_U32] = size;
    this.#u32[w + LEN_U32] = len;
    this.#u16[i * U16_STRIDE + CID_U16] = cid;
    this.#u8[i * U8_STRIDE + DIR_U8] = dir;
    this.#u8[i * U8_STRIDE + KIND_U8] = kind;
  }

  /** The current batch as an exact-size block; the writer starts a new batch. */
  take(): ArrayBuffer {
    const recordBytes = BLOCK_HEADER_BYTES + this.#count * BLOCK_RECORD_BYTES;
    const buffer = new AB(recordBytes + this.#used);
    const out = new U8(buffer);
    new U32(this.#records, 0, 1)[0] = this.#count;
    apply(u8Set, out, [new U8(this.#records, 0, recordBytes), 0]);
    apply(u8Set, out, [new U8(this.#payloadBuffer, 0, this.#used), recordBytes]);
    this.#count = 0;
    this.#used = 0;
    return buffer; // not `out.buffer`: a page may redefine that getter
  }
}
