/**
 * Standard base64 (RFC 4648 §4, with padding): the project's one codec, for the recorder's exports
 * and validated imports and for the DevTools extension's JSON ports. Where the platform has the
 * native codec (`Uint8Array.prototype.toBase64` / `Uint8Array.fromBase64`, ES2026, Chrome 140+) it
 * is used as a fast path: many times faster than the loops below on the extension's megabyte batches.
 * Results and errors are the same on both paths: input the native decoder would read differently
 * (whitespace, which it skips) or refuses goes through the loop, which names the offending position.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = /* @__PURE__ */ new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** The native codec's shape, where it exists. */
interface NativeBase64 {
  fromBase64?: (text: string, options?: { lastChunkHandling?: 'loose' | 'strict' | 'stop-before-partial' }) => Uint8Array;
  prototype: { toBase64?: () => string };
}
const native = Uint8Array as unknown as NativeBase64;
/** Characters the native decoder skips and this codec refuses. */
const WHITESPACE = /[\t\n\f\r ]/;

/** Encodes bytes as padded base64. */
export function toBase64(bytes: Uint8Array): string {
  if (typeof native.prototype.toBase64 === 'function') return (bytes as unknown as { toBase64(): string }).toBase64();
  return toBase64Portable(bytes);
}

/** @internal {@link toBase64} without the native codec (tests run both). */
export function toBase64Portable(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}${ALPHABET[(n >> 6) & 63]!}=`;
  }
  return out;
}

/**
 * Decodes padded base64.
 * @throws RangeError naming the offending position for a wrong length, character or padding.
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof native.fromBase64 === 'function' && text.length % 4 === 0 && !WHITESPACE.test(text)) {
    try {
      return native.fromBase64(text, { lastChunkHandling: 'strict' });
    } catch {
      // Refused (or non-zero padding bits, which the loop accepts): the loop decides and names the position.
    }
  }
  return fromBase64Portable(text);
}

/** @internal {@link fromBase64} without the native codec (tests run both). */
export function fromBase64Portable(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new RangeError(`base64 length ${text.length} is not a multiple of 4`);
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const isPad = c === 61 && i + j >= text.length - pad;
      const v = isPad ? 0 : c < 128 ? LOOKUP[c]! : -1;
      if (v < 0) throw new RangeError(`invalid base64 character at ${i + j}`);
      n = (n << 6) | v;
    }
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}
