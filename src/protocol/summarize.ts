/**
 * A cheap per-frame summary for recorders and list views: message type and address without
 * decoding values or allocating the message.
 *
 * @packageDocumentation
 */
import { MSG, type MessageTypeName, type QoS, type SignalType, messageTypeName, signalFromCode } from './codes.js';
import { ClaspDecodeError, prettyByte } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';
import { decodeLegacy, isMsgpackMap } from './legacy.js';
import { parseFrameHeader } from './frame.js';
import { utf8Decode } from './utf8.js';
import { readU16, isBytes } from './bytes.js';

/** What {@link summarize} reports about one frame. */
export interface FrameSummary {
  /** Message type code (first payload byte; for v0 the code of its `"type"` tag). */
  type: number;
  typeName: MessageTypeName;
  /**
   * The address a list view would show: SET/PUBLISH/GET/ACK address, ERROR address, ANNOUNCE
   * namespace, or the pattern of SUBSCRIBE/QUERY/REPLAY. `undefined` when the message has none.
   */
  address?: string | undefined;
  /** PUBLISH signal. */
  signal?: SignalType | undefined;
  /** Number of params (SNAPSHOT), messages (BUNDLE) or signals (ANNOUNCE/RESULT). */
  count?: number | undefined;
  qos: QoS;
  /** Frame timestamp (µs) if the frame carries one. */
  timestamp?: bigint | undefined;
  /** Header + timestamp + payload bytes. */
  frameLength: number;
  payloadLength: number;
  /** True for a legacy v0 MessagePack payload (summarised by a full decode). */
  legacy: boolean;
}

/**
 * Summarises a frame by reading only the header, the type byte and the address field (no
 * values are decoded, nothing but the address string is allocated). Legacy v0 payloads are
 * fully decoded first. Checks only what it reads: a frame may summarise and still fail `decode`.
 * @throws ClaspDecodeError for a bad header, an empty payload, an unknown type, or a truncated / non-UTF-8 address.
 */
export function summarize(bytes: Uint8Array): FrameSummary {
  if (!isBytes(bytes)) throw new ClaspDecodeError('truncated', 'input is not a Uint8Array', 0);
  const h = parseFrameHeader(bytes, DEFAULT_LIMITS);
  const start = h.payloadStart;
  const end = h.payloadEnd;
  if (start >= end) throw new ClaspDecodeError('truncated', 'empty payload: needed 1 byte', start);
  const code = bytes[start] as number;
  const out: FrameSummary = {
    type: code, typeName: 'PING' /* set below before returning */, address: undefined, signal: undefined, count: undefined,
    qos: h.flags.qos, timestamp: h.timestamp, frameLength: end, payloadLength: end - start, legacy: false,
  };
  if (isMsgpackMap(code)) return summarizeLegacy(out, bytes, start, end);
  const typeName = messageTypeName(code);
  if (typeName === undefined) throw new ClaspDecodeError('unknown-message', `unknown message type ${prettyByte(code)}`, start, code);
  out.typeName = typeName;
  const r = new SummaryReader(bytes, start + 1, end);
  switch (code) {
    case MSG.SET: r.skip(1); out.address = r.str(); break;
    case MSG.PUBLISH: out.signal = signalFromCode(r.u8() >> 5); out.address = r.str(); break;
    case MSG.GET: case MSG.QUERY: out.address = r.str(); break;
    case MSG.SUBSCRIBE: r.skip(4); out.address = r.str(); break;
    case MSG.REPLAY: r.skip(1); out.address = r.str(); break;
    case MSG.ANNOUNCE: out.address = r.str(); out.count = r.u16(); break;
    case MSG.ACK: if (r.u8() & 0x01) out.address = r.str(); break;
    case MSG.ERROR: { r.skip(2); r.skip(r.u16()); if (r.u8() & 0x01) out.address = r.str(); break; }
    case MSG.SNAPSHOT: case MSG.RESULT: out.count = r.u16(); break;
    case MSG.BUNDLE: r.skip(1); out.count = r.u16(); break;
    default: break;
  }
  return out;
}

function summarizeLegacy(out: FrameSummary, bytes: Uint8Array, start: number, end: number): FrameSummary {
  const m = decodeLegacy(bytes, start, end, DEFAULT_LIMITS);
  const a = m as { address?: string; pattern?: string; namespace?: string; signal?: SignalType };
  out.type = MSG[m.type];
  out.typeName = m.type;
  out.address = a.address ?? a.pattern ?? a.namespace;
  out.signal = a.signal;
  out.legacy = true;
  return out;
}

class SummaryReader {
  constructor(private readonly bytes: Uint8Array, private pos: number, private readonly end: number) {}

  skip(n: number): void {
    if (this.pos + n > this.end) throw new ClaspDecodeError('truncated', `needed ${n} bytes, have ${this.end - this.pos}`, this.pos);
    this.pos += n;
  }

  u8(): number {
    this.skip(1);
    return this.bytes[this.pos - 1] as number;
  }

  u16(): number {
    this.skip(2);
    return readU16(this.bytes, this.pos - 2);
  }

  str(): string {
    const len = this.u16();
    const at = this.pos;
    this.skip(len);
    const s = utf8Decode(this.bytes, at, at + len);
    if (s === undefined) throw new ClaspDecodeError('bad-utf8', 'string is not valid UTF-8', at);
    return s;
  }
}
