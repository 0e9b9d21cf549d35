/**
 * HAR 1.2 export and import with Chrome's WebSocket extension, as Chrome DevTools writes it in
 * "Save all as HAR" (devtools-frontend `models/har/Log.ts`) and reads it back (`Importer.ts`):
 * - one entry per WebSocket connection, `_resourceType: "websocket"`, response status 101;
 * - `_webSocketMessages: [{ type: "send" | "receive", time, opcode, data }]` with `time` in
 *   **seconds** since the Unix epoch (fractional), `opcode` 1 (text, `data` = the text) or 2
 *   (binary, `data` = base64).
 * Chrome's importer requires `startedDateTime`, `time`, `request`, `response` (with `content`),
 * and `timings` on every entry, so the export always writes them.
 */
import { fromBase64, toBase64 } from './base64.js';
import { ImportError, RecorderError } from './errors.js';
import type { FrameLog } from './frame-log.js';
import { importIntoSession, type ImportedFrame, type ImportOptions, type ImportResult } from './import-session.js';
import { MAX_IMPORT_FRAME_BYTES } from './ndjson.js';
import type { RecordedFrame } from './query.js';
import type { ConnectionInfo } from './schema.js';

/** One element of Chrome's `_webSocketMessages`. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  /** Seconds since the Unix epoch. */
  time: number;
  /** 1 = text, 2 = binary. */
  opcode: 1 | 2;
  /** The text (opcode 1) or base64 of the bytes (opcode 2). */
  data: string;
}

const CREATOR = { name: 'clasp-wasm-transport recorder', version: '1' };
const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** The HAR message of one frame. */
export function frameToHarMessage(frame: RecordedFrame): HarWebSocketMessage {
  return {
    type: frame.direction === 'out' ? 'send' : 'receive',
    time: frame.time / 1000,
    opcode: frame.text ? 1 : 2,
    data: frame.text ? utf8.decode(frame.bytes) : toBase64(frame.bytes),
  };
}

function entryHead(connection: string, info: ConnectionInfo | undefined, fallbackUrl: string, started: number): string {
  const headers = info?.protocol ? [{ name: 'Sec-WebSocket-Protocol', value: info.protocol }] : [];
  const entry = {
    startedDateTime: new Date(started).toISOString(),
    time: 0,
    request: {
      method: 'GET', url: info?.url ?? fallbackUrl, httpVersion: 'HTTP/1.1', headers: [], queryString: [],
      cookies: [], headersSize: -1, bodySize: 0,
    },
    response: {
      status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1', headers, cookies: [],
      content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: -1, _transferSize: 0,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0 },
    connection,
    _resourceType: 'websocket',
  };
  const json = JSON.stringify(entry);
  return `${json.slice(0, -1)},"_webSocketMessages":[`;
}

/**
 * Exports a session as a HAR 1.2 document, streamed as string parts, one entry per connection.
 * Use `toBlob(exportHar(log, id), 'application/json')` for a download.
 * @throws RecorderError `SessionNotFound`.
 */
export async function* exportHar(log: FrameLog, sessionId: number): AsyncGenerator<string> {
  const session = await log.session(sessionId);
  if (session === undefined) throw new RecorderError('SessionNotFound', `no session ${sessionId}`);
  yield `{"log":{"version":"1.2","creator":${JSON.stringify(CREATOR)},"pages":[],"entries":[`;
  let firstEntry = true;
  for (const connection of await log.connections(sessionId)) {
    let head: string | undefined;
    for await (const batch of log.batches({ sessionId, connection })) {
      const parts: string[] = [];
      if (head === undefined) {
        const info = Object.hasOwn(session.connections, connection) ? session.connections[connection] : undefined;
        head = entryHead(connection, info, session.url || 'ws://unknown/', batch[0]!.time);
        parts.push(`${firstEntry ? '' : ','}${head}`);
        firstEntry = false;
      } else {
        parts.push(',');
      }
      parts.push(batch.map((f) => JSON.stringify(frameToHarMessage(f))).join(','));
      yield parts.join('');
    }
    if (head !== undefined) yield ']}';
  }
  yield ']}}';
}

/**
 * Imports the WebSocket messages of a HAR (ours or one saved from Chrome's Network panel) into a new
 * session: one connection per WebSocket entry, frames in time order. Entries without
 * `_webSocketMessages` (ordinary HTTP requests) and messages that are not data frames (Chrome's
 * `error` type, opcodes other than 1 and 2) are skipped and counted in `skipped`.
 * The whole input is validated before anything is written.
 * @throws ImportError with `entry` (and `item`, the message index) of the first bad one.
 */
export async function importHar(log: FrameLog, input: string | Blob, options: ImportOptions = {}): Promise<ImportResult> {
  const text = typeof input === 'string' ? input : await input.text();
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`not JSON: ${(error as Error).message}`);
  }
  const entries = (root as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!Array.isArray(entries)) throw new ImportError('not a HAR: log.entries must be an array');
  const frames: ImportedFrame[] = [];
  const connections = new Map<string, ConnectionInfo>();
  let skipped = 0;
  entries.forEach((entry: unknown, index) => {
    skipped += collectEntry(entry, index, frames, connections);
  });
  frames.sort((a, b) => a.time - b.time);
  const result = await importIntoSession(log, { ...options, connections }, frames);
  return { ...result, skipped };
}

function collectEntry(entry: unknown, index: number, frames: ImportedFrame[], connections: Map<string, ConnectionInfo>): number {
  if (typeof entry !== 'object' || entry === null) throw new ImportError(`entry ${index}: not an object`, undefined, index);
  const e = entry as Record<string, unknown>;
  const messages = e['_webSocketMessages'];
  if (messages === undefined) return 1;
  if (!Array.isArray(messages)) throw new ImportError(`entry ${index}: _webSocketMessages must be an array`, undefined, index);
  const given = e['connection'];
  const connection = typeof given === 'string' && given !== '' && !connections.has(given) ? given : `har-${index}`;
  const url = (e['request'] as { url?: unknown } | undefined)?.url;
  connections.set(connection, typeof url === 'string' ? { url } : {});
  let skipped = 0;
  messages.forEach((message: unknown, item) => {
    const frame = parseMessage(message, index, item);
    if (frame === null) skipped += 1;
    else frames.push({ ...frame, connection });
  });
  return skipped;
}

function parseMessage(message: unknown, entry: number, item: number): ImportedFrame | null {
  const fail = (why: string): never => {
    throw new ImportError(`entry ${entry}, message ${item}: ${why}`, undefined, entry, item);
  };
  if (typeof message !== 'object' || message === null) return fail('not an object');
  const m = message as Record<string, unknown>;
  const { type, time, opcode, data } = { type: m['type'], time: m['time'], opcode: m['opcode'], data: m['data'] };
  if (type !== 'send' && type !== 'receive' && type !== 'error') return fail('type must be "send", "receive" or "error"');
  if (typeof time !== 'number' || !Number.isFinite(time)) return fail('time must be a finite number (seconds)');
  // Chrome writes its `error` pseudo-frames with opcode -1.
  if (typeof opcode !== 'number' || !Number.isInteger(opcode)) return fail('opcode must be an integer');
  if (typeof data !== 'string') return fail('data must be a string');
  if (type === 'error' || (opcode !== 1 && opcode !== 2)) return null;
  if (data.length > MAX_IMPORT_FRAME_BYTES * 2) return fail(`data larger than ${MAX_IMPORT_FRAME_BYTES} bytes`);
  let bytes: Uint8Array;
  try {
    bytes = opcode === 1 ? utf8Encoder.encode(data) : fromBase64(data);
  } catch (error) {
    return fail(`data: ${(error as Error).message}`);
  }
  return { bytes, time: time * 1000, direction: type === 'send' ? 'out' : 'in', text: opcode === 1 };
}
