/**
 * The value plot's model: the numeric values one address took over time, from the frames in the
 * panel (live and opened recordings alike) — SET, PUBLISH (value or payload), SNAPSHOT entries and
 * the SETs and PUBLISHes inside a BUNDLE — and the plot's geometry. Pure apart from the codec.
 *
 * - Numbers, int64 (as the nearest double) and booleans (0 / 1) are plotted; other values are
 *   counted in `skipped`, never dropped silently.
 * - Frames the page dispatched itself, truncated and undecodable frames change nothing (as in the
 *   state view).
 * - At most {@link MAX_PLOT_POINTS} points are kept; older ones go first and are counted.
 * - The path has at most two points per pixel column (min and max), so drawing stays cheap however
 *   many points there are.
 */
import { decode, type DecodedMessage, type Value } from '../../../src/protocol/index.js';
import type { FrameRecord } from './types.js';

/** Points kept per plot. */
export const MAX_PLOT_POINTS = 100_000;

/** One value at one time. */
export interface PlotPoint {
  /** Frame time (ms since the epoch). */
  readonly t: number;
  readonly v: number;
  /** Id of the frame that carried it. */
  readonly frameId: number;
}

/** The number a value plots as, or null. */
export function numericOf(v: Value | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

const PLOTTED = new Set(['SET', 'PUBLISH', 'SNAPSHOT', 'BUNDLE']);

/** Values `message` gives `address` (null: a value that is not numeric). */
function valuesIn(message: DecodedMessage, address: string, out: (number | null)[], depth: number): void {
  if (message.type === 'SET' && message.address === address) out.push(numericOf(message.value));
  else if (message.type === 'PUBLISH' && message.address === address) out.push(numericOf(message.value ?? message.payload));
  else if (message.type === 'SNAPSHOT') {
    for (const p of message.params) if (p.address === address) out.push(numericOf(p.value));
  } else if (message.type === 'BUNDLE' && depth < 8) {
    for (const m of message.messages) valuesIn(m as DecodedMessage, address, out, depth + 1);
  }
}

/** The numeric values of one address over time, in time order. */
export class ValueSeries {
  readonly points: PlotPoint[] = [];
  /** Values at the address that are not numeric. */
  skipped = 0;
  /** Points dropped because more than {@link MAX_PLOT_POINTS} arrived. */
  dropped = 0;

  constructor(readonly address: string) {}

  /** Adds the values the frames give this address, in frame order. */
  add(frames: Iterable<FrameRecord>): void {
    const found: (number | null)[] = [];
    for (const f of frames) {
      const type = f.summary.type;
      if (type === undefined || !PLOTTED.has(type) || f.pageDispatched === true || f.truncated) continue;
      // SNAPSHOT and BUNDLE carry other addresses in their summary: decode them whatever it says.
      if ((type === 'SET' || type === 'PUBLISH') && f.summary.address !== this.address) continue;
      const bytes = f.bytes;
      if (bytes === undefined) continue;
      let message: DecodedMessage;
      try {
        message = decode(bytes);
      } catch {
        continue;
      }
      found.length = 0;
      valuesIn(message, this.address, found, 0);
      for (const v of found) {
        if (v === null) this.skipped += 1;
        else this.points.push({ t: f.t, v, frameId: f.id });
      }
    }
    // Frames of an opened recording can interleave with live ones: keep time order for the plot.
    for (let i = 1; i < this.points.length; i++) {
      if (this.points[i]!.t < this.points[i - 1]!.t) {
        this.points.sort((a, b) => a.t - b.t);
        break;
      }
    }
    if (this.points.length > MAX_PLOT_POINTS) {
      const extra = this.points.length - MAX_PLOT_POINTS;
      this.points.splice(0, extra);
      this.dropped += extra;
    }
  }

  /** The point nearest in time to `t` (the last one of equal times), or undefined when empty. */
  nearest(t: number): PlotPoint | undefined {
    const p = this.points;
    if (p.length === 0) return undefined;
    let lo = 0;
    let hi = p.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (p[mid]!.t <= t) lo = mid;
      else hi = mid - 1;
    }
    const next = p[lo + 1];
    return next !== undefined && Math.abs(next.t - t) < Math.abs(p[lo]!.t - t) ? next : p[lo];
  }
}

/** Geometry of a plot drawn into `width` × `height` pixels. */
export interface PlotGeometry {
  t0: number;
  t1: number;
  vMin: number;
  vMax: number;
  /** SVG path (`M x y L x y …`), at most two points per pixel column. */
  path: string;
  /** Pixel x of time `t`. */
  x(t: number): number;
  /** Time at pixel x. */
  time(x: number): number;
  /** Pixel y of value `v`. */
  y(v: number): number;
}

/**
 * Lays out `points` (in time order). A constant series or a single point gets a range of ±1 so it
 * sits mid-height.
 */
export function plotGeometry(points: readonly PlotPoint[], width: number, height: number): PlotGeometry {
  let t0 = Infinity;
  let t1 = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const p of points) {
    if (p.t < t0) t0 = p.t;
    if (p.t > t1) t1 = p.t;
    if (p.v < vMin) vMin = p.v;
    if (p.v > vMax) vMax = p.v;
  }
  if (points.length === 0) [t0, t1, vMin, vMax] = [0, 1, 0, 1];
  if (t1 === t0) [t0, t1] = [t0 - 1, t1 + 1];
  if (vMax === vMin) [vMin, vMax] = [vMin - 1, vMax + 1];
  const x = (t: number): number => ((t - t0) / (t1 - t0)) * width;
  const y = (v: number): number => height - ((v - vMin) / (vMax - vMin)) * height;
  const time = (px: number): number => t0 + (px / width) * (t1 - t0);
  const parts: string[] = [];
  let column = NaN;
  let lo = 0;
  let hi = 0;
  let last = 0;
  const flush = (): void => {
    if (Number.isNaN(column)) return;
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${column} ${y(lo).toFixed(1)}`);
    if (hi !== lo) parts.push(`L${column} ${y(hi).toFixed(1)}`);
    if (last !== hi) parts.push(`L${column} ${y(last).toFixed(1)}`);
  };
  for (const p of points) {
    const c = Math.round(x(p.t));
    if (c !== column) {
      flush();
      column = c;
      lo = hi = p.v;
    }
    lo = Math.min(lo, p.v);
    hi = Math.max(hi, p.v);
    last = p.v;
  }
  flush();
  return { t0, t1, vMin, vMax, path: parts.join(' '), x, time, y };
}
