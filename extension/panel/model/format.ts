/**
 * Text formatting of decoded values, bytes and times for the panel (pure; unit-tested).
 * Everything returns plain strings that the views put into `textContent`.
 *
 * @packageDocumentation
 */

/** Longest one-line rendering of a value. */
export const MAX_LINE_CHARS = 200;

/**
 * Renders a decoded CLASP value on one line: integers of any width as digits (a u64 revision is
 * `1`, as in the rows, never the JS literal `1n`), `-0` as `-0`, Map as `{k: v}`, bytes as
 * `<3 B 01 02 03>`, strings JSON-quoted; cut with `…` beyond `max` characters. Page text in the
 * result is not escaped yet: views pass it through model/escape.ts.
 */
export function formatValue(value: unknown, max: number = MAX_LINE_CHARS): string {
  const out = renderValue(value, 0, max);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

function renderValue(value: unknown, depth: number, budget: number): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint':
      return String(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return String(value);
    case 'string':
      return JSON.stringify(value.length > budget ? value.slice(0, budget) : value);
    default:
      break;
  }
  if (depth > 4) return '…';
  if (value instanceof Uint8Array) return `<${value.length} B ${toHex(value.subarray(0, 16))}${value.length > 16 ? ' …' : ''}>`;
  const parts: string[] = [];
  let used = 0;
  const add = (part: string): boolean => {
    parts.push(part);
    used += part.length + 2;
    return used < budget;
  };
  if (Array.isArray(value)) {
    for (const item of value) if (!add(renderValue(item, depth + 1, budget - used))) break;
    return `[${parts.join(', ')}${parts.length < value.length ? ', …' : ''}]`;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  for (const [k, v] of entries) if (!add(`${String(k)}: ${renderValue(v, depth + 1, budget - used)}`)) break;
  return `{${parts.join(', ')}${parts.length < entries.length ? ', …' : ''}}`;
}

/** Lower-case hex with a space between bytes: `01 02 ff`. */
export function toHex(bytes: Uint8Array, separator = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += separator;
    out += HEX[bytes[i]!]!;
  }
  return out;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** One printable ASCII character per byte, `.` for anything else. */
export function toAscii(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return out;
}

/** Largest distance from the epoch a `Date` can hold, in milliseconds (±100 000 000 days). */
export const MAX_DATE_MS = 8.64e15;

/** True when `ms` is a time a `Date` can hold (page-reported times may be anything). */
export function isDateTime(ms: number): boolean {
  return typeof ms === 'number' && Math.abs(ms) <= MAX_DATE_MS;
}

/** `HH:MM:SS.mmm` in local time; `bad time` for a time no `Date` can hold. */
export function formatClock(ms: number): string {
  if (!isDateTime(ms)) return 'bad time';
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** The ISO form of a time (tooltips), or the raw number and why it cannot be a date. Never throws. */
export function formatIsoTime(ms: number): string {
  return isDateTime(ms) ? new Date(ms).toISOString() : `time ${String(ms)} (outside the Date range)`;
}

/** A time difference: `+0.4 ms`, `+12 ms`, `+1.25 s`. */
export function formatDelta(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '−' : '+';
  const a = Math.abs(ms);
  if (a < 10) return `${sign}${a.toFixed(1)} ms`;
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  return `${sign}${(a / 1000).toFixed(2)} s`;
}

/** A byte count: `512 B`, `1.5 KiB`, `3.2 MiB`; a forged count (negative, huge, not finite) as its number. */
export function formatBytes(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) return `${String(n)} B`;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
