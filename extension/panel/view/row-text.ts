/**
 * The text of one frame-list row: every column padded to a fixed number of characters and shown as
 * one line of monospace text.
 *
 * Why one text per row: redrawing ~45 rows while frames stream in is the panel's longest work. With a
 * grid cell per field Blink lays out and paints nine formatting contexts per row, 15–20 ms per render
 * on the 2-core test machine; one padded line costs 4–5 ms (measured with a Chrome trace on a page
 * of 56 rows: layout 13 → 3.3 ms, paint 4.5 → 0.6 ms, style 1.5 → 0.8 ms). Columns stay aligned as
 * long as the fields are in the font's one-width range (ASCII, arrows); a field with wide characters
 * (CJK, emoji) shifts the rest of its own row only.
 */
import { UIStrings } from '../strings.js';

/** One column: its key, header label, width in characters (0: the rest of the row), alignment. */
export interface Column {
  readonly key: string;
  readonly label: string;
  readonly width: number;
  readonly right: boolean;
}

/** The columns, in order; widths fit `12:34:56.789`, `+12.3 ms`, `UNSUBSCRIBE`, `Confirm`, `12.3 KiB`. */
export const COLUMNS: readonly Column[] = [
  { key: 'time', label: UIStrings.colTime, width: 12, right: false },
  { key: 'delta', label: UIStrings.colDelta, width: 9, right: true },
  { key: 'dir', label: UIStrings.colDir, width: 3, right: false },
  { key: 'conn', label: UIStrings.colConn, width: 14, right: false },
  { key: 'type', label: UIStrings.colType, width: 11, right: false },
  { key: 'address', label: UIStrings.colAddress, width: 28, right: false },
  { key: 'qos', label: UIStrings.colQos, width: 7, right: false },
  { key: 'size', label: UIStrings.colSize, width: 9, right: true },
  { key: 'summary', label: UIStrings.colSummary, width: 0, right: false },
];

/** Spaces between two columns. */
export const GAP = '  ';

/**
 * Fits `text` to `width` characters: cut with `…` when longer, padded with spaces when shorter
 * (before it when `right`), followed by the column gap. Width 0 returns the text unchanged.
 */
export function fitColumn(text: string, width: number, right: boolean): string {
  if (width === 0) return text;
  if (text.length > width) return `${text.slice(0, width - 1)}…${GAP}`;
  return right ? `${text.padStart(width)}${GAP}` : `${text.padEnd(width)}${GAP}`;
}

/**
 * The row line for one field per column (missing fields are empty).
 * @param fields texts in {@link COLUMNS} order
 */
export function rowLine(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < COLUMNS.length; i++) {
    const column = COLUMNS[i]!;
    line += fitColumn(fields[i] ?? '', column.width, column.right);
  }
  return line;
}

/** Splits a row line back into its trimmed fields (what a reader sees per column). */
export function rowFields(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  for (const column of COLUMNS) {
    const end = column.width === 0 ? line.length : at + column.width + GAP.length;
    fields.push(line.slice(at, end).trim());
    at = end;
  }
  return fields;
}

/** A field already escaped (model/escape.ts `escapeWithRanges`): its text and where its escapes are. */
export interface RangedField {
  readonly text: string;
  readonly ranges: readonly (readonly [number, number])[];
}

/**
 * Like {@link rowLine}, also returning where the escapes of the fields ended up in the line (after
 * cutting and padding), so that the row can show them in their own style.
 */
export function rowLineRanged(fields: readonly RangedField[]): { readonly line: string; readonly ranges: readonly (readonly [number, number])[] } {
  let line = '';
  const ranges: [number, number][] = [];
  for (let i = 0; i < COLUMNS.length; i++) {
    const column = COLUMNS[i]!;
    const field = fields[i] ?? { text: '', ranges: [] };
    const kept = column.width === 0 || field.text.length <= column.width ? field.text.length : column.width - 1;
    const at = line.length + (column.right && column.width > field.text.length ? column.width - field.text.length : 0);
    for (const [start, end] of field.ranges) if (start < kept) ranges.push([at + start, at + Math.min(end, kept)]);
    line += fitColumn(field.text, column.width, column.right);
  }
  return { line, ranges };
}
