/**
 * The JavaScript host of `wasm-bridge`: runs Rust-compiled CLASP clients on the TypeScript
 * transport. The ABI's numbers are under the `abi` namespace (they mirror `wasm-bridge/src/abi.rs`).
 * @packageDocumentation
 */
export { WasmBridge, WasmPanicError } from './bridge.js';
export type { WasmBridgeOptions, WasmLogLevel, WasmSource } from './bridge.js';
export { HostConnection, RELEASE_CLOSE_CODE } from './connection.js';
export type { ConnectFunction, TransportPair, DeliverTarget } from './connection.js';
export * as abi from './abi.js';
export type { HostImports, BridgeExports } from './abi.js';
