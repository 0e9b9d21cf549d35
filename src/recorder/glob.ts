/**
 * Address globs for queries: CLASP address patterns (`src/protocol/address-pattern.ts`, the Rust
 * router's rules: `*` one segment or a glob within one, `/fader*`; `**` as a whole segment any number
 * of segments, including none: `/mixer/**` matches `/mixer`, `/mixer/1` and `/mixer/1/gain`), plus one
 * extra for typing convenience: a glob that does not start with `/` matches at any depth
 * (`gain` = `/**\/gain`, `fader*` = `/**\/fader*`, `**` = every address).
 */
import { compileAddressPattern } from '../protocol/address-pattern.js';

/** A compiled glob that remembers its answers per address (chunks repeat addresses a lot). */
export type AddressMatcher = (address: string) => boolean;

/**
 * Compiles an address glob.
 * @throws RangeError for an empty pattern or one the address-pattern rules refuse (`AddressPatternError`).
 */
export function compileAddressGlob(pattern: string): AddressMatcher {
  if (pattern.length === 0) throw new RangeError('address glob must not be empty');
  const compiled = compileAddressPattern(pattern.startsWith('/') ? pattern : `/**/${pattern}`);
  const cache = new Map<string, boolean>();
  return (address) => {
    let hit = cache.get(address);
    if (hit === undefined) {
      hit = compiled.matches(address);
      if (cache.size < 65_536) cache.set(address, hit);
    }
    return hit;
  };
}
