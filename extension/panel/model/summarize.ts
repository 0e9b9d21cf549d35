/**
 * Classifies and summarises one frame for the list: CLASP frames are decoded with the project's codec
 * (src/protocol); everything else is listed raw. A decode failure becomes a visible `error` summary —
 * bad bytes never throw out of here.
 *
 * @packageDocumentation
 */
import { ClaspDecodeError, decodeMessage, MAGIC_BYTE, QOS_NAMES, type DecodedMessage } from '../../../src/protocol/index.js';
import { formatValue, toHex } from './format.js';
import type { FrameRecord, FrameSummary } from './types.js';

/** Most distinct CLASP summaries shared (type, QoS and address); beyond, each frame gets its own. */
export const MAX_SHARED_SUMMARIES = 4096;

/**
 * CLASP summaries by type and QoS, then address. Why shared: the panel keeps up to 250 000 frames,
 * and a stream repeats a few addresses; one summary object (and one address string) per distinct
 * (type, QoS, address) instead of per frame leaves the garbage collector a fraction of the objects
 * to trace and move (its pauses were the panel's longest tasks under a 100 000-frame burst).
 */
const shared = new Map<string, Map<string, FrameSummary>>();
let sharedCount = 0;

function claspSummary(type: string, qos: string, address: string | undefined): FrameSummary {
  const head = `${type} ${qos}`;
  let byAddress = shared.get(head);
  const found = byAddress?.get(address ?? '');
  if (found !== undefined && found.address === address) return found;
  const summary: FrameSummary = address === undefined ? { kind: 'clasp', type, qos } : { kind: 'clasp', type, qos, address };
  if (sharedCount < MAX_SHARED_SUMMARIES) {
    if (byAddress === undefined) shared.set(head, (byAddress = new Map()));
    byAddress.set(address ?? '', summary);
    sharedCount += 1;
  }
  return summary;
}

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
    return { summary: claspSummary(message.type, qos, address), message };
  } catch (error) {
    const text = error instanceof ClaspDecodeError ? `${error.code} at byte ${error.offset}: ${error.message}` : `decoder failure: ${String(error)}`;
    return { summary: { kind: 'undecodable', line: text, error: text } };
  }
}

/**
 * The one-line summary of a frame. A decoded CLASP frame's line is made from its bytes when asked
 * (only the rows in view and the text filter ask), not kept per frame.
 */
export function frameLine(frame: Pick<FrameRecord, 'summary' | 'bytes'>): string {
  if (frame.summary.line !== undefined) return frame.summary.line;
  if (frame.bytes === undefined) return '';
  try {
    return messageLine(decodeMessage(frame.bytes).message as unknown as Record<string, unknown>);
  } catch (error) {
    return `decoder failure: ${String(error)}`; // decoded once already: only a changed buffer gets here
  }
}

/**
 * Summarises a text frame (never CLASP: CLASP is binary): its first 200 characters as they are.
 * Line breaks are not collapsed into spaces: the row shows them escaped (`\u000A`), so a text that
 * hides a second line or a separator cannot pass for a one-line one.
 */
export function summarizeText(text: string): FrameSummary {
  return { kind: 'text', line: text.length > 200 ? `${text.slice(0, 200)}…` : text };
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
