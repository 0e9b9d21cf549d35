/**
 * The whole communication vocabulary of the extension, one section per hop:
 *
 *   page (MAIN world hook) ─CustomEvent(secret name)→ relay (ISOLATED) ─port 'relay'→ service worker
 *   ─port 'panel:<tabId>'→ panel
 *
 * Page events are untrusted data: the relay accepts them only through {@link parsePageEvent}
 * (validate.ts). Nothing that travels from the page is ever a command.
 *
 * Rule: bump {@link PROTOCOL_VERSION} on every incompatible change of these shapes.
 *
 * @packageDocumentation
 */
import type { FrameDirection } from '../../src/transport/devtools-hook.js';
import type { InjectCommand, InjectResult } from './inject.js';

/** Version of the relay ↔ service worker ↔ panel messages. */
export const PROTOCOL_VERSION = 2;

/** Prefix of the per-document secret event name (`clasp-devtools:<random uuid>`). */
export const CHANNEL_PREFIX = 'clasp-devtools:';

/** Fixed name of the one-time handshake events of the hook and the relay at `document_start`. */
export const HANDSHAKE_EVENT = 'clasp-devtools-handshake';

/** What {@link agreeChannel} uses of the document: the two content scripts pass their own. */
export interface HandshakeDocument {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent(event: Event): boolean;
}

/**
 * Agrees on the per-document secret event name with the other content script (MAIN-world hook,
 * ISOLATED relay). Each calls this once, synchronously at `document_start`, before any page script
 * can listen; Chrome runs both there, in either order:
 * - each listens for {@link HANDSHAKE_EVENT} and proposes a random secret of its own on it;
 * - the first to run hears the second one's proposal, adopts it and answers with it; the second
 *   hears that answer (an event other than its own proposal, with its secret) and adopts it too.
 * Nothing is read from the DOM, so a page cannot preset the secret in its markup (an `<html>`
 * attribute could be), and both listeners are gone once agreed. `onAgreed` runs once: at once in
 * the second script, and during the second script's call in the first.
 *
 * @param newEvent makes a CustomEvent (the hook passes the constructor it captured).
 * @param detailOf reads a CustomEvent's detail (likewise).
 */
export function agreeChannel(
  doc: HandshakeDocument,
  onAgreed: (eventName: string) => void,
  newEvent: (type: string, detail: string) => Event = (type, detail) => new CustomEvent(type, { detail }),
  detailOf: (event: Event) => unknown = (event) => (event as CustomEvent<unknown>).detail,
  random: () => string = () => crypto.randomUUID(),
): void {
  const mine = random();
  const proposal = newEvent(HANDSHAKE_EVENT, mine);
  let agreed = false;
  const listener = (event: Event): void => {
    if (agreed || event === proposal) return;
    const secret = detailOf(event);
    if (typeof secret !== 'string' || secret === '') return;
    agreed = true;
    doc.removeEventListener(HANDSHAKE_EVENT, listener);
    // Not our secret: the other script's proposal, which it learns we took from this answer.
    if (secret !== mine) doc.dispatchEvent(newEvent(HANDSHAKE_EVENT, secret));
    onAgreed(CHANNEL_PREFIX + secret);
  };
  doc.addEventListener(HANDSHAKE_EVENT, listener);
  doc.dispatchEvent(proposal);
}

/**
 * Suffix of the event name on which the relay tells the hook its settings (`detail`: full capture
 * on, a boolean). Only the two content scripts know the secret it follows.
 */
export const CONFIG_SUFFIX = ':config';

/** Suffix of the event name on which the relay asks the hook to send a frame (inject.ts, `InjectDetail`). */
export const INJECT_SUFFIX = ':inject';

/** Suffix of the event name on which the hook answers an inject (inject.ts, `InjectResult`). */
export const INJECTED_SUFFIX = ':injected';

/** Port name of a relay (content script). */
export const RELAY_PORT = 'relay';

/** Port name prefix of a panel: `panel:<tabId>` (a devtools page has no `sender.tab`). */
export const PANEL_PORT_PREFIX = 'panel:';

/** `source` of a connection found by deep mode (chrome.debugger), not by the page hook. */
export const DEEP_SOURCE = 'deep mode';

/**
 * Direction seen from the page (`out` = page → server): the transport's hook contract type, the one
 * direction type of the project.
 */
export type { FrameDirection };

/** Fields of every page event: hook-local order, wall-clock ms, connection id. */
export interface PageEventBase {
  /** Order in which the hook saw the event (taken synchronously, even for Blob frames). */
  readonly seq: number;
  /** Wall-clock milliseconds since the Unix epoch. */
  readonly t: number;
  /** Connection id within the document (`w1`… for wrapped sockets, `t:<id>` for transport-only ones). */
  readonly cid: string;
}

/** A connection appears, or its metadata is updated (a transport claims a wrapped socket). */
export interface ConnEvent extends PageEventBase {
  readonly k: 'conn';
  readonly url: string;
  readonly protocols: readonly string[];
  /** `'websocket'` for the wrapper, else the transport's `source`. */
  readonly source: string;
  readonly name?: string;
  /** Reconnect attempt reported by a transport (0 otherwise). */
  readonly attempt: number;
}

/** The handshake completed. */
export interface OpenEvent extends PageEventBase {
  readonly k: 'open';
  readonly protocol: string;
}

/** One message. Exactly one of `text` / `bytes` is set. */
export interface FrameEvent<B = ArrayBuffer> extends PageEventBase {
  readonly k: 'frame';
  readonly dir: FrameDirection;
  readonly text?: string;
  readonly bytes?: B;
  /** Size of the original message in bytes (UTF-16 units for text) before any truncation. */
  readonly size: number;
  /**
   * Added in issue 13: true when the page dispatched this `message` event itself
   * (`ws.dispatchEvent(new MessageEvent(…))`, `event.isTrusted` false): not network traffic, to be
   * shown marked as page-dispatched. Absent on real frames.
   */
  readonly page?: true;
  /**
   * Added in issue 16: true when DevTools sent this frame on the socket (a replay into the page's
   * connection, see inject.ts): real traffic, shown marked as replayed. Only the hook's own inject
   * path sets it; absent on the page's frames.
   */
  readonly replay?: true;
}

/** The connection closed. */
export interface CloseEvent extends PageEventBase {
  readonly k: 'close';
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** A transport-reported error. */
export interface ErrorEvent extends PageEventBase {
  readonly k: 'error';
  readonly message: string;
  /**
   * Added in issue 13: true when the page dispatched an `open` or `close` event on a socket itself
   * (`event.isTrusted` false). The hook reports such an event as this error (its `message` says
   * what was dispatched) so that it never changes the connection's state in any panel.
   */
  readonly page?: true;
}

/** Any event the hook reports. */
export type PageEvent = ConnEvent | OpenEvent | FrameEvent | CloseEvent | ErrorEvent;

/**
 * What the hook dispatches to the relay per batch (the `detail` of one CustomEvent): small binary
 * frames as records of one frame block (frame-block.ts), everything else as objects whose places
 * the block's OBJECT records mark. `cids` names the connections the records refer to by index.
 */
export interface PageDetail {
  readonly block: ArrayBuffer;
  readonly cids: readonly string[];
  /** Text, large and Blob frames, and connection events; bytes are an `ArrayBuffer` of their own. */
  readonly events: readonly PageEvent[];
}

/** A page event as it travels over extension ports (JSON): bytes base64, plus the relay's arrival number. */
export type WireEvent =
  | (Exclude<PageEvent, FrameEvent> & { readonly n: number })
  | (FrameEvent<string> & { readonly n: number });

/**
 * One accepted batch as it travels over extension ports: the frame block in base64, its records
 * numbered `n0`, `n0 + 1`, … in order. Records before `skip` were evicted from the relay's backlog
 * and are not to be shown. `events` are the objects of the OBJECT records, in order, with their `n`.
 */
export interface WireChunk {
  readonly n0: number;
  readonly skip: number;
  readonly block: string;
  readonly cids: readonly string[];
  readonly events: readonly WireEvent[];
}

/**
 * Counters a relay reports so that drops are visible in the panel, each with one reason. Every
 * count is exact and per document.
 *
 * Changed in issue 13 (fields added only): `evicted` now counts only events that no panel ever
 * received (evicted while no panel was subscribed, i.e. before DevTools opened or while it was
 * closed); events evicted while a panel was subscribed but before they were sent are `behind`.
 */
export interface RelayStats {
  /** Events refused by validation (forged, malformed or out of range: times outside the Date range, sizes or counts beyond their caps). */
  readonly rejected: number;
  /** Events evicted from the since-load buffer (its cap) that no panel ever received: lost before the panel opened. */
  readonly evicted: number;
  /** Frames whose payload was cut to the cap. */
  readonly truncated: number;
  /**
   * Events lost because the panel fell behind: evicted from the since-load buffer, while a panel
   * was subscribed, before the relay could send them (the panel had not acknowledged what it had).
   */
  readonly behind?: number;
  /** Events the page dispatched itself on a socket (untrusted `message`, `open`, `close`); listed marked, never as traffic. */
  readonly pageDispatched?: number;
  /** Events and payload bytes in the since-load buffer now, and its caps (for a "buffer n % full" display). */
  readonly buffered?: { readonly events: number; readonly bytes: number; readonly maxEvents: number; readonly maxBytes: number };
}

/** Relay → service worker. */
export type RelayMessage =
  | { readonly type: 'hello'; readonly v: number; readonly doc: string; readonly url: string }
  | {
      readonly type: 'events';
      readonly doc: string;
      /** True for the replay of the since-load buffer after a subscribe. */
      readonly backlog: boolean;
      readonly chunks: readonly WireChunk[];
      readonly stats: RelayStats;
    }
  /** Added in issue 16: what became of an `inject` (the hook's answer, checked by the relay). */
  | ({ readonly type: 'injected'; readonly doc: string } & InjectResult);

/**
 * Service worker → relay.
 * - `subscribe`: send the since-load buffer, then stream; `full` (added in issue 13) turns full
 *   capture on or off for the document (see `capture`).
 * - `ack` (added in issue 13): a panel has taken every event up to arrival number `n`. From the
 *   first `ack` on, the relay keeps at most RELAY_WINDOW_BYTES sent but not acknowledged; the rest
 *   waits in its buffer and goes in messages of up to 1 MiB as acks arrive.
 * - `capture` (added in issue 13): full capture on (frames kept up to MAX_FRAME_BYTES /
 *   MAX_TEXT_CHARS) or off (DISPLAY_FRAME_BYTES / DISPLAY_TEXT_CHARS, the default), from the next
 *   frame of the page on.
 */
export type RelayCommand =
  | { readonly type: 'subscribe'; readonly full?: boolean }
  | { readonly type: 'dormant' }
  | { readonly type: 'ack'; readonly n: number }
  | { readonly type: 'capture'; readonly full: boolean }
  /** Added in issue 16: send one frame on one of the document's sockets (replay into the page, deep mode only). */
  | InjectCommand;

/** Service worker → panel. `frameId` and `url` come from the browser (`port.sender`), not the page. */
export type PanelMessage =
  | {
      readonly type: 'events';
      readonly frameId: number;
      readonly url: string;
      readonly doc: string;
      readonly backlog: boolean;
      /** Events that travel one by one (deep mode). */
      readonly events: readonly WireEvent[];
      /** Batches from a relay. */
      readonly chunks?: readonly WireChunk[];
      readonly stats: RelayStats;
    }
  | { readonly type: 'document'; readonly frameId: number; readonly url: string; readonly doc: string }
  | { readonly type: 'document-gone'; readonly frameId: number; readonly doc: string }
  | { readonly type: 'deep-state'; readonly state: DeepState; readonly detail: string }
  /**
   * Added in issue 13: the service worker asked the tab's content scripts to connect and none
   * answered: the page has no relay (site access is "on click" or limited to other sites, or the
   * page is not http(s), or it was loaded before the extension). Nothing of this page can be
   * captured until the user grants access and the page is reloaded (`chrome.devtools
   * .inspectedWindow.reload()`). Sent again whenever a panel connects while it holds; a later
   * `document` message means a relay did connect. `detail` is Chrome's error text.
   */
  | { readonly type: 'no-content-script'; readonly detail: string }
  /** Added in issue 16: what became of an `inject` of document `doc` (sent to every panel of the tab; ids are per panel). */
  | ({ readonly type: 'injected'; readonly doc: string } & InjectResult);

/**
 * Deep mode (chrome.debugger) of one tab, as the service worker reports it to that tab's panels:
 * `unavailable` = this build has no `debugger` permission; `cancelled` = the user (or Chrome)
 * detached the debugger, e.g. with the infobar's Cancel; `detail` carries Chrome's reason or error.
 */
export type DeepState = 'unavailable' | 'off' | 'attaching' | 'on' | 'cancelled' | 'error';

/**
 * Panel → service worker: the only commands a panel port may send.
 * - `deep`: deep mode on/off (explicit click).
 * - `ack` (added in issue 13): the panel has ingested every event of document `doc` up to arrival
 *   number `n` (the last record of the last chunk it processed); forwarded to that document's relay.
 *   A panel that never acks gets the old unthrottled stream.
 * - `capture` (added in issue 13): full capture on/off for every document of the tab; kept by the
 *   service worker for the tab while a panel is open.
 */
export type PanelCommand =
  | { readonly type: 'deep'; readonly on: boolean }
  | { readonly type: 'ack'; readonly doc: string; readonly n: number }
  | { readonly type: 'capture'; readonly full: boolean }
  /**
   * Added in issue 16: send one frame on socket `cid` of document `doc`. The service worker takes it
   * only while the tab is in deep mode; otherwise, or when the document is gone, the panel gets an
   * `injected` with the reason.
   */
  | (InjectCommand & { readonly doc: string });
