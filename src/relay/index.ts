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
export type { RouterStats, RouterWork } from './router.js';
export type { FlowOptions } from './connection.js';
export { compileAddressPattern, addressSegments, AddressPatternError, PATTERN_LIMITS } from '../protocol/address-pattern.js';
export type { AddressPattern, AddressSegments, MatchMeter } from '../protocol/address-pattern.js';
export { createStaticHandler, CONTENT_TYPES } from './static-files.js';
