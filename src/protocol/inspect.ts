/**
 * `inspect(bytes)`: a tree of every field of a frame with its name, wire type, decoded value and
 * byte range, for the DevTools panel's field ↔ byte linking. It walks the same layouts as the
 * decoder (same bounds, limits and errors) but records a node per field.
 *
 * @packageDocumentation
 */
import { HEADER_SIZE, HEADER_SIZE_WITH_TS, MAGIC_BYTE } from './codes.js';
import { isBytes } from './bytes.js';
import { ClaspDecodeError, prettyByte } from './errors.js';
import type { InspectNode } from './inspect-types.js';
import { inspectMessage } from './inspect-messages.js';
import { DEFAULT_LIMITS, type Limits, resolveLimits } from './limits.js';
import { decodeLegacy, isMsgpackMap } from './legacy.js';
import { Tracer } from './Tracer.js';

// Reserved QoS bits 11 decode as Fire (Rust); the panel shows both.
const QOS_NAMES = ['Fire', 'Confirm', 'Commit', 'Fire (reserved 11)'] as const;

/**
 * Returns the field tree of one frame. The root (`frame`) covers the frame; its children are
 * `header` (magic, flags with qos/timestamp/encrypted/compressed/version, length, timestamp) and
 * `message` (its `type` byte, then every field; nested values and bundle members recursively).
 * Ranges are `[start, end)` offsets into `bytes`. A legacy v0 payload is one `msgpack` node
 * whose value is the decoded message.
 * @throws ClaspDecodeError (only) on malformed input; its `partial` holds the tree read so far.
 */
export function inspect(bytes: Uint8Array, limits?: Partial<Limits>): InspectNode {
  if (!isBytes(bytes)) throw new ClaspDecodeError('truncated', 'input is not a Uint8Array', 0);
  const t = new Tracer(bytes, limits === undefined ? DEFAULT_LIMITS : resolveLimits(limits));
  try {
    const payloadEnd = header(t);
    t.root.end = payloadEnd;
    t.end = payloadEnd;
    if (t.pos >= payloadEnd) throw new ClaspDecodeError('truncated', 'empty payload: needed 1 byte', t.pos);
    if (isMsgpackMap(bytes[t.pos] as number)) {
      const value = decodeLegacy(bytes, t.pos, payloadEnd, t.limits);
      t.add({ name: 'message', wireType: 'msgpack', value, start: t.pos, end: payloadEnd });
      t.pos = payloadEnd;
    } else {
      t.group('message', 'message', (node) => { node.value = inspectMessage(t, 0); });
    }
    return t.root;
  } catch (e) {
    t.closeAll();
    if (e instanceof ClaspDecodeError) {
      e.partial = t.root;
      throw e;
    }
    throw e;
  }
}

function header(t: Tracer): number {
  return t.group('header', 'header', () => {
    if (t.bytes.length < HEADER_SIZE) {
      throw new ClaspDecodeError('truncated', `frame needs at least ${HEADER_SIZE} bytes, have ${t.bytes.length}`, t.bytes.length);
    }
    const magic = t.u8('magic');
    if (magic !== MAGIC_BYTE) throw new ClaspDecodeError('bad-magic', `bad magic byte ${prettyByte(magic)}, expected 0x53`, 0, magic);
    const flags = t.flags('flags', [
      ['qos', 0xc0, (b) => QOS_NAMES[b >> 6]],
      ['timestamp', 0x20],
      ['encrypted', 0x10],
      ['compressed', 0x08],
      ['version', 0x07, (b) => b],
    ]);
    const length = t.u16('length');
    if (length > t.limits.maxPayloadSize) {
      throw new ClaspDecodeError('limit-exceeded', `payload length ${length} exceeds maxPayloadSize ${t.limits.maxPayloadSize}`, 2);
    }
    if (flags & 0x20) t.u64('timestamp');
    const payloadEnd = (flags & 0x20 ? HEADER_SIZE_WITH_TS : HEADER_SIZE) + length;
    if (t.bytes.length < payloadEnd) {
      throw new ClaspDecodeError('truncated', `frame needs ${payloadEnd} bytes, have ${t.bytes.length}`, t.pos);
    }
    return payloadEnd;
  });
}
