/**
 * Message layouts for the decoder: one `switch` over the type code, one reader per message, in
 * the field order of Rust `codec.rs` (`decode_*`). Trailing bytes after a message are ignored
 * (Rust), except that PUBLISH reads ≥ 4 trailing bytes as its rate.
 *
 * @packageDocumentation
 */
import {
  FEDERATION_OP_NAMES, MSG, featuresFromMask, phaseFromCode, signalFromCode, signalsFromMask,
} from './codes.js';
import type { Decoder } from './Decoder.js';
import { ClaspDecodeError, prettyByte } from './errors.js';
import type * as T from './types.js';

type D = T.DecodedMessage;

/** @internal Reads one binary message at `d.pos`, bounded by `d.end`. */
export function readMessage(d: Decoder, bundleDepth: number): D {
  const at = d.pos;
  const code = d.u8();
  switch (code) {
    case MSG.HELLO: return hello(d);                 // 0x01 version u8, features u8, name str, token str
    case MSG.WELCOME: return welcome(d);             // 0x02 version u8, features u8, time u64, session, name, token
    case MSG.ANNOUNCE: return announce(d);           // 0x03 namespace str, u16 × signal
    case MSG.FEDERATION_SYNC: return federation(d);  // 0x04 op u8, patterns, revisions, flags, [since], [origin]
    case MSG.SUBSCRIBE: return subscribe(d);         // 0x10 id u32, pattern str, mask u8, options
    case MSG.UNSUBSCRIBE: return { type: 'UNSUBSCRIBE', id: d.u32() }; // 0x11 id u32
    case MSG.PUBLISH: return publish(d);             // 0x20 flags u8, address str, indicator, …
    case MSG.SET: return set(d);                     // 0x21 flags u8, address str, value data, [rev u64], [ttl u32]
    case MSG.GET: return { type: 'GET', address: d.str() }; // 0x22 address str
    case MSG.SNAPSHOT: return snapshot(d);           // 0x23 u16 × param
    case MSG.REPLAY: return replay(d);               // 0x24 flags u8, pattern str, [from], [to], [limit], mask u8
    case MSG.BUNDLE: return bundle(d, bundleDepth + 1, at); // 0x30 flags u8, count u16, [ts u64], u16-length slots
    case MSG.SYNC: return sync(d);                   // 0x40 flags u8, t1 u64, [t2 u64], [t3 u64]
    case MSG.PING: return { type: 'PING' };          // 0x41 no fields
    case MSG.PONG: return { type: 'PONG' };          // 0x42 no fields
    case MSG.ACK: return ack(d);                     // 0x50 flags u8, [address], [rev], [locked], [holder], [corr]
    case MSG.ERROR: return error(d);                 // 0x51 code u16, message str, flags u8, [address], [corr]
    case MSG.QUERY: return { type: 'QUERY', pattern: d.str() }; // 0x60 pattern str
    case MSG.RESULT: return { type: 'RESULT', signals: signals(d, false) }; // 0x61 u16 × signal (no meta)
    default:
      throw new ClaspDecodeError('unknown-message', `unknown message type ${prettyByte(code)}`, at, code);
  }
}

function hello(d: Decoder): T.HelloMessage {
  const version = d.u8();
  const features = featuresFromMask(d.u8(), true);
  const name = d.str();
  const token = d.str();
  return { type: 'HELLO', version, name, features, token: token === '' ? undefined : token };
}

function welcome(d: Decoder): T.WelcomeMessage<bigint> {
  const version = d.u8();
  const features = featuresFromMask(d.u8(), false);
  const time = d.u64();
  const session = d.str();
  const name = d.str();
  const token = d.str();
  return { type: 'WELCOME', version, session, name, features, time, token: token === '' ? undefined : token };
}

function announce(d: Decoder): T.AnnounceMessage {
  const namespace = d.str();
  return { type: 'ANNOUNCE', namespace, signals: signals(d, true) };
}

function signals(d: Decoder, withMeta: boolean): T.SignalDefinition[] {
  const n = d.count(4);
  const out: T.SignalDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const address = d.str();
    const type = signalFromCode(d.u8());
    const flags = d.u8();
    const datatype = flags & 0x01 ? d.str() : undefined;
    const access = flags & 0x02 ? d.str() : undefined;
    // RESULT never carries meta: its 0x04 bit is ignored and no meta bytes are read (Rust).
    const meta = withMeta && flags & 0x04 ? signalMeta(d) : undefined;
    out.push({ address, type, datatype, access, meta });
  }
  return out;
}

function signalMeta(d: Decoder): T.SignalMeta {
  const flags = d.u8();
  const unit = flags & 0x01 ? d.str() : undefined;
  const range: [number, number] | undefined = flags & 0x02 ? [d.f64(), d.f64()] : undefined;
  const def = flags & 0x04 ? d.value(0) : undefined;
  const description = flags & 0x08 ? d.str() : undefined;
  return { unit, range, default: def, description };
}

function federation(d: Decoder): T.FederationSyncMessage<bigint> {
  const opAt = d.pos;
  const opCode = d.u8();
  const op = FEDERATION_OP_NAMES[opCode - 1];
  if (op === undefined) {
    throw new ClaspDecodeError('unknown-federation-op', `unknown federation op ${prettyByte(opCode)}`, opAt, opCode);
  }
  const patternCount = d.count(2);
  const patterns: string[] = [];
  for (let i = 0; i < patternCount; i++) patterns.push(d.str());
  const revisionCount = d.count(10);
  const revisions = new Map<string, bigint>();
  for (let i = 0; i < revisionCount; i++) {
    const address = d.str();
    revisions.set(address, d.u64());
  }
  const flags = d.u8();
  const sinceRevision = flags & 0x80 ? d.u64() : undefined;
  const origin = flags & 0x40 ? d.str() : undefined;
  return { type: 'FEDERATION_SYNC', op, patterns, revisions, sinceRevision, origin };
}

function subscribe(d: Decoder): T.SubscribeMessage {
  const id = d.u32();
  const pattern = d.str();
  const types = signalsFromMask(d.u8());
  const flags = d.u8();
  let options: T.SubscribeOptions | undefined;
  // Any non-zero flags byte means "options present", even with only unknown bits (Rust).
  if (flags !== 0) {
    options = {
      maxRate: flags & 0x01 ? d.u32() : undefined,
      epsilon: flags & 0x02 ? d.f64() : undefined,
      history: flags & 0x04 ? d.u32() : undefined,
      window: flags & 0x08 ? d.u32() : undefined,
    };
  }
  return { type: 'SUBSCRIBE', id, pattern, types: types.length > 0 ? types : undefined, options };
}

function publish(d: Decoder): T.PublishMessage<bigint> {
  const flags = d.u8();
  const address = d.str();
  const indicator = d.u8();
  let value: T.Value | undefined;
  let samples: number[] | undefined;
  if (indicator === 1) {
    value = d.value(0);
  } else if (indicator === 2) {
    const n = d.count(8);
    samples = [];
    for (let i = 0; i < n; i++) samples.push(d.f64());
  } // 0 and 3–255: no value, parsing continues (Rust)
  const timestamp = flags & 0x10 ? d.u64() : undefined;
  const id = flags & 0x08 ? d.u32() : undefined;
  // The rate is not flagged: 4 or more trailing bytes are read as one (Rust and JS).
  const rate = d.end - d.pos >= 4 ? d.u32() : undefined;
  return {
    type: 'PUBLISH', address, signal: signalFromCode(flags >> 5), value, samples, rate, id,
    phase: phaseFromCode(flags & 0x07), timestamp,
  };
}

function set(d: Decoder): T.SetMessage<bigint> {
  const flagsAt = d.pos;
  const flags = d.u8();
  const address = d.str();
  const value = d.valueData(flags & 0x0f, 0, flagsAt);
  const revision = flags & 0x80 ? d.u64() : undefined;
  let ttl: number | undefined;
  let absolute: boolean | undefined;
  if (flags & 0x10) {
    const raw = d.u32();
    // Raw 0 = Never; bit 31 = Absolute (raw 0x80000000 is Absolute(0) in Rust).
    ttl = raw & 0x7fffffff;
    if (raw & 0x80000000) absolute = true;
  }
  return { type: 'SET', address, value, revision, lock: (flags & 0x40) !== 0, unlock: (flags & 0x20) !== 0, ttl, absolute };
}

function snapshot(d: Decoder): T.SnapshotMessage<bigint> {
  const n = d.count(12);
  const params: T.ParamValue<bigint>[] = [];
  for (let i = 0; i < n; i++) {
    const address = d.str();
    const value = d.value(0);
    const revision = d.u64();
    const flags = d.u8();
    const writer = flags & 0x01 ? d.str() : undefined;
    const timestamp = flags & 0x02 ? d.u64() : undefined;
    params.push({ address, value, revision, writer, timestamp });
  }
  return { type: 'SNAPSHOT', params };
}

function replay(d: Decoder): T.ReplayMessage<bigint> {
  const flags = d.u8();
  const pattern = d.str();
  const from = flags & 0x80 ? d.u64() : undefined;
  const to = flags & 0x40 ? d.u64() : undefined;
  const limit = flags & 0x20 ? d.u32() : undefined;
  const types = signalsFromMask(d.u8());
  return { type: 'REPLAY', pattern, from, to, limit, types: types.length > 0 ? types : undefined };
}

function bundle(d: Decoder, depth: number, at: number): T.BundleMessage<bigint> {
  if (depth > d.limits.maxBundleDepth) {
    throw new ClaspDecodeError('limit-exceeded', `bundles nested deeper than maxBundleDepth ${d.limits.maxBundleDepth}`, at);
  }
  const flags = d.u8();
  const n = d.count(3);
  const timestamp = flags & 0x80 ? d.u64() : undefined;
  const messages: D[] = [];
  const outerEnd = d.end;
  for (let i = 0; i < n; i++) {
    const len = d.u16();
    d.need(len);
    const slotEnd = d.pos + len;
    d.end = slotEnd; // every read of the inner message is bounded by its slot
    messages.push(readMessage(d, depth));
    d.pos = slotEnd;
    d.end = outerEnd;
  }
  return { type: 'BUNDLE', timestamp, messages };
}

function sync(d: Decoder): T.SyncMessage<bigint> {
  const flags = d.u8();
  const t1 = d.u64();
  const t2 = flags & 0x01 ? d.u64() : undefined;
  const t3 = flags & 0x02 ? d.u64() : undefined;
  return { type: 'SYNC', t1, t2, t3 };
}

function ack(d: Decoder): T.AckMessage<bigint> {
  const flags = d.u8();
  const address = flags & 0x01 ? d.str() : undefined;
  const revision = flags & 0x02 ? d.u64() : undefined;
  const locked = flags & 0x04 ? d.u8() !== 0 : undefined;
  const holder = flags & 0x08 ? d.str() : undefined;
  const correlationId = flags & 0x10 ? d.u32() : undefined;
  return { type: 'ACK', address, revision, locked, holder, correlationId };
}

function error(d: Decoder): T.ErrorMessage {
  const code = d.u16();
  const message = d.str();
  const flags = d.u8();
  const address = flags & 0x01 ? d.str() : undefined;
  const correlationId = flags & 0x02 ? d.u32() : undefined;
  return { type: 'ERROR', code, message, address, correlationId };
}
