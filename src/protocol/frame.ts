/**
 * The frame header (`frame.rs`): magic `0x53`, flags, u16 payload length, optional u64 µs
 * timestamp. Bytes after the declared payload are ignored, as `Frame::decode` does.
 *
 * @packageDocumentation
 */
import { HEADER_SIZE, HEADER_SIZE_WITH_TS, MAGIC_BYTE, MAX_PAYLOAD_SIZE, QoS } from './codes.js';
import { ClaspDecodeError, ClaspEncodeError, prettyByte } from './errors.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import type { DecodedFrame, FrameFlags, FrameOptions } from './types.js';
import { readU16, readU64, isBytes } from './bytes.js';

/**
 * Packs frame flags into the flags byte. A missing `version` is 1 (binary), as in
 * `@clasp-to/core`; QoS is masked to 2 bits and version to 3.
 */
export function encodeFlags(flags: Partial<FrameFlags>): number {
  return (((flags.qos ?? 0) & 3) << 6) | (flags.hasTimestamp ? 0x20 : 0) | (flags.encrypted ? 0x10 : 0) |
    (flags.compressed ? 0x08 : 0) | ((flags.version ?? 1) & 7);
}

/** Splits a flags byte. QoS bits `11` (reserved) give Fire, as Rust `FrameFlags::from_byte`. */
export function decodeFlags(byte: number): FrameFlags {
  const qos = (byte >> 6) & 3;
  return {
    qos: qos === 3 ? QoS.Fire : (qos as QoS),
    hasTimestamp: (byte & 0x20) !== 0,
    encrypted: (byte & 0x10) !== 0,
    compressed: (byte & 0x08) !== 0,
    version: byte & 0x07,
  };
}

/** @internal The parsed header of one frame. */
export interface FrameHeader {
  flags: FrameFlags;
  timestamp: bigint | undefined;
  payloadStart: number;
  payloadEnd: number;
}

/** @internal Parses and bounds-checks a frame header at offset 0 of `input`. */
export function parseFrameHeader(input: Uint8Array, limits: Limits): FrameHeader {
  if (input.length < HEADER_SIZE) {
    throw new ClaspDecodeError('truncated', `frame needs at least ${HEADER_SIZE} bytes, have ${input.length}`, input.length);
  }
  const magic = input[0] as number;
  if (magic !== MAGIC_BYTE) throw new ClaspDecodeError('bad-magic', `bad magic byte ${prettyByte(magic)}, expected 0x53`, 0, magic);
  const flags = decodeFlags(input[1] as number);
  const length = readU16(input, 2);
  if (length > limits.maxPayloadSize) {
    throw new ClaspDecodeError('limit-exceeded', `payload length ${length} exceeds maxPayloadSize ${limits.maxPayloadSize}`, 2);
  }
  const payloadStart = flags.hasTimestamp ? HEADER_SIZE_WITH_TS : HEADER_SIZE;
  const payloadEnd = payloadStart + length;
  if (input.length < payloadEnd) {
    const at = flags.hasTimestamp && input.length < HEADER_SIZE_WITH_TS ? HEADER_SIZE : Math.min(input.length, payloadStart);
    throw new ClaspDecodeError('truncated', `frame needs ${payloadEnd} bytes, have ${input.length}`, at);
  }
  const timestamp = flags.hasTimestamp ? readU64(input, 4) : undefined;
  return { flags, timestamp, payloadStart, payloadEnd };
}

/**
 * The total size of the first frame in `data` when `data` holds all of it, else `null` (too
 * short **or** wrong magic — indistinguishable, as in Rust `Frame::check_complete`).
 */
export function checkComplete(data: Uint8Array): number | null {
  if (data.length < HEADER_SIZE || data[0] !== MAGIC_BYTE) return null;
  const headerSize = ((data[1] as number) & 0x20) !== 0 ? HEADER_SIZE_WITH_TS : HEADER_SIZE;
  const total = headerSize + (((data[2] as number) << 8) | (data[3] as number));
  return data.length >= total ? total : null;
}

/**
 * Wraps a raw payload into a frame (version 1, not encrypted, not compressed).
 * @param options.qos default Fire; `options.timestamp` (µs) sets the timestamp flag.
 * @throws ClaspEncodeError `too-large` above 65535 bytes, `out-of-range` for a bad timestamp.
 */
export function encodeFrame(payload: Uint8Array, options: FrameOptions = {}): Uint8Array {
  if (payload.length > MAX_PAYLOAD_SIZE) {
    throw new ClaspEncodeError('too-large', `payload of ${payload.length} bytes exceeds 65535`, 'payload');
  }
  const ts = options.timestamp;
  const headerSize = ts === undefined ? HEADER_SIZE : HEADER_SIZE_WITH_TS;
  const frame = new Uint8Array(headerSize + payload.length);
  const view = new DataView(frame.buffer);
  frame[0] = MAGIC_BYTE;
  frame[1] = encodeFlags({ qos: options.qos ?? QoS.Fire, hasTimestamp: ts !== undefined, version: 1 });
  view.setUint16(2, payload.length);
  if (ts !== undefined) view.setBigUint64(4, toU64(ts));
  frame.set(payload, headerSize);
  return frame;
}

function toU64(v: bigint | number): bigint {
  if (typeof v === 'number' ? Number.isSafeInteger(v) && v >= 0 : typeof v === 'bigint' && v >= 0n && v < 2n ** 64n) return BigInt(v);
  throw new ClaspEncodeError('out-of-range', `${String(v)} is not a valid u64`, 'timestamp');
}

/**
 * Splits a frame into flags, timestamp and a **copy** of its payload (like `@clasp-to/core`).
 * @throws ClaspDecodeError `truncated`, `bad-magic`, `limit-exceeded`.
 */
export function decodeFrame(data: Uint8Array, limits: Limits = DEFAULT_LIMITS): DecodedFrame {
  if (!isBytes(data)) throw new ClaspDecodeError('truncated', 'input is not a Uint8Array', 0);
  const h = parseFrameHeader(data, limits);
  return {
    payload: data.slice(h.payloadStart, h.payloadEnd),
    qos: h.flags.qos,
    timestamp: h.timestamp,
    flags: h.flags,
    frameLength: h.payloadEnd,
  };
}
