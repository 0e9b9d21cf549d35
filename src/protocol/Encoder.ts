/**
 * The encoding engine: one growable buffer with a `DataView` over it, big-endian primitive
 * writers, strings and values. Message layouts are in `encode-messages.ts`.
 *
 * @packageDocumentation
 */
import {
  HEADER_SIZE, HEADER_SIZE_WITH_TS, MAGIC_BYTE, MAX_PAYLOAD_SIZE, VAL_ARRAY, VAL_BOOL, VAL_BYTES, VAL_F64, VAL_I64, VAL_MAP, VAL_NULL, VAL_STRING,
} from './codes.js';
import type { QoS } from './codes.js';
import { ClaspEncodeError } from './errors.js';
import { type Limits, resolveLimits } from './limits.js';
import type { FrameOptions, Message, U64, Value } from './types.js';
import { writeMessage } from './encode-messages.js';
import { SHORT_STRING, badField, isU64Number, putStr, putU64, rangeError, valueType } from './encode-helpers.js';

/** Bytes a frame can reach (largest header + payload); writing beyond means "too large". */
const MAX_FRAME_SIZE = HEADER_SIZE_WITH_TS + MAX_PAYLOAD_SIZE;

/** Options of an {@link Encoder}. */
export interface EncoderOptions {
  /** Initial buffer size in bytes (at least 64); the buffer doubles as needed. Default 2048. */
  initialBufferSize?: number;
  /** Depth limits applied while encoding (cycles hit `maxDepth`). Default {@link DEFAULT_LIMITS}. */
  limits?: Partial<Limits>;
}

/**
 * A reusable CLASP encoder. Not re-entrant; one instance per thread of use is enough, and the
 * module-level façades share one. Every call starts from a clean state, so an instance keeps
 * working after any {@link ClaspEncodeError}.
 */
export class Encoder {
  /** @internal */ buf: Uint8Array;
  /** @internal */ view: DataView;
  /** @internal */ pos = 0;
  /** @internal */ readonly limits: Limits;

  constructor(options: EncoderOptions = {}) {
    this.buf = new Uint8Array(Math.max(64, options.initialBufferSize ?? 2048));
    this.view = new DataView(this.buf.buffer);
    this.limits = resolveLimits(options.limits);
  }

  /**
   * Encodes a message into a full frame and returns a **view into the encoder's buffer**, valid
   * only until the next call on this encoder. Use it to hand bytes straight to `WebSocket.send`;
   * anything that keeps the bytes (a recorder) must copy them or use {@link encodeFrame}.
   * @param options.qos frame QoS, default Rust `default_qos` of the message; `options.timestamp` µs.
   * @throws ClaspEncodeError
   */
  encodeFrameSharedRef(message: Message, options?: FrameOptions): Uint8Array {
    const end = this.writeFrame(message, options); // may grow (replace) this.buf
    return this.buf.subarray(0, end);
  }

  /**
   * Encodes a message into a full frame and returns a copy of exact length with its own
   * `ArrayBuffer` (offset 0), safe to keep, transfer or store.
   * @throws ClaspEncodeError
   */
  encodeFrame(message: Message, options?: FrameOptions): Uint8Array {
    const end = this.writeFrame(message, options); // may grow (replace) this.buf
    return this.buf.slice(0, end);
  }

  /** Writes the frame at offset 0 of the buffer; returns its length. */
  private writeFrame(message: Message, options: FrameOptions | undefined): number {
    const timestamp = options?.timestamp;
    const headerSize = timestamp === undefined ? HEADER_SIZE : HEADER_SIZE_WITH_TS;
    this.pos = headerSize;
    const defaultQoS = this.writeChecked(message);
    const end = this.pos;
    const payloadLength = end - headerSize;
    if (payloadLength > MAX_PAYLOAD_SIZE) this.tooLarge('payload', payloadLength);
    const qos = options?.qos ?? defaultQoS;
    if (qos !== 0 && qos !== 1 && qos !== 2) throw rangeError(qos, 'QoS (0, 1 or 2)', 'qos');
    const buf = this.buf;
    buf[0] = MAGIC_BYTE;
    buf[1] = ((qos & 3) << 6) | (timestamp === undefined ? 0 : 0x20) | 0x01;
    buf[2] = payloadLength >>> 8;
    buf[3] = payloadLength & 0xff;
    if (timestamp !== undefined) {
      this.pos = 4;
      this.u64(timestamp, 'timestamp');
      this.pos = end;
    }
    return end;
  }

  /**
   * Writes the payload. The field checks test what a field must be; a `null` where an object
   * belongs (`meta: null`, a `null` param) fails deeper, as a TypeError, and is reported like any
   * other wrong field, so that every encode fails with a ClaspEncodeError.
   */
  private writeChecked(message: Message): QoS {
    try {
      return writeMessage(this, message, 0);
    } catch (e) {
      if (e instanceof TypeError) throw new ClaspEncodeError('bad-field', `malformed message (${e.message})`, '');
      throw e;
    }
  }

  /**
   * Encodes a message payload (no frame header) and returns a copy of exact length.
   * @throws ClaspEncodeError
   */
  encodePayload(message: Message): Uint8Array {
    this.pos = 0; // the buffer is never below 64 bytes: room for any type byte and flags
    this.writeChecked(message);
    if (this.pos > MAX_PAYLOAD_SIZE) this.tooLarge('payload', this.pos);
    return this.buf.slice(0, this.pos);
  }

  /**
   * @internal Makes room for `n` more bytes. Kept small, with the growth out of line: TurboFan
   * inlines callees only up to a bytecode budget per optimized function, and the old 161-byte
   * `ensure`, inlined at every field, used it up before the string and number writers of a
   * message got inlined (seen with `--trace-turbo-inlining`). The same holds for the split
   * number / string / value paths below.
   */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
  }

  private grow(need: number): void {
    if (this.pos > MAX_FRAME_SIZE) this.tooLarge('payload', this.pos);
    const next = new Uint8Array(Math.max(this.buf.length * 2, need));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** @internal */ u8(v: number, path: string): void {
    if ((v & 0xff) !== v) throw rangeError(v, 'u8', path);
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** @internal */ u16(v: number, path: string): void {
    if ((v & 0xffff) !== v) throw rangeError(v, 'u16', path);
    this.count(v, path);
  }

  /** @internal */ u32(v: number, path: string): void {
    if (v >>> 0 !== v) throw rangeError(v, 'u32', path);
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  /** @internal Writes a u64 from a bigint or a non-negative safe-integer number; bigints and errors out of line (see {@link ensure}). */
  u64(v: U64, path: string): void {
    if (!isU64Number(v)) return this.u64Big(v, path);
    this.ensure(8);
    this.pos = putU64(this.view, this.pos, v);
  }

  private u64Big(v: U64, path: string): void {
    // In range exactly when wrapping to 64 bits leaves it unchanged (0 … 2^64−1).
    if (!(typeof v === 'bigint' && BigInt.asUintN(64, v) === v)) throw rangeError(v, 'u64', path);
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
  }

  /** @internal */ f64(v: number, path: string): void {
    if (typeof v !== 'number') throw badField(path, 'a number');
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  /**
   * @internal Writes `str`: u16 byte length + UTF-8. Strings of up to {@link SHORT_STRING}
   * units cannot exceed the u16 length in UTF-8, so only longer ones (and non-strings) take the
   * checked path, out of line (see {@link ensure}).
   */
  str(s: string, path: string): void {
    if (typeof s !== 'string' || s.length > SHORT_STRING) return this.strChecked(s, path);
    this.ensure(2 + s.length * 3);
    this.pos = putStr(this.buf, this.pos, s);
  }

  private strChecked(s: string, path: string): void {
    if (typeof s !== 'string') throw badField(path, 'a string');
    if (s.length > MAX_PAYLOAD_SIZE) this.tooLarge(path, s.length);
    this.ensure(2 + s.length * 3);
    const end = putStr(this.buf, this.pos, s);
    const written = end - this.pos - 2;
    // putStr's length prefix is truncated beyond 65 535, but then nothing of this frame is used.
    if (written > MAX_PAYLOAD_SIZE) this.tooLarge(path, written);
    this.pos = end;
  }

  /** @internal Writes a `tv`: type byte + value data. Numbers (the most common value) inline, the rest out of line (see {@link ensure}). */
  value(v: Value | undefined, depth: number, path: string): void {
    if (typeof v !== 'number') return this.valueOther(v, depth, path);
    this.ensure(9);
    this.buf[this.pos] = VAL_F64;
    this.view.setFloat64(this.pos + 1, v);
    this.pos += 9;
  }

  private valueOther(v: Value | undefined, depth: number, path: string): void {
    if (typeof v === 'string') {
      this.ensure(1);
      this.buf[this.pos++] = VAL_STRING;
      this.str(v, path);
      return;
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      // Plain-object maps ({ x, y }) skip the type dispatch too (measured with npm run bench:codec).
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        this.ensure(1);
        this.buf[this.pos++] = VAL_MAP;
        this.objectMap(v as Record<string, Value>, depth + 1, path);
        return;
      }
    }
    const type = valueType(v, path);
    this.ensure(1);
    this.buf[this.pos++] = type;
    this.valueData(v, type, depth, path);
  }

  /** @internal Writes value data of an already chosen type (SET writes the type in its flags). */
  valueData(v: Value | undefined, type: number, depth: number, path: string): void {
    switch (type) {
      case VAL_NULL:
        return;
      case VAL_BOOL:
        this.u8(v ? 1 : 0, path);
        return;
      case VAL_I64: {
        const i = v as bigint;
        if (BigInt.asIntN(64, i) !== i) throw rangeError(i, 'i64', path); // −2^63 … 2^63−1
        this.ensure(8);
        this.view.setBigInt64(this.pos, i);
        this.pos += 8;
        return;
      }
      case VAL_F64:
        this.f64(v as number, path);
        return;
      case VAL_STRING:
        this.str(v as string, path);
        return;
      case VAL_BYTES:
        this.bytes(v as Uint8Array, path);
        return;
      case VAL_ARRAY:
        this.array(v as readonly Value[], depth + 1, path);
        return;
      default:
        this.map(v as ReadonlyMap<string, Value> | Record<string, Value>, depth + 1, path);
    }
  }

  private bytes(b: Uint8Array, path: string): void {
    this.count(b.length, path);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  private array(a: readonly Value[], depth: number, path: string): void {
    if (depth > this.limits.maxDepth) this.tooDeep('maxDepth', path);
    const n = a.length;
    this.count(n, path);
    for (let i = 0; i < n; i++) this.value(a[i], depth, path);
  }

  private map(m: ReadonlyMap<string, Value> | Record<string, Value>, depth: number, path: string): void {
    if (!(m instanceof Map)) return this.objectMap(m as Record<string, Value>, depth, path);
    if (depth > this.limits.maxDepth) this.tooDeep('maxDepth', path);
    this.count(m.size, path);
    for (const [k, v] of m as ReadonlyMap<string, Value>) {
      this.str(k, path);
      this.value(v, depth, path);
    }
  }

  /** A plain object's own enumerable keys as a MAP, in one for-in pass with the count back-patched (no `Object.keys` array). */
  private objectMap(m: Record<string, Value>, depth: number, path: string): void {
    if (depth > this.limits.maxDepth) this.tooDeep('maxDepth', path);
    this.ensure(2);
    const countAt = this.pos;
    this.pos += 2;
    let n = 0;
    for (const k in m) {
      if (!Object.prototype.hasOwnProperty.call(m, k)) continue; // never inherited (polluted) keys
      this.str(k, path);
      this.value(m[k], depth, path);
      n++;
    }
    if (n > 0xffff) this.tooLarge(path, n);
    this.view.setUint16(countAt, n);
  }

  /** @internal Writes a u16 count, refusing counts the u16 would truncate (Rust `as u16` would). */
  count(n: number, path: string): void {
    if (n > 0xffff) this.tooLarge(path, n);
    this.ensure(2);
    this.view.setUint16(this.pos, n);
    this.pos += 2;
  }

  /** @internal */ tooLarge(path: string, n: number): never {
    throw new ClaspEncodeError('too-large', `${n} exceeds the u16 length limit of 65535`, path);
  }

  /** @internal Throws `limit-exceeded`: values nested deeper than `maxDepth`, or bundles than `maxBundleDepth`. */
  tooDeep(limit: 'maxDepth' | 'maxBundleDepth', path: string): never {
    const what = limit === 'maxDepth' ? 'values' : 'bundles';
    throw new ClaspEncodeError('limit-exceeded', `${what} nested deeper than ${limit} ${this.limits[limit]}`, path);
  }
}
