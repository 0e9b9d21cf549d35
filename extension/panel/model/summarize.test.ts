import { describe, expect, test } from 'vitest';
import { encode } from '../../../src/protocol/index.js';
import { MAX_SHARED_SUMMARIES, decodeBinary, frameLine, summarizeText } from './summarize.js';

const set = (address: string, value: number, revision: bigint) => encode({ type: 'SET', address, value, revision });

describe('summaries', () => {
  test('CLASP frames of one type, QoS and address share one summary; each keeps its own line', () => {
    const a = { bytes: set('/share/a', 0.25, 1n) };
    const b = { bytes: set('/share/a', 0.5, 2n) };
    const sa = decodeBinary(a.bytes, true).summary;
    const sb = decodeBinary(b.bytes, true).summary;
    expect(sa).toBe(sb);
    expect(sa).toEqual({ kind: 'clasp', type: 'SET', qos: 'Confirm', address: '/share/a' });
    expect(frameLine({ ...a, summary: sa })).toBe('/share/a = 0.25 rev 1');
    expect(frameLine({ ...b, summary: sb })).toBe('/share/a = 0.5 rev 2');
    expect(decodeBinary(set('/share/b', 0.5, 2n), true).summary).not.toBe(sa);
  });

  test('a message without an address never shares with an empty address', () => {
    const ping = decodeBinary(encode({ type: 'PING' }), true).summary;
    const empty = decodeBinary(set('', 1, 1n), true).summary;
    expect(ping.address).toBeUndefined();
    expect(empty.address).toBe('');
    expect(decodeBinary(encode({ type: 'PING' }), true).summary).toBe(ping);
  });

  test('sharing stops at MAX_SHARED_SUMMARIES distinct summaries; later ones are still right', () => {
    for (let i = 0; i < MAX_SHARED_SUMMARIES + 10; i++) decodeBinary(set(`/many/${i}`, 1, 1n), true);
    const late = { bytes: set(`/many/${MAX_SHARED_SUMMARIES + 5}`, 2, 7n) };
    const summary = decodeBinary(late.bytes, true).summary;
    expect(summary).toEqual({ kind: 'clasp', type: 'SET', qos: 'Confirm', address: `/many/${MAX_SHARED_SUMMARIES + 5}` });
    expect(decodeBinary(late.bytes, true).summary).not.toBe(summary);
    expect(frameLine({ ...late, summary })).toBe(`/many/${MAX_SHARED_SUMMARIES + 5} = 2 rev 7`);
  });

  test('text, raw binary and undecodable frames carry their line', () => {
    expect(frameLine({ summary: summarizeText('a  b\nc') })).toBe('a  b\nc'); // kept; the row escapes the line break
    expect(frameLine({ bytes: new Uint8Array([1, 2]), summary: decodeBinary(new Uint8Array([1, 2]), false).summary })).toBe('01 02');
    const bad = new Uint8Array([0x53, 0x21, 0, 0]);
    const { summary } = decodeBinary(bad, true);
    expect(summary.kind).toBe('undecodable');
    expect(frameLine({ bytes: bad, summary })).toBe(summary.error);
  });
});
