/**
 * Validation of untrusted page events (the relay's only entry point for page data) and the
 * base64 codec used on the extension's JSON ports.
 *
 * @packageDocumentation
 */
import { checkBlock, MAX_BLOCK_CIDS, MAX_BLOCK_RECORDS, type BlockView } from './frame-block.js';
import { MAX_COUNT, MAX_FRAME_BYTES, MAX_PROTOCOLS, MAX_STRING_CHARS, MAX_TEXT_CHARS, MAX_TIME_MS } from './limits.js';
import type { Direction, PageEvent } from './messages.js';

/** Longest connection id accepted. */
const MAX_CID_CHARS = 64;

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A count or number within [0, MAX_COUNT] (what the frame block can hold), else null. */
function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_COUNT ? value : null;
}

/** A wall-clock time within the JS Date range (so every consumer can make a Date of it), else null. */
function time(value: unknown): number | null {
  return typeof value === 'number' && value >= -MAX_TIME_MS && value <= MAX_TIME_MS ? value : null;
}

/**
 * The first `cap` code units of `text` as a string of its own. Why a copy: V8's `slice` of a long
 * string is a view that keeps the whole original alive (8 Mi chars kept for 64 Ki shown); a
 * structured clone writes the kept part into a new string.
 */
export function keepPrefix(text: string, cap: number): string {
  return text.length <= cap ? text : structuredClone(text.slice(0, cap));
}

function cappedString(value: unknown, cap: number = MAX_STRING_CHARS): string | null {
  return typeof value === 'string' ? keepPrefix(value, cap) : null;
}

function direction(value: unknown): Direction | null {
  return value === 'in' || value === 'out' ? value : null;
}

function protocols(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const out: string[] = [];
  for (const item of value.slice(0, MAX_PROTOCOLS)) {
    const s = cappedString(item, 128);
    if (s === null) return null;
    out.push(s);
  }
  return out;
}

/** Result of {@link parsePageEvent}: the clean event, or why it was refused. */
export type ParseResult =
  | { readonly ok: true; readonly event: PageEvent; readonly truncated: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * Turns one untrusted value from the page into a {@link PageEvent}, copying only known fields
 * with the right types and capping every string and payload.
 *
 * @returns `{ ok: false, reason }` for anything that is not a well-formed event; never throws.
 */
export function parsePageEvent(value: unknown): ParseResult {
  if (!isFields(value)) return { ok: false, reason: 'not an object' };
  const seq = count(value['seq']);
  const t = time(value['t']);
  const cid = cappedString(value['cid'], MAX_CID_CHARS);
  if (seq === null || t === null || cid === null || cid === '') return { ok: false, reason: 'bad header' };
  const base = { seq, t, cid };
  switch (value['k']) {
    case 'conn': {
      const url = cappedString(value['url']);
      const protos = protocols(value['protocols']);
      const source = cappedString(value['source'], 64);
      const attempt = count(value['attempt']);
      const name = value['name'] === undefined ? undefined : cappedString(value['name'], 256);
      if (url === null || protos === null || source === null || attempt === null || name === null) {
        return { ok: false, reason: 'bad conn' };
      }
      const event = { k: 'conn', ...base, url, protocols: protos, source, attempt } as const;
      return { ok: true, truncated: false, event: name === undefined ? event : { ...event, name } };
    }
    case 'open': {
      const protocol = cappedString(value['protocol'], 128);
      return protocol === null ? { ok: false, reason: 'bad open' } : { ok: true, truncated: false, event: { k: 'open', ...base, protocol } };
    }
    case 'frame':
      return parseFrame(value, base);
    case 'close': {
      const code = count(value['code']);
      const reason = cappedString(value['reason'], 256);
      const wasClean = value['wasClean'];
      if (code === null || code > 0xffff || reason === null || typeof wasClean !== 'boolean') {
        return { ok: false, reason: 'bad close' };
      }
      return { ok: true, truncated: false, event: { k: 'close', ...base, code, reason, wasClean } };
    }
    case 'error': {
      const message = cappedString(value['message']);
      if (message === null) return { ok: false, reason: 'bad error' };
      const event = { k: 'error', ...base, message } as const;
      return { ok: true, truncated: false, event: value['page'] === true ? { ...event, page: true } : event };
    }
    default:
      return { ok: false, reason: 'unknown kind' };
  }
}

function parseFrame(value: Fields, base: { seq: number; t: number; cid: string }): ParseResult {
  const dir = direction(value['dir']);
  const size = count(value['size']);
  if (dir === null || size === null) return { ok: false, reason: 'bad frame' };
  const head = value['page'] === true ? { k: 'frame', ...base, dir, size, page: true } as const : { k: 'frame', ...base, dir, size } as const;
  const text = value['text'];
  const bytes = value['bytes'];
  if (typeof text === 'string' && bytes === undefined) {
    const kept = keepPrefix(text, MAX_TEXT_CHARS);
    if (size < kept.length) return { ok: false, reason: 'size below payload' };
    return { ok: true, truncated: kept.length < size, event: { ...head, text: kept } };
  }
  if (bytes instanceof ArrayBuffer && text === undefined) {
    const kept = bytes.byteLength > MAX_FRAME_BYTES ? bytes.slice(0, MAX_FRAME_BYTES) : bytes;
    if (size < kept.byteLength) return { ok: false, reason: 'size below payload' };
    return { ok: true, truncated: kept.byteLength < size, event: { ...head, bytes: kept } };
  }
  return { ok: false, reason: 'bad payload' };
}

/** Result of {@link parsePageDetail}. */
export type DetailResult =
  | {
      readonly ok: true;
      readonly view: BlockView;
      readonly cids: readonly string[];
      /** Per OBJECT record of the block, in order: the clean event, or null when it was refused. */
      readonly events: readonly (PageEvent | null)[];
      /** Frames whose payload was cut (block records and object events). */
      readonly truncated: number;
    }
  | { readonly ok: false; readonly reason: string; /** Events lost with the refused batch (at least 1). */ readonly lost: number };

/**
 * Turns one untrusted batch from the page (`{ block, cids, events }`, see PageDetail) into a
 * checked frame block and clean object events. A malformed block or connection table refuses the
 * whole batch; a malformed object event refuses only itself.
 *
 * @returns never throws.
 */
export function parsePageDetail(detail: unknown): DetailResult {
  if (!isFields(detail)) return { ok: false, reason: 'batch is not an object', lost: 1 };
  const rawEvents = detail['events'];
  const rawCids = detail['cids'];
  const lost = Array.isArray(rawEvents) ? Math.max(1, Math.min(rawEvents.length, MAX_BLOCK_RECORDS)) : 1;
  if (!Array.isArray(rawEvents) || rawEvents.length > MAX_BLOCK_RECORDS) return { ok: false, reason: 'bad events', lost };
  if (!Array.isArray(rawCids) || rawCids.length > MAX_BLOCK_CIDS) return { ok: false, reason: 'bad connection table', lost };
  const cids: string[] = [];
  for (const item of rawCids as unknown[]) {
    const cid = cappedString(item, MAX_CID_CHARS);
    if (cid === null || cid === '') return { ok: false, reason: 'bad connection id', lost };
    cids.push(cid);
  }
  const checked = checkBlock(detail['block'], cids.length, rawEvents.length, MAX_FRAME_BYTES);
  if (!checked.ok) return { ok: false, reason: checked.reason, lost: Math.max(lost, blockCount(detail['block'])) };
  let truncated = checked.truncated;
  const events = (rawEvents as unknown[]).map((item) => {
    const parsed = parsePageEvent(item);
    if (!parsed.ok) return null;
    if (parsed.truncated) truncated += 1;
    return parsed.event;
  });
  return { ok: true, view: checked.view, cids, events, truncated };
}

/** Records a refused block claimed to hold, for the counters (0 when unreadable). */
function blockCount(block: unknown): number {
  if (!(block instanceof ArrayBuffer) || block.byteLength < 4) return 0;
  return Math.min(new Uint32Array(block, 0, 1)[0]!, MAX_BLOCK_RECORDS);
}

/** Alphabet of standard base64 (RFC 4648 §4). */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The native base64 codec of ES2026 (Chrome 140+), when present: far faster than the loops below. */
const native = Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array; prototype: { toBase64?: () => string } };

/** Encodes bytes as standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  if (typeof native.prototype.toBase64 === 'function') return (bytes as unknown as { toBase64(): string }).toBase64();
  return bytesToBase64Portable(bytes);
}

/** {@link bytesToBase64} without the native codec (exported for tests). */
export function bytesToBase64Portable(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/**
 * Decodes standard base64 (padding optional).
 * @throws RangeError on a character outside the alphabet or an impossible length.
 */
export function base64ToBytes(text: string): Uint8Array {
  if (typeof native.fromBase64 === 'function') {
    try {
      return native.fromBase64(text);
    } catch (error) {
      throw new RangeError(`invalid base64: ${(error as Error).message}`);
    }
  }
  return base64ToBytesPortable(text);
}

/** {@link base64ToBytes} without the native codec (exported for tests). */
export function base64ToBytesPortable(text: string): Uint8Array {
  const clean = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  if (clean.length % 4 === 1) throw new RangeError(`invalid base64 length ${text.length}`);
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) throw new RangeError(`invalid base64 character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
