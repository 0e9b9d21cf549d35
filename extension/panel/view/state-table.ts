/**
 * The state view: one row per param (address, value, revision, writer, updated), rebuilt from SET
 * and SNAPSHOT. Rendered as text into a plain table, at most once per 250 ms and only while shown.
 * Clicking a row selects the frame that set the value; with `onSelect` set (the value plot), a click
 * selects the param and a double click selects the frame.
 */
import { formatClock, formatValue } from '../model/format.js';
import type { StateModel } from '../model/state-view.js';
import { UIStrings } from '../strings.js';
import { setEscapedText } from './escaped-text.js';

/** Most params rendered (the rest are counted in the footer). */
const MAX_ROWS = 5000;

export class StateTable {
  readonly element = document.createElement('div');
  readonly #body = document.createElement('tbody');
  readonly #footer = document.createElement('div');
  #renderedVersion = -1;
  #scheduled = false;
  visible = false;
  /** Called with the id of the frame behind a clicked param. */
  onJump: (frameId: number) => void = () => undefined;
  /** When set, called with the address of a clicked param (and onJump on a double click). */
  onSelect: ((address: string) => void) | null = null;

  constructor(readonly model: StateModel) {
    this.element.className = 'state-view';
    const table = document.createElement('table');
    const head = document.createElement('thead');
    const tr = document.createElement('tr');
    for (const label of [UIStrings.stateAddress, UIStrings.stateValue, UIStrings.stateRevision, UIStrings.stateWriter, UIStrings.stateUpdated]) {
      const th = document.createElement('th');
      th.textContent = label;
      tr.append(th);
    }
    head.append(tr);
    table.append(head, this.#body);
    this.#footer.className = 'state-footer';
    this.element.append(table, this.#footer);
    this.#body.addEventListener('click', (e) => {
      const tr = (e.target as HTMLElement).closest('tr');
      const id = Number(tr?.dataset['frame']);
      const address = tr?.dataset['address'];
      if (this.onSelect !== null && address !== undefined) this.onSelect(address);
      else if (Number.isSafeInteger(id)) this.onJump(id);
    });
    this.#body.addEventListener('dblclick', (e) => {
      const id = Number((e.target as HTMLElement).closest('tr')?.dataset['frame']);
      if (this.onSelect !== null && Number.isSafeInteger(id)) this.onJump(id);
    });
  }

  /** Schedules a render if the model changed and the view is shown. */
  update(): void {
    if (!this.visible || this.#scheduled || this.#renderedVersion === this.model.version) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.#render();
    }, 250);
  }

  #render(): void {
    this.#renderedVersion = this.model.version;
    const rows = this.model.rows();
    const fragment = document.createDocumentFragment();
    for (const p of rows.slice(0, MAX_ROWS)) {
      const tr = document.createElement('tr');
      tr.dataset['frame'] = String(p.frameId);
      tr.dataset['address'] = p.address;
      for (const text of [p.address, formatValue(p.value), p.revision === null ? '' : String(p.revision), p.writer, formatClock(p.updated)]) {
        const td = document.createElement('td');
        setEscapedText(td, text);
        tr.append(td);
      }
      fragment.append(tr);
    }
    this.#body.replaceChildren(fragment);
    this.#footer.textContent = rows.length === 0 ? UIStrings.stateEmpty : rows.length > MAX_ROWS ? `${rows.length - MAX_ROWS} more params not shown` : `${rows.length} params`;
  }
}
