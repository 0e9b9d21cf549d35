/**
 * The decoding engine: bounded big-endian readers over the caller's bytes (no copy, no
 * per-frame `DataView`: see `bytes.ts`) that advance `pos`, strict UTF-8 strings and values.
 * Message layouts are in `decode-messages.ts`, frame headers in `frame.ts`.
 *
 * Every read is checked against `end`, the bound of the current frame payload or BUNDLE slot,
 * so a field can never be read from a neighbouring slot or from bytes outside the input.
 *
 * @packageDocumentation
 */
import { HEADER_SIZE, HEADER_SIZE_WITH_TS, MAGIC_BYTE, VAL } from './codes.js';
import { ClaspDecodeError, prettyByte } from './errors.js';
import { type Limits, resolveLimits } from './limits.js';
import { readMessage } from './decode-messages.js';
import { isMsgpackMap, type LegacyDecoder, registeredLegacyDecoder } from './legacy-registry.js';
import { parseFrameHeader } from './frame.js';
import { readF32, readF64, readI64, readU16, readU32, readU64, isBytes } from './bytes.js';
import type { DecodedMessage, DecodedMessageFrame, Value } from './types.js';
import { utf8Decode } from './utf8.js';

/** Options of a {@link Decoder}. */
export interface DecoderOptions {
  /** Bounds; missing fields default to {@link DEFAULT_LIMITS}. */
  limits?: Partial<Limits>;
  /**
   * Decoder of legacy v0 MessagePack payloads, e.g. `decodeLegacy` from `clasp-wasm-transport/legacy`.
   * Default: the one set by `registerLegacy()`, else none (v0 payloads fail with `legacy-not-enabled`).
   */
  legacy?: LegacyDecoder;
}

const EMPTY = new Uint8Array(0);

/**
 * A reusable CLASP decoder. State is reset at the start of every call, so an instance keeps
 * working after any {@link ClaspDecodeError}. Not re-entrant.
 */
export class Decoder {
  /** @internal */ bytes: Uint8Array = EMPTY;
  /** @internal */ pos = 0;
  /** @internal */ end = 0;
  /** @internal */ readonly limits: Limits;
  private readonly legacy: LegacyDecoder | undefined;

  constructor(options: DecoderOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.legacy = options.legacy;
  }

  /**
   * Decodes one frame: header, optional timestamp, then the payload (v1 binary or legacy v0
   * MessagePack, chosen by its first byte). Bytes after the frame are ignored, as in Rust.
   * @throws ClaspDecodeError
   */
  decodeMessage(input: Uint8Array): DecodedMessageFrame {
    this.setInput(input);
    const header = parseFrameHeader(input, this.limits);
    const message = this.decodePayloadAt(header.payloadStart, header.payloadEnd);
    return { message, flags: header.flags, timestamp: header.timestamp };
  }

  /**
   * Decodes one frame and returns only its message (no flags object is built).
   * @throws ClaspDecodeError
   */
  decode(input: Uint8Array): DecodedMessage {
    this.setInput(input);
    const n = input.length;
    if (n >= HEADER_SIZE && input[0] === MAGIC_BYTE) {
      const start = ((input[1] as number) & 0x20) !== 0 ? HEADER_SIZE_WITH_TS : HEADER_SIZE;
      const end = start + readU16(input, 2);
      if (end <= n && end - start <= this.limits.maxPayloadSize) return this.decodePayloadAt(start, end);
    }
    // Short, malformed or limit-breaking frames: the full header check with precise errors.
    const header = parseFrameHeader(input, this.limits);
    return this.decodePayloadAt(header.payloadStart, header.payloadEnd);
  }

  /**
   * Decodes a payload without frame header.
   * @throws ClaspDecodeError
   */
  decodePayload(payload: Uint8Array): DecodedMessage {
    this.setInput(payload);
    if (payload.length > this.limits.maxPayloadSize) {
      throw new ClaspDecodeError('limit-exceeded', `payload of ${payload.length} bytes exceeds maxPayloadSize ${this.limits.maxPayloadSize}`, 0);
    }
    return this.decodePayloadAt(0, payload.length);
  }

  private setInput(input: Uint8Array): void {
    if (!isBytes(input)) throw new ClaspDecodeError('truncated', 'input is not a Uint8Array', 0);
    this.bytes = input;
    this.pos = 0;
    this.end = input.length;
  }

  private decodePayloadAt(start: number, end: number): DecodedMessage {
    if (start >= end) throw new ClaspDecodeError('truncated', 'empty payload: needed 1 byte', start);
    if (isMsgpackMap(this.bytes[start] as number)) {
      const legacy = this.legacy ?? registeredLegacyDecoder();
      if (legacy === undefined) {
        throw new ClaspDecodeError('legacy-not-enabled',
          'legacy v0 MessagePack payload: decode it with the root entry, or call registerLegacy() from clasp-wasm-transport/legacy', start);
      }
      return legacy(this.bytes, start, end, this.limits);
    }
    this.pos = start;
    this.end = end;
    return readMessage(this, 0);
  }

  /** @internal Throws `truncated` unless `n` more bytes are available. */
  need(n: number): void {
    if (this.pos + n > this.end) this.truncated(n);
  }

  /** @internal */ truncated(n: number): never {
    throw new ClaspDecodeError('truncated', `needed ${n} bytes, have ${Math.max(0, this.end - this.pos)}`, this.pos);
  }

  /** @internal */ u8(): number {
    if (this.pos >= this.end) this.truncated(1);
    return this.bytes[this.pos++] as number;
  }

  /** @internal */ u16(): number {
    if (this.pos + 2 > this.end) this.truncated(2);
    const v = readU16(this.bytes, this.pos);
    this.pos += 2;
    return v;
  }

  /** @internal */ u32(): number {
    if (this.pos + 4 > this.end) this.truncated(4);
    const v = readU32(this.bytes, this.pos);
    this.pos += 4;
    return v;
  }

  /** @internal */ u64(): bigint {
    if (this.pos + 8 > this.end) this.truncated(8);
    const v = readU64(this.bytes, this.pos);
    this.pos += 8;
    return v;
  }

  /** @internal */ f64(): number {
    if (this.pos + 8 > this.end) this.truncated(8);
    const v = readF64(this.bytes, this.pos);
    this.pos += 8;
    return v;
  }

  /** @internal Reads `str`: u16 length + strict UTF-8. */
  str(): string {
    const len = this.u16();
    const start = this.pos;
    if (start + len > this.end) this.truncated(len);
    const s = utf8Decode(this.bytes, start, start + len);
    if (s === undefined) throw new ClaspDecodeError('bad-utf8', 'string is not valid UTF-8', start);
    this.pos = start + len;
    return s;
  }

  /**
   * @internal Reads a u16 count of items that each take at least `minItemBytes`, refusing counts
   * the remaining bytes cannot hold before anything is allocated.
   */
  count(minItemBytes: number): number {
    const at = this.pos;
    const n = this.u16();
    if (n * minItemBytes > this.end - this.pos) {
      throw new ClaspDecodeError('truncated', `count ${n} needs at least ${n * minItemBytes} bytes, have ${this.end - this.pos}`, at);
    }
    return n;
  }

  /** @internal Reads a `tv` (type byte + data). */
  value(depth: number): Value {
    return this.valueData(this.u8(), depth, this.pos - 1);
  }

  /** @internal Reads value data of type `type` (whose code sits at `typeAt`). */
  valueData(type: number, depth: number, typeAt: number): Value {
    switch (type) {
      case VAL.NULL: return null;
      case VAL.BOOL: return this.u8() !== 0;
      case VAL.I8: return BigInt((this.u8() << 24) >> 24);
      case VAL.I16: return BigInt((this.u16() << 16) >> 16);
      case VAL.I32: return BigInt(this.u32() | 0);
      case VAL.I64: { this.need(8); const v = readI64(this.bytes, this.pos); this.pos += 8; return v; }
      case VAL.F32: { this.need(4); const v = readF32(this.bytes, this.pos); this.pos += 4; return v; }
      case VAL.F64: return this.f64();
      case VAL.STRING: return this.str();
      case VAL.BYTES: {
        const len = this.u16();
        if (this.pos + len > this.end) this.truncated(len);
        // A copy: recorders and panels keep values long after the frame buffer is reused.
        const b = this.bytes.slice(this.pos, this.pos + len);
        this.pos += len;
        return b;
      }
      case VAL.ARRAY: return this.array(depth + 1, typeAt);
      case VAL.MAP: return this.map(depth + 1, typeAt);
      default:
        throw new ClaspDecodeError('unknown-value-type', `unknown value type ${prettyByte(type)}`, typeAt, type);
    }
  }

  private array(depth: number, at: number): Value[] {
    if (depth > this.limits.maxDepth) this.tooDeep(at);
    const n = this.count(1);
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth));
    return out;
  }

  private map(depth: number, at: number): Map<string, Value> {
    if (depth > this.limits.maxDepth) this.tooDeep(at);
    const n = this.count(3);
    const out = new Map<string, Value>();
    for (let i = 0; i < n; i++) {
      const key = this.str();
      // Duplicate keys: the last wins, as in Rust's HashMap; Map keeps the first position.
      out.set(key, this.value(depth));
    }
    return out;
  }

  private tooDeep(at: number): never {
    throw new ClaspDecodeError('limit-exceeded', `values nested deeper than maxDepth ${this.limits.maxDepth}`, at);
  }
}
