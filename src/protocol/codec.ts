/**
 * The root entry's façades: encoding as in `encode.ts`, decoding like `decode.ts` but always with
 * the legacy v0 MessagePack reader, as `clasp-wasm-transport` has done since 0.1.0.
 *
 * @packageDocumentation
 */
import { Decoder } from './Decoder.js';
import { decodeLegacy } from './legacy.js';
import type { DecodedMessage, DecodedMessageFrame } from './types.js';

export { encode, encodeMessage, encodeMessageSharedRef, encodeMessageBinary } from './encode.js';

const fullDecoder = new Decoder({ legacy: decodeLegacy });

/**
 * Decodes one frame into its message. Bytes after the frame are ignored.
 * @throws ClaspDecodeError (the only error it throws) with `code` and byte `offset`.
 * @example decode(bytes).type === 'SET'
 */
export function decode(bytes: Uint8Array): DecodedMessage {
  return fullDecoder.decode(bytes);
}

/**
 * Decodes one frame into `{ message, flags, timestamp }`.
 * @throws ClaspDecodeError
 */
export function decodeMessage(bytes: Uint8Array): DecodedMessageFrame {
  return fullDecoder.decodeMessage(bytes);
}

/**
 * Decodes a payload without frame header (v1 binary or legacy v0 MessagePack), like
 * `@clasp-to/core`'s `decodeMessageBinary`.
 * @throws ClaspDecodeError
 */
export function decodeMessageBinary(payload: Uint8Array): DecodedMessage {
  return fullDecoder.decodePayload(payload);
}
