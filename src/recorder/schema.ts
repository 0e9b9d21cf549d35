/**
 * The IndexedDB schema of the CLASP frame log, as a `DBSchema` type so that store, key and index
 * names are checked at compile time (idb's habit).
 *
 * Storage design (log-structured chunks):
 * - Frames are never stored one record per frame (that tops out near 10 000 records/s). A writer packs
 *   consecutive frames of one session into a **chunk**: one `chunkData` record holding the bytes of
 *   all its frames plus a compact column block of per-frame metadata, and one small `chunks` record
 *   (the summary) describing it.
 * - Summaries carry the time range, seq range, the set of message types, the distinct addresses
 *   and connections and a direction mask, so a query reads summaries first and loads the data of
 *   only the chunks that can match.
 * - Both records share the key `[sessionId, firstSeq]`, so key order is seq order within a session.
 *
 * Versions:
 * - 1: `sessions` (index `by-started`), `chunks`, `chunkData`, `meta` (store-wide totals).
 * - 2: index `by-end` on `chunks` (time of a chunk's last frame) for store-wide "oldest first" retention.
 *
 * @packageDocumentation
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';

/** Default database name. */
export const DB_NAME = 'clasp-frame-log';

/** Current schema version. */
export const DB_VERSION = 2;

/** Key of a chunk: `[sessionId, firstSeq]`. */
export type ChunkKey = [sessionId: number, firstSeq: number];

/** One recording session. */
export interface SessionRecord {
  /** Auto-incremented id. */
  id: number;
  /** Human name. */
  name: string;
  /** Origin of the page that recorded it (`''` when unknown). */
  origin: string;
  /** URL of the page or the socket that recorded it (`''` when unknown). */
  url: string;
  /** Wall-clock ms (Unix epoch) when recording started. */
  startedAt: number;
  /** Wall-clock ms when the recorder closed; `null` while recording (or after a crash). */
  endedAt: number | null;
  /** Frames currently stored (after retention). */
  frameCount: number;
  /** Frame bytes currently stored (after retention). */
  byteCount: number;
  /** Next seq the session's writer will assign; seqs start at 0 and are never reused. */
  nextSeq: number;
  /** Frames refused because the in-memory queue was full (each one was reported as an error). */
  droppedFrames: number;
  /** Frames evicted by retention. */
  evictedFrames: number;
  /** Known connections of the session: id → URL/protocol, when the writer was told. */
  connections: Record<string, ConnectionInfo>;
}

/** What is known about one connection of a session. */
export interface ConnectionInfo {
  /** Socket URL, e.g. `ws://127.0.0.1:7330/`. */
  url?: string;
  /** Negotiated subprotocol. */
  protocol?: string;
}

/**
 * Summary of one chunk, small enough that queries scan it without loading frame bytes.
 * Message types are CLASP type codes (`SET = 0x21`), `-1` for frames that are not valid CLASP.
 */
export interface ChunkSummary {
  sessionId: number;
  firstSeq: number;
  lastSeq: number;
  /** Number of frames. */
  count: number;
  /** Total frame bytes. */
  bytes: number;
  /** Time of the earliest frame (ms since the Unix epoch). */
  t0: number;
  /** Time of the latest frame. */
  t1: number;
  /** Bit 0: has `in` frames, bit 1: has `out` frames. */
  dirs: number;
  /** Distinct message type codes, ascending (`-1` = unknown). */
  types: number[];
  /** Distinct addresses, in first-seen order (a frame's address index points here). */
  addresses: string[];
  /** Distinct connection ids, in first-seen order. */
  connections: string[];
}

/**
 * Frame bytes and per-frame columns of one chunk. `meta` packs, for `count` frames:
 * `Float64 time[count] | Uint32 end[count] | Int16 type[count] | Uint16 address[count] |
 * Uint16 connection[count] | Uint8 flags[count]` (flags bit 0 = `out`, bit 1 = text message).
 * `end[i]` is the end offset of frame i in `data`; address index `0xFFFF` = no address.
 */
export interface ChunkData {
  sessionId: number;
  firstSeq: number;
  meta: ArrayBuffer;
  data: ArrayBuffer;
}

/** Store-wide totals, kept in the same transactions that change them. */
export interface TotalsRecord {
  frames: number;
  bytes: number;
}

/** The frame log schema (version {@link DB_VERSION}). */
export interface FrameLogDB extends DBSchema {
  sessions: {
    key: number;
    value: SessionRecord;
    indexes: { 'by-started': number };
  };
  chunks: {
    key: ChunkKey;
    value: ChunkSummary;
    indexes: { 'by-end': number };
  };
  chunkData: {
    key: ChunkKey;
    value: ChunkData;
  };
  meta: {
    key: 'totals';
    value: TotalsRecord;
  };
}

/** An open frame log database. */
export type FrameLogDatabase = IDBPDatabase<FrameLogDB>;

type UpgradeTx = IDBPTransaction<FrameLogDB, StoreNames<FrameLogDB>[], 'versionchange'>;

/**
 * Applies the schema steps from `oldVersion` up to `targetVersion`, one `case` per version.
 * Exported so that tests can build a genuine older database.
 */
export function migrate(db: FrameLogDatabase, oldVersion: number, targetVersion: number, tx: UpgradeTx): void {
  if (oldVersion < 1 && targetVersion >= 1) {
    const sessions = db.createObjectStore('sessions', { keyPath: 'id', autoIncrement: true });
    sessions.createIndex('by-started', 'startedAt');
    db.createObjectStore('chunks', { keyPath: ['sessionId', 'firstSeq'] });
    db.createObjectStore('chunkData', { keyPath: ['sessionId', 'firstSeq'] });
    db.createObjectStore('meta');
  }
  if (oldVersion < 2 && targetVersion >= 2) {
    // Creating an index on an existing store indexes the records already there.
    tx.objectStore('chunks').createIndex('by-end', 't1');
  }
}

/** Callbacks for failures of an open database. */
export interface OpenFrameLogOptions {
  /** Database name. Default {@link DB_NAME}. */
  name?: string;
  /** Schema version to open. Default {@link DB_VERSION}; tests open older versions. */
  version?: number;
  /** Another tab holds an older version open, so the upgrade waits. */
  onBlocked?: () => void;
  /** The connection was closed because another tab needs to upgrade, or the browser terminated it. */
  onClosed?: (reason: 'versionchange' | 'terminated') => void;
}

/**
 * Opens (creating or upgrading) the frame log database.
 * This connection closes itself when another tab needs a newer version (`blocking`), so it never
 * holds an upgrade up; `onClosed` tells the owner.
 * @throws DOMException from `indexedDB.open` (e.g. `VersionError` when the stored version is newer).
 */
export async function openFrameLogDB(options: OpenFrameLogOptions = {}): Promise<FrameLogDatabase> {
  const version = options.version ?? DB_VERSION;
  const holder: { db?: FrameLogDatabase } = {};
  const db = await openDB<FrameLogDB>(options.name ?? DB_NAME, version, {
    upgrade(database, oldVersion, _newVersion, tx) {
      migrate(database, oldVersion, version, tx);
    },
    blocked() {
      options.onBlocked?.();
    },
    blocking() {
      holder.db?.close();
      options.onClosed?.('versionchange');
    },
    terminated() {
      options.onClosed?.('terminated');
    },
  });
  holder.db = db;
  return db;
}
