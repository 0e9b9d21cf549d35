/**
 * Legacy v0 payloads: a MessagePack map as Rust `rmp_serde::to_vec_named` writes a `Message`
 * (docs/wire-format.md §7): internally tagged by a string `"type"`, snake_case keys, `Ttl` externally
 * tagged. Parsed with `@msgpack/msgpack`, then checked field by field (serde's required fields
 * and types) into the same message shapes the binary decoder produces. Unknown keys are ignored
 * and trailing bytes after the map are ignored, as in Rust.
 *
 * Known approximations, because `@msgpack/msgpack` returns every int and float as a JS number:
 * an integral float (`cb 3ff0…` = 1.0) becomes `bigint` 1n (Rust keeps `Float(1.0)`); other
 * numbers map as Rust does (integers → bigint, non-integral → number, u64 above i64::MAX → number).
 *
 * @packageDocumentation
 */
import { Decoder as MsgpackDecoder } from '@msgpack/msgpack';
import { FEDERATION_OP_NAMES, PHASE_NAMES, SIGNAL_NAMES, type SignalType } from './codes.js';
import { ClaspDecodeError } from './errors.js';
import { setLegacyDecoder } from './legacy-registry.js';
import type { Limits } from './limits.js';
import type * as T from './types.js';
import { utf8Decode } from './utf8.js';

const U16 = 0xffff;
const msgpack = new MsgpackDecoder({
  useBigInt64: true,
  // Nothing in a ≤ 65535-byte payload can be longer; checked by the library before allocating.
  maxStrLength: U16, maxBinLength: U16, maxArrayLength: U16, maxMapLength: U16, maxExtLength: U16,
  mapKeyConverter: (key: unknown) => {
    if (typeof key === 'string') return key;
    throw new TypeError('map keys must be strings');
  },
});

type Obj = { readonly [key: string]: unknown };

export { isMsgpackMap } from './legacy-registry.js';

/**
 * Lets the decode-only entry (`clasp-wasm-transport/codec`: `decode`, `decodeMessage`,
 * `decodeMessageBinary`, and every `new Decoder()` without a `legacy` option) decode legacy v0
 * MessagePack payloads too. Without it they reject such payloads with `legacy-not-enabled`. The root
 * entry `clasp-wasm-transport` decodes v0 without this call. Calling it again changes nothing.
 * @example import { registerLegacy } from 'clasp-wasm-transport/legacy'; registerLegacy();
 */
export function registerLegacy(): void {
  setLegacyDecoder(decodeLegacy);
}

/**
 * Decodes the v0 payload `bytes[start, end)`: a `LegacyDecoder`, e.g. for
 * `new Decoder({ legacy: decodeLegacy })`.
 * @throws ClaspDecodeError `bad-msgpack`, `bad-field`, `unknown-message`, `limit-exceeded` (offset = payload start).
 */
export function decodeLegacy(bytes: Uint8Array, start: number, end: number, limits: Limits): T.DecodedMessage {
  let raw: unknown;
  const it = msgpack.decodeMulti(bytes.subarray(start, end));
  try {
    raw = it.next().value; // only the first object: trailing bytes are ignored (rmp_serde::from_slice)
  } catch (e) {
    throw new ClaspDecodeError('bad-msgpack', `invalid MessagePack: ${(e as Error).message}`, start);
  } finally {
    it.return(undefined);
  }
  return new LegacyReader(limits, start).message(raw, 1);
}

class LegacyReader {
  constructor(private readonly limits: Limits, private readonly at: number) {}

  fail(message: string): never {
    throw new ClaspDecodeError('bad-field', message, this.at);
  }

  obj(v: unknown, what: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) this.fail(`${what} must be a map`);
    return v as Obj;
  }

  message(raw: unknown, bundleDepth: number): T.DecodedMessage {
    const o = this.obj(raw, 'message');
    const type = o['type'];
    if (typeof type !== 'string') this.fail('"type" must be a string');
    switch (type) {
      case 'HELLO':
        return { type, version: this.int(o, 'version', 0xff), name: this.str(o, 'name'), features: this.strs(o, 'features'), token: this.optStr(o, 'token') };
      case 'WELCOME':
        return { type, version: this.int(o, 'version', 0xff), session: this.str(o, 'session'), name: this.str(o, 'name'),
          features: this.strs(o, 'features'), time: this.u64(o, 'time'), token: this.optStr(o, 'token') };
      case 'ANNOUNCE':
        return { type, namespace: this.str(o, 'namespace'), signals: this.signals(o) };
      case 'FEDERATION_SYNC': return this.federation(o);
      case 'SUBSCRIBE':
        return { type, id: this.int(o, 'id', 0xffffffff), pattern: this.str(o, 'pattern'), types: this.types(o), options: this.subOptions(o) };
      case 'UNSUBSCRIBE': return { type, id: this.int(o, 'id', 0xffffffff) };
      case 'PUBLISH': return this.publish(o);
      case 'SET': return this.set(o);
      case 'GET': return { type, address: this.str(o, 'address') };
      case 'SNAPSHOT': return { type, params: this.list(o, 'params', false).map((p) => this.param(p)) };
      case 'REPLAY':
        return { type, pattern: this.str(o, 'pattern'), from: this.optU64(o, 'from'), to: this.optU64(o, 'to'),
          limit: this.optInt(o, 'limit', 0xffffffff), types: this.types(o) };
      case 'BUNDLE': return this.bundle(o, bundleDepth);
      case 'SYNC': return { type, t1: this.u64(o, 't1'), t2: this.optU64(o, 't2'), t3: this.optU64(o, 't3') };
      case 'PING': return { type };
      case 'PONG': return { type };
      case 'ACK':
        return { type, address: this.optStr(o, 'address'), revision: this.optU64(o, 'revision'), locked: this.optBool(o, 'locked'),
          holder: this.optStr(o, 'holder'), correlationId: this.optInt(o, 'correlation_id', 0xffffffff) };
      case 'ERROR':
        return { type, code: this.int(o, 'code', U16), message: this.str(o, 'message'), address: this.optStr(o, 'address'),
          correlationId: this.optInt(o, 'correlation_id', 0xffffffff) };
      case 'QUERY': return { type, pattern: this.str(o, 'pattern') };
      case 'RESULT': return { type, signals: this.signals(o) };
      default:
        throw new ClaspDecodeError('unknown-message', `unknown v0 message type "${type}"`, this.at);
    }
  }

  private publish(o: Obj): T.PublishMessage<bigint> {
    const timeline = o['timeline'] == null ? undefined : this.obj(o['timeline'], 'timeline');
    return {
      type: 'PUBLISH', address: this.str(o, 'address'), signal: this.optEnum(o, 'signal', SIGNAL_NAMES),
      value: this.optValue(o, 'value'), payload: this.optValue(o, 'payload'),
      samples: o['samples'] == null ? undefined : this.list(o, 'samples', false).map((s) => this.float(s, 'samples')),
      rate: this.optInt(o, 'rate', 0xffffffff), id: this.optInt(o, 'id', 0xffffffff),
      phase: this.optEnum(o, 'phase', PHASE_NAMES), timestamp: this.optU64(o, 'timestamp'),
      keyframes: timeline === undefined ? undefined : this.list(timeline, 'keyframes', false).map((k) => this.keyframe(k)),
      loop: timeline === undefined ? undefined : this.optBool(timeline, 'loop_') ?? false,
    };
  }

  private keyframe(raw: unknown): T.TimelineKeyframe<bigint> {
    const k = this.obj(raw, 'keyframe');
    const bezier = k['bezier'] == null ? undefined : this.list(k, 'bezier', false).map((n) => this.float(n, 'bezier'));
    if (bezier !== undefined && bezier.length !== 4) this.fail('bezier must have 4 numbers');
    return { time: this.u64(k, 'time'), value: this.value(k['value'], 1), easing: this.optStr(k, 'easing') ?? 'linear',
      bezier: bezier as [number, number, number, number] | undefined };
  }

  private set(o: Obj): T.SetMessage<bigint> {
    if (!('value' in o)) this.fail('SET needs "value"');
    const msg: T.SetMessage<bigint> = { type: 'SET', address: this.str(o, 'address'), value: this.value(o['value'], 1),
      revision: this.optU64(o, 'revision'), lock: this.optBool(o, 'lock') ?? false, unlock: this.optBool(o, 'unlock') ?? false,
      ttl: undefined, absolute: undefined };
    const ttl = o['ttl'];
    if (ttl == null) return msg;
    // Ttl is externally tagged: "Never" | {"Sliding": n} | {"Absolute": n}
    if (ttl === 'Never') return { ...msg, ttl: 0 };
    const t = this.obj(ttl, 'ttl');
    if ('Sliding' in t) return { ...msg, ttl: this.int(t, 'Sliding', 0x7fffffff) };
    if ('Absolute' in t) return { ...msg, ttl: this.int(t, 'Absolute', 0x7fffffff), absolute: true };
    return this.fail('ttl must be "Never", {Sliding} or {Absolute}');
  }

  private param(raw: unknown): T.ParamValue<bigint> {
    const p = this.obj(raw, 'param');
    if (!('value' in p)) this.fail('param needs "value"');
    return { address: this.str(p, 'address'), value: this.value(p['value'], 1), revision: this.u64(p, 'revision'),
      writer: this.optStr(p, 'writer'), timestamp: this.optU64(p, 'timestamp') };
  }

  private federation(o: Obj): T.FederationSyncMessage<bigint> {
    const op = o['op'];
    if (!FEDERATION_OP_NAMES.includes(op as never)) throw new ClaspDecodeError('unknown-federation-op', `unknown federation op ${String(op)}`, this.at);
    const revisions = new Map<string, bigint>();
    if (o['revisions'] != null) {
      const r = this.obj(o['revisions'], 'revisions');
      for (const key of Object.keys(r)) revisions.set(key, this.u64(r, key));
    }
    return { type: 'FEDERATION_SYNC', op: op as T.FederationSyncMessage['op'], patterns: this.strs(o, 'patterns'), revisions,
      sinceRevision: this.optU64(o, 'since_revision'), origin: this.optStr(o, 'origin') };
  }

  private bundle(o: Obj, depth: number): T.BundleMessage<bigint> {
    if (depth > this.limits.maxBundleDepth) {
      throw new ClaspDecodeError('limit-exceeded', `bundles nested deeper than maxBundleDepth ${this.limits.maxBundleDepth}`, this.at);
    }
    return { type: 'BUNDLE', timestamp: this.optU64(o, 'timestamp'),
      messages: this.list(o, 'messages', false).map((m) => this.message(m, depth + 1)) };
  }

  private signals(o: Obj): T.SignalDefinition[] {
    return this.list(o, 'signals', true).map((raw) => {
      const s = this.obj(raw, 'signal');
      const m = s['meta'] == null ? undefined : this.obj(s['meta'], 'meta');
      const range = m === undefined || m['range'] == null ? undefined : this.list(m, 'range', false).map((n) => this.float(n, 'range'));
      if (range !== undefined && range.length !== 2) this.fail('range must have 2 numbers');
      return { address: this.str(s, 'address'), type: this.enumOf(s, 'type', SIGNAL_NAMES), datatype: this.optStr(s, 'datatype'),
        access: this.optStr(s, 'access'),
        meta: m === undefined ? undefined : { unit: this.optStr(m, 'unit'), range: range as [number, number] | undefined,
          default: this.optValue(m, 'default'), description: this.optStr(m, 'description') } };
    });
  }

  private subOptions(o: Obj): T.SubscribeOptions | undefined {
    if (o['options'] == null) return undefined;
    const p = this.obj(o['options'], 'options');
    return { maxRate: this.optInt(p, 'max_rate', 0xffffffff), epsilon: p['epsilon'] == null ? undefined : this.float(p['epsilon'], 'epsilon'),
      history: this.optInt(p, 'history', 0xffffffff), window: this.optInt(p, 'window', 0xffffffff) };
  }

  private types(o: Obj): SignalType[] | undefined {
    const list = this.list(o, 'types', true).map((t) => {
      if (!SIGNAL_NAMES.includes(t as never)) this.fail(`unknown signal type ${String(t)}`);
      return t as SignalType;
    });
    return list.length > 0 ? list : undefined;
  }

  /** Converts a MessagePack value into a CLASP value (serde untagged order: Null, Bool, Int, Float, String, Array, Map). */
  value(v: unknown, depth: number): T.Value {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'boolean': case 'string': return v;
      case 'number': return Number.isInteger(v) ? BigInt(v) : v;
      case 'bigint': return v > 0x7fff_ffff_ffff_ffffn ? Number(v) : v;
      default: break;
    }
    if (depth > this.limits.maxDepth) {
      throw new ClaspDecodeError('limit-exceeded', `values nested deeper than maxDepth ${this.limits.maxDepth}`, this.at);
    }
    if (Array.isArray(v)) return v.map((item) => this.value(item, depth + 1));
    if (v instanceof Uint8Array) {
      // A `bin` that is valid UTF-8 becomes a String (serde's untagged rules); other bins fail.
      const s = utf8Decode(v, 0, v.length);
      return s ?? this.fail('bin value is not valid UTF-8');
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) this.fail('extension types have no CLASP value');
    const out = new Map<string, T.Value>();
    for (const key of Object.keys(v as Obj)) out.set(key, this.value((v as Obj)[key], depth + 1));
    return out;
  }

  private optValue(o: Obj, key: string): T.Value | undefined {
    return o[key] === undefined ? undefined : this.value(o[key], 1);
  }

  private str(o: Obj, key: string): string {
    const v = o[key];
    return typeof v === 'string' ? v : this.fail(`"${key}" must be a string`);
  }

  private optStr(o: Obj, key: string): string | undefined {
    return o[key] == null ? undefined : this.str(o, key);
  }

  private strs(o: Obj, key: string): string[] {
    return this.list(o, key, true).map((s) => (typeof s === 'string' ? s : this.fail(`"${key}" must hold strings`)));
  }

  private list(o: Obj, key: string, optional: boolean): unknown[] {
    const v = o[key];
    if (v == null && optional) return [];
    return Array.isArray(v) ? v : this.fail(`"${key}" must be an array`);
  }

  private optBool(o: Obj, key: string): boolean | undefined {
    const v = o[key];
    if (v == null) return undefined;
    return typeof v === 'boolean' ? v : this.fail(`"${key}" must be a bool`);
  }

  private int(o: Obj, key: string, max: number): number {
    const v = o[key];
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max) return n;
    return this.fail(`"${key}" must be an integer in 0…${max}`);
  }

  private optInt(o: Obj, key: string, max: number): number | undefined {
    return o[key] == null ? undefined : this.int(o, key, max);
  }

  private u64(o: Obj, key: string): bigint {
    const v = o[key];
    if (typeof v === 'bigint' && v >= 0n) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    return this.fail(`"${key}" must be a u64`);
  }

  private optU64(o: Obj, key: string): bigint | undefined {
    return o[key] == null ? undefined : this.u64(o, key);
  }

  private float(v: unknown, key: string): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    return this.fail(`"${key}" must be a number`);
  }

  private enumOf<N extends string>(o: Obj, key: string, names: readonly N[]): N {
    const v = o[key];
    return names.includes(v as N) ? (v as N) : this.fail(`"${key}" must be one of ${names.join(', ')}`);
  }

  private optEnum<N extends string>(o: Obj, key: string, names: readonly N[]): N | undefined {
    return o[key] == null ? undefined : this.enumOf(o, key, names);
  }
}
