/**
 * The value plot in the State view: selecting a param shows its numeric values over time (live
 * frames and opened recordings alike) as an SVG line, with the value range and the clock times of
 * the first and last point. Clicking the plot selects the frame of the nearest point in the frame
 * list. Re-drawn at most every 250 ms, and only while shown.
 */
import { formatClock } from '../model/format.js';
import { plotGeometry, ValueSeries } from '../model/value-plot.js';
import type { FrameRecord } from '../model/types.js';
import type { PanelApp } from '../app.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 120;
const MARGIN = { left: 56, right: 8, top: 8, bottom: 18 };
/** Points drawn as dots as well as a line when there are at most this many. */
const MAX_DOTS = 400;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function label(x: number, y: number, text: string, anchor: 'start' | 'end'): SVGTextElement {
  const t = svg('text', { x, y, 'text-anchor': anchor, class: 'plot-label' });
  t.textContent = text;
  return t;
}

const STYLE = `
.value-plot { padding: 4px 8px; border-bottom: 1px solid var(--border, #8884); }
.value-plot .plot-title { font: 12px system-ui, sans-serif; margin-bottom: 2px; }
.value-plot .plot-svg { cursor: crosshair; display: block; }
.value-plot .plot-frame { fill: none; stroke: #8886; }
.value-plot .plot-line { fill: none; stroke: #1a73e8; stroke-width: 1.5; }
.value-plot .plot-dot { fill: #1a73e8; }
.value-plot .plot-chosen { fill: none; stroke: #d93025; stroke-width: 2; }
.value-plot .plot-label { font: 10px ui-monospace, monospace; fill: currentColor; }
`;

/** Formats a value label: up to 4 significant digits. */
function short(v: number): string {
  return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** The plot of one address. */
export class ValuePlot {
  readonly element = document.createElement('div');
  readonly #title = document.createElement('div');
  readonly #svg = svg('svg', { width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'plot-svg' });
  #series: ValueSeries | null = null;
  #scheduled = false;
  #selectedFrame: number | null = null;
  visible = false;
  /** Called with the id of the frame of a clicked point. */
  onJump: (frameId: number) => void = () => undefined;

  constructor(readonly frames: () => Iterable<FrameRecord>) {
    this.element.className = 'value-plot';
    this.element.hidden = true;
    this.#title.className = 'plot-title';
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.element.append(style, this.#title, this.#svg);
    this.#svg.addEventListener('click', (e) => {
      const series = this.#series;
      if (series === null) return;
      const box = this.#svg.getBoundingClientRect();
      const px = ((e.clientX - box.left) / box.width) * WIDTH - MARGIN.left;
      const g = plotGeometry(series.points, WIDTH - MARGIN.left - MARGIN.right, HEIGHT - MARGIN.top - MARGIN.bottom);
      const point = series.nearest(g.time(px));
      if (point === undefined) return;
      this.#selectedFrame = point.frameId;
      this.#render();
      this.onJump(point.frameId);
    });
  }

  /** Address being plotted, or null. */
  get address(): string | null {
    return this.#series?.address ?? null;
  }

  /** Plots `address` from the frames in the panel, or hides the plot (null). */
  show(address: string | null): void {
    this.#selectedFrame = null;
    if (address === null) {
      this.#series = null;
      this.element.hidden = true;
      return;
    }
    const series = new ValueSeries(address);
    series.add(this.frames());
    this.#series = series;
    this.element.hidden = false;
    this.#render();
  }

  /** Takes new frames (live or opened). */
  add(frames: readonly FrameRecord[]): void {
    if (this.#series === null) return;
    this.#series.add(frames);
    if (!this.visible || this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.#render();
    }, 250);
  }

  /** Forgets the points (the panel was cleared); the address stays selected. */
  clear(): void {
    if (this.#series !== null) this.show(this.#series.address);
  }

  #render(): void {
    const series = this.#series;
    if (series === null) return;
    const w = WIDTH - MARGIN.left - MARGIN.right;
    const h = HEIGHT - MARGIN.top - MARGIN.bottom;
    const points = series.points;
    const notes = [`${points.length} values`];
    if (series.skipped > 0) notes.push(`${series.skipped} not numeric`);
    if (series.dropped > 0) notes.push(`${series.dropped} oldest not kept`);
    this.#title.textContent = `${series.address} — ${notes.join(', ')}; click a point to see its frame`;
    const g = plotGeometry(points, w, h);
    const plot = svg('g', { transform: `translate(${MARGIN.left} ${MARGIN.top})` });
    plot.append(svg('rect', { x: 0, y: 0, width: w, height: h, class: 'plot-frame' }), svg('path', { d: g.path, class: 'plot-line' }));
    if (points.length <= MAX_DOTS) {
      for (const p of points) plot.append(svg('circle', { cx: g.x(p.t).toFixed(1), cy: g.y(p.v).toFixed(1), r: 2, class: 'plot-dot' }));
    }
    const chosen = points.find((p) => p.frameId === this.#selectedFrame);
    if (chosen !== undefined) plot.append(svg('circle', { cx: g.x(chosen.t), cy: g.y(chosen.v), r: 4, class: 'plot-chosen' }));
    const ml = MARGIN.left - 4;
    const bottom = HEIGHT - 4;
    const axes = points.length === 0
      ? [label(MARGIN.left + 4, HEIGHT / 2, 'no numeric values at this address yet', 'start')]
      : [
          label(ml, MARGIN.top + 8, short(g.vMax), 'end'),
          label(ml, MARGIN.top + h, short(g.vMin), 'end'),
          label(MARGIN.left, bottom, formatClock(points[0]!.t), 'start'),
          label(WIDTH - MARGIN.right, bottom, formatClock(points[points.length - 1]!.t), 'end'),
        ];
    this.#svg.replaceChildren(plot, ...axes);
  }
}

/** Adds the value plot to the State view: a click on a param plots it, a point jumps to its frame. */
export function addValuePlot(app: PanelApp): ValuePlot {
  const plot = new ValuePlot(() => app.frames.all());
  app.stateTable.element.prepend(plot.element);
  app.stateTable.onSelect = (address) => plot.show(address);
  plot.onJump = (frameId) => app.stateTable.onJump(frameId);
  app.observers.push({ add: (frames) => plot.add(frames), clear: () => plot.clear() });
  const onChange = app.tabs.onChange;
  app.tabs.onChange = (id) => {
    onChange(id);
    plot.visible = id === 'state';
    if (plot.visible) plot.show(plot.address);
  };
  return plot;
}
