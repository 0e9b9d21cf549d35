/**
 * Connections tab: one card per connection (name, URL, subprotocol, state, source, totals, errors)
 * with a live graph of frames/s and bytes/s over the last minute. Redrawn once a second while shown.
 */
import { MAX_CONNECTION_CARDS } from '../limits.js';
import type { CaptureModel } from '../model/capture-model.js';
import { escapeInvisible } from '../model/escape.js';
import { formatBytes } from '../model/format.js';
import { graphEndSecond, type RateModel, type RateSeries } from '../model/rates.js';
import type { ConnectionRecord } from '../model/types.js';
import { UIStrings } from '../strings.js';

const GRAPH_W = 360;
const GRAPH_H = 56;

export class ConnectionsView {
  readonly element = document.createElement('div');
  readonly #list = document.createElement('div');
  readonly #more = document.createElement('div');
  readonly #cards = new Map<string, { card: HTMLElement; info: HTMLElement; canvas: HTMLCanvasElement }>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly capture: CaptureModel,
    readonly rates: RateModel,
  ) {
    this.element.className = 'connections-view';
    const title = document.createElement('div');
    title.className = 'graph-title';
    title.textContent = UIStrings.graphTitle;
    this.#list.className = 'conn-list';
    this.#more.className = 'graph-title conn-more';
    this.element.append(title, this.#list, this.#more);
  }

  /** Starts (true) or stops redrawing. */
  setVisible(visible: boolean): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (!visible) return;
    this.render();
    this.#timer = setInterval(() => this.render(), 1000);
  }

  /** Redraws the cards of the newest {@link MAX_CONNECTION_CARDS} connections. */
  render(): void {
    const end = graphEndSecond(this.rates.newestSecond, Date.now());
    const all = this.capture.connections;
    const shown: ConnectionRecord[] = [];
    let skip = all.size - MAX_CONNECTION_CARDS;
    for (const conn of all.values()) if (skip-- <= 0) shown.push(conn);
    const keep = new Set(shown.map((c) => c.key));
    for (const [key, view] of this.#cards) {
      if (!keep.has(key)) {
        view.card.remove();
        this.#cards.delete(key);
      }
    }
    this.#more.textContent = all.size > shown.length ? `${all.size - shown.length} older connections not drawn (the newest ${MAX_CONNECTION_CARDS} are)` : '';
    const style = getComputedStyle(document.documentElement);
    for (const conn of shown) {
      const view = this.#card(conn.key);
      const series = this.rates.series(conn.key, end);
      const state = conn.state === 'closed' ? `closed ${conn.closeCode ?? ''} ${conn.closeReason ?? ''}` : conn.state;
      const last = `${series.frames.at(-1) ?? 0} frames/s · ${formatBytes(series.bytes.at(-1) ?? 0)}/s`;
      const lines = [`${conn.name ?? conn.label} ${conn.url}`, `${conn.protocol || conn.protocols.join(', ') || '—'} · ${conn.clasp ? 'CLASP' : 'raw'} · ${conn.source} · ${state}`, `${series.totalFrames} frames · ${formatBytes(series.totalBytes)} · now ${last}`, ...conn.errors.slice(-3)];
      view.info.textContent = lines.map((line) => escapeInvisible(line)).join('\n');
      drawGraph(view.canvas, series, style);
    }
  }

  #card(key: string): { card: HTMLElement; info: HTMLElement; canvas: HTMLCanvasElement } {
    let view = this.#cards.get(key);
    if (view === undefined) {
      const card = document.createElement('div');
      card.className = 'conn-card';
      const info = document.createElement('pre');
      info.className = 'conn-info';
      const canvas = document.createElement('canvas');
      canvas.width = GRAPH_W;
      canvas.height = GRAPH_H;
      canvas.className = 'rate-graph';
      card.append(canvas, info);
      this.#list.append(card);
      view = { card, info, canvas };
      this.#cards.set(key, view);
    }
    return view;
  }
}

/** Frames/s as bars, bytes/s as a line, each scaled to its own maximum. */
function drawGraph(canvas: HTMLCanvasElement, series: RateSeries, style: CSSStyleDeclaration): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const n = series.frames.length;
  const w = canvas.width / n;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const maxFrames = Math.max(1, ...series.frames);
  const maxBytes = Math.max(1, ...series.bytes);
  ctx.fillStyle = style.getPropertyValue('--t-set').trim() || '#1a73e8';
  series.frames.forEach((v, i) => {
    const h = (v / maxFrames) * (canvas.height - 4);
    ctx.fillRect(i * w + 1, canvas.height - h, Math.max(1, w - 2), h);
  });
  ctx.strokeStyle = style.getPropertyValue('--t-snapshot').trim() || '#9334e6';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  series.bytes.forEach((v, i) => {
    const y = canvas.height - 2 - (v / maxBytes) * (canvas.height - 6);
    if (i === 0) ctx.moveTo(i * w + w / 2, y);
    else ctx.lineTo(i * w + w / 2, y);
  });
  ctx.stroke();
  ctx.fillStyle = style.getPropertyValue('--muted').trim() || '#5f6368';
  ctx.font = '10px sans-serif';
  ctx.fillText(`${maxFrames}/s`, 2, 10);
}
