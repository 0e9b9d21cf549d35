/**
 * One write transaction of the recorder: new chunks, the session record, the store-wide totals and
 * retention, all in one `readwrite` transaction so that they commit or fail together.
 *
 * Invariants:
 * - No await inside the transaction other than on its own requests (idb "Transaction lifetime").
 * - Every request error aborts the transaction; the caller sees the first error (the request's
 *   `DOMException`, e.g. `QuotaExceededError`), never an unhandled rejection of a side promise.
 * - Totals and session counters only change in the transaction that changes the chunks.
 */
import type { IDBPTransaction } from 'idb';
import { RecorderError } from './errors.js';
import type { SealedChunk } from './chunk.js';
import type { ChunkSummary, ConnectionInfo, FrameLogDatabase, FrameLogDB, SessionRecord, TotalsRecord } from './schema.js';

/** Retention limits; an absent limit means unlimited. Eviction is by whole chunks, oldest first. */
export interface RetentionLimits {
  /** Frames kept per session. */
  sessionMaxFrames?: number;
  /** Frame bytes kept per session. */
  sessionMaxBytes?: number;
  /** Frames kept in the whole store (all sessions). */
  maxFrames?: number;
  /** Frame bytes kept in the whole store. */
  maxBytes?: number;
}

/** What one commit changes in the session record besides counts. */
export interface SessionUpdate {
  nextSeq: number;
  droppedFrames: number;
  /** Connection infos to merge into the session, as `[id, info]` pairs. */
  connections: readonly (readonly [string, ConnectionInfo])[];
  endedAt?: number;
}

type WriteTx = IDBPTransaction<FrameLogDB, ('sessions' | 'chunks' | 'chunkData' | 'meta')[], 'readwrite'>;

/**
 * Writes `chunks` of session `sessionId` and applies `retention`.
 * @throws DOMException of the failed request/transaction (`QuotaExceededError`, `InvalidStateError`
 *   when the connection is closed, ...); RecorderError `SessionDeleted` when the session is gone.
 */
export async function commitChunks(
  db: FrameLogDatabase,
  sessionId: number,
  chunks: readonly SealedChunk[],
  update: SessionUpdate,
  retention: RetentionLimits,
  durability: IDBTransactionDurability = 'relaxed',
): Promise<void> {
  const tx: WriteTx = db.transaction(['sessions', 'chunks', 'chunkData', 'meta'], 'readwrite', { durability });
  const done = tx.done;
  done.catch(() => undefined); // observed below; this only keeps an early abort from going unhandled
  try {
    await writeInTx(tx, sessionId, chunks, update, retention);
  } catch (error) {
    abortQuietly(tx);
    await done.catch(() => undefined);
    throw error;
  }
  await done;
}

async function writeInTx(
  tx: WriteTx,
  sessionId: number,
  chunks: readonly SealedChunk[],
  update: SessionUpdate,
  retention: RetentionLimits,
): Promise<void> {
  const chunkStore = tx.objectStore('chunks');
  const dataStore = tx.objectStore('chunkData');
  const pending: Promise<unknown>[] = [];
  let frames = 0;
  let bytes = 0;
  for (const chunk of chunks) {
    pending.push(chunkStore.put(chunk.summary), dataStore.put(chunk.data));
    frames += chunk.summary.count;
    bytes += chunk.summary.bytes;
  }
  const [session, totals] = await Promise.all([
    tx.objectStore('sessions').get(sessionId),
    tx.objectStore('meta').get('totals'),
    ...pending,
  ]);
  if (session === undefined) throw new RecorderError('SessionDeleted', `session ${sessionId} was deleted while recording`);
  const sum: TotalsRecord = totals ?? { frames: 0, bytes: 0 };
  session.frameCount += frames;
  session.byteCount += bytes;
  sum.frames += frames;
  sum.bytes += bytes;
  applyUpdate(session, update);
  const touched = new Map<number, SessionRecord>([[sessionId, session]]);
  await evictSession(tx, session, sum, retention);
  await evictStore(tx, touched, sum, retention);
  await Promise.all([
    ...[...touched.values()].map((s) => tx.objectStore('sessions').put(s)),
    tx.objectStore('meta').put(sum, 'totals'),
  ]);
}

function applyUpdate(session: SessionRecord, update: SessionUpdate): void {
  session.nextSeq = Math.max(session.nextSeq, update.nextSeq);
  session.droppedFrames = update.droppedFrames;
  for (const [id, info] of update.connections) {
    const before = Object.hasOwn(session.connections, id) ? session.connections[id] : undefined;
    // defineProperty, not assignment: an id such as '__proto__' must become an ordinary own key.
    Object.defineProperty(session.connections, id, { value: { ...before, ...info }, enumerable: true, writable: true, configurable: true });
  }
  if (update.endedAt !== undefined) session.endedAt = update.endedAt;
}

function over(frames: number, bytes: number, maxFrames?: number, maxBytes?: number): boolean {
  return (maxFrames !== undefined && frames > maxFrames) || (maxBytes !== undefined && bytes > maxBytes);
}

async function evictSession(tx: WriteTx, session: SessionRecord, sum: TotalsRecord, r: RetentionLimits): Promise<void> {
  if (!over(session.frameCount, session.byteCount, r.sessionMaxFrames, r.sessionMaxBytes)) return;
  const range = IDBKeyRange.bound([session.id, -Infinity], [session.id, Infinity]);
  let cursor = await tx.objectStore('chunks').openCursor(range);
  while (cursor !== null && over(session.frameCount, session.byteCount, r.sessionMaxFrames, r.sessionMaxBytes)) {
    await removeChunk(tx, cursor.value, session, sum);
    cursor = await cursor.continue();
  }
}

async function evictStore(
  tx: WriteTx,
  touched: Map<number, SessionRecord>,
  sum: TotalsRecord,
  r: RetentionLimits,
): Promise<void> {
  if (!over(sum.frames, sum.bytes, r.maxFrames, r.maxBytes)) return;
  let cursor = await tx.objectStore('chunks').index('by-end').openCursor();
  while (cursor !== null && over(sum.frames, sum.bytes, r.maxFrames, r.maxBytes)) {
    const summary = cursor.value;
    let owner = touched.get(summary.sessionId);
    if (owner === undefined) {
      owner = await tx.objectStore('sessions').get(summary.sessionId);
      if (owner !== undefined) touched.set(owner.id, owner);
    }
    await removeChunk(tx, summary, owner, sum);
    cursor = await cursor.continue();
  }
}

async function removeChunk(
  tx: WriteTx,
  summary: ChunkSummary,
  owner: SessionRecord | undefined,
  sum: TotalsRecord,
): Promise<void> {
  const key: [number, number] = [summary.sessionId, summary.firstSeq];
  await Promise.all([tx.objectStore('chunks').delete(key), tx.objectStore('chunkData').delete(key)]);
  sum.frames -= summary.count;
  sum.bytes -= summary.bytes;
  if (owner !== undefined) {
    owner.frameCount -= summary.count;
    owner.byteCount -= summary.bytes;
    owner.evictedFrames += summary.count;
  }
}

function abortQuietly(tx: WriteTx): void {
  try {
    tx.abort();
  } catch {
    // already finished or aborted by the failing request: nothing left to undo
  }
}
