/**
 * Caps of the panel itself (the caps shared with the page side are in shared/limits.ts). Each one
 * is shown to the user when it is hit: nothing is dropped silently.
 *
 * @packageDocumentation
 */

/**
 * Connections the panel keeps (connection menu, Connections tab, rate counters). Beyond it the
 * oldest connection is forgotten and counted in the status bar; its frames stay listed. Why a cap: a
 * reconnecting client over a long session, or a page using the public hook, can open tens of
 * thousands. Default 1 000.
 */
export const MAX_CONNECTIONS = 1000;

/**
 * Bytes of unprocessed messages the panel holds (the base64 and text of their frames, counted as
 * characters). When the panel falls behind beyond it, the oldest messages not yet started are
 * dropped and their events counted. The relay's flow control (acks) normally keeps the inbox far
 * below this. Default 64 MiB.
 */
export const PANEL_INBOX_BYTES = 64 << 20;

/** Connection cards the Connections tab draws (the newest ones); the rest are counted. Default 200. */
export const MAX_CONNECTION_CARDS = 200;
