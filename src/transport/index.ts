/**
 * The browser WebSocket transport for CLASP.
 * @packageDocumentation
 */
export { WasmWebSocketTransport, WasmWebSocketSender, WasmWebSocketReceiver } from './transport.js';
export type { WasmWebSocketConnection } from './transport.js';
export { TRANSPORT_DEFAULTS, MAX_CLOSE_REASON_BYTES, reconnectDelay, validateClose } from './config.js';
export type {
  WasmWebSocketConfig,
  ReconnectPolicy,
  KeepalivePolicy,
  CloseInfo,
  WebSocketConstructor,
} from './config.js';
export { TransportError } from './errors.js';
export type { TransportErrorDetails } from './errors.js';
export { KEEPALIVE_PING_FRAME } from './keepalive.js';
export { RECEIVE_QUEUE_FULL_CLOSE_CODE } from './session.js';
export { DEVTOOLS_HOOK_KEY, DEVTOOLS_HOOK_VERSION, getDevtoolsHook } from './devtools-hook.js';
export type {
  ClaspDevtoolsEvent,
  ClaspDevtoolsHook,
  FrameDirection,
  HookCloseEvent,
  HookConnectionEvent,
  HookErrorEvent,
  HookFrameEvent,
  HookOpenEvent,
} from './devtools-hook.js';
export type {
  ConnectionState,
  TransportErrorCode,
  TransportErrorLike,
  TransportEvent,
  TransportReceiver,
  TransportSender,
} from './types.js';
