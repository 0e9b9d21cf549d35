/**
 * Writes page-controlled text into the DOM with its invisible and bidi characters shown as `\uXXXX`
 * in a distinct style (`.esc`), through the one escaping function (model/escape.ts). Text only.
 */
import { escapePieces, hasInvisible, type EscapeOptions } from '../model/escape.js';

/** Class of the `<span>` around each escaped character. */
export const ESCAPE_CLASS = 'esc';

/** Replaces the content of `element` with `text`, escaped. */
export function setEscapedText(element: HTMLElement, text: string, options: EscapeOptions = {}): void {
  if (!hasInvisible(text)) {
    element.textContent = text;
    return;
  }
  const nodes: Node[] = [];
  for (const piece of escapePieces(text, options)) nodes.push(piece.escape ? escapeSpan(piece.text) : document.createTextNode(piece.text));
  element.replaceChildren(...nodes);
}

/**
 * Replaces the content of `element` with an already escaped `line` whose escapes are at `ranges`
 * (`[start, end)`, ascending, not overlapping): the frame rows, which cut and pad their fields first.
 */
export function setRangedText(element: HTMLElement, line: string, ranges: readonly (readonly [number, number])[]): void {
  const nodes: Node[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) nodes.push(document.createTextNode(line.slice(at, start)));
    nodes.push(escapeSpan(line.slice(start, end)));
    at = end;
  }
  if (at < line.length) nodes.push(document.createTextNode(line.slice(at)));
  element.replaceChildren(...nodes);
}

function escapeSpan(text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = ESCAPE_CLASS;
  span.textContent = text;
  return span;
}
