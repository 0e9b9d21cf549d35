/**
 * NDJSON export and import: one frame per line.
 *
 * Line format (export; `bytes`, `time` and `direction` are what import needs, the rest is for humans):
 * `{"seq":0,"time":1764099000123.25,"iso":"2025-11-25T19:30:00.123Z","direction":"in","connection":"c1",
 *   "text":false,"size":20,"type":"SET","typeCode":33,"address":"/mixer/1/gain","bytes":"U0EAEC..."}`
 */
import { fromBase64, toBase64 } from './base64.js';
import { ImportError } from './errors.js';
import type { FrameLog } from './frame-log.js';
import { messageTypeName } from './frame-summary.js';
import { importIntoSession, linesOf, type ImportedFrame, type ImportOptions, type ImportResult } from './import-session.js';
import type { FrameQuery, RecordedFrame } from './query.js';

/** Largest frame an import accepts (decoded bytes). */
export const MAX_IMPORT_FRAME_BYTES = 16 * 1024 * 1024;

/** The NDJSON line of one frame (without the newline). */
export function frameToNdjson(frame: RecordedFrame): string {
  return JSON.stringify({
    seq: frame.seq,
    time: frame.time,
    iso: new Date(frame.time).toISOString(),
    direction: frame.direction,
    connection: frame.connection,
    text: frame.text,
    size: frame.bytes.length,
    type: messageTypeName(frame.type),
    typeCode: frame.type,
    address: frame.address,
    bytes: toBase64(frame.bytes),
  });
}

/**
 * Exports the frames of a session (optionally filtered) as NDJSON, a few hundred lines per string.
 * Use `toBlob(exportNdjson(log, id), 'application/x-ndjson')` for a download.
 */
export async function* exportNdjson(log: FrameLog, query: FrameQuery | number): AsyncGenerator<string> {
  const q = typeof query === 'number' ? { sessionId: query } : query;
  for await (const batch of log.batches(q)) {
    let text = '';
    for (const frame of batch) text += `${frameToNdjson(frame)}\n`;
    yield text;
  }
}

/**
 * Imports NDJSON (as written by {@link exportNdjson}) into a new session. Blank lines are ignored.
 * @throws ImportError with the 1-based `line` of the first bad line; nothing is kept then.
 */
export async function importNdjson(log: FrameLog, input: string | Blob, options: ImportOptions = {}): Promise<ImportResult> {
  const result = await importIntoSession(log, options, parseLines(input));
  return { ...result, skipped: 0 };
}

async function* parseLines(input: string | Blob): AsyncGenerator<ImportedFrame> {
  for await (const [line, text] of linesOf(input)) {
    if (text.trim() === '') continue;
    yield parseLine(line, text);
  }
}

function parseLine(line: number, text: string): ImportedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`line ${line}: not JSON (${(error as Error).message})`, line);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImportError(`line ${line}: expected a JSON object`, line);
  }
  const o = value as Record<string, unknown>;
  const bytes = o['bytes'];
  const time = o['time'];
  const direction = o['direction'];
  const connection = o['connection'] ?? '';
  const isText = o['text'] ?? false;
  if (typeof bytes !== 'string') throw new ImportError(`line ${line}: "bytes" must be a base64 string`, line);
  if (typeof time !== 'number' || !Number.isFinite(time)) throw new ImportError(`line ${line}: "time" must be a finite number (ms)`, line);
  if (direction !== 'in' && direction !== 'out') throw new ImportError(`line ${line}: "direction" must be "in" or "out"`, line);
  if (typeof connection !== 'string') throw new ImportError(`line ${line}: "connection" must be a string`, line);
  if (typeof isText !== 'boolean') throw new ImportError(`line ${line}: "text" must be a boolean`, line);
  if ((bytes.length / 4) * 3 > MAX_IMPORT_FRAME_BYTES) throw new ImportError(`line ${line}: frame larger than ${MAX_IMPORT_FRAME_BYTES} bytes`, line);
  let decoded: Uint8Array;
  try {
    decoded = fromBase64(bytes);
  } catch (error) {
    throw new ImportError(`line ${line}: "bytes": ${(error as Error).message}`, line);
  }
  return { bytes: decoded, time, direction, connection, text: isText };
}
