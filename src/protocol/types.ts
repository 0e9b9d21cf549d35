/**
 * Message and value shapes. Names and fields follow `@clasp-to/core` (camelCase, `type: 'SET'`),
 * extended with the Rust-only FEDERATION_SYNC and REPLAY, SET TTL, and exact 64-bit integers.
 *
 * u64 fields (revision, timestamps, time, t1–t3, from/to, sinceRevision) are generic in `W`:
 * the decoder always produces `bigint` ({@link DecodedMessage}); the encoder accepts `bigint` or a
 * non-negative safe-integer `number` ({@link Message}).
 *
 * @packageDocumentation
 */
import type { FederationOp, GesturePhase, QoS, SignalType } from './codes.js';

/** A u64 field as the encoder accepts it. The decoder always yields `bigint`. */
export type U64 = bigint | number;

/**
 * A CLASP value.
 * - `null` ↔ NULL; `boolean` ↔ BOOL.
 * - `bigint` ↔ integers: i8/i16/i32/i64 decode to `bigint`; a `bigint` encodes as i64 (`0x05`),
 *   as Rust writes `Value::Int`.
 * - `number` ↔ floats: f32/f64 decode to `number`; every `number` (integers too) encodes as f64
 *   (`0x07`), exactly as `@clasp-to/core` does.
 * - `string` ↔ STRING; `Uint8Array` ↔ BYTES (decoded as a copy).
 * - arrays ↔ ARRAY; `Map<string, Value>` ↔ MAP (decoded as a `Map`, entry order kept). Plain
 *   objects are accepted on encode (their `Object.keys` order) but never produced by decode.
 */
export type Value =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | readonly Value[]
  | ReadonlyMap<string, Value>
  | { readonly [key: string]: Value };

/** Frame flags byte, split into its fields. */
export interface FrameFlags {
  /** Bits 7–6. The reserved pattern `11` decodes as Fire (Rust). */
  qos: QoS;
  /** Bit 5: an 8-byte µs timestamp follows the length. */
  hasTimestamp: boolean;
  /** Bit 4: parsed and otherwise ignored, as in Rust (no algorithm is specified). */
  encrypted: boolean;
  /** Bit 3: parsed and otherwise ignored, as in Rust. */
  compressed: boolean;
  /** Bits 2–0: 0 = legacy MessagePack, ≥ 1 = binary. Informational: the payload's first byte decides. */
  version: number;
}

/** HELLO `0x01`. */
export interface HelloMessage {
  type: 'HELLO';
  version: number;
  name: string;
  /** `param`, `event`, `stream`, `gesture`, `timeline`, `federation` (Rust-only bit 0x04). Others are dropped. */
  features: string[];
  /** Never transmitted in binary (neither Rust nor JS); ignored on encode. */
  capabilities?: { encryption?: boolean; compression?: string };
  /** Empty or absent token is written as length 0 and decodes as `undefined`. */
  token?: string | undefined;
}

/** WELCOME `0x02`. WELCOME has no federation bit on the wire. */
export interface WelcomeMessage<W extends U64 = U64> {
  type: 'WELCOME';
  version: number;
  session: string;
  name: string;
  features: string[];
  /** Server time, µs since the Unix epoch. */
  time: W;
  token?: string | undefined;
}

/** Signal meta carried by ANNOUNCE (never by RESULT). */
export interface SignalMeta {
  unit?: string | undefined;
  range?: [number, number] | undefined;
  default?: Value | undefined;
  description?: string | undefined;
}

/** One signal of ANNOUNCE / RESULT. */
export interface SignalDefinition {
  address: string;
  type: SignalType;
  datatype?: string | undefined;
  access?: string | undefined;
  meta?: SignalMeta | undefined;
}

/** ANNOUNCE `0x03`. The message-level `meta` map is not transmitted (Rust and JS). */
export interface AnnounceMessage {
  type: 'ANNOUNCE';
  namespace?: string | undefined;
  signals: SignalDefinition[];
}

/** FEDERATION_SYNC `0x04` (router ↔ router; Rust only). */
export interface FederationSyncMessage<W extends U64 = U64> {
  type: 'FEDERATION_SYNC';
  op: FederationOp;
  /** Absent = empty. */
  patterns?: string[] | undefined;
  /** Address → revision. Decoded as a `Map` in wire order; encode also takes a plain object. Absent = empty. */
  revisions?: ReadonlyMap<string, W> | { readonly [address: string]: W } | undefined;
  sinceRevision?: W | undefined;
  origin?: string | undefined;
}

/** SUBSCRIBE options. All absent (or `options` absent) = flags byte 0. */
export interface SubscribeOptions {
  maxRate?: number | undefined;
  epsilon?: number | undefined;
  history?: number | undefined;
  window?: number | undefined;
}

/** SUBSCRIBE `0x10`. */
export interface SubscribeMessage {
  type: 'SUBSCRIBE';
  id: number;
  pattern: string;
  /** Absent or empty = all types (mask `0xFF`); decodes as `undefined` then, as in `@clasp-to/core`. */
  types?: SignalType[] | undefined;
  options?: SubscribeOptions | undefined;
}

/** UNSUBSCRIBE `0x11`. */
export interface UnsubscribeMessage {
  type: 'UNSUBSCRIBE';
  id: number;
}

/** A timeline keyframe (only the legacy v0 format carries them; binary drops them, as Rust and JS do). */
export interface TimelineKeyframe<W extends U64 = U64> {
  time: W;
  value: Value;
  easing?: string | undefined;
  bezier?: [number, number, number, number] | undefined;
}

/** PUBLISH `0x20`. */
export interface PublishMessage<W extends U64 = U64> {
  type: 'PUBLISH';
  address: string;
  /** Absent encodes as event (1); always filled on decode. */
  signal?: SignalType | undefined;
  /** Written first if not `undefined` (`null` is written as a NULL value). */
  value?: Value | undefined;
  /** Written if `value` is `undefined`. Decodes back as `value`. */
  payload?: Value | undefined;
  /** f64 samples, written if neither value nor payload is set. */
  samples?: number[] | undefined;
  /** u32; decoded whenever ≥ 4 bytes trail the other fields. */
  rate?: number | undefined;
  /** Gesture id, u32. */
  id?: number | undefined;
  /** Absent encodes as start; always filled on decode. */
  phase?: GesturePhase | undefined;
  /** µs. */
  timestamp?: W | undefined;
  /** Not carried by the binary format (ignored on encode); decoded from legacy v0 only. */
  keyframes?: TimelineKeyframe<W>[] | undefined;
  /** Not carried by the binary format; decoded from legacy v0 only. */
  loop?: boolean | undefined;
}

/** SET `0x21`. */
export interface SetMessage<W extends U64 = U64> {
  type: 'SET';
  address: string;
  value: Value;
  revision?: W | undefined;
  /** Decoded as a boolean (Rust), `false` when the bit is clear. */
  lock?: boolean | undefined;
  unlock?: boolean | undefined;
  /**
   * TTL in seconds (0 … 2^31−1), written when not `undefined`. `0` means Never (exempt);
   * with `absolute: true` it is Rust `Ttl::Absolute(ttl)`, otherwise `Ttl::Sliding(ttl)`.
   * `{ttl: 0, absolute: true}` is written as `0x80000000` (Rust `Absolute(0)`), where
   * `@clasp-to/core` 4.x writes 0 (Never).
   */
  ttl?: number | undefined;
  absolute?: boolean | undefined;
}

/** GET `0x22`. */
export interface GetMessage {
  type: 'GET';
  address: string;
}

/** One parameter of a SNAPSHOT. */
export interface ParamValue<W extends U64 = U64> {
  address: string;
  value: Value;
  revision: W;
  writer?: string | undefined;
  timestamp?: W | undefined;
}

/** SNAPSHOT `0x23`. */
export interface SnapshotMessage<W extends U64 = U64> {
  type: 'SNAPSHOT';
  params: ParamValue<W>[];
}

/** REPLAY `0x24` (Rust only). */
export interface ReplayMessage<W extends U64 = U64> {
  type: 'REPLAY';
  pattern: string;
  from?: W | undefined;
  to?: W | undefined;
  limit?: number | undefined;
  /** Absent or empty = all types; decodes as `undefined` then. */
  types?: SignalType[] | undefined;
}

/** BUNDLE `0x30`. Inner messages are always binary. */
export interface BundleMessage<W extends U64 = U64> {
  type: 'BUNDLE';
  timestamp?: W | undefined;
  messages: Message<W>[];
}

/** SYNC `0x40` (µs clock sync). */
export interface SyncMessage<W extends U64 = U64> {
  type: 'SYNC';
  t1: W;
  t2?: W | undefined;
  t3?: W | undefined;
}

/** PING `0x41`. */
export interface PingMessage {
  type: 'PING';
}

/** PONG `0x42`. */
export interface PongMessage {
  type: 'PONG';
}

/** ACK `0x50`. */
export interface AckMessage<W extends U64 = U64> {
  type: 'ACK';
  address?: string | undefined;
  revision?: W | undefined;
  locked?: boolean | undefined;
  holder?: string | undefined;
  correlationId?: number | undefined;
}

/** ERROR `0x51`. Any u16 code is accepted. */
export interface ErrorMessage {
  type: 'ERROR';
  code: number;
  message: string;
  address?: string | undefined;
  correlationId?: number | undefined;
}

/** QUERY `0x60`. */
export interface QueryMessage {
  type: 'QUERY';
  pattern: string;
}

/** RESULT `0x61`. Signal `meta` is not transmitted. */
export interface ResultMessage {
  type: 'RESULT';
  signals: SignalDefinition[];
}

/** Every CLASP message, discriminated on `type`. `W` is the u64 representation. */
export type Message<W extends U64 = U64> =
  | HelloMessage
  | WelcomeMessage<W>
  | AnnounceMessage
  | FederationSyncMessage<W>
  | SubscribeMessage
  | UnsubscribeMessage
  | PublishMessage<W>
  | SetMessage<W>
  | GetMessage
  | SnapshotMessage<W>
  | ReplayMessage<W>
  | BundleMessage<W>
  | SyncMessage<W>
  | PingMessage
  | PongMessage
  | AckMessage<W>
  | ErrorMessage
  | QueryMessage
  | ResultMessage;

/** A message as the decoder produces it: every u64 field is a `bigint`. */
export type DecodedMessage = Message<bigint>;

/** Options of {@link encodeMessage} / {@link encodeFrame}. */
export interface FrameOptions {
  /** Frame QoS; default: Rust `default_qos` of the message ({@link defaultQoS}), Fire for a raw payload. */
  qos?: QoS | undefined;
  /** Frame timestamp in µs; sets flag bit 5 when not `undefined`. */
  timestamp?: U64 | undefined;
}

/** Result of {@link decodeFrame}. */
export interface DecodedFrame {
  /** A copy of the payload bytes. */
  payload: Uint8Array;
  qos: QoS;
  timestamp?: bigint | undefined;
  flags: FrameFlags;
  /** Total bytes the frame occupies (header + timestamp + payload); later bytes are ignored. */
  frameLength: number;
}

/** Result of {@link decodeMessage}. */
export interface DecodedMessageFrame {
  message: DecodedMessage;
  flags: FrameFlags;
  timestamp?: bigint | undefined;
}
