/**
 * The one place where the recorder looks inside a frame: message type and address, for the chunk
 * summaries and per-frame columns that queries filter on. It delegates to the codec's cheap
 * `summarize` (header, type byte and address only); everything else is decoded at read time.
 *
 * Frames the codec cannot summarize are `{ type: -1, address: null }`: they are still recorded,
 * only their type is unknown.
 *
 * @packageDocumentation
 */
import { MSG, messageTypeName as codecTypeName, summarize } from '../protocol/index.js';

/** What queries can filter on. `type` is the CLASP type code (`SET = 0x21`), `-1` when unknown. */
export interface FrameSummary {
  readonly type: number;
  readonly address: string | null;
}

/** CLASP message type codes by name (the codec's `MSG` table, `SET = 0x21` as in `clasp-core`). */
export const MESSAGE_TYPES: Readonly<Record<string, number>> = MSG;

const UNKNOWN: FrameSummary = { type: -1, address: null };

/** Name of a type code (`0x21` → `'SET'`), `'UNKNOWN'` for `-1` or codes CLASP does not define. */
export function messageTypeName(type: number): string {
  return type < 0 || type > 0xff ? 'UNKNOWN' : (codecTypeName(type) ?? 'UNKNOWN');
}

/**
 * Type code of a name (`'SET'` → `0x21`), `-1` for `'UNKNOWN'`.
 * @throws RangeError for a name CLASP does not define.
 */
export function messageTypeCode(name: string): number {
  if (name === 'UNKNOWN') return -1;
  if (!Object.hasOwn(MSG, name)) throw new RangeError(`unknown CLASP message type name: ${name}`);
  return MESSAGE_TYPES[name]!;
}

/**
 * Reads message type and address of one CLASP frame. Never throws: frames that are not valid CLASP
 * (bad header, unknown type, truncated address) summarize as type `-1`.
 */
export function summarizeFrame(frame: Uint8Array): FrameSummary {
  try {
    const s = summarize(frame);
    return { type: s.type, address: s.address ?? null };
  } catch {
    return UNKNOWN;
  }
}
