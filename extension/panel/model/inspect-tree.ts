/**
 * The detail pane's model: the codec's `inspect()` tree of a frame, flattened for rendering, and the
 * two directions of field ↔ byte linking. Pure apart from the codec; unit-tested.
 *
 * @packageDocumentation
 */
import { ClaspDecodeError, inspect, type InspectNode } from '../../../src/protocol/index.js';
import { formatValue } from './format.js';

/** One row of the flattened tree. */
export interface TreeRow {
  /** Position in depth-first order; the row's stable id within one frame. */
  readonly index: number;
  readonly depth: number;
  readonly node: InspectNode;
  /** Index of the parent row, -1 for the root. */
  readonly parent: number;
  /** `name: wireType = value` text. */
  readonly label: string;
}

/** The inspected frame: rows, plus the decode error when the tree is partial. */
export interface InspectedFrame {
  readonly rows: readonly TreeRow[];
  readonly error?: string;
}

/**
 * Inspects a CLASP frame. A decode error keeps the partial tree the codec returns and reports the
 * error; any other failure yields no rows and the error text. Never throws.
 */
export function inspectFrame(bytes: Uint8Array): InspectedFrame {
  try {
    return { rows: flatten(inspect(bytes)) };
  } catch (error) {
    if (error instanceof ClaspDecodeError) {
      const text = `${error.code} at byte ${error.offset}: ${error.message}`;
      return error.partial === undefined ? { rows: [], error: text } : { rows: flatten(error.partial), error: text };
    }
    return { rows: [], error: `inspector failure: ${String(error)}` };
  }
}

/** Depth-first rows of a tree (bounded depth and size: a hostile frame cannot blow the panel up). */
export function flatten(root: InspectNode, maxRows = 20_000): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (node: InspectNode, depth: number, parent: number): void => {
    if (rows.length >= maxRows || depth > 64) return;
    const index = rows.length;
    rows.push({ index, depth, node, parent, label: labelOf(node) });
    for (const child of node.children ?? []) visit(child, depth + 1, index);
  };
  visit(root, 0, -1);
  return rows;
}

function labelOf(node: InspectNode): string {
  const head = `${node.name}: ${node.wireType}`;
  return node.value === undefined || node.children !== undefined ? head : `${head} = ${formatValue(node.value, 120)}`;
}

/** The deepest row whose byte range contains `offset` (ties: the later, more specific row), or -1. */
export function rowAtByte(rows: readonly TreeRow[], offset: number): number {
  let best = -1;
  for (const row of rows) {
    const { start, end } = row.node;
    if (offset >= start && offset < end && (best < 0 || row.depth >= rows[best]!.depth)) best = row.index;
  }
  return best;
}
