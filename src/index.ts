/**
 * Package entry: a plain list of re-exports of each part's public API.
 *
 * @packageDocumentation
 */

// Codec (src/protocol)
export * from './protocol/index.js';
