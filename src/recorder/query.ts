/**
 * Reading frames back: summaries first (cheap), frame data only for chunks that can match, paged by
 * key range so that a session is never in memory as a whole.
 */
import { FLAG_OUT, FLAG_TEXT, NO_ADDRESS, readColumns, type ChunkColumns } from './chunk.js';
import { RecorderError } from './errors.js';
import { compileAddressGlob, type AddressMatcher } from './glob.js';
import type { FrameDirection } from '../transport/devtools-hook.js';
import type { ChunkData, ChunkSummary, FrameLogDatabase } from './schema.js';

/** A filter over one session. Every field narrows the result; absent fields do not filter. */
export interface FrameQuery {
  /** Session to read. */
  sessionId: number;
  /** Earliest frame time, inclusive (ms since the Unix epoch). */
  from?: number;
  /** Latest frame time, inclusive. */
  to?: number;
  /** First seq to return (a cursor: pass the last seen seq + 1 to resume). */
  fromSeq?: number;
  /** Only frames in this direction. */
  direction?: FrameDirection;
  /** Only these CLASP type codes (`0x21` = SET; `-1` = not valid CLASP). */
  types?: readonly number[];
  /** Only frames of this connection id. */
  connection?: string;
  /** Only frames whose address matches this glob (`*` one segment, `**` any); see `compileAddressGlob`. */
  address?: string;
}

/** One frame as read back. */
export interface RecordedFrame {
  sessionId: number;
  seq: number;
  /** Wall-clock ms since the Unix epoch. */
  time: number;
  direction: FrameDirection;
  connection: string;
  /** The frame was a text WebSocket message. */
  text: boolean;
  /** CLASP type code, `-1` when the frame is not valid CLASP. */
  type: number;
  /** CLASP address (or pattern) of the message, when it has one. */
  address: string | null;
  /** The frame bytes (a view into the chunk just read; no other reader shares it). */
  bytes: Uint8Array;
}

const SUMMARY_PAGE = 256;
const DATA_PAGE = 8;

interface Compiled {
  q: FrameQuery;
  types: Set<number> | undefined;
  address: AddressMatcher | undefined;
  dirBit: number;
}

function compile(q: FrameQuery): Compiled {
  return {
    q,
    types: q.types === undefined ? undefined : new Set(q.types),
    address: q.address === undefined ? undefined : compileAddressGlob(q.address),
    dirBit: q.direction === undefined ? 3 : q.direction === 'out' ? 2 : 1,
  };
}

/** True when some frame of the chunk may match (the summary cannot rule it out). */
function summaryMayMatch(s: ChunkSummary, c: Compiled): boolean {
  const { q } = c;
  if (q.from !== undefined && s.t1 < q.from) return false;
  if (q.to !== undefined && s.t0 > q.to) return false;
  if (q.fromSeq !== undefined && s.lastSeq < q.fromSeq) return false;
  if ((s.dirs & c.dirBit) === 0) return false;
  if (c.types !== undefined && !s.types.some((t) => c.types!.has(t))) return false;
  if (q.connection !== undefined && !s.connections.includes(q.connection)) return false;
  if (c.address !== undefined && !s.addresses.some(c.address)) return false;
  return true;
}

/** True when every frame of the chunk matches, so it can be counted without reading it. */
function summaryAllMatch(s: ChunkSummary, c: Compiled): boolean {
  const { q } = c;
  if (c.address !== undefined) return false;
  if (q.from !== undefined && s.t0 < q.from) return false;
  if (q.to !== undefined && s.t1 > q.to) return false;
  if (q.fromSeq !== undefined && s.firstSeq < q.fromSeq) return false;
  if ((s.dirs & ~c.dirBit) !== 0) return false;
  if (c.types !== undefined && !s.types.every((t) => c.types!.has(t))) return false;
  if (q.connection !== undefined && (s.connections.length !== 1 || s.connections[0] !== q.connection)) return false;
  return true;
}

/** Pages summaries of a session in seq order, `SUMMARY_PAGE` at a time, each page in its own transaction. */
async function* summaryPages(db: FrameLogDatabase, sessionId: number): AsyncGenerator<ChunkSummary[]> {
  let low = -Infinity;
  let open = false;
  for (;;) {
    const range = IDBKeyRange.bound([sessionId, low], [sessionId, Infinity], open, false);
    const page = await db.getAll('chunks', range, SUMMARY_PAGE);
    if (page.length === 0) return;
    yield page;
    low = page[page.length - 1]!.firstSeq;
    open = true;
    if (page.length < SUMMARY_PAGE) return;
  }
}

async function loadData(db: FrameLogDatabase, summaries: readonly ChunkSummary[]): Promise<ChunkData[]> {
  const tx = db.transaction('chunkData', 'readonly');
  const records = await Promise.all(summaries.map((s) => tx.store.get([s.sessionId, s.firstSeq])));
  await tx.done;
  return records.map((record, i) => {
    const s = summaries[i]!;
    if (record === undefined) {
      throw new RecorderError('CorruptChunk', `chunk [${s.sessionId}, ${s.firstSeq}] has a summary but no data`);
    }
    return record;
  });
}

/**
 * Yields matching chunks' frames, one array per chunk, in seq order.
 * @throws RecorderError `CorruptChunk`; DOMException from IndexedDB (e.g. closed database).
 */
export async function* readBatches(db: FrameLogDatabase, query: FrameQuery): AsyncGenerator<RecordedFrame[]> {
  const c = compile(query);
  for await (const page of summaryPages(db, query.sessionId)) {
    const wanted = page.filter((s) => summaryMayMatch(s, c));
    for (let i = 0; i < wanted.length; i += DATA_PAGE) {
      const group = wanted.slice(i, i + DATA_PAGE);
      const records = await loadData(db, group);
      for (let j = 0; j < group.length; j++) {
        const frames = framesOf(group[j]!, records[j]!, c);
        if (frames.length > 0) yield frames;
      }
    }
  }
}

/**
 * Counts matching frames, reading frame data only for chunks the summary cannot decide.
 * @throws like {@link readBatches}.
 */
export async function countFrames(db: FrameLogDatabase, query: FrameQuery): Promise<number> {
  const c = compile(query);
  let total = 0;
  for await (const page of summaryPages(db, query.sessionId)) {
    const partial: ChunkSummary[] = [];
    for (const s of page) {
      if (!summaryMayMatch(s, c)) continue;
      if (summaryAllMatch(s, c)) total += s.count;
      else partial.push(s);
    }
    for (let i = 0; i < partial.length; i += DATA_PAGE) {
      const group = partial.slice(i, i + DATA_PAGE);
      const records = await loadData(db, group);
      group.forEach((s, j) => (total += matchingIndexes(s, readChunk(records[j]!, s), c).length));
    }
  }
  return total;
}

function readChunk(record: ChunkData, summary: ChunkSummary): ChunkColumns {
  try {
    return readColumns(record, summary);
  } catch (error) {
    throw new RecorderError('CorruptChunk', (error as Error).message, { cause: error });
  }
}

function matchingIndexes(s: ChunkSummary, col: ChunkColumns, c: Compiled): number[] {
  const { q } = c;
  const addressOk = c.address === undefined ? undefined : s.addresses.map(c.address);
  const conn = q.connection === undefined ? -1 : s.connections.indexOf(q.connection);
  const out: number[] = [];
  for (let i = 0; i < col.count; i++) {
    const t = col.times[i]!;
    if ((q.from !== undefined && t < q.from) || (q.to !== undefined && t > q.to)) continue;
    if (q.fromSeq !== undefined && s.firstSeq + i < q.fromSeq) continue;
    if (((col.flags[i]! & FLAG_OUT) !== 0 ? 2 : 1) & ~c.dirBit) continue;
    if (c.types !== undefined && !c.types.has(col.types[i]!)) continue;
    if (conn !== -1 && col.conns[i] !== conn) continue;
    if (q.connection !== undefined && conn === -1) continue;
    if (addressOk !== undefined && (col.addrs[i] === NO_ADDRESS || addressOk[col.addrs[i]!] !== true)) continue;
    out.push(i);
  }
  return out;
}

function framesOf(s: ChunkSummary, record: ChunkData, c: Compiled): RecordedFrame[] {
  const col = readChunk(record, s);
  return matchingIndexes(s, col, c).map((i) => {
    const flags = col.flags[i]!;
    const addr = col.addrs[i]!;
    return {
      sessionId: s.sessionId,
      seq: s.firstSeq + i,
      time: col.times[i]!,
      direction: (flags & FLAG_OUT) !== 0 ? 'out' : 'in',
      connection: s.connections[col.conns[i]!] ?? '',
      text: (flags & FLAG_TEXT) !== 0,
      type: col.types[i]!,
      address: addr === NO_ADDRESS ? null : (s.addresses[addr] ?? null),
      bytes: col.bytes.subarray(i === 0 ? 0 : col.ends[i - 1]!, col.ends[i]!),
    };
  });
}

/** Distinct connection ids of a session, in order of first appearance (reads summaries only). */
export async function listConnections(db: FrameLogDatabase, sessionId: number): Promise<string[]> {
  const seen = new Set<string>();
  for await (const page of summaryPages(db, sessionId)) for (const s of page) for (const c of s.connections) seen.add(c);
  return [...seen];
}

/**
 * Time of the first and last frame that may match `query`, from chunk summaries only (no frame
 * data is read): exact without filters, an outer bound with them. `undefined` when no chunk matches.
 */
export async function timeSpan(db: FrameLogDatabase, query: FrameQuery): Promise<{ first: number; last: number } | undefined> {
  const c = compile(query);
  let first = Infinity;
  let last = -Infinity;
  for await (const page of summaryPages(db, query.sessionId)) {
    for (const s of page) {
      if (!summaryMayMatch(s, c)) continue;
      first = Math.min(first, q0(s.t0, query.from));
      last = Math.max(last, q1(s.t1, query.to));
    }
  }
  return first === Infinity ? undefined : { first, last };
}

const q0 = (t: number, from: number | undefined): number => (from === undefined ? t : Math.max(t, from));
const q1 = (t: number, to: number | undefined): number => (to === undefined ? t : Math.min(t, to));
