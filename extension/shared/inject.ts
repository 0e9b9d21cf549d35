/**
 * Replay into the page's own connection (deep mode): one frame sent on one socket the page hook
 * wrapped (`out`, to the server), or delivered to the page on it as if the server had sent it
 * (`in`: a `message` event the hook dispatches on the socket), at the panel's request.
 *
 *   panel ─port 'panel:<tabId>' {inject}→ service worker (only while the tab is in deep mode)
 *   ─port 'relay' {inject}→ relay of that document ─CustomEvent `<secret>:inject`→ hook
 *   hook: captured native `send` on the socket (`out`), or a `message` event dispatched on it with the
 *   captured `dispatchEvent` (`in`); the frame is reported as traffic marked `replay`
 *   hook ─CustomEvent `<secret>:injected`→ relay ─{injected}→ service worker → the tab's panels
 *
 * Both CustomEvent names follow the per-document secret, so a page can neither send nor answer an
 * inject, and the hook calls only functions it captured before any page script ran, so a page that
 * replaced `WebSocket.prototype.send` does not see the replayed frames go out. An inject with neither
 * `bytes` nor `text` sends nothing: it is a probe for the socket's `bufferedAmount`.
 *
 * Every field is checked where it enters (service worker, relay, hook) by the functions here. The
 * event name suffixes (INJECT_SUFFIX, INJECTED_SUFFIX) are in messages.ts, beside the other hook
 * names, so the hook's bundle does not pull this module in.
 *
 * @packageDocumentation
 */
import { MAX_FRAME_BYTES, MAX_TEXT_CHARS } from './limits.js';
import { base64ToBytes } from './validate.js';

/** Longest inject id accepted (the panel makes `<random>-<counter>`). */
export const MAX_INJECT_ID_CHARS = 80;

/** Longest connection id accepted (the hook's are `w1`, `w2`, …). */
const MAX_INJECT_CID_CHARS = 64;

/** Longest error text of a result. */
const MAX_INJECT_ERROR_CHARS = 256;

/** Largest base64 text of a binary inject (MAX_FRAME_BYTES bytes). */
const MAX_INJECT_BASE64_CHARS = Math.ceil(MAX_FRAME_BYTES / 3) * 4;

/** One frame to send, as it travels over the extension's JSON ports (bytes in base64). */
export interface InjectCommand {
  readonly type: 'inject';
  /** Unique per panel: the result carries it back. */
  readonly id: string;
  /** The hook's connection id of the socket (`w<n>`). */
  readonly cid: string;
  /** `in`: delivered to the page as from the server; absent: sent to the server. */
  readonly dir?: 'in';
  /** A binary frame, base64 (at most MAX_FRAME_BYTES bytes). */
  readonly bytes?: string;
  /** A text frame (at most MAX_TEXT_CHARS UTF-16 units). */
  readonly text?: string;
}

/** Relay → hook: the detail of one `<secret>:inject` event. */
export interface InjectDetail {
  readonly id: string;
  readonly cid: string;
  readonly dir?: 'in';
  readonly bytes?: ArrayBuffer;
  readonly text?: string;
}

/** Hook → relay → service worker → panel: what became of one inject. */
export interface InjectResult {
  readonly id: string;
  /** True when the frame was handed to the socket or delivered to the page (or, for a probe, the socket is open). */
  readonly ok: boolean;
  /** Why not, when `ok` is false (else ''). */
  readonly error: string;
  /** The socket's `bufferedAmount` after the send, in bytes (0 when not ok). */
  readonly buffered: number;
}

type Fields = Readonly<Record<string, unknown>>;

function fields(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;
}

function shortString(value: unknown, cap: number): string | null {
  return typeof value === 'string' && value !== '' && value.length <= cap ? value : null;
}

/**
 * Checks an inject command from a panel (service worker) or the service worker (relay).
 * @returns the command with only its known fields, or null for anything malformed: a missing or
 * over-long id or cid, both or an oversized payload, bytes that are not base64.
 */
export function parseInjectCommand(value: unknown): InjectCommand | null {
  const f = fields(value);
  if (f === null || f['type'] !== 'inject') return null;
  const id = shortString(f['id'], MAX_INJECT_ID_CHARS);
  const cid = shortString(f['cid'], MAX_INJECT_CID_CHARS);
  const dir = f['dir'];
  if (id === null || cid === null || (dir !== undefined && dir !== 'in' && dir !== 'out')) return null;
  const head = dir === 'in' ? ({ type: 'inject', id, cid, dir } as const) : ({ type: 'inject', id, cid } as const);
  const bytes = f['bytes'];
  const text = f['text'];
  if (bytes !== undefined && text !== undefined) return null;
  if (bytes !== undefined) {
    if (typeof bytes !== 'string' || bytes.length > MAX_INJECT_BASE64_CHARS || !/^[A-Za-z0-9+/]*={0,2}$/.test(bytes) || bytes.length % 4 !== 0) return null;
    return { ...head, bytes };
  }
  if (text !== undefined) {
    if (typeof text !== 'string' || text.length > MAX_TEXT_CHARS) return null;
    return { ...head, text };
  }
  return head;
}

/**
 * The relay's detail for the hook: bytes decoded into an ArrayBuffer of their own.
 * @throws RangeError from the base64 codec when `bytes` is not base64 (parseInjectCommand refuses that first).
 */
export function injectDetail(command: InjectCommand): InjectDetail {
  const base = command.dir === 'in' ? { id: command.id, cid: command.cid, dir: command.dir } : { id: command.id, cid: command.cid };
  if (command.bytes !== undefined) {
    const bytes = base64ToBytes(command.bytes);
    return { ...base, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  }
  return command.text !== undefined ? { ...base, text: command.text } : base;
}

/**
 * Checks a result (from the hook in the relay, from a relay in the service worker, in the panel).
 * @returns the result with only its known fields, or null for anything malformed.
 */
export function parseInjectResult(value: unknown): InjectResult | null {
  const f = fields(value);
  if (f === null) return null;
  const id = shortString(f['id'], MAX_INJECT_ID_CHARS);
  const ok = f['ok'];
  const error = f['error'];
  const buffered = f['buffered'];
  if (id === null || typeof ok !== 'boolean' || typeof error !== 'string' || typeof buffered !== 'number' || !Number.isSafeInteger(buffered) || buffered < 0) return null;
  return { id, ok, error: error.slice(0, MAX_INJECT_ERROR_CHARS), buffered };
}
