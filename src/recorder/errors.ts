/**
 * Errors the recorder itself detects. Platform errors (`QuotaExceededError`, `InvalidStateError`,
 * ... as `DOMException`) are passed through unwrapped, as idb does.
 */

/** Machine-readable codes of {@link RecorderError}. */
export type RecorderErrorCode =
  /** The bounded in-memory queue is full: the frame was refused (and counted), not stored. */
  | 'QueueFull'
  /** `append()` after the recorder stopped (closed or failed). */
  | 'NotRecording'
  /** Opening waits for another tab that holds an older schema version open. */
  | 'UpgradeBlocked'
  /** The database connection closed (another tab upgrades the schema, or the browser terminated it). */
  | 'DatabaseClosed'
  /** The session being recorded was deleted (e.g. from another tab). */
  | 'SessionDeleted'
  /** The session id does not exist. */
  | 'SessionNotFound'
  /** A stored chunk could not be read (corrupt or foreign data). */
  | 'CorruptChunk';

/** An error detected by the recorder, with a stable {@link RecorderErrorCode}. */
export class RecorderError extends Error {
  override readonly name = 'RecorderError';
  /**
   * @param code stable machine-readable code
   * @param message human explanation
   */
  constructor(
    readonly code: RecorderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An import rejected its input; nothing of it was kept. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  /**
   * @param message what is wrong
   * @param line 1-based line of an NDJSON input, when the problem is on a line
   * @param entry 0-based index into `log.entries` of a HAR input
   * @param item 0-based index into that entry's `_webSocketMessages`
   */
  constructor(
    message: string,
    readonly line?: number,
    readonly entry?: number,
    readonly item?: number,
  ) {
    super(message);
  }
}

/** The `error` event of a {@link FrameRecorder}. */
export class RecorderErrorEvent extends Event {
  /**
   * @param error the platform `DOMException` or a {@link RecorderError}
   * @param fatal true when recording stopped because of it
   * @param lostFrames frames that were accepted by `append()` but will never be stored
   */
  constructor(
    readonly error: unknown,
    readonly fatal: boolean,
    readonly lostFrames: number,
  ) {
    super('error');
  }
}
