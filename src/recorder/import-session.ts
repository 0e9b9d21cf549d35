/**
 * Shared tail of the importers: validated frames go into a new session through an ordinary
 * recorder (with backpressure); if the input turns out bad half-way, the session is deleted, so an
 * import either completes or leaves nothing behind.
 */
import type { FrameLog } from './frame-log.js';
import type { AppendOptions } from './recorder.js';
import type { ConnectionInfo } from './schema.js';

/** One frame produced by an importer. */
export interface ImportedFrame extends AppendOptions {
  bytes: Uint8Array;
  time: number;
}

/** Options of an import. */
export interface ImportOptions {
  /** Session name. Default `'imported <ISO time>'`. */
  name?: string;
}

/** Result of an import. */
export interface ImportResult {
  /** The new session. */
  sessionId: number;
  /** Frames imported. */
  frames: number;
  /** Items present but deliberately not imported (e.g. HAR close/ping frames, non-WebSocket entries). */
  skipped: number;
}

/**
 * Writes `frames` into a new session; deletes it again when `frames` throws.
 * @throws whatever `frames` throws (an `ImportError` for bad input), after the cleanup.
 */
export async function importIntoSession(
  log: FrameLog,
  options: ImportOptions & { url?: string; connections?: ReadonlyMap<string, ConnectionInfo> },
  frames: AsyncIterable<ImportedFrame> | Iterable<ImportedFrame>,
): Promise<{ sessionId: number; frames: number }> {
  const rec = await log.startRecording({
    name: options.name ?? `imported ${new Date().toISOString()}`,
    url: options.url ?? '',
    origin: '',
  });
  for (const [id, info] of options.connections ?? []) rec.describeConnection(id, info);
  let count = 0;
  try {
    for await (const frame of frames) {
      if ((count & 1023) === 0) await rec.ready();
      const { bytes, ...rest } = frame;
      rec.append(bytes, rest);
      count += 1;
    }
    await rec.close();
  } catch (error) {
    await rec.close().catch(() => undefined);
    await log.deleteSession(rec.sessionId).catch(() => undefined);
    throw error;
  }
  return { sessionId: rec.sessionId, frames: count };
}

/** Lines of a string or Blob, with 1-based numbers, without loading a Blob as a whole. */
export async function* linesOf(input: string | Blob): AsyncGenerator<[line: number, text: string]> {
  let n = 0;
  if (typeof input === 'string') {
    let start = 0;
    while (start <= input.length) {
      let end = input.indexOf('\n', start);
      if (end === -1) end = input.length;
      yield [++n, input.slice(start, end)];
      start = end + 1;
    }
    return;
  }
  let carry = '';
  const reader = input.stream().pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const parts = (carry + value).split('\n');
      carry = parts.pop() ?? '';
      for (const part of parts) yield [++n, part];
    }
    yield [++n, carry];
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Collects string parts (e.g. an export) into a Blob. */
export async function toBlob(parts: AsyncIterable<string>, type: string): Promise<Blob> {
  const chunks: string[] = [];
  for await (const part of parts) chunks.push(part);
  return new Blob(chunks, { type });
}
