/**
 * Packing frames into chunks (write side) and reading them back (read side).
 * The layout of `ChunkData.meta` is documented on {@link ChunkData}.
 */
import type { ChunkData, ChunkSummary } from './schema.js';
import type { FrameSummary } from './frame-summary.js';

/** Bytes of per-frame metadata: time f64 + end u32 + type i16 + address u16 + connection u16 + flags u8. */
export const META_BYTES_PER_FRAME = 19;
/** Address index meaning "no address". */
export const NO_ADDRESS = 0xffff;
/** Flag bit: frame went page → server. */
export const FLAG_OUT = 1;
/** Flag bit: frame was a text WebSocket message (stored as its UTF-8 bytes). */
export const FLAG_TEXT = 2;
const MAX_TABLE = 0xfffe;

/** One sealed chunk, ready to be written. */
export interface SealedChunk {
  readonly summary: ChunkSummary;
  readonly data: ChunkData;
}

/**
 * Accumulates frames of one session into reusable scratch columns and seals them into
 * exact-size copies. Bytes are copied at {@link ChunkBuilder.add}, never referenced.
 */
export class ChunkBuilder {
  private bytes: Uint8Array;
  private readonly times: Float64Array;
  private readonly ends: Uint32Array;
  private readonly types: Int16Array;
  private readonly addrs: Uint16Array;
  private readonly conns: Uint16Array;
  private readonly flags: Uint8Array;
  private readonly addressIndex = new Map<string, number>();
  private readonly connIndex = new Map<string, number>();
  private readonly typeSeen = new Set<number>();
  private firstSeq = 0;
  private dirs = 0;
  private t0 = Infinity;
  private t1 = -Infinity;
  /** Frames in the open chunk. */
  count = 0;
  /** Bytes in the open chunk. */
  byteLength = 0;

  /**
   * @param sessionId session of every chunk this builder seals
   * @param maxFrames frames per chunk
   * @param maxBytes bytes per chunk (a single larger frame still gets a chunk of its own)
   */
  constructor(
    private readonly sessionId: number,
    private readonly maxFrames: number,
    private readonly maxBytes: number,
  ) {
    this.bytes = new Uint8Array(maxBytes);
    this.times = new Float64Array(maxFrames);
    this.ends = new Uint32Array(maxFrames);
    this.types = new Int16Array(maxFrames);
    this.addrs = new Uint16Array(maxFrames);
    this.conns = new Uint16Array(maxFrames);
    this.flags = new Uint8Array(maxFrames);
  }

  /** True when a frame of `length` bytes can join the open chunk (always true for an empty one). */
  fits(length: number): boolean {
    if (this.count === 0) return true;
    return (
      this.count < this.maxFrames &&
      this.byteLength + length <= this.maxBytes &&
      this.addressIndex.size < MAX_TABLE &&
      this.connIndex.size < MAX_TABLE
    );
  }

  /** Copies one frame into the open chunk; call {@link fits} first. */
  add(seq: number, frame: Uint8Array, flags: number, time: number, connection: string, summary: FrameSummary): void {
    const i = this.count;
    if (i === 0) this.firstSeq = seq;
    const end = this.byteLength + frame.length;
    if (end > this.bytes.length) this.grow(end);
    this.bytes.set(frame, this.byteLength);
    this.byteLength = end;
    this.ends[i] = end;
    this.times[i] = time;
    if (time < this.t0) this.t0 = time;
    if (time > this.t1) this.t1 = time;
    this.flags[i] = flags;
    this.dirs |= (flags & FLAG_OUT) !== 0 ? 2 : 1;
    this.types[i] = summary.type;
    this.typeSeen.add(summary.type);
    this.addrs[i] = summary.address === null ? NO_ADDRESS : indexOf(this.addressIndex, summary.address);
    this.conns[i] = indexOf(this.connIndex, connection);
    this.count = i + 1;
  }

  /** Seals the open chunk into exact-size copies and starts a new one. */
  seal(): SealedChunk {
    const n = this.count;
    const meta = new ArrayBuffer(n * META_BYTES_PER_FRAME);
    new Float64Array(meta, 0, n).set(this.times.subarray(0, n));
    new Uint32Array(meta, 8 * n, n).set(this.ends.subarray(0, n));
    new Int16Array(meta, 12 * n, n).set(this.types.subarray(0, n));
    new Uint16Array(meta, 14 * n, n).set(this.addrs.subarray(0, n));
    new Uint16Array(meta, 16 * n, n).set(this.conns.subarray(0, n));
    new Uint8Array(meta, 18 * n, n).set(this.flags.subarray(0, n));
    const data = this.bytes.slice(0, this.byteLength).buffer;
    const summary: ChunkSummary = {
      sessionId: this.sessionId,
      firstSeq: this.firstSeq,
      lastSeq: this.firstSeq + n - 1,
      count: n,
      bytes: this.byteLength,
      t0: this.t0,
      t1: this.t1,
      dirs: this.dirs,
      types: [...this.typeSeen].sort((a, b) => a - b),
      addresses: [...this.addressIndex.keys()],
      connections: [...this.connIndex.keys()],
    };
    this.reset();
    return { summary, data: { sessionId: this.sessionId, firstSeq: summary.firstSeq, meta, data } };
  }

  private reset(): void {
    this.count = 0;
    this.byteLength = 0;
    this.dirs = 0;
    this.t0 = Infinity;
    this.t1 = -Infinity;
    this.addressIndex.clear();
    this.connIndex.clear();
    this.typeSeen.clear();
    if (this.bytes.length > this.maxBytes) this.bytes = new Uint8Array(this.maxBytes);
  }

  private grow(atLeast: number): void {
    const next = new Uint8Array(Math.max(atLeast, this.bytes.length * 2));
    next.set(this.bytes.subarray(0, this.byteLength));
    this.bytes = next;
  }
}

function indexOf(index: Map<string, number>, key: string): number {
  let i = index.get(key);
  if (i === undefined) {
    i = index.size;
    index.set(key, i);
  }
  return i;
}

/** Typed views over one stored chunk's columns. */
export interface ChunkColumns {
  readonly count: number;
  readonly times: Float64Array;
  readonly ends: Uint32Array;
  readonly types: Int16Array;
  readonly addrs: Uint16Array;
  readonly conns: Uint16Array;
  readonly flags: Uint8Array;
  readonly bytes: Uint8Array;
}

/**
 * Views the columns of a stored chunk.
 * @throws RangeError when the record is not a well-formed chunk (corrupt or foreign data).
 */
export function readColumns(record: ChunkData, summary: ChunkSummary): ChunkColumns {
  const n = summary.count;
  const { meta, data } = record;
  if (!(meta instanceof ArrayBuffer) || !(data instanceof ArrayBuffer) || meta.byteLength !== n * META_BYTES_PER_FRAME) {
    throw new RangeError(`chunk [${summary.sessionId}, ${summary.firstSeq}] is malformed`);
  }
  const ends = new Uint32Array(meta, 8 * n, n);
  if (n > 0 && ends[n - 1] !== data.byteLength) {
    throw new RangeError(`chunk [${summary.sessionId}, ${summary.firstSeq}] byte length does not match its index`);
  }
  return {
    count: n,
    times: new Float64Array(meta, 0, n),
    ends,
    types: new Int16Array(meta, 12 * n, n),
    addrs: new Uint16Array(meta, 14 * n, n),
    conns: new Uint16Array(meta, 16 * n, n),
    flags: new Uint8Array(meta, 18 * n, n),
    bytes: new Uint8Array(data),
  };
}
