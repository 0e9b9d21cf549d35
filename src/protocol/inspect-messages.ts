/**
 * Message layouts for `inspect`, mirroring `decode-messages.ts` field by field.
 *
 * @packageDocumentation
 */
import {
  FEATURE_BITS, FEDERATION_OP_NAMES, MSG, messageTypeName, phaseFromCode, signalFromCode, signalsFromMask,
} from './codes.js';
import { ClaspDecodeError, prettyByte } from './errors.js';
import type { Tracer } from './Tracer.js';
import { valueTypeName } from './Tracer.js';

const signal = (b: number): string => signalFromCode(b >> 5);
const mask = (b: number): string[] => signalsFromMask(b);

/** @internal Records the message at `t.pos` (bounded by `t.end`); returns its type name. */
export function inspectMessage(t: Tracer, bundleDepth: number): string {
  const at = t.pos;
  t.need(1);
  const code = t.bytes[at] as number;
  const name = messageTypeName(code);
  t.add({ name: 'type', wireType: 'u8', value: name ?? prettyByte(code), start: at, end: at + 1 });
  t.pos++;
  if (name === undefined) throw new ClaspDecodeError('unknown-message', `unknown message type ${prettyByte(code)}`, at, code);
  switch (code) {
    case MSG.HELLO: case MSG.WELCOME: helloWelcome(t, code === MSG.HELLO); break;
    case MSG.ANNOUNCE: t.str('namespace'); signals(t, true); break;
    case MSG.FEDERATION_SYNC: federation(t); break;
    case MSG.SUBSCRIBE: subscribe(t); break;
    case MSG.UNSUBSCRIBE: t.u32('id'); break;
    case MSG.PUBLISH: publish(t); break;
    case MSG.SET: set(t); break;
    case MSG.GET: t.str('address'); break;
    case MSG.SNAPSHOT: snapshot(t); break;
    case MSG.REPLAY: replay(t); break;
    case MSG.BUNDLE: bundle(t, bundleDepth + 1, at); break;
    case MSG.SYNC: {
      const f = t.flags('flags', [['t2', 0x01], ['t3', 0x02]]);
      t.u64('t1');
      if (f & 0x01) t.u64('t2');
      if (f & 0x02) t.u64('t3');
      break;
    }
    case MSG.ACK: ack(t); break;
    case MSG.ERROR: error(t); break;
    case MSG.QUERY: t.str('pattern'); break;
    case MSG.RESULT: signals(t, false); break;
    default: break; // PING, PONG: no fields
  }
  return name;
}

function helloWelcome(t: Tracer, isHello: boolean): void {
  t.u8('version');
  const bits = FEATURE_BITS.filter(([n]) => isHello || n !== 'federation');
  t.flags('features', bits.map(([n, bit]) => [n, bit] as const));
  if (!isHello) t.u64('time');
  if (!isHello) t.str('session');
  t.str('name');
  t.str('token');
}

function signals(t: Tracer, withMeta: boolean): void {
  const n = t.count('count', 4);
  for (let i = 0; i < n; i++) {
    t.group(`signals[${i}]`, 'signal', (node) => {
      node.value = t.str('address');
      t.u8As('type', signalFromCode);
      const f = t.flags('flags', [['datatype', 0x01], ['access', 0x02], ['meta', 0x04]]);
      if (f & 0x01) t.str('datatype');
      if (f & 0x02) t.str('access');
      if (withMeta && f & 0x04) meta(t);
    });
  }
}

function meta(t: Tracer): void {
  t.group('meta', 'meta', () => {
    const f = t.flags('flags', [['unit', 0x01], ['range', 0x02], ['default', 0x04], ['description', 0x08]]);
    if (f & 0x01) t.str('unit');
    if (f & 0x02) { t.f64('min'); t.f64('max'); }
    if (f & 0x04) t.tv('default', 0);
    if (f & 0x08) t.str('description');
  });
}

function federation(t: Tracer): void {
  const at = t.pos;
  const op = t.u8As('op', (b) => FEDERATION_OP_NAMES[b - 1] ?? prettyByte(b));
  if (FEDERATION_OP_NAMES[op - 1] === undefined) {
    throw new ClaspDecodeError('unknown-federation-op', `unknown federation op ${prettyByte(op)}`, at, op);
  }
  const patterns = t.count('patterns', 2);
  for (let i = 0; i < patterns; i++) t.str(`patterns[${i}]`);
  const revisions = t.count('revisions', 10);
  for (let i = 0; i < revisions; i++) {
    t.group(`revisions[${i}]`, 'entry', (node) => {
      node.name = t.str('address');
      node.value = t.u64('revision');
    });
  }
  const f = t.flags('flags', [['sinceRevision', 0x80], ['origin', 0x40]]);
  if (f & 0x80) t.u64('sinceRevision');
  if (f & 0x40) t.str('origin');
}

function subscribe(t: Tracer): void {
  t.u32('id');
  t.str('pattern');
  t.flags('types', [['types', 0xff, mask]]);
  const f = t.flags('options', [['maxRate', 0x01], ['epsilon', 0x02], ['history', 0x04], ['window', 0x08]]);
  if (f & 0x01) t.u32('maxRate');
  if (f & 0x02) t.f64('epsilon');
  if (f & 0x04) t.u32('history');
  if (f & 0x08) t.u32('window');
}

function publish(t: Tracer): void {
  const f = t.flags('flags', [['signal', 0xe0, signal], ['timestamp', 0x10], ['id', 0x08], ['phase', 0x07, phaseFromCode]]);
  t.str('address');
  const indicator = t.u8('indicator');
  if (indicator === 1) t.tv('value', 0);
  else if (indicator === 2) {
    t.group('samples', 'f64[]', () => {
      const n = t.count('count', 8);
      for (let i = 0; i < n; i++) t.f64(`[${i}]`);
    });
  }
  if (f & 0x10) t.u64('timestamp');
  if (f & 0x08) t.u32('id');
  if (t.end - t.pos >= 4) t.u32('rate');
}

function set(t: Tracer): void {
  const flagsAt = t.pos;
  const f = t.flags('flags', [['revision', 0x80], ['lock', 0x40], ['unlock', 0x20], ['ttl', 0x10], ['valueType', 0x0f, valueTypeName]]);
  t.str('address');
  t.group('value', valueTypeName(f & 0x0f), (node) => t.valueData(node, f & 0x0f, 0, flagsAt));
  if (f & 0x80) t.u64('revision');
  if (f & 0x10) t.u32('ttl');
}

function snapshot(t: Tracer): void {
  const n = t.count('count', 12);
  for (let i = 0; i < n; i++) {
    t.group(`params[${i}]`, 'param', (node) => {
      node.value = t.str('address');
      t.tv('value', 0);
      t.u64('revision');
      const f = t.flags('flags', [['writer', 0x01], ['timestamp', 0x02]]);
      if (f & 0x01) t.str('writer');
      if (f & 0x02) t.u64('timestamp');
    });
  }
}

function replay(t: Tracer): void {
  const f = t.flags('flags', [['from', 0x80], ['to', 0x40], ['limit', 0x20]]);
  t.str('pattern');
  if (f & 0x80) t.u64('from');
  if (f & 0x40) t.u64('to');
  if (f & 0x20) t.u32('limit');
  t.flags('types', [['types', 0xff, mask]]);
}

function bundle(t: Tracer, depth: number, at: number): void {
  if (depth > t.limits.maxBundleDepth) {
    throw new ClaspDecodeError('limit-exceeded', `bundles nested deeper than maxBundleDepth ${t.limits.maxBundleDepth}`, at);
  }
  const f = t.flags('flags', [['timestamp', 0x80]]);
  const n = t.count('count', 3);
  if (f & 0x80) t.u64('timestamp');
  const outerEnd = t.end;
  for (let i = 0; i < n; i++) {
    t.group(`messages[${i}]`, 'slot', () => {
      const len = t.u16('length');
      t.need(len);
      const slotEnd = t.pos + len;
      t.end = slotEnd;
      t.group('message', 'message', (node) => { node.value = inspectMessage(t, depth); });
      t.pos = slotEnd;
      t.end = outerEnd;
    });
  }
}

function ack(t: Tracer): void {
  const f = t.flags('flags', [['address', 0x01], ['revision', 0x02], ['locked', 0x04], ['holder', 0x08], ['correlationId', 0x10]]);
  if (f & 0x01) t.str('address');
  if (f & 0x02) t.u64('revision');
  if (f & 0x04) t.u8('locked');
  if (f & 0x08) t.str('holder');
  if (f & 0x10) t.u32('correlationId');
}

function error(t: Tracer): void {
  t.u16('code');
  t.str('message');
  const f = t.flags('flags', [['address', 0x01], ['correlationId', 0x02]]);
  if (f & 0x01) t.str('address');
  if (f & 0x02) t.u32('correlationId');
}
