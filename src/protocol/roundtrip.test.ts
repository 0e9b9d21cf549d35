/**
 * What's tested (fast-check properties over every message type, bundles nested):
 * - decode(encode(m)) equals m, with the frame QoS Rust's `default_qos` and an optional frame timestamp;
 * - re-encoding a decoded message reproduces the same bytes;
 * - encodeMessageSharedRef gives the same bytes as the copying encoder;
 * - inspect accepts every frame, its leaves tile the frame exactly, and summarize agrees with decode.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { message, u64 } from '../../test/fixtures/arbitraries.js';
import { toHex } from '../../test/fixtures/hex.js';
import {
  type InspectNode, MSG, decodeMessage, defaultQoS, encodeMessage, encodeMessageSharedRef, inspect, summarize,
} from './index.js';

const RUNS = 1500;

test('decode(encode(m)) = m, and re-encoding is byte-identical', () => {
  fc.assert(
    fc.property(message, fc.option(u64, { nil: undefined }), (m, timestamp) => {
      const bytes = encodeMessage(m, { timestamp });
      const decoded = decodeMessage(bytes);
      expect(decoded.message).toEqual(m);
      expect(decoded.timestamp).toBe(timestamp);
      expect(decoded.flags.qos).toBe(defaultQoS(m));
      expect(decoded.flags.version).toBe(1);
      expect(toHex(encodeMessage(decoded.message, { qos: decoded.flags.qos, timestamp }))).toBe(toHex(bytes));
      expect(toHex(encodeMessageSharedRef(m, { timestamp }))).toBe(toHex(bytes));
    }),
    { numRuns: RUNS },
  );
}, 60_000); // property runs: seconds on an idle core, generous for a shared machine

/** Leaves in wire order must cover [payloadStart, end) with no gap and no overlap. */
function leaves(node: InspectNode, out: InspectNode[] = []): InspectNode[] {
  if (node.children === undefined || node.children.length === 0 || node.wireType === 'u8') {
    out.push(node);
  } else {
    for (const c of node.children) leaves(c, out);
  }
  return out;
}

test('inspect tiles every frame with leaves and summarize matches decode', () => {
  fc.assert(
    fc.property(message, (m) => {
      const bytes = encodeMessage(m);
      const tree = inspect(bytes);
      expect(tree.start).toBe(0);
      expect(tree.end).toBe(bytes.length);
      let pos = 0;
      for (const leaf of leaves(tree)) {
        expect(leaf.start).toBe(pos);
        expect(leaf.end).toBeGreaterThanOrEqual(leaf.start);
        pos = leaf.end;
      }
      // PUBLISH can end with <4 unused bytes? No: the encoder never writes any, so the tiling is complete.
      expect(pos).toBe(bytes.length);
      const message = tree.children?.[1];
      expect(message?.value).toBe(m.type);
      const s = summarize(bytes);
      expect(s.typeName).toBe(m.type);
      expect(s.type).toBe(MSG[m.type]);
      expect(s.frameLength).toBe(bytes.length);
      const a = m as { address?: string; pattern?: string; namespace?: string };
      if (m.type !== 'ERROR' || a.address !== undefined) expect(s.address).toBe(a.address ?? a.pattern ?? a.namespace);
    }),
    { numRuns: 500 },
  );
}, 60_000); // property runs: seconds on an idle core, generous for a shared machine
