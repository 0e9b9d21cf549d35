/**
 * Message layouts for the encoder, one writer per message type, in the field order of Rust
 * `codec.rs` (`encode_*`). Optional fields are written when they are not `undefined` (Rust
 * `is_some()`), so empty strings are kept where `@clasp-to/core` drops them (truthiness).
 *
 * @packageDocumentation
 */
import { FEDERATION_OP, MSG, featureMask, phaseCode, signalCode, signalMask } from './codes.js';
import { ClaspEncodeError } from './errors.js';
import type { Encoder } from './Encoder.js';
import { badField, rangeError, valueType } from './encode-helpers.js';
import type * as T from './types.js';

/** @internal Writes one binary message (type byte first) at the encoder's position. */
export function writeMessage(e: Encoder, m: T.Message, bundleDepth: number): void {
  if (typeof m !== 'object' || m === null) throw badField('message', 'a message object');
  switch (m.type) {
    case 'HELLO': return hello(e, m);
    case 'WELCOME': return welcome(e, m);
    case 'ANNOUNCE': return announce(e, m);
    case 'FEDERATION_SYNC': return federationSync(e, m);
    case 'SUBSCRIBE': return subscribe(e, m);
    case 'UNSUBSCRIBE': typeByte(e, MSG.UNSUBSCRIBE); return e.u32(m.id, 'id');
    case 'PUBLISH': return publish(e, m);
    case 'SET': return set(e, m);
    case 'GET': typeByte(e, MSG.GET); return e.str(m.address, 'address');
    case 'SNAPSHOT': return snapshot(e, m);
    case 'REPLAY': return replay(e, m);
    case 'BUNDLE': return bundle(e, m, bundleDepth + 1);
    case 'SYNC': return sync(e, m);
    case 'PING': return typeByte(e, MSG.PING);
    case 'PONG': return typeByte(e, MSG.PONG);
    case 'ACK': return ack(e, m);
    case 'ERROR': return error(e, m);
    case 'QUERY': typeByte(e, MSG.QUERY); return e.str(m.pattern, 'pattern');
    case 'RESULT': return result(e, m);
    default:
      throw new ClaspEncodeError('unknown-message', `unknown message type ${String((m as { type: unknown }).type)}`, 'type');
  }
}

function typeByte(e: Encoder, code: number): void {
  e.ensure(1);
  e.buf[e.pos++] = code;
}

// 0x01 HELLO: version u8, features u8 (incl. federation 0x04), name str, token str (0 = none)
function hello(e: Encoder, m: T.HelloMessage): void {
  typeByte(e, MSG.HELLO);
  e.u8(m.version, 'version');
  e.u8(featureMask(m.features, true), 'features');
  e.str(m.name, 'name');
  e.str(m.token ?? '', 'token');
}

// 0x02 WELCOME: version u8, features u8 (no federation bit), time u64, session, name, token str
function welcome(e: Encoder, m: T.WelcomeMessage): void {
  typeByte(e, MSG.WELCOME);
  e.u8(m.version, 'version');
  e.u8(featureMask(m.features, false), 'features');
  e.u64(m.time, 'time');
  e.str(m.session, 'session');
  e.str(m.name, 'name');
  e.str(m.token ?? '', 'token');
}

// 0x03 ANNOUNCE: namespace str, count u16, signals (address, sig u8, opts u8, [datatype], [access], [meta])
function announce(e: Encoder, m: T.AnnounceMessage): void {
  typeByte(e, MSG.ANNOUNCE);
  e.str(m.namespace ?? '', 'namespace');
  signals(e, m.signals, true);
}

function signals(e: Encoder, list: readonly T.SignalDefinition[], withMeta: boolean): void {
  if (!Array.isArray(list)) throw badField('signals', 'an array');
  e.count(list.length, 'signals');
  for (const s of list) {
    e.str(s.address, 'signals.address');
    e.u8(signalCode(s.type), 'signals.type');
    const meta = withMeta ? s.meta : undefined;
    const flags = (s.datatype !== undefined ? 0x01 : 0) | (s.access !== undefined ? 0x02 : 0) | (meta !== undefined ? 0x04 : 0);
    e.u8(flags, 'signals.flags');
    if (s.datatype !== undefined) e.str(s.datatype, 'signals.datatype');
    if (s.access !== undefined) e.str(s.access, 'signals.access');
    if (meta !== undefined) signalMeta(e, meta);
  }
}

// meta: flags u8 (unit 0x01, range 0x02, default 0x04, description 0x08), [unit], [min f64, max f64], [tv], [description]
function signalMeta(e: Encoder, meta: T.SignalMeta): void {
  const flags = (meta.unit !== undefined ? 0x01 : 0) | (meta.range !== undefined ? 0x02 : 0) |
    (meta.default !== undefined ? 0x04 : 0) | (meta.description !== undefined ? 0x08 : 0);
  e.u8(flags, 'meta.flags');
  if (meta.unit !== undefined) e.str(meta.unit, 'meta.unit');
  if (meta.range !== undefined) {
    e.f64(meta.range[0], 'meta.range[0]');
    e.f64(meta.range[1], 'meta.range[1]');
  }
  if (meta.default !== undefined) e.value(meta.default, 0, 'meta.default');
  if (meta.description !== undefined) e.str(meta.description, 'meta.description');
}

// 0x04 FEDERATION_SYNC: op u8, patterns (u16 + str…), revisions (u16 + (str, u64)…), flags u8, [since u64], [origin str]
function federationSync(e: Encoder, m: T.FederationSyncMessage): void {
  typeByte(e, MSG.FEDERATION_SYNC);
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
  e.u8((m.sinceRevision !== undefined ? 0x80 : 0) | (m.origin !== undefined ? 0x40 : 0), 'flags');
  if (m.sinceRevision !== undefined) e.u64(m.sinceRevision, 'sinceRevision');
  if (m.origin !== undefined) e.str(m.origin, 'origin');
}

// 0x10 SUBSCRIBE: id u32, pattern str, type mask u8, options flags u8, [maxRate u32], [epsilon f64], [history u32], [window u32]
function subscribe(e: Encoder, m: T.SubscribeMessage): void {
  typeByte(e, MSG.SUBSCRIBE);
  e.u32(m.id, 'id');
  e.str(m.pattern, 'pattern');
  e.u8(signalMask(m.types), 'types');
  const o = m.options;
  if (o === undefined) return e.u8(0, 'options');
  e.u8((o.maxRate !== undefined ? 1 : 0) | (o.epsilon !== undefined ? 2 : 0) | (o.history !== undefined ? 4 : 0) | (o.window !== undefined ? 8 : 0), 'options');
  if (o.maxRate !== undefined) e.u32(o.maxRate, 'options.maxRate');
  if (o.epsilon !== undefined) e.f64(o.epsilon, 'options.epsilon');
  if (o.history !== undefined) e.u32(o.history, 'options.history');
  if (o.window !== undefined) e.u32(o.window, 'options.window');
}

// 0x20 PUBLISH: flags u8 (sig<<5 | ts 0x10 | id 0x08 | phase), address str, indicator u8 (0 none, 1 tv, 2 samples), [ts u64], [id u32], [rate u32]
function publish(e: Encoder, m: T.PublishMessage): void {
  typeByte(e, MSG.PUBLISH);
  const flags = (signalCode(m.signal) << 5) | (m.timestamp !== undefined ? 0x10 : 0) | (m.id !== undefined ? 0x08 : 0) | phaseCode(m.phase);
  e.u8(flags, 'flags');
  e.str(m.address, 'address');
  if (m.value !== undefined) {
    typeByte(e, 1);
    e.value(m.value, 0, 'value');
  } else if (m.payload !== undefined) {
    typeByte(e, 1);
    e.value(m.payload, 0, 'payload');
  } else if (m.samples !== undefined) {
    typeByte(e, 2);
    const samples = m.samples;
    e.count(samples.length, 'samples');
    for (let i = 0; i < samples.length; i++) e.f64(samples[i] as number, 'samples');
  } else {
    typeByte(e, 0);
  }
  if (m.timestamp !== undefined) e.u64(m.timestamp, 'timestamp');
  if (m.id !== undefined) e.u32(m.id, 'id');
  if (m.rate !== undefined) e.u32(m.rate, 'rate');
}

// 0x21 SET: flags u8 (rev 0x80 | lock 0x40 | unlock 0x20 | ttl 0x10 | value type), address str, value data, [revision u64], [ttl u32]
function set(e: Encoder, m: T.SetMessage): void {
  typeByte(e, MSG.SET);
  const vtype = valueType(m.value, 'value');
  const flags = vtype | (m.revision !== undefined ? 0x80 : 0) | (m.lock ? 0x40 : 0) | (m.unlock ? 0x20 : 0) | (m.ttl !== undefined ? 0x10 : 0);
  e.ensure(1);
  e.buf[e.pos++] = flags;
  e.str(m.address, 'address');
  e.valueData(m.value, vtype, 0, 'value');
  if (m.revision !== undefined) e.u64(m.revision, 'revision');
  if (m.ttl !== undefined) e.u32(ttlRaw(m.ttl, m.absolute === true), 'ttl');
}

/** TTL word: bit 31 = absolute, bits 30–0 = seconds; 0 (not absolute) = Never. */
function ttlRaw(ttl: number, absolute: boolean): number {
  if (!(Number.isInteger(ttl) && ttl >= 0 && ttl <= 0x7fffffff)) throw rangeError(ttl, 'TTL (0 … 2^31−1)', 'ttl');
  return absolute ? (ttl | 0x80000000) >>> 0 : ttl;
}

// 0x23 SNAPSHOT: count u16, params (address str, tv, revision u64, flags u8 (writer 1, ts 2), [writer str], [ts u64])
function snapshot(e: Encoder, m: T.SnapshotMessage): void {
  typeByte(e, MSG.SNAPSHOT);
  if (!Array.isArray(m.params)) throw badField('params', 'an array');
  e.count(m.params.length, 'params');
  for (const p of m.params) {
    e.str(p.address, 'params.address');
    e.value(p.value, 0, 'params.value');
    e.u64(p.revision, 'params.revision');
    e.u8((p.writer !== undefined ? 1 : 0) | (p.timestamp !== undefined ? 2 : 0), 'params.flags');
    if (p.writer !== undefined) e.str(p.writer, 'params.writer');
    if (p.timestamp !== undefined) e.u64(p.timestamp, 'params.timestamp');
  }
}

// 0x24 REPLAY: flags u8 (from 0x80, to 0x40, limit 0x20), pattern str, [from u64], [to u64], [limit u32], type mask u8
function replay(e: Encoder, m: T.ReplayMessage): void {
  typeByte(e, MSG.REPLAY);
  e.u8((m.from !== undefined ? 0x80 : 0) | (m.to !== undefined ? 0x40 : 0) | (m.limit !== undefined ? 0x20 : 0), 'flags');
  e.str(m.pattern, 'pattern');
  if (m.from !== undefined) e.u64(m.from, 'from');
  if (m.to !== undefined) e.u64(m.to, 'to');
  if (m.limit !== undefined) e.u32(m.limit, 'limit');
  e.u8(signalMask(m.types), 'types');
}

// 0x30 BUNDLE: flags u8 (ts 0x80), count u16, [ts u64], messages (u16 length + binary message)…
function bundle(e: Encoder, m: T.BundleMessage, depth: number): void {
  if (depth > e.limits.maxBundleDepth) {
    throw new ClaspEncodeError('limit-exceeded', `bundles nested deeper than maxBundleDepth ${e.limits.maxBundleDepth}`, 'messages');
  }
  typeByte(e, MSG.BUNDLE);
  e.u8(m.timestamp !== undefined ? 0x80 : 0, 'flags');
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
  typeByte(e, MSG.SYNC);
  e.u8((m.t2 !== undefined ? 1 : 0) | (m.t3 !== undefined ? 2 : 0), 'flags');
  e.u64(m.t1, 't1');
  if (m.t2 !== undefined) e.u64(m.t2, 't2');
  if (m.t3 !== undefined) e.u64(m.t3, 't3');
}

// 0x50 ACK: flags u8 (address 1, revision 2, locked 4, holder 8, correlationId 0x10), fields in that order
function ack(e: Encoder, m: T.AckMessage): void {
  typeByte(e, MSG.ACK);
  const flags = (m.address !== undefined ? 1 : 0) | (m.revision !== undefined ? 2 : 0) | (m.locked !== undefined ? 4 : 0) |
    (m.holder !== undefined ? 8 : 0) | (m.correlationId !== undefined ? 0x10 : 0);
  e.u8(flags, 'flags');
  if (m.address !== undefined) e.str(m.address, 'address');
  if (m.revision !== undefined) e.u64(m.revision, 'revision');
  if (m.locked !== undefined) e.u8(m.locked ? 1 : 0, 'locked');
  if (m.holder !== undefined) e.str(m.holder, 'holder');
  if (m.correlationId !== undefined) e.u32(m.correlationId, 'correlationId');
}

// 0x51 ERROR: code u16, message str, flags u8 (address 1, correlationId 2), [address str], [correlationId u32]
function error(e: Encoder, m: T.ErrorMessage): void {
  typeByte(e, MSG.ERROR);
  e.u16(m.code, 'code');
  e.str(m.message, 'message');
  e.u8((m.address !== undefined ? 1 : 0) | (m.correlationId !== undefined ? 2 : 0), 'flags');
  if (m.address !== undefined) e.str(m.address, 'address');
  if (m.correlationId !== undefined) e.u32(m.correlationId, 'correlationId');
}

// 0x61 RESULT: count u16, signals (address str, sig u8, flags u8 (datatype 1, access 2), [datatype], [access]); meta never written
function result(e: Encoder, m: T.ResultMessage): void {
  typeByte(e, MSG.RESULT);
  signals(e, m.signals, false);
}
