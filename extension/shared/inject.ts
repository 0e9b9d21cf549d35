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
import { MAX_FRAME_BYTES, MAX_INJECT_FRAMES, MAX_TEXT_CHARS } from './limits.js';
import { base64ToBytes } from './validate.js';

/** Longest inject id accepted (the panel makes `<random>-<counter>`). */
export const MAX_INJECT_ID_CHARS = 80;

/** Longest connection id accepted (the hook's are `w1`, `w2`, …). */
const MAX_INJECT_CID_CHARS = 64;

/** Longest error text of a result. */
const MAX_INJECT_ERROR_CHARS = 256;

/** Largest base64 text of the binary frames of one inject (MAX_FRAME_BYTES bytes in all). */
const MAX_INJECT_BASE64_CHARS = Math.ceil(MAX_FRAME_BYTES / 3) * 4;


/** One frame of an inject on the extension's JSON ports: binary in base64, or text. */
export type InjectFrame = { readonly bytes: string } | { readonly text: string };

/** Frames to send, in order, as they travel over the extension's JSON ports. */
export interface InjectCommand {
  readonly type: 'inject';
  /** Unique per panel: the result carries it back. */
  readonly id: string;
  /** The hook's connection id of the socket (`w<n>`). */
  readonly cid: string;
  /** `in`: delivered to the page as from the server; absent: sent to the server. */
  readonly dir?: 'in';
  /**
   * At most MAX_INJECT_FRAMES frames, MAX_FRAME_BYTES bytes and MAX_TEXT_CHARS text units in all;
   * none: a probe of the socket's `bufferedAmount`. (A command may also carry one frame as a
   * top-level `bytes` or `text`; parseInjectCommand turns that into `frames`.)
   */
  readonly frames: readonly InjectFrame[];
}

/** Relay → hook: the detail of one `<secret>:inject` event; each frame an ArrayBuffer or a string. */
export interface InjectDetail {
  readonly id: string;
  readonly cid: string;
  readonly dir?: 'in';
  readonly frames: readonly (ArrayBuffer | string)[];
}

/** Hook → relay → service worker → panel: what became of one inject. */
export interface InjectResult {
  readonly id: string;
  /** True when every frame was handed to the socket or delivered to the page (or, for a probe, the socket is open). */
  readonly ok: boolean;
  /** Why not, when `ok` is false (else ''). */
  readonly error: string;
  /** The socket's `bufferedAmount` after the sends, in bytes (0 when not ok). */
  readonly buffered: number;
  /** Frames of the inject sent (or delivered), in order, before a failure. */
  readonly sent: number;
}

type Fields = Readonly<Record<string, unknown>>;

function fields(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;
}

function shortString(value: unknown, cap: number): string | null {
  return typeof value === 'string' && value !== '' && value.length <= cap ? value : null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One frame with only its known field, or null. */
function frameOf(value: unknown): InjectFrame | null {
  const f = fields(value);
  if (f === null) return null;
  const bytes = f['bytes'];
  const text = f['text'];
  if (bytes !== undefined && text !== undefined) return null;
  if (typeof bytes === 'string') return bytes.length % 4 === 0 && BASE64.test(bytes) ? { bytes } : null;
  return typeof text === 'string' ? { text } : null;
}

/**
 * Checks an inject command from a panel (service worker) or the service worker (relay).
 * @returns the command with only its known fields, its frames in `frames`, or null for anything
 * malformed: a missing or over-long id or cid, an unknown direction, a frame that is not exactly
 * one of base64 `bytes` or `text`, more frames, bytes or text than the caps.
 */
export function parseInjectCommand(value: unknown): InjectCommand | null {
  const f = fields(value);
  if (f === null || f['type'] !== 'inject') return null;
  const id = shortString(f['id'], MAX_INJECT_ID_CHARS);
  const cid = shortString(f['cid'], MAX_INJECT_CID_CHARS);
  const dir = f['dir'];
  if (id === null || cid === null || (dir !== undefined && dir !== 'in' && dir !== 'out')) return null;
  let raw: readonly unknown[];
  if (f['frames'] !== undefined) {
    if (!Array.isArray(f['frames']) || f['bytes'] !== undefined || f['text'] !== undefined) return null;
    raw = f['frames'] as unknown[];
  } else raw = f['bytes'] !== undefined || f['text'] !== undefined ? [{ bytes: f['bytes'], text: f['text'] }] : [];
  if (raw.length > MAX_INJECT_FRAMES) return null;
  const frames: InjectFrame[] = [];
  let base64 = 0;
  let text = 0;
  for (const item of raw) {
    const frame = frameOf(item);
    if (frame === null) return null;
    if ('bytes' in frame) base64 += frame.bytes.length;
    else text += frame.text.length;
    if (base64 > MAX_INJECT_BASE64_CHARS || text > MAX_TEXT_CHARS) return null;
    frames.push(frame);
  }
  return dir === 'in' ? { type: 'inject', id, cid, dir, frames } : { type: 'inject', id, cid, frames };
}

/**
 * The relay's detail for the hook: each binary frame decoded into an ArrayBuffer of its own.
 * @throws RangeError from the base64 codec when a frame is not base64 (parseInjectCommand refuses that first).
 */
export function injectDetail(command: InjectCommand): InjectDetail {
  const frames = command.frames.map((frame) => {
    if ('text' in frame) return frame.text;
    const bytes = base64ToBytes(frame.bytes);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  });
  return command.dir === 'in' ? { id: command.id, cid: command.cid, dir: command.dir, frames } : { id: command.id, cid: command.cid, frames };
}

/**
 * Checks a result (from the hook in the relay, from a relay in the service worker, in the panel).
 * @returns the result with only its known fields, or null for anything malformed.
 */
export function parseInjectResult(value: unknown): InjectResult | null {
  const f = fields(value);
  if (f === null) return null;
  const id = shortString(f['id'], MAX_INJECT_ID_CHARS);
  const { ok, error, buffered, sent } = f;
  const count = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (id === null || typeof ok !== 'boolean' || typeof error !== 'string' || !count(buffered) || !count(sent) || sent > MAX_INJECT_FRAMES) return null;
  return { id, ok, error: error.slice(0, MAX_INJECT_ERROR_CHARS), buffered, sent };
}
