/**
 * Hex + ASCII dump, 16 bytes per line, virtualised (a 64 KiB frame is 4 096 lines). A byte range can
 * be highlighted; clicking a byte reports its offset. Text only.
 */
import { toHex } from '../model/format.js';
import { VirtualList } from './virtual-list.js';

/** Bytes per line. */
export const BYTES_PER_LINE = 16;
const LINE_HEIGHT = 18;

/** The lines of a hex dump as plain strings (pure; used by tests and copy). */
export function hexDumpLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += BYTES_PER_LINE) {
    const chunk = bytes.subarray(offset, offset + BYTES_PER_LINE);
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${toHex(chunk).padEnd(BYTES_PER_LINE * 3 - 1)}  ${ascii}`);
  }
  return lines;
}

export class HexView {
  readonly list: VirtualList;
  #bytes: Uint8Array = new Uint8Array(0);
  #start = -1;
  #end = -1;
  /** Called with the offset of a clicked byte. */
  onByte: (offset: number) => void = () => undefined;

  constructor() {
    this.list = new VirtualList(LINE_HEIGHT, { create: () => this.#createLine(), render: (row, i) => this.#renderLine(row, i) }, 'hex');
    this.list.stickToBottom = false;
    this.list.element.addEventListener('click', (event) => {
      const offset = Number((event.target as HTMLElement).dataset['offset']);
      if (Number.isSafeInteger(offset) && offset >= 0) this.onByte(offset);
    });
  }

  /** Shows new bytes, without highlight. */
  show(bytes: Uint8Array): void {
    this.#bytes = bytes;
    this.#start = this.#end = -1;
    this.list.element.scrollTop = 0;
    this.list.invalidateAll();
    this.list.setCount(Math.ceil(bytes.length / BYTES_PER_LINE));
  }

  /** Highlights `[start, end)` and scrolls it into view. */
  highlight(start: number, end: number): void {
    this.#start = start;
    this.#end = end;
    if (start >= 0) this.list.scrollIntoView(Math.floor(start / BYTES_PER_LINE));
    this.list.invalidateAll();
    this.list.renderNow();
  }

  #createLine(): HTMLElement {
    const line = document.createElement('div');
    line.className = 'hex-line';
    const offset = document.createElement('span');
    offset.className = 'hex-offset';
    const hex = document.createElement('span');
    hex.className = 'hex-bytes';
    const ascii = document.createElement('span');
    ascii.className = 'hex-ascii';
    for (let i = 0; i < BYTES_PER_LINE; i++) {
      hex.append(document.createElement('span'));
      ascii.append(document.createElement('span'));
    }
    line.append(offset, hex, ascii);
    return line;
  }

  #renderLine(line: HTMLElement, index: number): void {
    const base = index * BYTES_PER_LINE;
    const [offsetEl, hexEl, asciiEl] = line.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
    offsetEl.textContent = base.toString(16).padStart(8, '0');
    for (let i = 0; i < BYTES_PER_LINE; i++) {
      const at = base + i;
      const hexCell = hexEl.children[i] as HTMLElement;
      const asciiCell = asciiEl.children[i] as HTMLElement;
      const present = at < this.#bytes.length;
      const b = this.#bytes[at] ?? 0;
      hexCell.textContent = present ? b.toString(16).padStart(2, '0') : '  ';
      asciiCell.textContent = present ? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.') : ' ';
      const offsetText = present ? String(at) : '';
      hexCell.dataset['offset'] = offsetText;
      asciiCell.dataset['offset'] = offsetText;
      const on = present && at >= this.#start && at < this.#end;
      hexCell.classList.toggle('hl', on);
      asciiCell.classList.toggle('hl', on);
    }
  }
}
