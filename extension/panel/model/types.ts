/**
 * The panel's data model: connections and frames as the panel keeps them.
 *
 * @packageDocumentation
 */
import type { FrameDirection } from '../../shared/messages.js';

/** What the panel knows about one connection. Key = `<doc>/<cid>`. */
export interface ConnectionRecord {
  readonly key: string;
  /** Short label shown in the list (`#3`). */
  readonly label: string;
  readonly doc: string;
  readonly frameId: number;
  url: string;
  protocols: readonly string[];
  /** Negotiated subprotocol, once open. */
  protocol: string;
  /** `websocket` (wrapper) or the transport's source. */
  source: string;
  name?: string;
  /** Subprotocol `clasp`, or a binary frame starting with the magic byte 0x53. */
  clasp: boolean;
  state: 'connecting' | 'open' | 'closed';
  closeCode?: number;
  closeReason?: string;
  errors: string[];
}

/**
 * How a frame was understood. `undecodable`: bytes the codec could not read (or a batch the panel
 * could not read), never to be confused with a CLASP `ERROR` message (kind `clasp`, type `ERROR`).
 * `navigation`: not a frame but the marker row the panel inserts where the page navigated while
 * "Preserve log" is on.
 */
export type FrameKind = 'clasp' | 'text' | 'binary' | 'undecodable' | 'navigation';

/**
 * How a frame is listed, computed once when it arrives. Decoded CLASP frames share one summary per
 * (type, QoS, address) and have no `line`: use `frameLine()`.
 */
export interface FrameSummary {
  readonly kind: FrameKind;
  /** CLASP message type name (`SET`) when decoded. */
  readonly type?: string;
  /** Address or pattern of the message, when it has one. */
  readonly address?: string;
  /** `Fire` / `Confirm` / `Commit`. */
  readonly qos?: string;
  /** One-line summary text (text, binary, undecodable and marker rows; see `frameLine()` for all). */
  readonly line?: string;
  /** Decode error text (kind `undecodable`). */
  readonly error?: string;
}

/** One captured (or imported) frame. */
export interface FrameRecord {
  /** Panel-wide increasing id. */
  readonly id: number;
  readonly conn: ConnectionRecord;
  readonly dir: FrameDirection;
  /** Wall-clock ms since the epoch (as the page reported it: may be outside the `Date` range). */
  readonly t: number;
  /**
   * Size of the original message in bytes (UTF-8 bytes for text; for a truncated text frame, the
   * size the page reported). Any number a page forged may be here: consumers must not trust it.
   */
  readonly size: number;
  readonly bytes?: Uint8Array;
  readonly text?: string;
  /** The payload was cut to the capture cap. */
  readonly truncated: boolean;
  /**
   * The page dispatched this `message` event itself (`ws.dispatchEvent`, not trusted): not network
   * traffic. Listed marked; it never changes the state view.
   */
  readonly pageDispatched?: true;
  /** DevTools sent this frame on the page's socket (a replay into the page): real traffic, listed marked. */
  readonly replayed?: true;
  readonly summary: FrameSummary;
}
