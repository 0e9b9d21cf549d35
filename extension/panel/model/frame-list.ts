/**
 * The list model behind the virtualised list: every kept frame in time order (ties by arrival), the
 * oldest dropped beyond a cap (and counted), and the frames the current filter shows. Pure;
 * unit-tested.
 *
 * Invariants:
 * - `#frames` and `#visible` are sorted by (t, id); live frames almost always arrive in order and are
 *   pushed; a late batch (the backlog of a second document, a Blob frame read late) is merged into
 *   the tail from its first position on;
 * - `#byId` holds exactly the kept frames.
 *
 * @packageDocumentation
 */
import { MAX_PANEL_FRAMES } from '../../shared/limits.js';
import type { CompiledFilter } from './filter.js';
import type { FrameRecord } from './types.js';

const SHOW_ALL: CompiledFilter = { ok: true, isEmpty: true, test: () => true };

/**
 * Order of the list: time, then arrival. A total order for any time a page reported: NaN sorts
 * last (with +Infinity), so a forged time cannot break the list's sorted invariants.
 */
export function compareFrames(a: FrameRecord, b: FrameRecord): number {
  const d = a.t - b.t;
  if (d < 0) return -1;
  if (d > 0) return 1;
  if (d === 0) return a.id - b.id;
  // NaN: a NaN time, or two infinities of one sign
  const ta = Number.isNaN(a.t) ? Number.POSITIVE_INFINITY : a.t;
  const tb = Number.isNaN(b.t) ? Number.POSITIVE_INFINITY : b.t;
  return ta < tb ? -1 : ta > tb ? 1 : a.id - b.id;
}

/** Frames kept by the panel plus the filtered view of them. */
export class FrameList {
  #frames: FrameRecord[] = [];
  #head = 0;
  #visible: FrameRecord[] = [];
  #visibleHead = 0;
  #byId = new Map<number, FrameRecord>();
  #filter: CompiledFilter = SHOW_ALL;
  #dropped = 0;
  #layoutVersion = 0;

  /**
   * Increases whenever the visible list changes other than by appending at its end (filter, clear,
   * removal, a merged late batch, oldest frames dropped): a view then redraws all its rows.
   */
  get layoutVersion(): number {
    return this.#layoutVersion;
  }

  /** @param cap most frames kept; the oldest beyond it are dropped (default MAX_PANEL_FRAMES). */
  constructor(readonly cap: number = MAX_PANEL_FRAMES) {}

  /** Frames kept. */
  get size(): number {
    return this.#frames.length - this.#head;
  }

  /** Frames the filter shows. */
  get visibleCount(): number {
    return this.#visible.length - this.#visibleHead;
  }

  /** Frames dropped because of the cap since the last clear. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Adds frames in any order. @returns how many of them the filter shows. */
  append(frames: readonly FrameRecord[]): number {
    if (frames.length === 0) return 0;
    const batch = [...frames].sort(compareFrames);
    for (const f of batch) this.#byId.set(f.id, f);
    const last = this.#frames[this.#frames.length - 1];
    let shown: number;
    if (last === undefined || this.#frames.length === this.#head || compareFrames(batch[0]!, last) > 0) {
      shown = 0;
      for (const f of batch) {
        this.#frames.push(f);
        if (this.#passes(f)) {
          this.#visible.push(f);
          shown += 1;
        }
      }
    } else shown = this.#merge(batch);
    this.#enforceCap();
    return shown;
  }

  /** Applies a new filter (an invalid one shows nothing until fixed). */
  setFilter(filter: CompiledFilter): void {
    this.#layoutVersion += 1;
    this.#filter = filter;
    this.#visible = this.#frames.slice(this.#head).filter((f) => this.#passes(f));
    this.#visibleHead = 0;
  }

  /** Removes every frame. */
  clear(): void {
    this.#layoutVersion += 1;
    this.#frames = [];
    this.#head = 0;
    this.#visible = [];
    this.#visibleHead = 0;
    this.#byId.clear();
    this.#dropped = 0;
  }

  /** Removes the frames for which `predicate` is true (e.g. those of a page navigated away from). */
  removeWhere(predicate: (frame: FrameRecord) => boolean): void {
    const kept = this.#frames.slice(this.#head).filter((f) => !predicate(f));
    this.clear();
    this.#frames = kept;
    for (const f of kept) this.#byId.set(f.id, f);
    this.setFilter(this.#filter);
  }

  /** Id of the n-th visible frame (0-based), or undefined. */
  visibleId(index: number): number | undefined {
    return this.visibleAt(index)?.id;
  }

  /** The visible frame at a position. */
  visibleAt(index: number): FrameRecord | undefined {
    return index < 0 ? undefined : this.#visible[this.#visibleHead + index];
  }

  /** Position of a frame id in the visible list, or -1. */
  visibleIndexOf(id: number): number {
    const frame = this.#byId.get(id);
    if (frame === undefined) return -1;
    const i = lowerBound(this.#visible, this.#visibleHead, frame);
    return this.#visible[i] === frame ? i - this.#visibleHead : -1;
  }

  /** The frame with this id, if still kept. */
  get(id: number): FrameRecord | undefined {
    return this.#byId.get(id);
  }

  /** Kept frames in list order (for export and the state view). */
  *all(): IterableIterator<FrameRecord> {
    for (let i = this.#head; i < this.#frames.length; i++) yield this.#frames[i]!;
  }

  #passes(frame: FrameRecord): boolean {
    return this.#filter.ok && this.#filter.test(frame);
  }

  /** Merges a sorted batch that starts before the current tail. */
  #merge(batch: FrameRecord[]): number {
    this.#layoutVersion += 1;
    const from = lowerBound(this.#frames, this.#head, batch[0]!);
    const tail = this.#frames.splice(from);
    const merged: FrameRecord[] = [];
    let i = 0;
    let j = 0;
    while (i < tail.length || j < batch.length) {
      if (j >= batch.length || (i < tail.length && compareFrames(tail[i]!, batch[j]!) < 0)) merged.push(tail[i++]!);
      else merged.push(batch[j++]!);
    }
    for (const f of merged) this.#frames.push(f);
    const vFrom = lowerBound(this.#visible, this.#visibleHead, batch[0]!);
    this.#visible.splice(vFrom);
    let shown = 0;
    const fresh = new Set(batch);
    for (const f of merged) {
      if (!this.#passes(f)) continue;
      this.#visible.push(f);
      if (fresh.has(f)) shown += 1;
    }
    return shown;
  }

  #enforceCap(): void {
    const excess = this.size - this.cap;
    if (excess <= 0) return;
    for (let i = this.#head; i < this.#head + excess; i++) this.#byId.delete(this.#frames[i]!.id);
    this.#head += excess;
    this.#dropped += excess;
    this.#layoutVersion += 1;
    this.#visibleHead = lowerBound(this.#visible, this.#visibleHead, this.#frames[this.#head]!);
    if (this.#head > 4096 && this.#head * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
    if (this.#visibleHead > 4096 && this.#visibleHead * 2 > this.#visible.length) {
      this.#visible = this.#visible.slice(this.#visibleHead);
      this.#visibleHead = 0;
    }
  }
}

/** First index ≥ `from` whose frame does not sort before `frame`. */
function lowerBound(list: readonly FrameRecord[], from: number, frame: FrameRecord): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareFrames(list[mid]!, frame) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
