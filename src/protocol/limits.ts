/**
 * Decoder and encoder limits. Rust `clasp-core` has none beyond the u16 length fields; these
 * guard a browser tab against hostile frames (stack exhaustion, allocation bombs).
 *
 * @packageDocumentation
 */

/** Bounds applied while decoding (and, for depths, while encoding). */
export interface Limits {
  /**
   * Maximum nesting of ARRAY/MAP values. A top-level value is depth 1.
   * Default 100 (a 65 535-byte payload could otherwise nest ~21 800 arrays).
   */
  readonly maxDepth: number;
  /** Maximum nesting of BUNDLEs; the outer bundle is depth 1. Default 16. */
  readonly maxBundleDepth: number;
  /** Maximum payload bytes accepted. Default 65 535 (the format's own maximum). */
  readonly maxPayloadSize: number;
}

/** The defaults: `{ maxDepth: 100, maxBundleDepth: 16, maxPayloadSize: 65535 }`. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxDepth: 100,
  maxBundleDepth: 16,
  maxPayloadSize: 65535,
});

/** Fills missing fields of partial limits with {@link DEFAULT_LIMITS}. */
export function resolveLimits(limits: Partial<Limits> | undefined): Limits {
  if (limits === undefined) return DEFAULT_LIMITS;
  return Object.freeze({ ...DEFAULT_LIMITS, ...limits });
}
