/**
 * The toolbar: pause/resume, clear, preserve log, auto-scroll, and the filters (direction, types,
 * connection, address glob, text or regex). The text filter is persisted in the panel's localStorage
 * (an extension-origin store: no permission needed).
 */
import type { FilterSpec } from '../model/filter.js';
import { typeClass } from './frame-table.js';
import { UIStrings } from '../strings.js';

const STORAGE_KEY = 'clasp-devtools.filter';

/** Controls the panel reacts to. */
export interface ToolbarEvents {
  onFilter(spec: FilterSpec): void;
  onPause(paused: boolean): void;
  onClear(): void;
  onAutoScroll(on: boolean): void;
  /** Full capture on/off (whole frames up to 1 MiB instead of their first 64 KiB). */
  onFullCapture?(on: boolean): void;
}

export class Toolbar {
  readonly element = document.createElement('div');
  readonly pauseButton = el('button', 'pause', UIStrings.pause);
  readonly preserve = checkbox('preserve', UIStrings.preserveLog);
  readonly autoScroll = checkbox('autoscroll', UIStrings.autoScroll, true);
  readonly fullCapture = checkbox('full-capture', UIStrings.fullCapture);
  readonly #direction = document.createElement('select');
  readonly #connection = document.createElement('select');
  readonly #types = document.createElement('details');
  readonly #typeList = document.createElement('div');
  readonly #address = document.createElement('input');
  readonly #text = document.createElement('input');
  readonly #regex = checkbox('regex', UIStrings.regex);
  readonly #error = el('span', 'filter-error', '');
  readonly #knownTypes = new Set<string>();
  readonly #unchecked = new Set<string>();
  /** The menu's options by connection key: adding, renaming and removing one is O(1). */
  readonly #connections = new Map<string, HTMLOptionElement>();
  #paused = false;

  constructor(readonly events: ToolbarEvents) {
    this.element.className = 'toolbar';
    this.pauseButton.addEventListener('click', () => {
      this.#paused = !this.#paused;
      this.pauseButton.textContent = this.#paused ? UIStrings.resume : UIStrings.pause;
      this.pauseButton.classList.toggle('active', this.#paused);
      events.onPause(this.#paused);
    });
    const clear = el('button', 'clear', UIStrings.clear);
    clear.addEventListener('click', () => events.onClear());
    this.autoScroll.input.addEventListener('change', () => events.onAutoScroll(this.autoScroll.input.checked));
    this.fullCapture.label.title = UIStrings.fullCaptureHelp;
    this.fullCapture.input.addEventListener('change', () => events.onFullCapture?.(this.fullCapture.input.checked));
    fillSelect(this.#direction, [['all', UIStrings.directionAll], ['in', UIStrings.directionIn], ['out', UIStrings.directionOut]]);
    this.#direction.className = 'direction';
    this.#connection.className = 'connection';
    fillSelect(this.#connection, [['', UIStrings.allConnections]]);
    this.#types.className = 'types';
    const summary = document.createElement('summary');
    summary.textContent = UIStrings.allTypes;
    this.#types.append(summary, this.#typeList);
    this.#typeList.className = 'type-list';
    this.#address.className = 'address';
    this.#address.placeholder = UIStrings.addressPlaceholder;
    this.#text.className = 'text';
    this.#restore();
    for (const input of [this.#direction, this.#connection, this.#address, this.#text, this.#regex.input]) {
      input.addEventListener('input', () => this.emit());
    }
    this.element.append(this.pauseButton, clear, this.preserve.label, this.autoScroll.label, this.fullCapture.label, sep(), this.#direction, this.#types, this.#connection, this.#address, this.#text, this.#regex.label, this.#error);
  }

  /** Current filter spec. */
  spec(): FilterSpec {
    const direction = this.#direction.value === 'in' || this.#direction.value === 'out' ? this.#direction.value : 'all';
    return { direction, hiddenTypes: new Set(this.#unchecked), connection: this.#connection.value === '' ? null : this.#connection.value, address: this.#address.value, text: this.#text.value, regex: this.#regex.input.checked };
  }

  /** Sends the current spec to the panel and persists it. */
  emit(): void {
    this.#text.placeholder = this.#regex.input.checked ? UIStrings.regexPlaceholder : UIStrings.textPlaceholder;
    const spec = this.spec();
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ text: spec.text, regex: spec.regex, address: spec.address, direction: spec.direction }));
    } catch {
      // storage full or disabled: the filter still applies, it is just not remembered
    }
    this.events.onFilter(spec);
  }

  /** Shows (or hides, with `''`) a filter compile error. */
  setError(message: string): void {
    this.#error.textContent = message === '' ? '' : UIStrings.invalidRegex + message;
  }

  /** Adds a message type checkbox the first time a type is seen. */
  addType(key: string): void {
    if (this.#knownTypes.has(key)) return;
    this.#knownTypes.add(key);
    const box = checkbox(`type ${typeClass(key)}`, key, true);
    box.input.dataset['type'] = key;
    box.input.addEventListener('change', () => {
      if (box.input.checked) this.#unchecked.delete(key);
      else this.#unchecked.add(key);
      this.emit();
    });
    this.#typeList.append(box.label);
  }

  /** Adds or renames a connection option (`label` already escaped). */
  setConnection(key: string, label: string): void {
    let option = this.#connections.get(key);
    if (option === undefined) {
      option = document.createElement('option');
      option.value = key;
      this.#connections.set(key, option);
      this.#connection.append(option);
    } else if (option.textContent === label) return;
    option.textContent = label;
  }

  /** Removes a connection option; a filter on it falls back to all connections. */
  removeConnection(key: string): void {
    const option = this.#connections.get(key);
    if (option === undefined) return;
    this.#connections.delete(key);
    const selected = option.selected;
    option.remove();
    if (selected) {
      this.#connection.value = '';
      this.emit();
    }
  }

  /** Connection options in the menu (without "All connections"). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  #restore(): void {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Record<string, unknown>>;
      if (typeof saved['text'] === 'string') this.#text.value = saved['text'];
      if (typeof saved['address'] === 'string') this.#address.value = saved['address'];
      if (typeof saved['regex'] === 'boolean') this.#regex.input.checked = saved['regex'];
      if (saved['direction'] === 'in' || saved['direction'] === 'out') this.#direction.value = saved['direction'];
    } catch {
      // unreadable saved filter: start empty
    }
    this.#text.placeholder = this.#regex.input.checked ? UIStrings.regexPlaceholder : UIStrings.textPlaceholder;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  if (node instanceof HTMLButtonElement) node.type = 'button';
  return node;
}

function checkbox(className: string, text: string, checked = false): { label: HTMLLabelElement; input: HTMLInputElement } {
  const label = document.createElement('label');
  label.className = `check ${className}`;
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.checked = checked;
  label.append(input, document.createTextNode(text));
  return { label, input };
}

function fillSelect(select: HTMLSelectElement, options: readonly (readonly [string, string])[]): void {
  for (const [value, text] of options) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = text;
    select.append(option);
  }
}

function sep(): HTMLSpanElement {
  return el('span', 'sep', '');
}
