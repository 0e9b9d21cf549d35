/**
 * The codec API shared by the root entry (`src/protocol/index.ts`) and the tree-shakable
 * `clasp-wasm-transport/codec` entry (`src/codec.ts`): everything except the one-call
 * encode/decode façades, which each entry picks for itself.
 *
 * @packageDocumentation
 */

// Frames, field trees, summaries
export { encodeFrame, decodeFrame, checkComplete, encodeFlags, decodeFlags } from './frame.js';
export { inspect } from './inspect.js';
export { summarize } from './summarize.js';

// Engines
export { Encoder } from './Encoder.js';
export type { EncoderOptions } from './Encoder.js';
export { Decoder } from './Decoder.js';
export type { LegacyDecoder } from './legacy-registry.js';
export type { DecoderOptions } from './Decoder.js';

// Errors and limits
export { ClaspDecodeError, ClaspEncodeError, DECODE_ERROR_CODES, ENCODE_ERROR_CODES } from './errors.js';
export type { DecodeErrorCode, EncodeErrorCode } from './errors.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { Limits } from './limits.js';

// Code tables
export {
  MAGIC_BYTE, HEADER_SIZE, HEADER_SIZE_WITH_TS, MAX_PAYLOAD_SIZE, PROTOCOL_VERSION, WS_SUBPROTOCOL, DEFAULT_WS_PORT, DEFAULT_DISCOVERY_PORT,
  MSG, VAL, SIG, PHASE, QoS, QOS_NAMES, FEDERATION_OP, ERROR_CODE, SIGNAL_NAMES, PHASE_NAMES, defaultQoS, messageTypeName,
} from './codes.js';
export type { MessageTypeName, SignalType, GesturePhase, FederationOp } from './codes.js';

// Message shapes
export type {
  U64, Value, FrameFlags, FrameOptions, DecodedFrame, DecodedMessageFrame, Message, DecodedMessage,
  HelloMessage, WelcomeMessage, AnnounceMessage, FederationSyncMessage, SubscribeMessage, SubscribeOptions,
  UnsubscribeMessage, PublishMessage, TimelineKeyframe, SetMessage, GetMessage, SnapshotMessage, ParamValue,
  ReplayMessage, BundleMessage, SyncMessage, PingMessage, PongMessage, AckMessage, ErrorMessage, QueryMessage,
  ResultMessage, SignalDefinition, SignalMeta,
} from './types.js';
export type { InspectNode } from './inspect-types.js';
export type { FrameSummary } from './summarize.js';
