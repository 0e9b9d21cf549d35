/**
 * The frame list: a header and a virtualised body, one row per visible frame, each one line of text
 * (`row-text.ts`) written as text only, its type shown by a coloured stripe. Keyboard: ↑/↓,
 * PageUp/PageDown, Home/End move the selection; the list keeps focus and announces the selected
 * row through `aria-activedescendant`-free `aria-selected` rows.
 */
import { escapeInvisible, escapeWithRanges, hasInvisible } from '../model/escape.js';
import { formatBytes, formatClock, formatDelta, formatIsoTime } from '../model/format.js';
import { typeKey } from '../model/filter.js';
import type { FrameList } from '../model/frame-list.js';
import { frameLine } from '../model/summarize.js';
import type { FrameRecord } from '../model/types.js';
import { PAGE_DISPATCHED_MARK, REPLAYED_MARK, truncatedMark } from '../strings.js';
import { setRangedText } from './escaped-text.js';
import { COLUMNS, fitColumn, rowLine, rowLineRanged } from './row-text.js';
import { VirtualList } from './virtual-list.js';

/** Columns whose text comes from the page (connection name, address, summary): escaped before drawing. */
const PAGE_COLUMNS = new Set([3, 5, 8]);

/** The texts of a frame's row, in COLUMNS order, before escaping. */
export function rowTexts(frame: FrameRecord, prev: FrameRecord | undefined): string[] {
  const key = typeKey(frame);
  let line = frameLine(frame);
  if (frame.truncated) line = `${truncatedMark(frame.size)} ${line}`;
  if (frame.pageDispatched === true) line = `${PAGE_DISPATCHED_MARK} ${line}`;
  if (frame.replayed === true) line = `${REPLAYED_MARK} ${line}`;
  return [
    formatClock(frame.t),
    prev === undefined ? '' : formatDelta(frame.t - prev.t),
    frame.summary.kind === 'navigation' ? '' : frame.dir === 'in' ? '↓' : '↑',
    frame.summary.kind === 'navigation' ? '' : (frame.conn.name ?? frame.conn.label),
    key,
    frame.summary.address ?? '',
    frame.summary.qos ?? '',
    frame.summary.kind === 'navigation' ? '' : formatBytes(frame.size),
    line,
  ];
}

/**
 * The row's line and where its escapes are (none for almost every row: the common path builds the
 * line without looking for ranges).
 */
export function rowContent(texts: readonly string[]): { readonly line: string; readonly ranges: readonly (readonly [number, number])[] } {
  let escaped = false;
  for (const i of PAGE_COLUMNS) if (hasInvisible(texts[i]!)) escaped = true;
  if (!escaped) return { line: rowLine(texts), ranges: [] };
  return rowLineRanged(texts.map((text, i) => (PAGE_COLUMNS.has(i) ? escapeWithRanges(text) : { text, ranges: [] })));
}

/** Row height in CSS pixels (must match panel.css). */
export const ROW_HEIGHT = 20;

/** CSS class for a type key: only letters, digits, `-` survive. */
export function typeClass(key: string): string {
  return `type-${key.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
}

export class FrameTable {
  readonly element: HTMLDivElement;
  readonly list: VirtualList;
  readonly #frames: FrameList;
  #selectedId: number | null = null;
  #layoutVersion = -1;
  /** What each pooled row shows: its line and class name. */
  readonly #rowTexts = new WeakMap<HTMLElement, readonly [string, string]>();
  /** Called with the newly selected frame id. */
  onSelect: (id: number | null) => void = () => undefined;

  constructor(frames: FrameList) {
    this.#frames = frames;
    this.element = document.createElement('div');
    this.element.className = 'frame-table';
    const header = document.createElement('div');
    header.className = 'row header';
    for (const column of COLUMNS) {
      const span = document.createElement('span');
      span.className = `c-${column.key}`;
      span.textContent = fitColumn(column.label, column.width, column.right);
      header.append(span);
    }
    this.list = new VirtualList(ROW_HEIGHT, { create: () => this.#createRow(), render: (row, i) => this.#renderRow(row, i) }, 'frame-rows');
    this.list.element.tabIndex = 0;
    this.list.element.setAttribute('role', 'listbox');
    this.list.element.addEventListener('keydown', (e) => this.#onKey(e));
    this.list.element.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      const id = Number(row?.dataset['id']);
      if (Number.isSafeInteger(id)) this.select(id);
    });
    // The tooltip carries what a column may cut (date, connection URL, whole address); it is made
    // when the pointer reaches a row, not on every redraw of a stream.
    this.list.element.addEventListener('mouseover', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      const frame = row === null ? undefined : this.#frames.get(Number(row.dataset['id']));
      if (row === null || frame === undefined) return;
      const address = escapeInvisible(frame.summary.address ?? '');
      row.title = `${formatIsoTime(frame.t)}  ${escapeInvisible(frame.conn.url)}${address === '' ? '' : `\n${address}`}`;
    });
    this.element.append(header, this.list.element);
  }

  /** Id of the selected frame. */
  get selectedId(): number | null {
    return this.#selectedId;
  }

  /** Selects a frame (or nothing) and scrolls it into view. */
  select(id: number | null): void {
    this.#selectedId = id;
    if (id !== null) {
      const index = this.#frames.visibleIndexOf(id);
      if (index >= 0) this.list.scrollIntoView(index);
    }
    this.list.invalidateAll();
    this.onSelect(id);
  }

  /** Re-reads the model: rows are redrawn only where the visible list changed other than by appending. */
  refresh(): void {
    if (this.#frames.layoutVersion !== this.#layoutVersion) {
      this.#layoutVersion = this.#frames.layoutVersion;
      this.list.invalidateAll(false);
    }
    this.list.setCount(this.#frames.visibleCount);
  }

  #createRow(): HTMLElement {
    const row = document.createElement('div');
    row.setAttribute('role', 'option');
    row.append(document.createTextNode(''));
    return row;
  }

  #renderRow(row: HTMLElement, index: number): void {
    const frame = this.#frames.visibleAt(index);
    if (frame === undefined) return;
    const prev = index > 0 ? this.#frames.visibleAt(index - 1) : undefined;
    const key = typeKey(frame);
    const { line, ranges } = rowContent(rowTexts(frame, prev));
    const className = `row dir-${frame.dir} ${typeClass(key)}${frame.pageDispatched === true ? ' page-dispatched' : ''}${frame.replayed === true ? ' replayed' : ''}${frame.id === this.#selectedId ? ' selected' : ''}`;
    // Under a stream every row is redrawn on each render: only the DOM writes that change something
    // are made (each write invalidates style and layout of the row). A row with escapes (rare) is
    // text and spans; its cache key also names where the escapes are.
    const content = ranges.length === 0 ? line : `${line}\u0000${ranges.join(';')}`;
    const last = this.#rowTexts.get(row);
    if (last?.[0] !== content) {
      if (ranges.length > 0) setRangedText(row, line, ranges);
      else if (row.childNodes.length === 1 && row.firstChild instanceof Text) row.firstChild.data = line;
      else row.replaceChildren(document.createTextNode(line));
    }
    if (last?.[1] !== className) {
      row.className = className;
      row.setAttribute('aria-selected', String(frame.id === this.#selectedId));
    }
    row.dataset['id'] = String(frame.id);
    this.#rowTexts.set(row, [content, className]);
  }

  #onKey(event: KeyboardEvent): void {
    const count = this.#frames.visibleCount;
    if (count === 0) return;
    const current = this.#selectedId === null ? -1 : this.#frames.visibleIndexOf(this.#selectedId);
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current < 0 ? count - 1 : current - 1,
      PageDown: current + this.list.pageRows,
      PageUp: current - this.list.pageRows,
      Home: 0,
      End: count - 1,
    };
    const target = moves[event.key];
    if (target === undefined) {
      if (event.key === 'Escape') this.select(null);
      return;
    }
    event.preventDefault();
    const index = Math.min(count - 1, Math.max(0, target));
    this.list.stickToBottom = index === count - 1;
    const id = this.#frames.visibleId(index);
    if (id !== undefined) this.select(id);
  }
}
