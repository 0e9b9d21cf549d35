/**
 * Entry `clasp-wasm-transport/codec`: the CLASP codec, tree-shakable. `encode*` and `decode*` live
 * in separate modules, so an encode-only import carries no decoder, and a decode import carries no
 * MessagePack reader: legacy v0 payloads decode after `registerLegacy()` from
 * `clasp-wasm-transport/legacy` (the root entry decodes them without it). `inspect` and `summarize`
 * always read v0.
 *
 * @packageDocumentation
 */

export * from './protocol/api.js';
export { encode, encodeMessage, encodeMessageSharedRef, encodeMessageBinary } from './protocol/encode.js';
export { decode, decodeMessage, decodeMessageBinary } from './protocol/decode.js';
