/**
 * The panel's data model: connections and frames as the panel keeps them.
 *
 * @packageDocumentation
 */
import type { Direction } from '../../shared/messages.js';

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

/** How a frame was understood. */
export type FrameKind = 'clasp' | 'text' | 'binary' | 'error';

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
  /** One-line summary text (text, binary and error frames; see `frameLine()` for all). */
  readonly line?: string;
  /** Decode error text (kind `error`). */
  readonly error?: string;
}

/** One captured (or imported) frame. */
export interface FrameRecord {
  /** Panel-wide increasing id. */
  readonly id: number;
  readonly conn: ConnectionRecord;
  readonly dir: Direction;
  /** Wall-clock ms since the epoch. */
  readonly t: number;
  /** Size of the original message (bytes, or UTF-16 units for text). */
  readonly size: number;
  readonly bytes?: Uint8Array;
  readonly text?: string;
  /** The payload was cut to the capture cap. */
  readonly truncated: boolean;
  readonly summary: FrameSummary;
}
