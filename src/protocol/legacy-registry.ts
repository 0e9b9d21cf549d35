/**
 * Where the optional legacy v0 (MessagePack) decoder plugs in. The decoder itself lives in
 * `legacy.ts` with `@msgpack/msgpack`; this module only knows the payload marker and holds the
 * registered function, so a decode-only bundle carries no MessagePack code unless asked to.
 *
 * @packageDocumentation
 */
import type { Limits } from './limits.js';
import type { DecodedMessage } from './types.js';

/**
 * Decodes the legacy v0 payload `bytes[start, end)` into the same shapes as the binary decoder.
 * @throws ClaspDecodeError with offsets into `bytes`.
 */
export type LegacyDecoder = (bytes: Uint8Array, start: number, end: number, limits: Limits) => DecodedMessage;

let registered: LegacyDecoder | undefined;

/** True for a MessagePack map marker (fixmap `0x80`–`0x8F`, map16 `0xDE`, map32 `0xDF`): a v0 payload. */
export function isMsgpackMap(byte: number): boolean {
  return (byte & 0xf0) === 0x80 || byte === 0xde || byte === 0xdf;
}

/** @internal Makes `decoder` the v0 decoder of every {@link Decoder} built without its own. */
export function setLegacyDecoder(decoder: LegacyDecoder): void {
  registered = decoder;
}

/** @internal The v0 decoder registered with `registerLegacy()`, if any. */
export function registeredLegacyDecoder(): LegacyDecoder | undefined {
  return registered;
}
