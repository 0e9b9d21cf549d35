/**
 * The frame list: a header and a virtualised body, one row per visible frame. Cells are filled with
 * `textContent` only. Keyboard: ↑/↓, PageUp/PageDown, Home/End move the selection; the list keeps
 * focus and announces the selected row through `aria-activedescendant`-free `aria-selected` rows.
 */
import { formatBytes, formatClock, formatDelta } from '../model/format.js';
import { typeKey } from '../model/filter.js';
import type { FrameList } from '../model/frame-list.js';
import { UIStrings } from '../strings.js';
import { VirtualList } from './virtual-list.js';

/** Row height in CSS pixels (must match panel.css). */
export const ROW_HEIGHT = 20;

const COLUMNS = [
  ['time', UIStrings.colTime],
  ['delta', UIStrings.colDelta],
  ['dir', UIStrings.colDir],
  ['conn', UIStrings.colConn],
  ['type', UIStrings.colType],
  ['address', UIStrings.colAddress],
  ['qos', UIStrings.colQos],
  ['size', UIStrings.colSize],
  ['summary', UIStrings.colSummary],
] as const;

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
  /** What each pooled row shows: cell texts, then its class name and connection URL. */
  readonly #rowTexts = new WeakMap<HTMLElement, string[]>();
  /** Called with the newly selected frame id. */
  onSelect: (id: number | null) => void = () => undefined;

  constructor(frames: FrameList) {
    this.#frames = frames;
    this.element = document.createElement('div');
    this.element.className = 'frame-table';
    const header = document.createElement('div');
    header.className = 'row header';
    for (const [key, label] of COLUMNS) header.append(cell(key, label));
    this.list = new VirtualList(ROW_HEIGHT, { create: () => this.#createRow(), render: (row, i) => this.#renderRow(row, i) }, 'frame-rows');
    this.list.element.tabIndex = 0;
    this.list.element.setAttribute('role', 'listbox');
    this.list.element.addEventListener('keydown', (e) => this.#onKey(e));
    this.list.element.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      const id = Number(row?.dataset['id']);
      if (Number.isSafeInteger(id)) this.select(id);
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
    for (const [key] of COLUMNS) row.append(cell(key, ''));
    return row;
  }

  #renderRow(row: HTMLElement, index: number): void {
    const frame = this.#frames.visibleAt(index);
    if (frame === undefined) return;
    const prev = index > 0 ? this.#frames.visibleAt(index - 1) : undefined;
    const key = typeKey(frame);
    const cells = row.children;
    const texts = [
      formatClock(frame.t),
      prev === undefined ? '' : formatDelta(frame.t - prev.t),
      frame.dir === 'in' ? '↓' : '↑',
      frame.conn.name ?? frame.conn.label,
      frame.summary.kind === 'clasp' ? key : frame.summary.kind === 'error' ? 'ERROR' : key,
      frame.summary.address ?? '',
      frame.summary.qos ?? '',
      formatBytes(frame.size),
      frame.summary.line,
      `row dir-${frame.dir} ${typeClass(key)}${frame.id === this.#selectedId ? ' selected' : ''}`,
      frame.conn.url,
    ];
    // Under a stream every row is redrawn on each render, and neighbouring frames mostly share
    // their type, address, size and summary: only the DOM writes that change something are made
    // (each write invalidates style and layout of the row).
    const last = this.#rowTexts.get(row) ?? [];
    for (let i = 0; i < COLUMNS.length; i++) {
      if (last[i] !== texts[i]) (cells[i] as HTMLElement).textContent = texts[i]!;
    }
    if (last[COLUMNS.length] !== texts[COLUMNS.length]) {
      row.className = texts[COLUMNS.length]!;
      row.setAttribute('aria-selected', String(frame.id === this.#selectedId));
    }
    if (last[COLUMNS.length + 1] !== texts[COLUMNS.length + 1]) (cells[3] as HTMLElement).title = frame.conn.url;
    if (last[0] !== texts[0]) (cells[0] as HTMLElement).title = new Date(frame.t).toISOString();
    row.dataset['id'] = String(frame.id);
    this.#rowTexts.set(row, texts);
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

function cell(key: string, text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = `cell c-${key}`;
  span.textContent = text;
  return span;
}
