/**
 * UTF-8 helpers. Decoding is strict (invalid sequences are an error, a leading U+FEFF is kept),
 * like Rust `String::from_utf8`; `@clasp-to/core` instead replaces them and strips the BOM.
 *
 * @packageDocumentation
 */

const fatalDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * Strings up to this many bytes go through a small cache; longer ones are decoded each time.
 * Addresses, patterns, map keys and session names are short and repeat from frame to frame, so
 * a hit returns the same string without decoding or allocating (the habit of msgpack-javascript's
 * `CachedKeyDecoder`). A miss costs one hash pass. Chosen with `npm run bench:codec`.
 */
export const CACHED_STRING_MAX_BYTES = 48;
/** Cache slots (a power of two), in 2-way sets: a new string evicts the older entry of its set. */
const SLOTS = 1024;
// Built by pure calls, so that encode-only bundles (which never decode a string) drop them.
const slotBytes: (Uint8Array | undefined)[] = /* @__PURE__ */ filled<Uint8Array | undefined>(undefined);
const slotStrings: string[] = /* @__PURE__ */ filled('');

function filled<T>(value: T): T[] {
  return new Array<T>(SLOTS).fill(value);
}

function slotOf(bytes: Uint8Array, start: number, len: number): number {
  let h = len;
  for (let i = start; i < start + len; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return ((h ^ (h >>> 15)) & (SLOTS / 2 - 1)) * 2;
}

function sameBytes(cached: Uint8Array | undefined, bytes: Uint8Array, start: number, len: number): boolean {
  if (cached === undefined || cached.length !== len) return false;
  for (let i = 0; i < len; i++) if (cached[i] !== bytes[start + i]) return false;
  return true;
}

/**
 * Decodes `bytes[start, end)` strictly.
 * @returns the string, or `undefined` when the bytes are not valid UTF-8.
 */
export function utf8Decode(bytes: Uint8Array, start: number, end: number): string | undefined {
  const len = end - start;
  if (len === 0) return '';
  if (len > CACHED_STRING_MAX_BYTES) return decodeUncached(bytes, start, end);
  const set = slotOf(bytes, start, len);
  if (sameBytes(slotBytes[set], bytes, start, len)) return slotStrings[set];
  if (sameBytes(slotBytes[set + 1], bytes, start, len)) return slotStrings[set + 1];
  const s = decodeUncached(bytes, start, end);
  if (s !== undefined) {
    slotBytes[set + 1] = slotBytes[set];
    slotStrings[set + 1] = slotStrings[set] as string;
    slotBytes[set] = bytes.slice(start, end);
    slotStrings[set] = s;
  }
  return s;
}

function decodeUncached(bytes: Uint8Array, start: number, end: number): string | undefined {
  return end - start <= CACHED_STRING_MAX_BYTES ? utf8DecodeShort(bytes, start, end) : fatalDecode(bytes, start, end);
}

/**
 * Strict UTF-8 decoding by hand for short strings: no `TextDecoder` call overhead and no
 * exception for invalid input (a thrown `TypeError` costs far more than the decode). Rejects
 * exactly what `TextDecoder('utf-8', {fatal: true})` rejects: stray continuation bytes, overlong
 * forms, surrogates (U+D800–U+DFFF), code points above U+10FFFF, truncated sequences.
 * Property-tested against `TextDecoder` in `utf8.test.ts`.
 */
export function utf8DecodeShort(bytes: Uint8Array, start: number, end: number): string | undefined {
  let s = '';
  let i = start;
  while (i < end) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      s += String.fromCharCode(b0);
      i++;
      continue;
    }
    let cp: number;
    if (b0 >= 0xc2 && b0 < 0xe0) {
      const b1 = cont(bytes, i + 1, end);
      if (b1 < 0) return undefined;
      cp = ((b0 & 0x1f) << 6) | b1;
      i += 2;
    } else if (b0 >= 0xe0 && b0 < 0xf0) {
      const b1 = cont(bytes, i + 1, end);
      const b2 = cont(bytes, i + 2, end);
      if (b1 < 0 || b2 < 0 || (b0 === 0xe0 && b1 < 0x20) || (b0 === 0xed && b1 >= 0x20)) return undefined;
      cp = ((b0 & 0x0f) << 12) | (b1 << 6) | b2;
      i += 3;
    } else if (b0 >= 0xf0 && b0 < 0xf5) {
      const b1 = cont(bytes, i + 1, end);
      const b2 = cont(bytes, i + 2, end);
      const b3 = cont(bytes, i + 3, end);
      if (b1 < 0 || b2 < 0 || b3 < 0 || (b0 === 0xf0 && b1 < 0x10) || (b0 === 0xf4 && b1 >= 0x10)) return undefined;
      cp = ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
      i += 4;
    } else {
      return undefined; // 0x80–0xC1 (continuation / overlong lead) or 0xF5–0xFF
    }
    s += cp < 0x10000 ? String.fromCharCode(cp) : String.fromCharCode(0xd7c0 + (cp >> 10), 0xdc00 | (cp & 0x3ff));
  }
  return s;
}

/** The 6 payload bits of a continuation byte at `i`, or −1 when there is none. */
function cont(bytes: Uint8Array, i: number, end: number): number {
  if (i >= end) return -1;
  const b = bytes[i] as number;
  return (b & 0xc0) === 0x80 ? b & 0x3f : -1;
}

function fatalDecode(bytes: Uint8Array, start: number, end: number): string | undefined {
  try {
    return fatalDecoder.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
}

/**
 * Writes `str` as UTF-8 into `buf` at `pos`; `buf` must have room for `3 * str.length` bytes.
 * Lone surrogates become U+FFFD (as `TextEncoder` does; a Rust `String` cannot hold them).
 * @returns the number of bytes written.
 */
export function utf8Write(str: string, buf: Uint8Array, pos: number): number {
  const n = str.length;
  // All-ASCII is the common case (addresses, keys). One pass copies every code unit (a
  // Uint8Array store keeps the low byte) and ORs them, with no branch per unit; any unit above
  // 0x7F sends the whole string through TextEncoder, overwriting the truncated bytes.
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const c = str.charCodeAt(i);
    seen |= c;
    buf[pos + i] = c;
  }
  return seen <= 0x7f ? n : utf8WriteAny(str, buf, pos);
}

/** Out of line, so that the ASCII path stays small enough to inline into every string writer. */
function utf8WriteAny(str: string, buf: Uint8Array, pos: number): number {
  return encoder.encodeInto(str, buf.subarray(pos, pos + 3 * str.length)).written;
}
