/**
 * Code tables of the CLASP wire format, named and valued exactly as in the Rust crate
 * `clasp-core` (`codec.rs` modules `msg`, `val`, `sig`, `phase`; `frame.rs`; `lib.rs`).
 * All multi-byte fields on the wire are big-endian.
 *
 * @packageDocumentation
 */

/** First byte of every frame (`MAGIC_BYTE` in `lib.rs`): ASCII `S`. */
export const MAGIC_BYTE = 0x53;
/** Frame header size without a timestamp: magic, flags, u16 payload length. */
export const HEADER_SIZE = 4;
/** Frame header size with the optional u64 µs timestamp. */
export const HEADER_SIZE_WITH_TS = 12;
/** Largest payload a frame can carry (the length field is a u16). */
export const MAX_PAYLOAD_SIZE = 65535;
/** `PROTOCOL_VERSION` in `lib.rs`; the version byte of HELLO/WELCOME. */
export const PROTOCOL_VERSION = 1;
/** WebSocket subprotocol (`WS_SUBPROTOCOL`). */
export const WS_SUBPROTOCOL = 'clasp';
/** Default WebSocket port of the router (`DEFAULT_WS_PORT`). */
export const DEFAULT_WS_PORT = 7330;
/** Default UDP discovery port (`DEFAULT_DISCOVERY_PORT`). */
export const DEFAULT_DISCOVERY_PORT = 7331;

// `MSG` codes as plain constants, for the encoder: bundlers inline them there.
export const MSG_HELLO = 0x01;
export const MSG_WELCOME = 0x02;
export const MSG_ANNOUNCE = 0x03;
export const MSG_FEDERATION_SYNC = 0x04;
export const MSG_SUBSCRIBE = 0x10;
export const MSG_UNSUBSCRIBE = 0x11;
export const MSG_PUBLISH = 0x20;
export const MSG_SET = 0x21;
export const MSG_GET = 0x22;
export const MSG_SNAPSHOT = 0x23;
export const MSG_REPLAY = 0x24;
export const MSG_BUNDLE = 0x30;
export const MSG_SYNC = 0x40;
export const MSG_PING = 0x41;
export const MSG_PONG = 0x42;
export const MSG_ACK = 0x50;
export const MSG_ERROR = 0x51;
export const MSG_QUERY = 0x60;
export const MSG_RESULT = 0x61;
/**
 * Message type codes (the first payload byte of a v1 binary message). The 17 codes of
 * `@clasp-to/core` plus `FEDERATION_SYNC` and `REPLAY`, which only the Rust crate knows.
 */
export const MSG = {
  HELLO: MSG_HELLO,
  WELCOME: MSG_WELCOME,
  ANNOUNCE: MSG_ANNOUNCE,
  FEDERATION_SYNC: MSG_FEDERATION_SYNC,
  SUBSCRIBE: MSG_SUBSCRIBE,
  UNSUBSCRIBE: MSG_UNSUBSCRIBE,
  PUBLISH: MSG_PUBLISH,
  SET: MSG_SET,
  GET: MSG_GET,
  SNAPSHOT: MSG_SNAPSHOT,
  REPLAY: MSG_REPLAY,
  BUNDLE: MSG_BUNDLE,
  SYNC: MSG_SYNC,
  PING: MSG_PING,
  PONG: MSG_PONG,
  ACK: MSG_ACK,
  ERROR: MSG_ERROR,
  QUERY: MSG_QUERY,
  RESULT: MSG_RESULT,
} as const;

/** A message type name, the `type` discriminant of {@link Message}. */
export type MessageTypeName = keyof typeof MSG;

// `VAL` codes as plain constants, for the encoder: bundlers inline them there.
export const VAL_NULL = 0x00;
export const VAL_BOOL = 0x01;
export const VAL_I8 = 0x02;
export const VAL_I16 = 0x03;
export const VAL_I32 = 0x04;
export const VAL_I64 = 0x05;
export const VAL_F32 = 0x06;
export const VAL_F64 = 0x07;
export const VAL_STRING = 0x08;
export const VAL_BYTES = 0x09;
export const VAL_ARRAY = 0x0a;
export const VAL_MAP = 0x0b;
/** Value type codes (`val` module). `0x0C`–`0xFF` are unknown. */
export const VAL = {
  NULL: VAL_NULL,
  BOOL: VAL_BOOL,
  I8: VAL_I8,
  I16: VAL_I16,
  I32: VAL_I32,
  I64: VAL_I64,
  F32: VAL_F32,
  F64: VAL_F64,
  STRING: VAL_STRING,
  BYTES: VAL_BYTES,
  ARRAY: VAL_ARRAY,
  MAP: VAL_MAP,
} as const;

// `SIG` codes as plain constants, for the encoder: bundlers inline them there.
export const SIG_PARAM = 0;
export const SIG_EVENT = 1;
export const SIG_STREAM = 2;
export const SIG_GESTURE = 3;
export const SIG_TIMELINE = 4;
/** Signal type codes (PUBLISH flags bits 7–5, ANNOUNCE/RESULT signal byte). Unknown codes decode as event. */
export const SIG = {
  PARAM: SIG_PARAM,
  EVENT: SIG_EVENT,
  STREAM: SIG_STREAM,
  GESTURE: SIG_GESTURE,
  TIMELINE: SIG_TIMELINE,
} as const;

// `PHASE` codes as plain constants, for the encoder: bundlers inline them there.
export const PHASE_START = 0;
export const PHASE_MOVE = 1;
export const PHASE_END = 2;
export const PHASE_CANCEL = 3;
/** Gesture phase codes (PUBLISH flags bits 2–0). Unknown codes decode as start. */
export const PHASE = {
  START: PHASE_START,
  MOVE: PHASE_MOVE,
  END: PHASE_END,
  CANCEL: PHASE_CANCEL,
} as const;

// `QoS` codes as plain constants, for the encoder: bundlers inline them there.
export const QOS_FIRE = 0;
export const QOS_CONFIRM = 1;
export const QOS_COMMIT = 2;
/**
 * Quality of service, frame flag bits 7–6. The reserved bit pattern `11` decodes as `Fire`,
 * as Rust's `FrameFlags::from_byte` does (`@clasp-to/core` would report 3).
 */
export const QoS = {
  Fire: QOS_FIRE,
  Confirm: QOS_CONFIRM,
  Commit: QOS_COMMIT,
} as const;
/** Names of the {@link QoS} levels by value (`QOS_NAMES[1]` is `'Confirm'`). */
export const QOS_NAMES = ['Fire', 'Confirm', 'Commit'] as const;
/** One of the {@link QoS} levels. */
export type QoS = (typeof QoS)[keyof typeof QoS];

/** FEDERATION_SYNC operation codes (`FederationOp` in `types.rs`). Other codes are a decode error. */
export const FEDERATION_OP = {
  DeclareNamespaces: 1,
  RequestSync: 2,
  RevisionVector: 3,
  SyncComplete: 4,
} as const;
/** A FEDERATION_SYNC operation name. */
export type FederationOp = keyof typeof FEDERATION_OP;

/** Error codes the Rust router defines (`ErrorCode` in `error.rs`). A decoder accepts any u16. */
export const ERROR_CODE = {
  InvalidFrame: 100,
  InvalidMessage: 101,
  UnsupportedVersion: 102,
  InvalidAddress: 200,
  AddressNotFound: 201,
  PatternError: 202,
  Unauthorized: 300,
  Forbidden: 301,
  TokenExpired: 302,
  RevisionConflict: 400,
  LockHeld: 401,
  InvalidValue: 402,
  InternalError: 500,
  ServiceUnavailable: 501,
  Timeout: 502,
} as const;

/** Signal type names, indexed by {@link SIG} code. */
export const SIGNAL_NAMES = ['param', 'event', 'stream', 'gesture', 'timeline'] as const;
/** A signal type name. */
export type SignalType = (typeof SIGNAL_NAMES)[number];

/** Gesture phase names, indexed by {@link PHASE} code. */
export const PHASE_NAMES = ['start', 'move', 'end', 'cancel'] as const;
/** A gesture phase name. */
export type GesturePhase = (typeof PHASE_NAMES)[number];

/** FEDERATION_SYNC op names, indexed by code − 1. */
export const FEDERATION_OP_NAMES = ['DeclareNamespaces', 'RequestSync', 'RevisionVector', 'SyncComplete'] as const;

/** SUBSCRIBE/REPLAY type-mask bits, in signal-code order (`0xFF` on the wire = all types). */
export const SIGNAL_MASK_BITS = [0x01, 0x02, 0x04, 0x08, 0x10] as const;

/** HELLO/WELCOME feature bits, in the order the decoder lists them. `federation` is HELLO-only. */
export const FEATURE_BITS = [
  ['param', 0x80],
  ['event', 0x40],
  ['stream', 0x20],
  ['gesture', 0x10],
  ['timeline', 0x08],
  ['federation', 0x04],
] as const;

/** Names by type code; built by a pure call so that bundles which never name a type drop it. */
const MSG_NAME_TABLE: readonly (MessageTypeName | undefined)[] = /* @__PURE__ */ nameTable();

function nameTable(): (MessageTypeName | undefined)[] {
  const table = new Array<MessageTypeName | undefined>(256).fill(undefined);
  for (const [name, code] of Object.entries(MSG) as [MessageTypeName, number][]) table[code] = name;
  return table;
}

/** The message type name of a type code, or `undefined` for an unknown code. */
export function messageTypeName(code: number): MessageTypeName | undefined {
  return MSG_NAME_TABLE[code & 0xff];
}

/** Signal name of a code; unknown codes are `event`, as in Rust and `@clasp-to/core`. */
export function signalFromCode(code: number): SignalType {
  return SIGNAL_NAMES[code] ?? 'event';
}

/** Signal code of a name; an absent or unknown name is event (1), as both encoders do. */
export function signalCode(signal: string | undefined): number {
  const code = signalIndex(signal);
  return code < 0 ? SIG_EVENT : code;
}

/**
 * @internal Signal code of a known name, −1 for any other. The one name → code table of the
 * encode path: the signal code, the type-mask bit (`1 << code`), the feature bit (`0x80 >> code`)
 * and PUBLISH's default QoS derive from it, so an encode-only bundle carries no name arrays or maps.
 */
export function signalIndex(name: string | undefined): number {
  switch (name) {
    case 'param': return SIG_PARAM;
    case 'event': return SIG_EVENT;
    case 'stream': return SIG_STREAM;
    case 'gesture': return SIG_GESTURE;
    case 'timeline': return SIG_TIMELINE;
    default: return -1;
  }
}

/** Phase name of a code; unknown codes are `start`. */
export function phaseFromCode(code: number): GesturePhase {
  return PHASE_NAMES[code] ?? 'start';
}

/** Phase code of a name; absent or unknown is start (0). */
export function phaseCode(phase: string | undefined): number {
  // Absent (the common case) first: the switch then only ever compares strings, which V8
  // reduces to pointer compares; an undefined among them makes every case a generic `===` call.
  if (phase === undefined) return PHASE_START;
  switch (phase) {
    case 'move': return PHASE_MOVE;
    case 'end': return PHASE_END;
    case 'cancel': return PHASE_CANCEL;
    default: return PHASE_START;
  }
}

/** Type mask of a signal list: `0xFF` (all) when absent or empty; unknown names are dropped. */
export function signalMask(types: readonly string[] | undefined): number {
  if (types === undefined || types.length === 0) return 0xff;
  let mask = 0;
  for (let i = 0; i < types.length; i++) {
    const code = signalIndex(types[i]);
    if (code >= 0) mask |= 1 << code; // SIGNAL_MASK_BITS[code]
  }
  return mask;
}

/** Signal list of a type mask: `0xFF` and `0x00` both mean all types and give `[]`. */
export function signalsFromMask(mask: number): SignalType[] {
  const out: SignalType[] = [];
  if (mask === 0xff) return out;
  for (let i = 0; i < SIGNAL_NAMES.length; i++) {
    if (mask & (SIGNAL_MASK_BITS[i] ?? 0)) out.push(SIGNAL_NAMES[i] as SignalType);
  }
  return out;
}

/** Bit of one feature name ({@link FEATURE_BITS}: a signal's is `0x80 >> code`); unknown names are 0. */
function featureBit(name: string | undefined): number {
  const code = signalIndex(name);
  if (code >= 0) return 0x80 >> code;
  return name === 'federation' ? 0x04 : 0;
}

/** Feature bitmask of a feature list. `federation` (0x04) only when `allowFederation` (HELLO). */
export function featureMask(features: readonly string[] | undefined, allowFederation: boolean): number {
  let mask = 0;
  if (features === undefined) return mask;
  for (let i = 0; i < features.length; i++) mask |= featureBit(features[i]);
  return allowFederation ? mask : mask & ~0x04;
}

/** Feature list of a bitmask, in the fixed order of {@link FEATURE_BITS}. */
export function featuresFromMask(mask: number, allowFederation: boolean): string[] {
  const out: string[] = [];
  for (const [name, bit] of FEATURE_BITS) {
    if (mask & bit && (allowFederation || name !== 'federation')) out.push(name);
  }
  return out;
}

/**
 * The QoS Rust's `Message::default_qos` gives a message (what {@link encode} uses when no QoS
 * is passed). Differs from `@clasp-to/core` for PUBLISH timeline (Commit, JS: Confirm), PUBLISH
 * without a signal (Fire, JS: Confirm), and the Rust-only FEDERATION_SYNC/REPLAY (Confirm).
 */
export function defaultQoS(message: { readonly type: string; readonly signal?: string | undefined }): QoS {
  switch (message.type) {
    case 'SET':
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
    case 'FEDERATION_SYNC':
    case 'REPLAY':
      return QOS_CONFIRM;
    case 'BUNDLE':
      return QOS_COMMIT;
    case 'PUBLISH':
      return publishQoS(message.signal);
    default:
      return QOS_FIRE;
  }
}

/** Rust `default_qos` of a PUBLISH: by signal name; absent or unknown (unlike the signal code) is Fire. */
export function publishQoS(signal: string | undefined): QoS {
  return publishQoSOf(signal === undefined ? -1 : signalIndex(signal)); // see phaseCode
}

/** @internal {@link publishQoS} of a {@link signalIndex} (−1: absent or unknown). */
export function publishQoSOf(index: number): QoS {
  if (index === SIG_TIMELINE) return QOS_COMMIT;
  return index === SIG_PARAM || index === SIG_EVENT ? QOS_CONFIRM : QOS_FIRE;
}
