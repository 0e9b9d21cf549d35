/**
 * Small helpers shared by the encoder engine and the message writers.
 *
 * @packageDocumentation
 */
import { VAL_ARRAY, VAL_BOOL, VAL_BYTES, VAL_F64, VAL_I64, VAL_MAP, VAL_NULL, VAL_STRING } from './codes.js';
import { ClaspEncodeError } from './errors.js';
import { utf8Write } from './utf8.js';

// Constants shared across modules are plain literals: bundlers inline imported literal constants
// (an encode-only bundle then carries no variables for them), not computed ones.

/** Longest string (UTF-16 units) whose UTF-8 (≤ 3 bytes per unit) always fits the u16 length: ⌊65 535 / 3⌋. */
export const SHORT_STRING = 21_845;
const TWO_POW_MINUS_32 = 1 / 0x1_0000_0000;

/** @internal Writer kinds of the flag-gated fields of `encode-messages.ts`. */
export const STR = 0;
/** @internal */
export const U32 = 1;
/** @internal */
export const U64 = 2;
/** @internal */
export const F64 = 3;
/** @internal A `[min, max]` pair of f64. */
export const RANGE = 4;
/** @internal A `tv` value. */
export const VALUE = 5;

// Unchecked writers for the hot layouts (SET with a number, SNAPSHOT params): the caller tests
// the fields with the guards below, reserves room for the whole group with one `Encoder.ensure`,
// then writes with a local position: one bound check per group instead of one per field, and no
// encoder field traffic between fields (SET −8 %, SNAPSHOT −5…12 % in A/B runs on the bench
// corpus). Anything failing a guard takes the checked `Encoder` methods, which throw the errors.

/** @internal A string that {@link putStr} may write: room needed is `2 + 3 * s.length`. */
export function isShortString(s: unknown): s is string {
  return typeof s === 'string' && s.length <= SHORT_STRING;
}

/** @internal A number that {@link putU64} may write. */
export function isU64Number(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** @internal Writes a str (u16 byte length + UTF-8) at `p`; returns the end. */
export function putStr(buf: Uint8Array, p: number, s: string): number {
  const n = utf8Write(s, buf, p + 2);
  buf[p] = n >>> 8;
  buf[p + 1] = n & 0xff;
  return p + 2 + n;
}

/** @internal Writes a u64 from a safe non-negative integer at `p`; returns the end. */
export function putU64(view: DataView, p: number, v: number): number {
  // v · 2^−32 is exact (a power of two) and below 2^21: no division.
  view.setUint32(p, Math.floor(v * TWO_POW_MINUS_32));
  view.setUint32(p + 4, v >>> 0);
  return p + 8;
}

/**
 * The value type code the encoder writes for a JS value: `bigint` → I64, `number` → F64,
 * `undefined` → NULL (as `@clasp-to/core`), plain object or `Map` → MAP.
 * @throws ClaspEncodeError `unsupported-value` for functions, symbols, class instances, non-`Uint8Array` views.
 */
export function valueType(v: unknown, path: string): number {
  switch (typeof v) {
    case 'number': return VAL_F64;
    case 'string': return VAL_STRING;
    case 'boolean': return VAL_BOOL;
    case 'bigint': return VAL_I64;
    case 'undefined': return VAL_NULL;
    case 'object': {
      if (v === null) return VAL_NULL;
      if (Array.isArray(v)) return VAL_ARRAY;
      // Plain objects first (the common map); same result as testing the classes first, as a
      // Uint8Array or Map never has Object.prototype or null as its prototype.
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) return VAL_MAP;
      if (v instanceof Uint8Array) return VAL_BYTES;
      if (v instanceof Map) return VAL_MAP;
      break;
    }
    default:
      break;
  }
  throw new ClaspEncodeError('unsupported-value', `no CLASP encoding for ${describe(v)}`, path);
}

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return `an instance of ${v.constructor?.name ?? 'an unknown class'}`;
  return `a ${typeof v}`;
}

/** @internal */
export function rangeError(v: unknown, kind: string, path: string): ClaspEncodeError {
  if (typeof v !== 'number' && typeof v !== 'bigint') return badField(path, `a ${kind} integer`);
  return new ClaspEncodeError('out-of-range', `${String(v)} is not a valid ${kind}`, path);
}

/** @internal */
export function badField(path: string, expected: string): ClaspEncodeError {
  return new ClaspEncodeError('bad-field', `expected ${expected}`, path);
}
