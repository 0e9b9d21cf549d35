/**
 * Reading and driving the real CLASP panel frame from a test (puppeteer `Frame`): its rendered rows,
 * the toolbar inputs, the status bar.
 */
import type { Frame } from 'puppeteer-core';
import { rowFields } from '../../extension/panel/view/row-text.js';

/** Lines of the rendered rows, in list order. */
export function rowLines(frame: Frame): Promise<string[]> {
  return frame.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.frame-rows .vlist-page.shown .row')]
      .filter((r) => !r.hidden && r.dataset['id'] !== undefined)
      .sort((a, b) => Number(a.dataset['id']) - Number(b.dataset['id']))
      .map((r) => r.textContent ?? ''),
  );
}

/** Fields of the rendered rows (joined by `|`), in list order. */
export async function rowTexts(frame: Frame): Promise<string[]> {
  return (await rowLines(frame)).map((line) => rowFields(line).join('|'));
}

/** Sets a toolbar input or select and fires its `input` event. */
export async function setInput(frame: Frame, selector: string, value: string): Promise<void> {
  await frame.evaluate(
    (sel, v) => {
      const input = document.querySelector<HTMLInputElement | HTMLSelectElement>(sel)!;
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    selector,
    value,
  );
}

/** Waits (up to `ms`) until the rendered rows satisfy `predicate`; throws with the rows on timeout. */
export async function waitRows(frame: Frame, predicate: (rows: string[]) => boolean, what: string, ms = 30_000): Promise<string[]> {
  let rows: string[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    rows = await rowTexts(frame);
    if (predicate(rows)) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; rows:\n${rows.join('\n')}`);
}

/** The status bar's text. */
export function statusOf(frame: Frame): Promise<string> {
  return frame.$eval('.status', (s) => s.textContent ?? '');
}

/**
 * Clicks a toolbar button through the DOM: the toolbar re-flows as connections arrive (and the
 * status line grows), so a click at coordinates measured a moment earlier can miss the button.
 */
export async function press(frame: Frame, selector: string): Promise<void> {
  await frame.$eval(selector, (b) => (b as HTMLElement).click());
}

/**
 * A real click on a list row. The list re-renders while frames arrive, so the row found a moment
 * earlier can be replaced before the click lands ("not clickable"): find it again, a few times.
 */
export async function clickRow(frame: Frame, selector: string, tries = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await frame.click(selector);
      return;
    } catch (e) {
      if (i >= tries) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Reads `read()` every 100 ms until `ok` accepts it (30 s at most by default) and returns that value;
 * on timeout the error names `what` and the last value read.
 */
export async function until<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await read();
  while (!ok(v)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(100);
    v = await read();
  }
  return v;
}

/** Chooses `value` in a `<select>` of the panel and fires its `change` event (what the replay bar listens to). */
export async function choose(frame: Frame, selector: string, value: string): Promise<void> {
  await frame.evaluate(
    (sel, v) => {
      const input = document.querySelector<HTMLSelectElement>(sel)!;
      input.value = v;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    selector,
    value,
  );
}
