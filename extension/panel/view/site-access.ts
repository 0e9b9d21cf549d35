/**
 * The banner a panel shows when the inspected page has no capture (no content script of the
 * extension runs there): why, and a button that fixes it where a button can (grant site access and
 * reload, or reload). Hidden as soon as a relay of the page connects.
 */
import type { SiteAccessAdvice } from '../model/site-access.js';
import { UIStrings } from '../strings.js';
import { setEscapedText } from './escaped-text.js';

/** What the buttons do (chrome.permissions and chrome.devtools.inspectedWindow in the panel). */
export interface SiteAccessActions {
  /** Asks Chrome for host access to `origin` (a user gesture); true when granted. */
  allow(origin: string): Promise<boolean>;
  /** Reloads the inspected page. */
  reload(): void;
}

export class SiteAccessBanner {
  readonly element = document.createElement('div');
  readonly #title = document.createElement('div');
  readonly #text = document.createElement('div');
  readonly #button = document.createElement('button');
  #advice: SiteAccessAdvice | null = null;

  constructor(readonly actions: SiteAccessActions) {
    this.element.className = 'site-access';
    this.element.setAttribute('role', 'alert');
    this.element.hidden = true;
    const text = document.createElement('div');
    text.className = 'site-access-text';
    this.#title.className = 'site-access-title';
    this.#title.textContent = UIStrings.noAccessTitle;
    this.#text.className = 'site-access-reason';
    text.append(this.#title, this.#text);
    this.#button.type = 'button';
    this.#button.className = 'site-access-action';
    this.#button.addEventListener('click', () => void this.#act());
    this.element.append(text, this.#button);
  }

  /** The advice shown, or null while hidden. */
  get advice(): SiteAccessAdvice | null {
    return this.#advice;
  }

  show(advice: SiteAccessAdvice): void {
    this.#advice = advice;
    setEscapedText(this.#text, advice.text);
    this.#button.hidden = advice.action === null;
    this.#button.textContent = advice.action === 'allow-and-reload' ? UIStrings.allowAndReload : UIStrings.reloadToCapture;
    this.element.hidden = false;
  }

  hide(): void {
    this.#advice = null;
    this.element.hidden = true;
  }

  async #act(): Promise<void> {
    const advice = this.#advice;
    if (advice === null) return;
    if (advice.action === 'allow-and-reload' && advice.origin !== null) {
      const granted = await this.actions.allow(advice.origin).catch(() => false);
      if (!granted) return;
    }
    this.actions.reload();
  }
}
