/**
 * Decoding façades over one shared {@link Decoder}, named and shaped as in `@clasp-to/core`: the
 * `clasp-wasm-transport/codec` entry. Legacy v0 MessagePack payloads decode only after
 * `registerLegacy()` (from `clasp-wasm-transport/legacy`), so a decode-only bundle carries no
 * MessagePack reader unless it asks for one; without it they fail with `legacy-not-enabled`.
 *
 * @packageDocumentation
 */
import { Decoder } from './Decoder.js';
import type { DecodedMessage, DecodedMessageFrame } from './types.js';

// Pure: a bundle that keeps no decode façade (or ignores "sideEffects") drops the instance and the engine.
const sharedDecoder = /* @__PURE__ */ new Decoder();

/**
 * Decodes one frame into its message. Bytes after the frame are ignored.
 * @throws ClaspDecodeError (the only error it throws) with `code` and byte `offset`.
 * @example decode(bytes).type === 'SET'
 */
export function decode(bytes: Uint8Array): DecodedMessage {
  return sharedDecoder.decode(bytes);
}

/**
 * Decodes one frame into `{ message, flags, timestamp }`.
 * @throws ClaspDecodeError
 */
export function decodeMessage(bytes: Uint8Array): DecodedMessageFrame {
  return sharedDecoder.decodeMessage(bytes);
}

/**
 * Decodes a payload without frame header (v1 binary; legacy v0 MessagePack after
 * `registerLegacy()`), like `@clasp-to/core`'s `decodeMessageBinary`.
 * @throws ClaspDecodeError
 */
export function decodeMessageBinary(payload: Uint8Array): DecodedMessage {
  return sharedDecoder.decodePayload(payload);
}
