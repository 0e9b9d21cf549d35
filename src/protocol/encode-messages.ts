/**
 * Message layouts for the encoder, one writer per message type, in the field order of Rust
 * `codec.rs` (`encode_*`). Optional fields are written when they are not `undefined` (Rust
 * `is_some()`), so empty strings are kept where `@clasp-to/core` drops them (truthiness).
 *
 * @packageDocumentation
 */
import {
  FEDERATION_OP, MSG_ACK, MSG_ANNOUNCE, MSG_BUNDLE, MSG_ERROR, MSG_FEDERATION_SYNC, MSG_GET, MSG_HELLO, MSG_PING, MSG_PONG,
  MSG_PUBLISH, MSG_QUERY, MSG_REPLAY, MSG_RESULT, MSG_SET, MSG_SNAPSHOT, MSG_SUBSCRIBE, MSG_SYNC, MSG_UNSUBSCRIBE, MSG_WELCOME,
  QOS_COMMIT, QOS_CONFIRM, QOS_FIRE, type QoS, SIG_EVENT, VAL_F64, featureMask, phaseCode, publishQoSOf, signalCode, signalIndex, signalMask,
} from './codes.js';
import { ClaspEncodeError } from './errors.js';
import type { Encoder } from './Encoder.js';
import {
  F64, RANGE, STR, U32, U64, VALUE, badField, isShortString, isU64Number, putStr, putU64, rangeError, valueType,
} from './encode-helpers.js';
import type * as T from './types.js';

/**
 * @internal Writes one binary message (type byte first) at the encoder's position.
 * @returns the message's default QoS (Rust `default_qos`, same table as {@link defaultQoS}), so
 * the frame writer needs no second dispatch on `type` (measured with `npm run bench:codec`).
 */
export function writeMessage(e: Encoder, m: T.Message, bundleDepth: number): QoS {
  if (typeof m !== 'object' || m === null) throw badField('message', 'a message object');
  // Most frequent types first: a string switch compares case by case.
  switch (m.type) {
    case 'PUBLISH': return publish(e, m);
    case 'SET': set(e, m); return QOS_CONFIRM;
    case 'BUNDLE': bundle(e, m, bundleDepth + 1); return QOS_COMMIT;
    case 'SNAPSHOT': snapshot(e, m); return QOS_FIRE;
    case 'ACK': ack(e, m); return QOS_FIRE;
    case 'GET': byte(e, MSG_GET); e.str(m.address, 'address'); return QOS_FIRE;
    case 'SUBSCRIBE': subscribe(e, m); return QOS_CONFIRM;
    case 'UNSUBSCRIBE': byte(e, MSG_UNSUBSCRIBE); e.u32(m.id, 'id'); return QOS_CONFIRM;
    case 'SYNC': sync(e, m); return QOS_FIRE;
    case 'PING': byte(e, MSG_PING); return QOS_FIRE;
    case 'PONG': byte(e, MSG_PONG); return QOS_FIRE;
    case 'HELLO':
    case 'WELCOME': hello(e, m); return QOS_FIRE;
    case 'ANNOUNCE': announce(e, m); return QOS_FIRE;
    case 'ERROR': error(e, m); return QOS_FIRE;
    case 'QUERY': byte(e, MSG_QUERY); e.str(m.pattern, 'pattern'); return QOS_FIRE;
    case 'RESULT': result(e, m); return QOS_FIRE;
    case 'REPLAY': replay(e, m); return QOS_CONFIRM;
    case 'FEDERATION_SYNC': federationSync(e, m); return QOS_CONFIRM;
    default:
      throw new ClaspEncodeError('unknown-message', `unknown message type ${String((m as { type: unknown }).type)}`, 'type');
  }
}

/**
 * Writes one byte that fits by construction: a type code, or a flags, mask or code byte built
 * from in-range bits (never a caller's number: those go through the checked `Encoder.u8`).
 */
function byte(e: Encoder, b: number): void {
  e.ensure(1);
  e.buf[e.pos++] = b;
}

// The flag-gated optional fields of the less frequent layouts, as tables: one loop writes them all,
// which keeps an encode-only bundle small (`npm run size`). The frequent layouts (PUBLISH, SET,
// SNAPSHOT, ACK, BUNDLE) stay written out, field by field, for speed.
/** A flag-gated field: its bit in the flags byte, its key in the message (and error path), its writer. */
type Gated = readonly [bit: number, key: string, kind: number];

/** The flags byte of the gated fields present (not `undefined`) in `m`. */
function gatedFlags(m: object, fields: readonly Gated[]): number {
  let flags = 0;
  for (const [bit, key] of fields) if ((m as Record<string, unknown>)[key] !== undefined) flags |= bit;
  return flags;
}

/** Writes the gated fields present in `m`, in table order; `path` prefixes their error paths. */
function writeGated(e: Encoder, m: object, fields: readonly Gated[], path: string): void {
  for (const [, key, kind] of fields) {
    const v = (m as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const at = path + key;
    if (kind === STR) e.str(v as string, at);
    else if (kind === U32) e.u32(v as number, at);
    else if (kind === U64) e.u64(v as T.U64, at);
    else if (kind === F64) e.f64(v as number, at);
    else if (kind === RANGE) {
      e.f64((v as readonly [number, number])[0], `${at}[0]`);
      e.f64((v as readonly [number, number])[1], `${at}[1]`);
    } else e.value(v as T.Value, 0, at);
  }
}

const SIGNAL_FIELDS: readonly Gated[] = [[0x01, 'datatype', STR], [0x02, 'access', STR]];
const META_FIELDS: readonly Gated[] = [[0x01, 'unit', STR], [0x02, 'range', RANGE], [0x04, 'default', VALUE], [0x08, 'description', STR]];
const FEDERATION_FIELDS: readonly Gated[] = [[0x80, 'sinceRevision', U64], [0x40, 'origin', STR]];
const SUBSCRIBE_FIELDS: readonly Gated[] = [[0x01, 'maxRate', U32], [0x02, 'epsilon', F64], [0x04, 'history', U32], [0x08, 'window', U32]];
const REPLAY_FIELDS: readonly Gated[] = [[0x80, 'from', U64], [0x40, 'to', U64], [0x20, 'limit', U32]];
const SYNC_FIELDS: readonly Gated[] = [[0x01, 't2', U64], [0x02, 't3', U64]];
const ERROR_FIELDS: readonly Gated[] = [[0x01, 'address', STR], [0x02, 'correlationId', U32]];

// 0x01 HELLO: version u8, features u8 (incl. federation 0x04), name str, token str (0 = none)
// 0x02 WELCOME: version u8, features u8 (no federation bit), time u64, session, name, token str
function hello(e: Encoder, m: T.HelloMessage | T.WelcomeMessage): void {
  const welcome = m.type === 'WELCOME';
  byte(e, welcome ? MSG_WELCOME : MSG_HELLO);
  e.u8(m.version, 'version');
  byte(e, featureMask(m.features, !welcome));
  if (welcome) {
    e.u64((m as T.WelcomeMessage).time, 'time');
    e.str((m as T.WelcomeMessage).session, 'session');
  }
  e.str(m.name, 'name');
  e.str(m.token ?? '', 'token');
}

// 0x03 ANNOUNCE: namespace str, count u16, signals (address, sig u8, opts u8, [datatype], [access], [meta])
function announce(e: Encoder, m: T.AnnounceMessage): void {
  byte(e, MSG_ANNOUNCE);
  e.str(m.namespace ?? '', 'namespace');
  signals(e, m.signals, true);
}

function signals(e: Encoder, list: readonly T.SignalDefinition[], withMeta: boolean): void {
  if (!Array.isArray(list)) throw badField('signals', 'an array');
  e.count(list.length, 'signals');
  for (const s of list) {
    e.str(s.address, 'signals.address');
    byte(e, signalCode(s.type));
    const meta = withMeta ? s.meta : undefined;
    byte(e, gatedFlags(s, SIGNAL_FIELDS) | (meta !== undefined ? 0x04 : 0));
    writeGated(e, s, SIGNAL_FIELDS, 'signals.');
    if (meta !== undefined) signalMeta(e, meta);
  }
}

// meta: flags u8 (unit 0x01, range 0x02, default 0x04, description 0x08), [unit], [min f64, max f64], [tv], [description]
function signalMeta(e: Encoder, meta: T.SignalMeta): void {
  byte(e, gatedFlags(meta, META_FIELDS));
  writeGated(e, meta, META_FIELDS, 'meta.');
}

// 0x04 FEDERATION_SYNC: op u8, patterns (u16 + str…), revisions (u16 + (str, u64)…), flags u8, [since u64], [origin str]
function federationSync(e: Encoder, m: T.FederationSyncMessage): void {
  byte(e, MSG_FEDERATION_SYNC);
  const op = FEDERATION_OP[m.op];
  if (op === undefined) throw badField('op', 'a FederationOp name');
  e.u8(op, 'op');
  const patterns = m.patterns ?? [];
  e.count(patterns.length, 'patterns');
  for (const p of patterns) e.str(p, 'patterns');
  const revisions = m.revisions === undefined ? [] : m.revisions instanceof Map ? [...m.revisions] : Object.entries(m.revisions);
  e.count(revisions.length, 'revisions');
  for (const [address, revision] of revisions) {
    e.str(address, 'revisions');
    e.u64(revision as T.U64, 'revisions');
  }
  byte(e, gatedFlags(m, FEDERATION_FIELDS));
  writeGated(e, m, FEDERATION_FIELDS, '');
}

// 0x10 SUBSCRIBE: id u32, pattern str, type mask u8, options flags u8, [maxRate u32], [epsilon f64], [history u32], [window u32]
function subscribe(e: Encoder, m: T.SubscribeMessage): void {
  byte(e, MSG_SUBSCRIBE);
  e.u32(m.id, 'id');
  e.str(m.pattern, 'pattern');
  byte(e, signalMask(m.types));
  const o = m.options;
  if (o === undefined) return byte(e, 0);
  byte(e, gatedFlags(o, SUBSCRIBE_FIELDS));
  writeGated(e, o, SUBSCRIBE_FIELDS, 'options.');
}

// 0x20 PUBLISH: flags u8 (sig<<5 | ts 0x10 | id 0x08 | phase), address str, indicator u8 (0 none, 1 tv, 2 samples), [ts u64], [id u32], [rate u32]
function publish(e: Encoder, m: T.PublishMessage): QoS {
  // Each field is read once: PUBLISH objects come in many shapes, so these property loads are
  // megamorphic (slow); they were the top lines of PUBLISH in a --cpu-prof of the bench corpus.
  const { signal, timestamp, id, address, value } = m;
  // One name lookup for both the signal code (unknown: event) and the default QoS (unknown: Fire).
  const sig = signal === undefined ? -1 : signalIndex(signal);
  const flags = ((sig < 0 ? SIG_EVENT : sig) << 5) | (timestamp !== undefined ? 0x10 : 0) | (id !== undefined ? 0x08 : 0) | phaseCode(m.phase);
  e.ensure(2);
  e.buf[e.pos] = MSG_PUBLISH;
  e.buf[e.pos + 1] = flags;
  e.pos += 2;
  e.str(address, 'address');
  if (value !== undefined) {
    byte(e, 1);
    e.value(value, 0, 'value');
  } else {
    publishPayload(e, m);
  }
  if (timestamp !== undefined) e.u64(timestamp, 'timestamp');
  if (id !== undefined) e.u32(id, 'id');
  const rate = m.rate;
  if (rate !== undefined) e.u32(rate, 'rate');
  return publishQoSOf(sig);
}

/** PUBLISH without `value`: indicator 1 + payload, 2 + samples, or 0 (none). */
function publishPayload(e: Encoder, m: T.PublishMessage): void {
  const payload = m.payload;
  if (payload !== undefined) {
    byte(e, 1);
    e.value(payload, 0, 'payload');
    return;
  }
  const samples = m.samples;
  if (samples === undefined) return byte(e, 0);
  byte(e, 2);
  e.count(samples.length, 'samples');
  for (let i = 0; i < samples.length; i++) e.f64(samples[i] as number, 'samples');
}

// 0x21 SET: flags u8 (rev 0x80 | lock 0x40 | unlock 0x20 | ttl 0x10 | value type), address str, value data, [revision u64], [ttl u32]
function set(e: Encoder, m: T.SetMessage): void {
  const { address, value, revision, ttl } = m;
  const vtype = typeof value === 'number' ? VAL_F64 : valueType(value, 'value');
  const flags = vtype | (revision !== undefined ? 0x80 : 0) | (m.lock ? 0x40 : 0) | (m.unlock ? 0x20 : 0) | (ttl !== undefined ? 0x10 : 0);
  if (typeof value === 'number' && isShortString(address) && (revision === undefined || isU64Number(revision))) {
    // The common SET (a number, maybe a revision) as one reserved group (see encode-helpers.ts).
    e.ensure(20 + 3 * address.length);
    const { buf, view } = e;
    buf[e.pos] = MSG_SET;
    buf[e.pos + 1] = flags;
    let q = putStr(buf, e.pos + 2, address);
    view.setFloat64(q, value);
    q += 8;
    e.pos = revision === undefined ? q : putU64(view, q, revision);
  } else {
    e.ensure(2);
    e.buf[e.pos] = MSG_SET;
    e.buf[e.pos + 1] = flags;
    e.pos += 2;
    e.str(address, 'address');
    e.valueData(value, vtype, 0, 'value');
    if (revision !== undefined) e.u64(revision, 'revision');
  }
  if (ttl !== undefined) e.u32(ttlRaw(ttl, m.absolute === true), 'ttl');
}

/** TTL word: bit 31 = absolute, bits 30–0 = seconds; 0 (not absolute) = Never. */
function ttlRaw(ttl: number, absolute: boolean): number {
  if (!(Number.isInteger(ttl) && ttl >= 0 && ttl <= 0x7fffffff)) throw rangeError(ttl, 'TTL (0 … 2^31−1)', 'ttl');
  return absolute ? (ttl | 0x80000000) >>> 0 : ttl;
}

// 0x23 SNAPSHOT: count u16, params (address str, tv, revision u64, flags u8 (writer 1, ts 2), [writer str], [ts u64])
function snapshot(e: Encoder, m: T.SnapshotMessage): void {
  byte(e, MSG_SNAPSHOT);
  const params = m.params;
  if (!Array.isArray(params)) throw badField('params', 'an array');
  e.count(params.length, 'params');
  for (let i = 0; i < params.length; i++) snapshotParam(e, params[i] as T.ParamValue);
}

/** One SNAPSHOT param; its own function so that all its field writers fit one inlining budget. */
function snapshotParam(e: Encoder, p: T.ParamValue): void {
  const { address, value, revision, writer, timestamp } = p;
  const flags = (writer !== undefined ? 1 : 0) | (timestamp !== undefined ? 2 : 0);
  if (isShortString(address) && typeof value === 'number' && isU64Number(revision) &&
    (writer === undefined || isShortString(writer)) && (timestamp === undefined || isU64Number(timestamp))) {
    e.ensure(36 + 3 * (address.length + (writer === undefined ? 0 : writer.length)));
    const { buf, view } = e;
    let q = putStr(buf, e.pos, address);
    buf[q] = VAL_F64;
    view.setFloat64(q + 1, value);
    q = putU64(view, q + 9, revision);
    buf[q++] = flags;
    if (writer !== undefined) q = putStr(buf, q, writer);
    if (timestamp !== undefined) q = putU64(view, q, timestamp);
    e.pos = q;
    return;
  }
  e.str(address, 'params.address');
  e.value(value, 0, 'params.value');
  e.u64(revision, 'params.revision');
  byte(e, flags);
  if (writer !== undefined) e.str(writer, 'params.writer');
  if (timestamp !== undefined) e.u64(timestamp, 'params.timestamp');
}

// 0x24 REPLAY: flags u8 (from 0x80, to 0x40, limit 0x20), pattern str, [from u64], [to u64], [limit u32], type mask u8
function replay(e: Encoder, m: T.ReplayMessage): void {
  byte(e, MSG_REPLAY);
  byte(e, gatedFlags(m, REPLAY_FIELDS));
  e.str(m.pattern, 'pattern');
  writeGated(e, m, REPLAY_FIELDS, '');
  byte(e, signalMask(m.types));
}

// 0x30 BUNDLE: flags u8 (ts 0x80), count u16, [ts u64], messages (u16 length + binary message)…
function bundle(e: Encoder, m: T.BundleMessage, depth: number): void {
  if (depth > e.limits.maxBundleDepth) e.tooDeep('maxBundleDepth', 'messages');
  byte(e, MSG_BUNDLE);
  byte(e, m.timestamp !== undefined ? 0x80 : 0);
  if (!Array.isArray(m.messages)) throw badField('messages', 'an array');
  e.count(m.messages.length, 'messages');
  if (m.timestamp !== undefined) e.u64(m.timestamp, 'timestamp');
  for (const inner of m.messages) {
    e.ensure(2);
    const lengthAt = e.pos;
    e.pos += 2;
    writeMessage(e, inner, depth);
    const length = e.pos - lengthAt - 2;
    if (length > 0xffff) e.tooLarge('messages', length);
    e.view.setUint16(lengthAt, length);
  }
}

// 0x40 SYNC: flags u8 (t2 0x01, t3 0x02), t1 u64, [t2 u64], [t3 u64]
function sync(e: Encoder, m: T.SyncMessage): void {
  byte(e, MSG_SYNC);
  byte(e, gatedFlags(m, SYNC_FIELDS));
  e.u64(m.t1, 't1');
  writeGated(e, m, SYNC_FIELDS, '');
}

// 0x50 ACK: flags u8 (address 1, revision 2, locked 4, holder 8, correlationId 0x10), fields in that order
function ack(e: Encoder, m: T.AckMessage): void {
  byte(e, MSG_ACK);
  const { address, revision, locked, holder, correlationId } = m;
  const flags = (address !== undefined ? 1 : 0) | (revision !== undefined ? 2 : 0) | (locked !== undefined ? 4 : 0) |
    (holder !== undefined ? 8 : 0) | (correlationId !== undefined ? 0x10 : 0);
  byte(e, flags);
  if (address !== undefined) e.str(address, 'address');
  if (revision !== undefined) e.u64(revision, 'revision');
  if (locked !== undefined) byte(e, locked ? 1 : 0);
  if (holder !== undefined) e.str(holder, 'holder');
  if (correlationId !== undefined) e.u32(correlationId, 'correlationId');
}

// 0x51 ERROR: code u16, message str, flags u8 (address 1, correlationId 2), [address str], [correlationId u32]
function error(e: Encoder, m: T.ErrorMessage): void {
  byte(e, MSG_ERROR);
  e.u16(m.code, 'code');
  e.str(m.message, 'message');
  byte(e, gatedFlags(m, ERROR_FIELDS));
  writeGated(e, m, ERROR_FIELDS, '');
}

// 0x61 RESULT: count u16, signals (address str, sig u8, flags u8 (datatype 1, access 2), [datatype], [access]); meta never written
function result(e: Encoder, m: T.ResultMessage): void {
  byte(e, MSG_RESULT);
  signals(e, m.signals, false);
}
