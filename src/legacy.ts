/**
 * Entry `clasp-wasm-transport/legacy`: decoding of legacy v0 MessagePack payloads (brings
 * `@msgpack/msgpack`) for the `clasp-wasm-transport/codec` entry. Call `registerLegacy()` once, or
 * pass `decodeLegacy` to a `new Decoder({ legacy })`.
 *
 * @packageDocumentation
 */

export { decodeLegacy, registerLegacy } from './protocol/legacy.js';
export type { LegacyDecoder } from './protocol/legacy-registry.js';
