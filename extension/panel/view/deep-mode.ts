/**
 * The Deep mode control: a button (only when this build has `chrome.debugger`), what deep mode adds
 * and costs, and its state as the service worker reports it (including a detach by the user).
 * In the standard build it explains how to get the deep flavour instead.
 */
import type { DeepState } from '../../shared/messages.js';
import { UIStrings } from '../strings.js';

/** Panel-side view of deep mode. */
export class DeepModeView {
  readonly element = document.createElement('div');
  readonly button = document.createElement('button');
  readonly stateText = document.createElement('span');
  #state: DeepState;

  /**
   * @param available whether `chrome.debugger` exists here (the deep build flavour).
   * @param onToggle called on click with the wanted state (true = attach).
   */
  constructor(available: boolean, onToggle: (on: boolean) => void) {
    this.#state = available ? 'off' : 'unavailable';
    this.element.className = 'deep-mode';
    const explain = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = UIStrings.deepHelp;
    const text = document.createElement('p');
    text.textContent = available ? UIStrings.deepExplain : UIStrings.deepUnavailableExplain;
    explain.append(summary, text);
    this.button.className = 'deep-toggle';
    this.button.title = UIStrings.deepExplain;
    this.button.addEventListener('click', () => onToggle(this.#state !== 'on' && this.#state !== 'attaching'));
    this.stateText.className = 'deep-state';
    if (available) this.element.append(this.button);
    this.element.append(explain, this.stateText);
    this.#render('');
  }

  /** Shows a state reported by the service worker. */
  setState(state: DeepState, detail: string): void {
    this.#state = state;
    this.#render(detail);
  }

  #render(detail: string): void {
    const on = this.#state === 'on' || this.#state === 'attaching';
    this.button.textContent = on ? UIStrings.deepStop : UIStrings.deepStart;
    this.button.classList.toggle('active', on);
    this.element.dataset['state'] = this.#state;
    const texts: Record<DeepState, string> = {
      unavailable: '',
      off: UIStrings.deepOff,
      attaching: UIStrings.deepAttaching,
      on: UIStrings.deepOn,
      cancelled: detail === '' ? UIStrings.deepCancelled : `${UIStrings.deepCancelled} (${detail})`,
      error: UIStrings.deepError + detail,
    };
    this.stateText.textContent = texts[this.#state];
    this.stateText.classList.toggle('error', this.#state === 'error' || this.#state === 'cancelled');
  }
}
