/**
 * Caps that bound what the extension keeps in memory and carries over its message hops. Every
 * number here is a limit a hostile or very busy page can hit: each hop counts what it drops and the
 * panel shows the counts (nothing is lost silently).
 *
 * @packageDocumentation
 */

/**
 * Largest payload copied per frame with full capture on, in bytes, and the most any hop accepts;
 * larger frames are kept truncated with their real size. Default 1 MiB.
 */
export const MAX_FRAME_BYTES = 1 << 20;

/** Longest text frame kept with full capture on, in UTF-16 code units, and the most any hop accepts. Default 1 Mi. */
export const MAX_TEXT_CHARS = 1 << 20;

/**
 * Bytes of a binary frame the page-side hook keeps for display while full capture is off (the
 * default): a bigger frame is listed with its real size and its first 64 KiB. Why: every page pays
 * for what the hook copies, DevTools open or not.
 */
export const DISPLAY_FRAME_BYTES = 64 << 10;

/** UTF-16 code units of a text frame the hook keeps while full capture is off. Default 64 Ki (128 KiB). */
export const DISPLAY_TEXT_CHARS = 64 << 10;

/** Latest wall-clock time accepted in any event, in ms since the epoch (the end of the JS Date range). */
export const MAX_TIME_MS = 8.64e15;

/** Highest hook sequence number or reconnect attempt accepted (the frame block stores them as u32). */
export const MAX_COUNT = 0xffff_ffff;

/** Longest URL, name, reason or error message kept, in characters. */
export const MAX_STRING_CHARS = 2048;

/** Most subprotocols kept per connection. */
export const MAX_PROTOCOLS = 16;

/** Frames kept per document since its load (the backlog a late-opened panel sees). Default 20 000. */
export const MAX_BACKLOG_EVENTS = 20_000;

/** Payload bytes kept per document since its load. Default 32 MiB. */
export const MAX_BACKLOG_BYTES = 32 << 20;

/**
 * Bytes of payload the hook collects in one batch before it dispatches it (a batch is one chunk of
 * the relay's backlog, so this also bounds how far a chunk can exceed the backlog's byte cap).
 * Default 1 MiB.
 */
export const HOOK_BATCH_BYTES = 1 << 20;

/**
 * Bytes a relay sends to a panel ahead of the panel's acknowledgement (`ack` command) once the panel
 * acknowledges at all; the rest waits in the since-load backlog, which is the slack when a panel
 * falls behind. Default 8 MiB.
 */
export const RELAY_WINDOW_BYTES = 8 << 20;

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

/**
 * Frames in one inject (replay into the page) at most. A replay sends the frames that are due
 * together in one inject (at high speed, many), so a frame costs one message on each hop, not four.
 */
export const MAX_INJECT_FRAMES = 256;
