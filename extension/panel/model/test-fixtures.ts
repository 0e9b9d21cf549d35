/**
 * Builders of frame records for the panel's unit tests.
 */
import { encode, type Message } from '../../../src/protocol/index.js';
import type { FrameDirection } from '../../shared/messages.js';
import { summarizeBinary, summarizeText } from './summarize.js';
import type { ConnectionRecord, FrameRecord } from './types.js';

let nextId = 1;

/** A connection record with sensible defaults. */
export function conn(key = 'doc/w1', extra: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return { key, label: '#1', doc: key.split('/')[0]!, frameId: 0, url: 'ws://127.0.0.1:1/', protocols: ['clasp'], protocol: 'clasp', source: 'websocket', clasp: true, state: 'open', errors: [], ...extra };
}

/** A decoded CLASP frame record. */
export function claspFrame(message: Message, dir: FrameDirection = 'in', options: { t?: number; c?: ConnectionRecord } = {}): FrameRecord {
  const bytes = encode(message);
  const id = nextId++;
  return { id, conn: options.c ?? conn(), dir, t: options.t ?? id, size: bytes.length, bytes, truncated: false, summary: summarizeBinary(bytes, true) };
}

/** A text frame record. */
export function textFrame(text: string, dir: FrameDirection = 'in', t?: number): FrameRecord {
  const id = nextId++;
  return { id, conn: conn(), dir, t: t ?? id, size: text.length, text, truncated: false, summary: summarizeText(text) };
}
