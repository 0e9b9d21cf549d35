/**
 * The detail pane of the selected frame: the codec's inspect tree beside the hex + ASCII dump,
 * linked both ways (select a field → its bytes light up; click a byte → the deepest field holding it
 * is selected), plus copy as hex / base64. Text frames show their text. Text only, never HTML;
 * page text (names, URLs, tree values, text frames) goes through the one escaping function, so
 * invisible and bidi characters show as `\uXXXX` in their own style.
 */
import { bytesToBase64 } from '../../shared/validate.js';
import { toHex } from '../model/format.js';
import { inspectFrame, rowAtByte, type TreeRow } from '../model/inspect-tree.js';
import type { FrameRecord } from '../model/types.js';
import { byteRangeText, detailTitle, truncatedNote, UIStrings } from '../strings.js';
import { setEscapedText } from './escaped-text.js';
import { HexView } from './hex-view.js';
import { VirtualList } from './virtual-list.js';

const TREE_ROW_HEIGHT = 18;

export class DetailView {
  readonly element: HTMLDivElement;
  readonly #title = document.createElement('div');
  readonly #note = document.createElement('div');
  readonly #range = document.createElement('span');
  readonly #text = document.createElement('pre');
  readonly #tree: VirtualList;
  readonly #hex = new HexView();
  readonly #body = document.createElement('div');
  #rows: readonly TreeRow[] = [];
  #selectedRow = -1;
  #frame: FrameRecord | null = null;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'detail';
    const header = document.createElement('div');
    header.className = 'detail-header';
    this.#title.className = 'detail-title';
    this.#note.className = 'detail-note';
    this.#range.className = 'detail-range';
    header.append(this.#title, this.#range, button(UIStrings.copyHex, 'copy-hex', () => this.#copy('hex')), button(UIStrings.copyBase64, 'copy-b64', () => this.#copy('base64')));
    this.#tree = new VirtualList(TREE_ROW_HEIGHT, { create: () => treeRow(), render: (row, i) => this.#renderTreeRow(row, i) }, 'tree');
    this.#tree.stickToBottom = false;
    this.#tree.element.tabIndex = 0;
    this.#tree.element.setAttribute('role', 'tree');
    this.#tree.element.addEventListener('click', (e) => {
      const index = Number((e.target as HTMLElement).closest<HTMLElement>('.tree-row')?.dataset['index']);
      if (Number.isSafeInteger(index)) this.selectRow(index);
    });
    this.#tree.element.addEventListener('keydown', (e) => this.#onTreeKey(e));
    this.#hex.onByte = (offset) => this.selectRow(rowAtByte(this.#rows, offset), offset);
    this.#text.className = 'detail-text';
    this.#body.className = 'detail-body';
    this.#body.append(this.#tree.element, this.#hex.list.element);
    this.element.append(header, this.#note, this.#body, this.#text);
    this.show(null);
  }

  /** Shows a frame, or the empty-selection hint. */
  show(frame: FrameRecord | null): void {
    this.#frame = frame;
    this.#rows = [];
    this.#selectedRow = -1;
    this.#range.textContent = '';
    this.#note.textContent = '';
    this.#note.className = 'detail-note';
    this.#text.hidden = true;
    this.#body.hidden = true;
    if (frame === null) {
      this.#title.textContent = UIStrings.noSelection;
      return;
    }
    if (frame.summary.kind === 'navigation') {
      setEscapedText(this.#title, frame.summary.line ?? '');
      this.#note.textContent = UIStrings.navigationNote;
      return;
    }
    const conn = frame.conn.name ?? `${frame.conn.label} ${frame.conn.url}`;
    setEscapedText(this.#title, detailTitle(frame.summary.type ?? frame.summary.kind, frame.size, conn));
    const pageNote = frame.pageDispatched === true ? [UIStrings.pageDispatchedNote] : frame.replayed === true ? [UIStrings.replayedNote] : [];
    if (frame.text !== undefined) return this.#showText(frame.text, frame.truncated, pageNote);
    const bytes = frame.bytes ?? new Uint8Array(0);
    const notes: string[] = pageNote;
    if (frame.summary.kind === 'clasp' || frame.summary.kind === 'undecodable') {
      const inspected = inspectFrame(bytes);
      this.#rows = inspected.rows;
      if (inspected.error !== undefined) notes.push(UIStrings.decodeError + inspected.error);
    } else notes.push(UIStrings.rawFrame);
    if (frame.truncated) notes.push(truncatedNote(bytes.length, frame.size));
    setEscapedText(this.#note, notes.join(' '));
    if (frame.summary.kind === 'undecodable') this.#note.className = 'detail-note error';
    this.#body.hidden = false;
    this.#tree.invalidateAll();
    this.#tree.setCount(this.#rows.length);
    this.#tree.element.scrollTop = 0;
    this.#hex.show(bytes);
  }

  /** Selects a tree row and highlights its bytes (or only `byteOffset` when no field holds it). */
  selectRow(index: number, byteOffset?: number): void {
    this.#selectedRow = index;
    const row = this.#rows[index];
    if (row !== undefined) {
      this.#hex.highlight(row.node.start, row.node.end);
      this.#range.textContent = `${UIStrings.fieldSelected}: ${byteRangeText(row.node.start, row.node.end)}`;
      this.#tree.scrollIntoView(index);
    } else if (byteOffset !== undefined) {
      this.#hex.highlight(byteOffset, byteOffset + 1);
      this.#range.textContent = byteRangeText(byteOffset, byteOffset + 1);
    }
    this.#tree.invalidateAll();
    this.#tree.renderNow();
  }

  #showText(text: string, truncated: boolean, notes: string[]): void {
    notes.push(truncated ? `${UIStrings.textFrame}. ${UIStrings.truncated}` : UIStrings.textFrame);
    this.#note.textContent = notes.join(' ');
    this.#text.hidden = false;
    // Line breaks and tabs stay (a multi-line view); every other invisible or bidi character is escaped.
    setEscapedText(this.#text, text, { keepLines: true });
  }

  #renderTreeRow(row: HTMLElement, index: number): void {
    const item = this.#rows[index];
    if (item === undefined) return;
    row.dataset['index'] = String(index);
    row.style.paddingLeft = `${4 + item.depth * 14}px`;
    setEscapedText(row, item.label);
    row.title = byteRangeText(item.node.start, item.node.end);
    row.classList.toggle('selected', index === this.#selectedRow);
    row.setAttribute('aria-selected', String(index === this.#selectedRow));
  }

  #onTreeKey(event: KeyboardEvent): void {
    const last = this.#rows.length - 1;
    const next: Record<string, number> = {
      ArrowDown: Math.min(last, this.#selectedRow + 1),
      ArrowUp: Math.max(0, this.#selectedRow - 1),
      ArrowLeft: this.#rows[this.#selectedRow]?.parent ?? 0,
      Home: 0,
      End: last,
    };
    const target = next[event.key];
    if (target === undefined || last < 0) return;
    event.preventDefault();
    this.selectRow(Math.max(0, target));
  }

  #copy(format: 'hex' | 'base64'): void {
    const frame = this.#frame;
    if (frame === null) return;
    const bytes = frame.bytes ?? new TextEncoder().encode(frame.text ?? '');
    const row = this.#rows[this.#selectedRow];
    const part = row === undefined ? bytes : bytes.subarray(row.node.start, row.node.end);
    copyText(format === 'hex' ? toHex(part, '') : bytesToBase64(part));
    this.#range.textContent = `${UIStrings.copied} (${format})`;
  }
}

/** Copies through a hidden textarea: the Clipboard API is not granted inside DevTools panels. */
export function copyText(text: string): void {
  const area = document.createElement('textarea');
  area.value = text;
  area.className = 'copy-buffer';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

function treeRow(): HTMLElement {
  const row = document.createElement('div');
  row.className = 'tree-row';
  row.setAttribute('role', 'treeitem');
  return row;
}

function button(label: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
