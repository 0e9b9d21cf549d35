import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pageDetail } from './detail-fixtures.js';
import { BLOCK_HEADER_BYTES, BLOCK_RECORD_BYTES, BlockWriter, checkBlock, MAX_BLOCK_RECORDS, RECORD_KIND } from './frame-block.js';

const MAX = 1 << 20;

describe('BlockWriter → checkBlock', () => {
  test('round-trips records and payloads in order, with object places', () => {
    const w = new BlockWriter(8, 64);
    w.addBytes(1.5, 7, 3, 0, 0, new Uint8Array([1, 2, 3]));
    w.addObject();
    w.addBytes(2.5, 9, 10, 1, 1, new Uint8Array([4, 5]));
    const block = w.take();
    expect(block.byteLength).toBe(BLOCK_HEADER_BYTES + 3 * BLOCK_RECORD_BYTES + 5);
    const checked = checkBlock(block, 2, 1, MAX);
    if (!checked.ok) throw new Error(checked.reason);
    const v = checked.view;
    expect(v.count).toBe(3);
    expect([v.kind(0), v.t(0), v.seq(0), v.size(0), v.len(0), v.cid(0), v.dir(0)]).toEqual([RECORD_KIND.BYTES, 1.5, 7, 3, 3, 0, 0]);
    expect(v.kind(1)).toBe(RECORD_KIND.OBJECT);
    expect([v.t(2), v.seq(2), v.size(2), v.len(2), v.cid(2), v.dir(2)]).toEqual([2.5, 9, 10, 2, 1, 1]);
    expect(checked.truncated).toBe(1);
    expect([...new Uint8Array(block, v.payloadStart)]).toEqual([1, 2, 3, 4, 5]);
  });

  test('take() starts a new batch and its block owns its bytes', () => {
    const w = new BlockWriter(4, 16);
    const src = new Uint8Array([9, 9]);
    w.addBytes(1, 1, 2, 0, 0, src);
    const first = w.take();
    src.fill(0); // the page may reuse its buffer after send()
    w.addBytes(2, 2, 1, 0, 1, new Uint8Array([7]));
    const second = w.take();
    expect([...new Uint8Array(first, first.byteLength - 2)]).toEqual([9, 9]);
    expect(w.count).toBe(0);
    expect(checkBlock(second, 1, 0, MAX)).toMatchObject({ ok: true });
  });

  test('fits() bounds records and payload bytes', () => {
    const w = new BlockWriter(2, 4);
    expect(w.fits(5)).toBe(false);
    w.addBytes(1, 1, 4, 0, 0, new Uint8Array(4));
    expect([w.fits(1), w.fits(0)]).toEqual([false, true]);
    w.addObject();
    expect(w.fits(0)).toBe(false);
  });
});

describe('checkBlock refuses', () => {
  const valid = () => pageDetail([{ bytes: [1, 2, 3] }, { object: {} }, { bytes: [4], cid: 'w2', dir: 'out' }]).block;
  const patched = (edit: (view: DataView, recordAt: (i: number) => number) => void): ArrayBuffer => {
    const block = valid().slice(0);
    edit(new DataView(block), (i) => BLOCK_HEADER_BYTES + i * BLOCK_RECORD_BYTES);
    return block;
  };
  test.each([
    ['a non-buffer', () => new Uint8Array(8), 2, 1, /not an ArrayBuffer/],
    ['a block without header', () => new ArrayBuffer(4), 2, 1, /no header/],
    ['a count beyond the limit', () => patched((d) => d.setUint32(0, MAX_BLOCK_RECORDS + 1, true)), 2, 1, /at most/],
    ['a count beyond the bytes', () => patched((d) => d.setUint32(0, 1000, true)), 2, 1, /cannot hold/],
    ['an unknown kind', () => patched((d, at) => d.setUint8(at(0) + 23, 7)), 2, 1, /unknown kind/],
    ['a DROPPED record from the page', () => patched((d, at) => d.setUint8(at(1) + 23, RECORD_KIND.DROPPED)), 2, 0, /unknown kind 2/],
    ['an unknown direction', () => patched((d, at) => d.setUint8(at(0) + 22, 2)), 2, 1, /direction/],
    ['a connection index out of the table', () => patched(() => undefined), 1, 1, /connection index 1 of 1/],
    ['a time that is not a number', () => patched((d, at) => d.setFloat64(at(0), NaN, true)), 2, 1, /outside the Date range/],
    ['a time beyond the Date range (1e300)', () => patched((d, at) => d.setFloat64(at(0), 1e300, true)), 2, 1, /outside the Date range/],
    ['a time just past the Date range', () => patched((d, at) => d.setFloat64(at(0), -8.64e15 - 1, true)), 2, 1, /outside the Date range/],
    ['more bytes kept than the frame had', () => patched((d, at) => d.setUint32(at(0) + 12, 2, true)), 2, 1, /3 bytes kept of 2/],
    ['a payload past the end', () => patched((d, at) => (d.setUint32(at(0) + 16, 60, true), d.setUint32(at(0) + 12, 60, true))), 2, 1, /past the block/],
    ['bytes after the last payload', () => patched((d, at) => d.setUint32(at(0) + 16, 2, true)), 2, 1, /1 bytes after/],
    ['an object count that does not match', () => valid(), 2, 2, /1 object records for 2 objects/],
  ])('%s', (_what, block, cids, objects, reason) => {
    const result = checkBlock(block(), cids, objects, MAX);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  test('frames above the per-frame cap', () => {
    const block = pageDetail([{ bytes: new Uint8Array(100) }]).block;
    expect(checkBlock(block, 1, 0, 99)).toMatchObject({ ok: false, reason: expect.stringMatching(/100 bytes kept/) });
  });

  test('DROPPED records only where allowed (blocks from the relay)', () => {
    const block = valid();
    new DataView(block).setUint8(BLOCK_HEADER_BYTES + BLOCK_RECORD_BYTES + 23, RECORD_KIND.DROPPED);
    expect(checkBlock(block, 2, 0, MAX, true)).toMatchObject({ ok: true });
  });

  test('never throws on arbitrary bytes, and every accepted block stays inside its buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(4), fc.nat(4), (bytes, cids, objects) => {
        const result = checkBlock(bytes.slice().buffer, cids, objects, MAX, true);
        if (!result.ok) return;
        let end = result.view.payloadStart;
        for (let i = 0; i < result.view.count; i++) if (result.view.kind(i) === RECORD_KIND.BYTES) end += result.view.len(i);
        expect(end).toBe(bytes.length);
      }),
      { numRuns: 5000 },
    );
  });
});
