/**
 * The tree `inspect` returns, used by the DevTools panel to link a field to its bytes.
 *
 * @packageDocumentation
 */

/** One field (or group of fields) of a frame. */
export interface InspectNode {
  /** Field name (`magic`, `flags`, `qos`, `address`, `value`, `[0]`, a map key, …). */
  name: string;
  /** Wire type: `u8`, `u16`, `u32`, `u64`, `i64`, `f64`, `str`, `bytes`, `bits`, `array`, `map`, `frame`, `message`, … */
  wireType: string;
  /** Decoded value of a leaf (bigint for u64/i64, string, number, boolean, null, Uint8Array). */
  value?: unknown;
  /** First byte of the field, as an offset into the whole input. */
  start: number;
  /** One past the last byte: the field covers `[start, end)`. */
  end: number;
  /** Sub-fields, in wire order. */
  children?: InspectNode[];
}
