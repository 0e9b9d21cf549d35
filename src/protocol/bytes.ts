/**
 * Big-endian reads straight from a `Uint8Array`, without a `DataView` over the input.
 *
 * Why: constructing a `DataView` per frame cost more than decoding a small SET (measured with
 * `npm run bench:codec` and a per-type micro-benchmark: ~200 ns per `new DataView` on V8 12,
 * vs ~20 ns to copy 8 bytes into a scratch). Integers up to 32 bits are assembled from bytes;
 * 64-bit and float fields are copied into one 8-byte scratch and read through its `DataView`.
 *
 * @packageDocumentation
 */

const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/** u16 at `p` (caller checked bounds). */
export function readU16(b: Uint8Array, p: number): number {
  return ((b[p] as number) << 8) | (b[p + 1] as number);
}

/** u32 at `p` (caller checked bounds). */
export function readU32(b: Uint8Array, p: number): number {
  return (((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number)) >>> 0;
}

function load8(b: Uint8Array, p: number): void {
  scratch[0] = b[p] as number;
  scratch[1] = b[p + 1] as number;
  scratch[2] = b[p + 2] as number;
  scratch[3] = b[p + 3] as number;
  scratch[4] = b[p + 4] as number;
  scratch[5] = b[p + 5] as number;
  scratch[6] = b[p + 6] as number;
  scratch[7] = b[p + 7] as number;
}

/** u64 at `p` as a bigint (caller checked bounds). */
export function readU64(b: Uint8Array, p: number): bigint {
  load8(b, p);
  return scratchView.getBigUint64(0);
}

/** i64 at `p` as a bigint (caller checked bounds). */
export function readI64(b: Uint8Array, p: number): bigint {
  load8(b, p);
  return scratchView.getBigInt64(0);
}

/** f64 at `p` (caller checked bounds). */
export function readF64(b: Uint8Array, p: number): number {
  load8(b, p);
  return scratchView.getFloat64(0);
}

/** f32 at `p`, widened to a number (caller checked bounds). */
export function readF32(b: Uint8Array, p: number): number {
  scratch[0] = b[p] as number;
  scratch[1] = b[p + 1] as number;
  scratch[2] = b[p + 2] as number;
  scratch[3] = b[p + 3] as number;
  return scratchView.getFloat32(0);
}

/**
 * True for a `Uint8Array` (Node `Buffer` included), also one created in another realm (an
 * iframe or a DevTools page), where `instanceof` alone would say no.
 */
export function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array || (ArrayBuffer.isView(x) && Object.prototype.toString.call(x) === '[object Uint8Array]');
}
