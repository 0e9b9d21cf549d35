/**
 * CLASP address patterns: the one matcher of the project (relay subscriptions and QUERY, recorder
 * queries, DevTools panel filter). The rules are those by which the Rust router (`clasp-router`'s
 * subscription trie, which verifies `k*`-style segments with the `glob-match` crate) decides who
 * receives a SET:
 * - a pattern starts with `/`; its segments are split on `/`; an empty segment is allowed only last;
 * - `**` as a whole segment matches zero or more segments (`/a/**` matches `/a`, `/a/b/c`);
 * - any other segment containing `*` matches exactly one segment, each `*` standing for any run of
 *   characters within it (`*` matches any one segment, even an empty one; `k*` matches `k`, `kick`);
 * - every other character matches itself;
 * - one exception, from the glob check Rust applies to `k*`-style patterns: when a pattern has such a
 *   segment, a trailing `/**` needs at least one more segment (`/k*` + `/**` does not match `/kx`).
 *
 * Matching is O(pattern segments × address segments) segment tests (leftmost placement of the
 * `**`-separated blocks, no backtracking); patterns over {@link PATTERN_LIMITS} are refused.
 *
 * @packageDocumentation
 */

/** Limits on a pattern; larger patterns are refused with {@link AddressPatternError}. */
export const PATTERN_LIMITS = Object.freeze({
  /** Segments in one pattern. Default 255. */
  maxSegments: 255,
  /** `**` segments in one pattern. Default 64. */
  maxGlobstars: 64,
});

/** Why a pattern was refused (`RangeError`, so callers that caught RangeError keep working). */
export class AddressPatternError extends RangeError {
  override readonly name = 'AddressPatternError';
}

/** Counts the segment tests of {@link AddressPattern.matches}; pass one to measure the work. */
export interface MatchMeter {
  steps: number;
}

/** A compiled pattern. */
export interface AddressPattern {
  /** The pattern as given. */
  readonly source: string;
  /** True when the pattern has no `*`: it matches only the identical address. */
  readonly exact: boolean;
  /** True for `/**`, which matches every address. */
  readonly matchesAll: boolean;
  /**
   * Tests an address (a string, or its segments from {@link addressSegments} when one address is
   * tested against many patterns). An address that does not start with `/` matches nothing.
   */
  matches(address: string | AddressSegments, meter?: MatchMeter): boolean;
}

/** An address split once into its segments, for matching against many patterns. */
export interface AddressSegments {
  readonly address: string;
  /** Segments after the leading `/`; undefined when the address does not start with `/`. */
  readonly segments: readonly string[] | undefined;
}

/** Splits an address for repeated matching. */
export function addressSegments(address: string): AddressSegments {
  return { address, segments: address.startsWith('/') ? address.slice(1).split('/') : undefined };
}

type SegmentTest = string | readonly string[]; // a literal, or the pieces of a `*` segment

const ANY: readonly string[] = ['', ''];

/**
 * Compiles a pattern.
 * @throws {@link AddressPatternError} for a pattern that is empty, does not start with `/`, has an
 *   empty segment before its last, exceeds {@link PATTERN_LIMITS}, or has a `k*`-style segment and
 *   one of `? [ { \` (Rust would read those as glob syntax).
 */
export function compileAddressPattern(pattern: string): AddressPattern {
  if (!pattern.startsWith('/')) throw new AddressPatternError(`pattern must start with "/": "${clip(pattern)}"`);
  const raw = pattern.slice(1).split('/');
  if (raw.length > PATTERN_LIMITS.maxSegments) {
    throw new AddressPatternError(`pattern has ${raw.length} segments (limit ${PATTERN_LIMITS.maxSegments})`);
  }
  let globstars = 0;
  let partial = false;
  raw.forEach((segment, i) => {
    if (segment === '' && i < raw.length - 1) throw new AddressPatternError(`empty segment in pattern "${clip(pattern)}"`);
    if (segment === '**') globstars += 1;
    else if (segment.includes('*') && segment !== '*') partial = true;
  });
  if (partial && /[?[{\\]/.test(pattern)) {
    // Rust checks such patterns with the glob-match crate, for which these characters are syntax.
    throw new AddressPatternError(`pattern "${clip(pattern)}" mixes a "k*" segment with ? [ { or \\ (glob syntax in clasp-relay's check; not supported)`);
  }
  if (globstars > PATTERN_LIMITS.maxGlobstars) {
    throw new AddressPatternError(`pattern has ${globstars} "**" segments (limit ${PATTERN_LIMITS.maxGlobstars})`);
  }
  const exact = !pattern.includes('*');
  const matchesAll = raw.length > 0 && raw.every((s) => s === '**');
  if (exact) return { source: pattern, exact, matchesAll, matches: (a) => (typeof a === 'string' ? a : a.address) === pattern };
  if (matchesAll) return { source: pattern, exact, matchesAll, matches: (a) => (typeof a === 'string' ? a : a.address).startsWith('/') };
  const blocks: SegmentTest[][] = [[]];
  for (const segment of raw) {
    if (segment === '**') blocks.push([]);
    else (blocks[blocks.length - 1] as SegmentTest[]).push(segment === '*' ? ANY : segment.includes('*') ? segment.split('*') : segment);
  }
  const trailingNeedsOne = partial && raw[raw.length - 1] === '**';
  return {
    source: pattern, exact, matchesAll,
    matches(address, meter) {
      const segments = (typeof address === 'string' ? addressSegments(address) : address).segments;
      return segments !== undefined && matchBlocks(blocks, segments, trailingNeedsOne, meter);
    },
  };
}

/** One-off test of `address` against `pattern`. @throws as {@link compileAddressPattern}. */
export function matchAddress(pattern: string, address: string): boolean {
  return compileAddressPattern(pattern).matches(address);
}

/**
 * `blocks` are the runs of segment tests between `**`s (at least two when there is a `**`). The first
 * is anchored at the start, the last at the end, each middle one placed leftmost: placing a block as
 * early as possible leaves the most room for the next, so no other placement needs trying.
 */
function matchBlocks(blocks: readonly SegmentTest[][], segments: readonly string[], trailingNeedsOne: boolean, meter: MatchMeter | undefined): boolean {
  const first = blocks[0] as SegmentTest[];
  const n = segments.length;
  if (blocks.length === 1) return first.length === n && matchAt(first, segments, 0, meter);
  const last = blocks[blocks.length - 1] as SegmentTest[];
  const lastStart = n - last.length;
  if (first.length > lastStart || !matchAt(first, segments, 0, meter)) return false;
  let pos = first.length;
  for (let b = 1; b < blocks.length - 1; b += 1) {
    const block = blocks[b] as SegmentTest[];
    let at = pos;
    while (at + block.length <= lastStart && !matchAt(block, segments, at, meter)) at += 1;
    if (at + block.length > lastStart) return false;
    pos = at + block.length;
  }
  if (!matchAt(last, segments, lastStart, meter)) return false;
  return !trailingNeedsOne || pos < n;
}

function matchAt(block: readonly SegmentTest[], segments: readonly string[], at: number, meter: MatchMeter | undefined): boolean {
  for (let i = 0; i < block.length; i += 1) {
    if (meter !== undefined) meter.steps += 1;
    const test = block[i] as SegmentTest;
    const segment = segments[at + i] as string;
    if (typeof test === 'string' ? test !== segment : !matchPieces(test, segment)) return false;
  }
  return true;
}

/** `pieces` is a segment split on `*`: a prefix, the pieces found in order (leftmost), a suffix. */
function matchPieces(pieces: readonly string[], segment: string): boolean {
  if (pieces === ANY) return true;
  const prefix = pieces[0] as string;
  const suffix = pieces[pieces.length - 1] as string;
  if (segment.length < prefix.length + suffix.length || !segment.startsWith(prefix) || !segment.endsWith(suffix)) return false;
  let at = prefix.length;
  const end = segment.length - suffix.length;
  for (let i = 1; i < pieces.length - 1; i += 1) {
    const piece = pieces[i] as string;
    const found = segment.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
