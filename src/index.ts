/**
 * Package entry (`clasp-wasm-transport`): a plain list of re-exports of each part's public API.
 * Everything here runs in browsers (and Node where the platform API exists). The development relay
 * is Node-only and has its own entry, `clasp-wasm-transport/relay`.
 *
 * @packageDocumentation
 */

// Codec (src/protocol)
export * from './protocol/index.js';
// Browser WebSocket transport and the DevTools hook contract (src/transport)
export * from './transport/index.js';
// Host side of the Rust bridge (src/wasm)
export * from './wasm/index.js';
// IndexedDB frame recorder (src/recorder)
export * from './recorder/index.js';
