/**
 * Decodes the base64 payloads of one message into a single buffer. A `Uint8Array` per frame costs
 * an allocation and a backing store each (the panel's largest cost per frame in a profile of a
 * 100 000-frame burst); views into one buffer per message cost neither. Frames of one message are
 * kept and evicted together (they are adjacent in the list), so the shared buffer does not keep
 * much more alive than the frames themselves.
 *
 * @packageDocumentation
 */
import { base64ToBytes } from '../../shared/validate.js';

/** `Uint8Array.prototype.setFromBase64` (ES2026, Chrome 140+), when present. */
type SetFromBase64 = (this: Uint8Array, text: string) => { read: number; written: number };
const nativeSet = (Uint8Array.prototype as unknown as { setFromBase64?: SetFromBase64 }).setFromBase64;

/** Payloads larger than this get a buffer of their own (a shared one would pin them together). */
const SHARED_MAX_CHARS = 16 << 10;

/**
 * Decodes each base64 text (`undefined` entries stay `undefined`).
 * @returns per input the bytes, or the Error that explains why it is unreadable (never throws).
 */
export function decodePayloads(texts: readonly (string | undefined)[], setFromBase64: SetFromBase64 | undefined = nativeSet): (Uint8Array | Error | undefined)[] {
  let capacity = 0;
  for (const text of texts) if (text !== undefined && text.length <= SHARED_MAX_CHARS) capacity += Math.ceil(text.length / 4) * 3;
  const shared = new Uint8Array(capacity);
  let offset = 0;
  return texts.map((text) => {
    if (text === undefined) return undefined;
    try {
      if (text.length > SHARED_MAX_CHARS || setFromBase64 === undefined) return base64ToBytes(text);
      const target = shared.subarray(offset);
      const { read, written } = setFromBase64.call(target, text);
      if (read !== text.length) throw new RangeError(`invalid base64: stopped at ${read} of ${text.length}`);
      const bytes = shared.subarray(offset, offset + written);
      offset += written;
      return bytes;
    } catch (error) {
      if (error instanceof RangeError) return error;
      return new RangeError(`invalid base64: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
