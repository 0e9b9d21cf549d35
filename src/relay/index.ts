/**
 * The CLASP development relay (Node). Production uses `clasp-relay`.
 * @packageDocumentation
 */
export { startRelay } from './server.js';
export type { Relay, RelayOptions } from './server.js';
export { ClaspRouter } from './router.js';
export type { RelayClient, RouterOptions } from './router.js';
export { ParamStore } from './params.js';
export type { SetRefusal } from './params.js';
export { compilePattern, isValidPattern } from './patterns.js';
export type { AddressMatcher } from './patterns.js';
export { createStaticHandler, CONTENT_TYPES } from './static-files.js';
