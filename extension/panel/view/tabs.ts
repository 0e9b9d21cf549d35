/**
 * A row of tab buttons switching between sibling views (Frames, State, Connections).
 */

/** One tab: its label and the element it shows. */
export interface TabSpec {
  readonly id: string;
  readonly label: string;
  readonly view: HTMLElement;
}

export class Tabs {
  readonly element = document.createElement('div');
  #current = '';
  /** Called with the id of the newly shown tab. */
  onChange: (id: string) => void = () => undefined;

  readonly tabs: TabSpec[] = [];

  constructor(tabs: readonly TabSpec[]) {
    this.element.className = 'tabs';
    this.element.setAttribute('role', 'tablist');
    for (const tab of tabs) this.add(tab);
  }

  /** Adds a tab after the others (its view is hidden until shown). */
  add(tab: TabSpec): void {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `tab tab-${tab.id}`;
    button.textContent = tab.label;
    button.setAttribute('role', 'tab');
    button.addEventListener('click', () => this.show(tab.id));
    this.element.append(button);
    this.tabs.push(tab);
    tab.view.hidden = this.#current !== tab.id;
  }

  /** Id of the shown tab. */
  get current(): string {
    return this.#current;
  }

  /** Shows one tab and hides the others. */
  show(id: string): void {
    this.#current = id;
    this.tabs.forEach((tab, i) => {
      tab.view.hidden = tab.id !== id;
      this.element.children[i]?.setAttribute('aria-selected', String(tab.id === id));
    });
    this.onChange(id);
  }
}
