/**
 * Validation of untrusted page events (the relay's only entry point for page data), and the
 * base64 codec used on the extension's JSON ports (re-exported from `src/recorder/base64.ts`).
 *
 * @packageDocumentation
 */
import { checkBlock, MAX_BLOCK_CIDS, MAX_BLOCK_RECORDS, type BlockView } from './frame-block.js';
import { MAX_COUNT, MAX_FRAME_BYTES, MAX_PROTOCOLS, MAX_STRING_CHARS, MAX_TEXT_CHARS, MAX_TIME_MS } from './limits.js';
import type { FrameDirection, PageEvent } from './messages.js';

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

function direction(value: unknown): FrameDirection | null {
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

/** A frame event without its payload. */
type FrameHead = Omit<Extract<PageEvent, { k: 'frame' }>, 'text' | 'bytes'>;

function parseFrame(value: Fields, base: { seq: number; t: number; cid: string }): ParseResult {
  const dir = direction(value['dir']);
  const size = count(value['size']);
  if (dir === null || size === null) return { ok: false, reason: 'bad frame' };
  const plain = { k: 'frame', ...base, dir, size } as const;
  const head: FrameHead = value['page'] === true ? { ...plain, page: true } : value['replay'] === true ? { ...plain, replay: true } : plain;
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

/**
 * The extension's names for the project's one base64 codec (`src/recorder/base64.ts`, padded, with
 * the native fast path); the panel's batch decoder uses it for strings too long for its shared buffer.
 */
export {
  toBase64 as bytesToBase64,
  fromBase64 as base64ToBytes,
  toBase64Portable as bytesToBase64Portable,
  fromBase64Portable as base64ToBytesPortable,
} from '../../src/recorder/base64.js';
