/**
 * The panel's one escaping function for text that came from a page (addresses, names, URLs, text
 * frames, values, error messages). Characters that are invisible, reorder text or break a line are
 * replaced by a visible `\uXXXX` (or `\u{XXXXX}`) so that `/mixer/1/ga\u200Bin` never passes for
 * `/mixer/1/gain` and a U+202E cannot reverse a row. Raw bytes are unaffected: the hex view and
 * exports keep them as they were. Pure; unit-tested.
 *
 * @packageDocumentation
 */

/**
 * What is escaped:
 * - `\p{Cc}` controls (C0 including tab, CR and LF, DEL, C1) and `\p{Cf}` format characters: the
 *   bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C),
 *   zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF), soft hyphen, tag characters;
 * - line and paragraph separators U+2028 / U+2029 and every space other than U+0020 (the rest of
 *   `\p{Zs}`: U+00A0, U+1680, U+2000–U+200A, U+202F, U+205F, U+3000);
 * - lone surrogates (`\p{Cs}`), variation selectors and the invisible fillers (U+034F, U+115F,
 *   U+1160, U+17B4, U+17B5, U+180B–U+180F, U+3164, U+FFA0, U+2800).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/** Options of {@link escapeInvisible}. */
export interface EscapeOptions {
  /**
   * Keep LF (and CR LF) and tab as they are: for a multi-line text view (`<pre>`) of a text frame.
   * Default false (one-line contexts: rows, the tree, tooltips, menus).
   */
  readonly keepLines?: boolean;
}

/** A piece of escaped text: `escape` pieces are the `\u…` forms, to be shown in a distinct style. */
export interface EscapedPiece {
  readonly text: string;
  readonly escape: boolean;
}

/** True when `text` holds a character {@link escapeInvisible} would replace (a quick test for the hot path). */
export function hasInvisible(text: string): boolean {
  return INVISIBLE.test(text);
}

/** The visible form of one escaped character, e.g. `\u202E`, `\u{E0041}`. */
export function escapeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase();
  return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/**
 * Splits text into plain and escaped pieces (in order); joined, their texts are the escaped text.
 * Never throws; a non-string is converted with `String()` first.
 */
export function escapePieces(text: string, options: EscapeOptions = {}): EscapedPiece[] {
  const source = typeof text === 'string' ? text : String(text);
  const pieces: EscapedPiece[] = [];
  let at = 0;
  for (const match of source.matchAll(INVISIBLE_ALL)) {
    const char = match[0];
    if (options.keepLines === true && (char === '\n' || char === '\t' || (char === '\r' && source[match.index + 1] === '\n'))) continue;
    if (match.index > at) pieces.push({ text: source.slice(at, match.index), escape: false });
    pieces.push({ text: escapeChar(char), escape: true });
    at = match.index + char.length;
  }
  if (at < source.length) pieces.push({ text: source.slice(at), escape: false });
  return pieces;
}

/**
 * The text with every invisible, bidi and line-breaking character replaced by its `\uXXXX` form.
 * Text without such characters is returned as it is (same string).
 */
export function escapeInvisible(text: string, options: EscapeOptions = {}): string {
  if (typeof text !== 'string') return escapeInvisible(String(text), options);
  if (!INVISIBLE.test(text)) return text;
  let out = '';
  for (const piece of escapePieces(text, options)) out += piece.text;
  return out;
}

/**
 * Escaped text plus where its `\u…` forms are: `[start, end)` offsets into `text`. Used where text
 * is cut or padded before it is drawn (the frame rows).
 */
export function escapeWithRanges(text: string): { readonly text: string; readonly ranges: readonly (readonly [number, number])[] } {
  if (!INVISIBLE.test(text)) return { text, ranges: [] };
  let out = '';
  const ranges: [number, number][] = [];
  for (const piece of escapePieces(text)) {
    if (piece.escape) ranges.push([out.length, out.length + piece.text.length]);
    out += piece.text;
  }
  return { text: out, ranges };
}
