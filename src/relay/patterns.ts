/**
 * CLASP address patterns, segment-wise as in Rust `clasp_core::address`: `*` matches exactly one
 * segment, `**` matches zero or more segments; everything else matches itself.
 *
 * @packageDocumentation
 */

/** A compiled pattern: a predicate over addresses. */
export type AddressMatcher = (address: string) => boolean;

/** True when `pattern` could be a CLASP address or pattern (starts with `/`). */
export function isValidPattern(pattern: string): boolean {
  return pattern.startsWith('/');
}

function matchSegments(pattern: readonly string[], p: number, address: readonly string[], a: number): boolean {
  for (; p < pattern.length; p += 1, a += 1) {
    const segment = pattern[p];
    if (segment === '**') {
      // Zero or more segments: try every split (patterns are short; `**` is rarely repeated).
      for (let skip = a; skip <= address.length; skip += 1) {
        if (matchSegments(pattern, p + 1, address, skip)) return true;
      }
      return false;
    }
    if (a >= address.length) return false;
    if (segment !== '*' && segment !== address[a]) return false;
    if (segment === '*' && address[a] === '') return false;
  }
  return a === address.length;
}

/**
 * Compiles a pattern once for repeated matching.
 * @example compilePattern('/lumen/*\/opacity')('/lumen/3/opacity') === true
 */
export function compilePattern(pattern: string): AddressMatcher {
  if (!pattern.includes('*')) return (address) => address === pattern;
  const segments = pattern.split('/');
  return (address) => matchSegments(segments, 0, address.split('/'), 0);
}
