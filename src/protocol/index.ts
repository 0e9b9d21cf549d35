/**
 * The CLASP codec as the root entry `clasp-wasm-transport` exports it: byte-exact with Rust
 * `clasp-core`, API shaped like `@clasp-to/core`, and decoding legacy v0 MessagePack payloads
 * without a registration call. `clasp-wasm-transport/codec` (`src/codec.ts`) is the same API with
 * separate encode and decode modules and v0 behind `registerLegacy()`.
 *
 * @packageDocumentation
 */

export * from './api.js';
export { encode, encodeMessage, encodeMessageSharedRef, encodeMessageBinary, decode, decodeMessage, decodeMessageBinary } from './codec.js';
export { decodeLegacy, registerLegacy } from './legacy.js';
