/**
 * Small helpers shared by the encoder engine and the message writers.
 *
 * @packageDocumentation
 */
import { VAL } from './codes.js';
import { ClaspEncodeError } from './errors.js';

/**
 * The value type code the encoder writes for a JS value: `bigint` → I64, `number` → F64,
 * `undefined` → NULL (as `@clasp-to/core`), plain object or `Map` → MAP.
 * @throws ClaspEncodeError `unsupported-value` for functions, symbols, class instances, non-`Uint8Array` views.
 */
export function valueType(v: unknown, path: string): number {
  switch (typeof v) {
    case 'number': return VAL.F64;
    case 'string': return VAL.STRING;
    case 'boolean': return VAL.BOOL;
    case 'bigint': return VAL.I64;
    case 'undefined': return VAL.NULL;
    case 'object': {
      if (v === null) return VAL.NULL;
      if (Array.isArray(v)) return VAL.ARRAY;
      // Plain objects first (the common map); same result as testing the classes first, as a
      // Uint8Array or Map never has Object.prototype or null as its prototype.
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) return VAL.MAP;
      if (v instanceof Uint8Array) return VAL.BYTES;
      if (v instanceof Map) return VAL.MAP;
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
