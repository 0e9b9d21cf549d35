/**
 * Caps that bound what the extension keeps in memory and carries over its message hops. Every
 * number here is a limit a hostile or very busy page can hit: each hop counts what it drops and the
 * panel shows the counts (nothing is lost silently).
 *
 * @packageDocumentation
 */

/** Largest payload copied per frame, in bytes; larger frames are kept truncated with their real size. Default 1 MiB. */
export const MAX_FRAME_BYTES = 1 << 20;

/** Longest text frame kept, in UTF-16 code units; longer ones are truncated. Default 1 Mi. */
export const MAX_TEXT_CHARS = 1 << 20;

/** Longest URL, name, reason or error message kept, in characters. */
export const MAX_STRING_CHARS = 2048;

/** Most subprotocols kept per connection. */
export const MAX_PROTOCOLS = 16;

/** Frames kept per document since its load (the backlog a late-opened panel sees). Default 20 000. */
export const MAX_BACKLOG_EVENTS = 20_000;

/** Payload bytes kept per document since its load. Default 32 MiB. */
export const MAX_BACKLOG_BYTES = 32 << 20;

/** Delay before the relay sends queued live events, in milliseconds (one message per burst). */
export const RELAY_FLUSH_MS = 40;

/** Frames the panel keeps before it drops the oldest. Default 250 000. */
export const MAX_PANEL_FRAMES = 250_000;

/** Events the page-side hook queues before dispatching them to the relay in one go (one frame block). */
export const HOOK_BATCH_EVENTS = 512;

/** Longest time an event waits in the page-side hook before it is dispatched, in milliseconds. */
export const HOOK_FLUSH_MS = 20;

/**
 * Payload bytes of one frame block: binary frames up to {@link HOOK_ARENA_FRAME_BYTES} are copied
 * into the block (a buffer per frame costs the page an allocation, and the relay a second one when
 * the batch is cloned into its world). Default 64 KiB.
 */
export const HOOK_ARENA_BYTES = 64 << 10;

/** Largest frame copied into a frame block; larger ones get a buffer of their own. Default 4 KiB. */
export const HOOK_ARENA_FRAME_BYTES = 4 << 10;
