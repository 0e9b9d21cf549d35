/**
 * Classifies and summarises one frame for the list: CLASP frames are decoded with the project's codec
 * (src/protocol); everything else is listed raw. A decode failure becomes a visible `error` summary —
 * bad bytes never throw out of here.
 *
 * @packageDocumentation
 */
import { ClaspDecodeError, decodeMessage, type DecodedMessage } from '../../../src/protocol/index.js';
import { formatValue, toHex } from './format.js';
import type { FrameSummary } from './types.js';

/** First byte of every CLASP frame (`MAGIC_BYTE`). */
export const MAGIC_BYTE = 0x53;

const QOS_NAMES = ['Fire', 'Confirm', 'Commit'] as const;

/** Fields not repeated in the generic one-line rendering. */
const SKIPPED = new Set(['type', 'address', 'pattern']);

/** True when a binary payload looks like a CLASP frame (magic byte first). */
export function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === MAGIC_BYTE;
}

/**
 * Summarises a binary frame.
 * @param clasp whether the connection is known to speak CLASP; otherwise only magic-byte frames are decoded.
 */
export function summarizeBinary(bytes: Uint8Array, clasp: boolean): FrameSummary {
  return decodeBinary(bytes, clasp).summary;
}

/** Like {@link summarizeBinary}, also returning the decoded message (for the state view). */
export function decodeBinary(bytes: Uint8Array, clasp: boolean): { summary: FrameSummary; message?: DecodedMessage } {
  if (!clasp && !hasMagic(bytes)) {
    return { summary: { kind: 'binary', line: `${toHex(bytes.subarray(0, 24))}${bytes.length > 24 ? ' …' : ''}` } };
  }
  try {
    const { message, flags } = decodeMessage(bytes);
    const fields = message as unknown as Record<string, unknown>;
    const address = typeof fields['address'] === 'string' ? fields['address'] : typeof fields['pattern'] === 'string' ? fields['pattern'] : undefined;
    const qos = QOS_NAMES[flags.qos] ?? String(flags.qos);
    const summary = { kind: 'clasp', type: message.type, qos, line: messageLine(fields) } as const;
    return { summary: address === undefined ? summary : { ...summary, address }, message };
  } catch (error) {
    const text = error instanceof ClaspDecodeError ? `${error.code} at byte ${error.offset}: ${error.message}` : `decoder failure: ${String(error)}`;
    return { summary: { kind: 'error', line: text, error: text } };
  }
}

/** Summarises a text frame (never CLASP: CLASP is binary). */
export function summarizeText(text: string): FrameSummary {
  const oneLine = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return { kind: 'text', line: oneLine.replace(/\s+/g, ' ') };
}

/** One line for a decoded message: `SET /a = 0.5 rev 3`, otherwise `key: value` pairs. */
export function messageLine(fields: Readonly<Record<string, unknown>>): string {
  if (fields['type'] === 'SET' || (fields['type'] === 'PUBLISH' && fields['value'] !== undefined)) {
    const rev = fields['revision'] === undefined ? '' : ` rev ${String(fields['revision'])}`;
    return `${String(fields['address'])} = ${formatValue(fields['value'], 120)}${rev}`;
  }
  if (fields['type'] === 'SNAPSHOT' && Array.isArray(fields['params'])) return `${fields['params'].length} params`;
  if (fields['type'] === 'BUNDLE' && Array.isArray(fields['messages'])) {
    const types = (fields['messages'] as { type?: unknown }[]).map((m) => String(m.type));
    return `${types.length} messages: ${types.slice(0, 8).join(', ')}${types.length > 8 ? ', …' : ''}`;
  }
  const parts: string[] = [];
  const address = fields['address'] ?? fields['pattern'];
  if (typeof address === 'string') parts.push(address);
  for (const [key, value] of Object.entries(fields)) {
    if (SKIPPED.has(key) || value === undefined) continue;
    parts.push(`${key}: ${formatValue(value, 60)}`);
  }
  const line = parts.join('  ');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
