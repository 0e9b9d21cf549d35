/**
 * The list filter: direction, message types, connection, address glob (`/lights/**`) and free text
 * or a regular expression (case-insensitive). Pure; unit-tested.
 *
 * @packageDocumentation
 */
import { compileAddressGlob } from '../../../src/recorder/glob.js';
import { PAGE_DISPATCHED_MARK, REPLAYED_MARK } from '../strings.js';
import { frameLine } from './summarize.js';
import type { FrameRecord } from './types.js';

/** What the user chose in the toolbar. Empty strings and `null` mean "any". */
export interface FilterSpec {
  readonly direction: 'all' | 'in' | 'out';
  /** Type keys to hide ({@link typeKey}); empty = show all types (a type seen later is shown). */
  readonly hiddenTypes: ReadonlySet<string>;
  /** Connection key; `null` = every connection. */
  readonly connection: string | null;
  /** Address glob (`compileAddressGlob`: CLASP's pattern rules; without a leading `/`, at any depth). */
  readonly address: string;
  /** Free text (substring) or, with `regex`, a regular expression. */
  readonly text: string;
  readonly regex: boolean;
}

/** The filter that shows everything. */
export const EMPTY_FILTER: FilterSpec = { direction: 'all', hiddenTypes: new Set(), connection: null, address: '', text: '', regex: false };

/** A compiled filter, or why the text could not be compiled. */
export type CompiledFilter =
  | { readonly ok: true; readonly isEmpty: boolean; test(frame: FrameRecord): boolean }
  | { readonly ok: false; readonly error: string };

/**
 * The type key of a frame: the CLASP message name (`SET`, `ERROR`), else `text`, `binary`,
 * `undecodable` (bytes the codec could not read) or `navigation` (a marker row).
 */
export function typeKey(frame: FrameRecord): string {
  return frame.summary.type ?? frame.summary.kind;
}

/**
 * Compiles a filter spec.
 * @returns `{ ok: false, error }` for an invalid regular expression or address glob; never throws.
 */
export function compileFilter(spec: FilterSpec): CompiledFilter {
  let matchText: ((haystack: string) => boolean) | null = null;
  if (spec.text !== '') {
    if (spec.regex) {
      let re: RegExp;
      try {
        re = new RegExp(spec.text, 'i');
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
      matchText = (h) => re.test(h);
    } else {
      const needle = spec.text.toLowerCase();
      matchText = (h) => h.toLowerCase().includes(needle);
    }
  }
  let matchAddress: ((address: string) => boolean) | null = null;
  if (spec.address.trim() !== '') {
    try {
      matchAddress = compileAddressGlob(spec.address.trim());
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
  const isEmpty = spec.direction === 'all' && spec.hiddenTypes.size === 0 && spec.connection === null && matchAddress === null && matchText === null;
  const test = (frame: FrameRecord): boolean => {
    if (frame.summary.kind === 'navigation') return true; // a page boundary stays in view under any filter
    if (spec.direction !== 'all' && frame.dir !== spec.direction) return false;
    if (spec.connection !== null && frame.conn.key !== spec.connection) return false;
    if (spec.hiddenTypes.size > 0 && spec.hiddenTypes.has(typeKey(frame))) return false;
    if (matchAddress !== null && (frame.summary.address === undefined || !matchAddress(frame.summary.address))) return false;
    if (matchText !== null && !matchText(searchText(frame))) return false;
    return true;
  };
  return { ok: true, isEmpty, test };
}

/** Everything free-text search looks at, on one line (the row's marks included: "replayed" finds replayed frames). */
function searchText(frame: FrameRecord): string {
  const { summary, conn } = frame;
  const mark = frame.replayed === true ? REPLAYED_MARK : frame.pageDispatched === true ? PAGE_DISPATCHED_MARK : '';
  const line = `${summary.type ?? ''} ${summary.address ?? ''} ${frameLine(frame)} ${conn.name ?? ''} ${conn.url} ${frame.text ?? ''}`;
  return mark === '' ? line : `${line} ${mark}`;
}
