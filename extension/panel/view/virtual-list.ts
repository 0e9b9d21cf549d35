/**
 * A virtualised vertical list with fixed row height: only the rows in view (plus a margin) exist in
 * the DOM, so 100 000+ rows cost the same as 50. Rendering is coalesced (one per animation frame for
 * the user's actions, a few per second for new data), with a timer fallback: a hidden DevTools panel
 * gets no animation frames.
 *
 * Rows sit in normal flow inside a "page" that is moved as a whole (one transform per render, not one
 * per row). While the list follows a stream of new rows, it renders them into a second page that is
 * kept out of view, {@link STAGE_ROWS} rows per animation frame, and swaps the two pages when the
 * new one is complete. Why: every row of a followed stream changes on each render, and laying out
 * and painting ~25 rows in one frame takes 6–8 ms of CPU on a loaded 2-core machine, where the
 * panel's thread gets so little of a core that such a task lasts over 100 ms by the clock; a few rows
 * per frame stay within one scheduler slice. What the user sees is always one complete, consistent
 * page.
 *
 * Auto-scroll: the list sticks to the bottom while the user is there; scrolling up stops it,
 * scrolling back to the bottom resumes it.
 */

/** How the list draws its rows. */
export interface RowRenderer {
  /** Creates an empty row element (called for the pool only). */
  create(): HTMLElement;
  /** Fills a row element with the item at `index`. */
  render(row: HTMLElement, index: number): void;
}

/** Extra rows rendered above and below the viewport. */
const OVERSCAN = 4;

/** Least time between two renders caused by new data (not by the user), in milliseconds. */
const DATA_RENDER_INTERVAL_MS = 200;

/** Rows drawn per animation frame into the hidden page while following a stream. */
export const STAGE_ROWS = 4;

/** Where a page out of view is put (above the scrolled content, which is never shown). */
const OUT_OF_VIEW = 'translateY(-1000000px)';

/** A block of consecutive rows, in normal flow, moved as a whole. */
class Page {
  readonly element = document.createElement('div');
  readonly rows: HTMLElement[] = [];
  /** Index each row shows (-1: none). */
  shown: number[] = [];
  /** Index of the first row, or -1 while the page is out of view. */
  first = -1;
  /** Rows drawn (from `first`). */
  count = 0;

  constructor() {
    this.element.className = 'vlist-page';
    this.hide();
  }

  hide(): void {
    this.first = -1;
    this.element.style.transform = OUT_OF_VIEW;
    this.element.classList.remove('shown');
    // Not `inert` or `visibility`: both restyle every row of both pages at each swap (measured:
    // 2.7 ms of style recalc in one frame). Out of view, a page cannot be clicked anyway.
    this.element.setAttribute('aria-hidden', 'true');
  }

  show(first: number, rowHeight: number): void {
    if (this.first === first) return;
    this.first = first;
    this.element.style.transform = `translateY(${first * rowHeight}px)`;
    this.element.classList.add('shown');
    this.element.removeAttribute('aria-hidden');
  }
}

/** A render of new data in progress: the hidden page is filled a few rows per frame. */
interface Stage {
  readonly page: Page;
  readonly first: number;
  readonly count: number;
  /** Rows of the page filled so far. */
  done: number;
}

export class VirtualList {
  readonly element: HTMLDivElement;
  readonly #spacer: HTMLDivElement;
  readonly #rowHeight: number;
  readonly #renderer: RowRenderer;
  #front = new Page();
  #back: Page | null = null;
  #stage: Stage | null = null;
  #count = 0;
  #scheduled = false;
  #urgent = false;
  #lastRender = 0;
  #stick = true;
  #lastScrollTop = 0;
  #scrollPending = false;
  #ownScroll = false;
  /** Called when the stick-to-bottom state changes by user scrolling. */
  onStickChange: (stick: boolean) => void = () => undefined;

  constructor(rowHeight: number, renderer: RowRenderer, className: string) {
    this.#rowHeight = rowHeight;
    this.#renderer = renderer;
    this.element = document.createElement('div');
    this.element.className = `vlist ${className}`;
    this.#spacer = document.createElement('div');
    this.#spacer.className = 'vlist-spacer';
    this.element.append(this.#spacer, this.#front.element);
    // Scroll positions are read once per animation frame, not per event: a read inside the event
    // forces a layout each time (measured: most of the panel's time under a 100 000-frame burst).
    this.element.addEventListener(
      'scroll',
      () => {
        if (this.#ownScroll) {
          this.#ownScroll = false; // the event of our own scroll-to-bottom: nothing to learn from it
          return;
        }
        if (this.#scrollPending) return;
        this.#scrollPending = true;
        requestAnimationFrame(() => {
          this.#scrollPending = false;
          this.#onScroll();
        });
      },
      { passive: true },
    );
  }

  /** True while the list follows new rows. */
  get stickToBottom(): boolean {
    return this.#stick;
  }

  set stickToBottom(value: boolean) {
    this.#stick = value;
    if (value) this.invalidate();
  }

  /** Number of rows. */
  get count(): number {
    return this.#count;
  }

  /** Sets the number of rows and schedules a render. */
  setCount(count: number): void {
    this.#count = count;
    this.invalidate();
  }

  /**
   * Schedules a render. Renders for new data are coalesced to one per DATA_RENDER_INTERVAL_MS (a
   * log does not need 60 updates a second); `urgent` ones (scrolling, selection, keys) run at the
   * next animation frame.
   */
  invalidate(urgent = false): void {
    if (urgent && !this.#urgent) {
      this.#urgent = true;
      requestAnimationFrame(() => this.#run());
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A hidden panel gets no animation frames: the timer is the fallback for urgent renders too.
    setTimeout(() => this.#run(), Math.max(0, this.#lastRender + DATA_RENDER_INTERVAL_MS - performance.now()));
  }

  #run(): void {
    if (!this.#scheduled && !this.#urgent) return;
    if (this.#urgent || !this.#stick || document.hidden) {
      this.#scheduled = false;
      this.#urgent = false;
      this.renderNow();
      return;
    }
    if (this.#stage !== null) {
      // Still drawing the previous data render: this one follows when it is shown.
      setTimeout(() => this.#run(), DATA_RENDER_INTERVAL_MS);
      return;
    }
    this.#scheduled = false;
    this.#startStage();
  }

  /** Forgets what every row shows, so the next render redraws all of them (data changed in place). */
  invalidateAll(urgent = true): void {
    this.#front.shown.fill(-1);
    this.#back?.shown.fill(-1);
    this.#stage = null;
    this.invalidate(urgent);
  }

  /** Renders synchronously; only rows that now show another index (or were invalidated) are redrawn. */
  renderNow(): void {
    this.#stage = null;
    this.#lastRender = performance.now();
    const view = this.element.clientHeight;
    this.#setHeight(view);
    if (this.#stick) this.#scrollToBottom(view);
    this.#lastScrollTop = this.element.scrollTop;
    const [first, count] = this.#range(this.element.scrollTop);
    this.#fill(this.#front, first, count, count);
    this.#front.count = count;
    this.#front.show(first, this.#rowHeight);
  }

  /** Scrolls so that row `index` is in view (does not change stickiness unless it moves away from the bottom). */
  scrollIntoView(index: number): void {
    const top = index * this.#rowHeight;
    const view = this.element.clientHeight;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + this.#rowHeight > this.element.scrollTop + view) this.element.scrollTop = top + this.#rowHeight - view;
    this.invalidate();
  }

  /** Rows that fit in the viewport (for PageUp / PageDown). */
  get pageRows(): number {
    return Math.max(1, Math.floor(this.element.clientHeight / this.#rowHeight) - 1);
  }

  /** First row and row count to draw for a scroll position. */
  #range(scrollTop: number): [number, number] {
    const viewport = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(scrollTop / this.#rowHeight) - OVERSCAN);
    const last = Math.min(this.#count, Math.ceil((scrollTop + viewport) / this.#rowHeight) + OVERSCAN);
    return [first, Math.max(0, last - first)];
  }

  /**
   * The scrolled height: the rows, plus less than one row of blank space below them so that the
   * bottom scroll position is a whole number of rows. Why: following a stream keeps the list at the
   * bottom, and without the pad the top row is cut in half whenever the viewport is not a multiple
   * of the row height.
   */
  #contentHeight(view: number): number {
    const rows = this.#count * this.#rowHeight;
    if (rows <= view) return rows;
    return rows + (view % this.#rowHeight); // so that rows + pad - view is a whole number of rows
  }

  /** @param view the viewport height, read once per render before any write (each read after a write forces a layout). */
  #setHeight(view: number): void {
    this.#spacer.style.height = `${this.#contentHeight(view)}px`;
  }

  #scrollToBottom(view: number): void {
    const bottom = Math.max(0, this.#contentHeight(view) - view);
    if (this.element.scrollTop !== bottom) {
      this.#ownScroll = true;
      this.element.scrollTop = bottom;
    }
  }

  /** Draws rows `[from, to)` of a page that shows `count` rows from `first`; rows already right are skipped. */
  #fill(page: Page, first: number, count: number, to: number, from = 0): void {
    while (page.rows.length < count) {
      const row = this.#renderer.create();
      row.style.height = `${this.#rowHeight}px`;
      page.rows.push(row);
      page.shown.push(-1);
      page.element.append(row);
    }
    for (let j = from; j < to; j++) {
      const row = page.rows[j]!;
      const index = first + j;
      if (page.shown[j] === index) continue;
      page.shown[j] = index;
      row.hidden = false;
      this.#renderer.render(row, index);
    }
    if (to === count) {
      for (let j = count; j < page.rows.length; j++) {
        if (page.shown[j] === -2) continue;
        page.shown[j] = -2;
        page.rows[j]!.hidden = true;
      }
    }
  }

  /** Starts drawing the bottom of the list into the hidden page (the list follows new rows). */
  #startStage(): void {
    this.#lastRender = performance.now();
    const view = this.element.clientHeight;
    const [first, count] = this.#range(Math.max(0, this.#contentHeight(view) - view));
    if (first === this.#front.first && count === this.#front.count) {
      this.renderNow(); // nothing moved (e.g. rows changed in place): redraw what is in view directly
      return;
    }
    if (this.#back === null) {
      this.#back = new Page();
      this.element.append(this.#back.element);
    }
    this.#stage = { page: this.#back, first, count, done: 0 };
    requestAnimationFrame(() => this.#stageStep());
  }

  #stageStep(): void {
    const stage = this.#stage;
    if (stage === null) return;
    if (!this.#stick) {
      this.#stage = null;
      return;
    }
    const to = Math.min(stage.count, stage.done + STAGE_ROWS);
    this.#fill(stage.page, stage.first, stage.count, to, stage.done);
    stage.done = to;
    if (to < stage.count) {
      requestAnimationFrame(() => this.#stageStep());
      return;
    }
    // Complete: show it, and scroll to where it belongs.
    this.#stage = null;
    const old = this.#front;
    this.#front = stage.page;
    this.#back = old;
    const view = this.element.clientHeight;
    this.#setHeight(view);
    this.#scrollToBottom(view);
    this.#lastScrollTop = this.element.scrollTop;
    this.#front.count = stage.count;
    this.#front.show(stage.first, this.#rowHeight);
    old.hide();
  }

  #onScroll(): void {
    const top = this.element.scrollTop;
    // Only a move by the user changes stickiness: our own scroll-to-bottom keeps top === last value
    // (and needs no second render).
    if (top === this.#lastScrollTop) return;
    const atBottom = top + this.element.clientHeight >= this.element.scrollHeight - this.#rowHeight;
    const stick = top > this.#lastScrollTop ? atBottom || this.#stick : atBottom;
    if (stick !== this.#stick) {
      this.#stick = stick;
      this.onStickChange(stick);
    }
    this.#lastScrollTop = top;
    this.invalidate(true);
  }
}
