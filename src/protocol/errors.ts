/**
 * The two error classes of the codec. Decoding throws only {@link ClaspDecodeError};
 * encoding throws only {@link ClaspEncodeError}.
 *
 * @packageDocumentation
 */
import type { InspectNode } from './inspect-types.js';

/**
 * Every {@link DecodeErrorCode}:
 * - `truncated`: the input ends before a field (also an empty payload, an empty BUNDLE slot, or
 *   a count larger than the bytes left could hold);
 * - `bad-magic`: the first frame byte is not `0x53`;
 * - `unknown-message`: unknown message type code (binary) or `"type"` tag (v0);
 * - `unknown-value-type`: value type `0x0C`–`0xFF` (SET: flag nibble `0x0C`–`0x0F`);
 * - `unknown-federation-op`: FEDERATION_SYNC op outside 1–4;
 * - `limit-exceeded`: a {@link Limits} bound (value depth, bundle depth, payload size);
 * - `bad-utf8`: a string is not valid UTF-8 (strict, like Rust `String::from_utf8`);
 * - `bad-msgpack`: a legacy v0 payload is not valid MessagePack;
 * - `bad-field`: a v0 payload is valid MessagePack but a field is missing or mistyped;
 * - `legacy-not-enabled`: a v0 payload reached a decoder without the v0 reader (the
 *   `clasp-wasm-transport/codec` entry before `registerLegacy()`).
 */
export const DECODE_ERROR_CODES = [
  'truncated', 'bad-magic', 'unknown-message', 'unknown-value-type', 'unknown-federation-op',
  'limit-exceeded', 'bad-utf8', 'bad-msgpack', 'bad-field', 'legacy-not-enabled',
] as const;

/** Why a decode failed; see {@link DECODE_ERROR_CODES}. */
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

/**
 * Every {@link EncodeErrorCode}:
 * - `too-large`: a string, BYTES, count or payload longer than its u16 length field allows;
 * - `out-of-range`: a number that is not an integer in its field's range (u8/u16/u32/u64/i64, TTL);
 * - `unsupported-value`: a value CLASP cannot encode (function, symbol, `Date`, class instance,
 *   typed arrays other than `Uint8Array`, …);
 * - `unknown-message`: `message.type` is not a CLASP message type;
 * - `limit-exceeded`: values or bundles nested deeper than the limits (this also stops cycles);
 * - `bad-field`: a required field is missing or has the wrong JS type.
 */
export const ENCODE_ERROR_CODES = ['too-large', 'out-of-range', 'unsupported-value', 'unknown-message', 'limit-exceeded', 'bad-field'] as const;

/** Why an encode failed; see {@link ENCODE_ERROR_CODES}. */
export type EncodeErrorCode = (typeof ENCODE_ERROR_CODES)[number];

/** Formats a byte as `0xNN`. */
export function prettyByte(byte: number): string {
  return `0x${(byte & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The only error `decode`, `decodeMessage`, `decodeFrame`, `inspect` and `summarize` throw for
 * bad input. `offset` is the absolute byte offset into the bytes passed in where the problem
 * was seen.
 */
export class ClaspDecodeError extends Error {
  override readonly name = 'ClaspDecodeError';
  /** Machine-readable reason. */
  readonly code: DecodeErrorCode;
  /** Absolute byte offset of the offending field in the input. */
  readonly offset: number;
  /** The offending byte (type code, magic, …) when there is one. */
  readonly byte: number | undefined;
  /** Set by `inspect`: the tree read before the error, so a viewer can still show it. */
  partial?: InspectNode;

  constructor(code: DecodeErrorCode, message: string, offset: number, byte?: number) {
    // Built without a stack trace: it describes the input (code, offset, byte), not the call
    // path, and a peer sending garbage should not cost a stack walk per frame (measured: the
    // capture was ~80% of the cost of rejecting a frame; see fuzz.test.ts run time).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${message} (at byte ${offset})`);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.offset = offset;
    this.byte = byte;
  }
}

/** Thrown by the encoder for a message it cannot write byte-exactly. `path` names the field. */
export class ClaspEncodeError extends Error {
  override readonly name = 'ClaspEncodeError';
  /** Machine-readable reason. */
  readonly code: EncodeErrorCode;
  /** Dotted field path, e.g. `value[2].x` or `options.maxRate`. */
  readonly path: string;

  constructor(code: EncodeErrorCode, message: string, path: string) {
    super(path ? `${message} at ${path}` : message);
    this.code = code;
    this.path = path;
  }
}
