/**
 * Address globs for queries: segments are separated by `/`; `*` matches exactly one segment
 * (or the rest of one: `/fader*`), `**` as a whole segment matches any number of segments,
 * including none (`/mixer/**` matches `/mixer`, `/mixer/1` and `/mixer/1/gain`).
 */

/** A compiled glob that remembers its answers per address (chunks repeat addresses a lot). */
export type AddressMatcher = (address: string) => boolean;

/**
 * Compiles an address glob.
 * @throws RangeError for an empty pattern.
 */
export function compileAddressGlob(pattern: string): AddressMatcher {
  if (pattern.length === 0) throw new RangeError('address glob must not be empty');
  const regex = new RegExp(`^${globToRegexSource(pattern)}$`);
  const cache = new Map<string, boolean>();
  return (address) => {
    let hit = cache.get(address);
    if (hit === undefined) {
      hit = regex.test(address);
      if (cache.size < 65_536) cache.set(address, hit);
    }
    return hit;
  };
}

function globToRegexSource(pattern: string): string {
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const sep = i === 0 ? '' : '/';
    if (segment === '**') {
      // zero or more whole segments, the separator included
      source += i === 0 ? '(?:[^/]*(?:/[^/]*)*)?' : '(?:/[^/]*)*';
      return;
    }
    source += sep + segment.split('*').map(escapeRegex).join('[^/]*');
  });
  return source;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
}
