/**
 * A virtualised vertical list with fixed row height: only the rows in view (plus a margin) exist in
 * the DOM, recycled while scrolling, so 100 000+ rows cost the same as 50. Rendering is coalesced to
 * one per animation frame (with a timer fallback: a hidden DevTools panel gets no animation frames).
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

export class VirtualList {
  readonly element: HTMLDivElement;
  readonly #spacer: HTMLDivElement;
  readonly #rowHeight: number;
  readonly #renderer: RowRenderer;
  readonly #pool: HTMLElement[] = [];
  /** Index each pooled row currently shows (-1: none / stale). Rows are recycled by index modulo pool size. */
  #shown: number[] = [];
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
    this.element.append(this.#spacer);
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
   * log does not need 60 updates a second, and each costs a layout); `urgent` ones (scrolling,
   * selection, keys) run at the next animation frame.
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
    this.#scheduled = false;
    this.#urgent = false;
    this.renderNow();
  }

  /** Forgets what every row shows, so the next render redraws all of them (data changed in place). */
  invalidateAll(urgent = true): void {
    this.#shown.fill(-1);
    this.invalidate(urgent);
  }

  /** Renders synchronously; only rows that now show another index (or were invalidated) are redrawn. */
  renderNow(): void {
    this.#lastRender = performance.now();
    const height = this.#count * this.#rowHeight;
    this.#spacer.style.height = `${height}px`;
    if (this.#stick) {
      const bottom = Math.max(0, height - this.element.clientHeight);
      if (this.element.scrollTop !== bottom) {
        this.#ownScroll = true;
        this.element.scrollTop = bottom;
      }
    }
    this.#lastScrollTop = this.element.scrollTop;
    const viewport = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.element.scrollTop / this.#rowHeight) - OVERSCAN);
    const last = Math.min(this.#count, Math.ceil((this.element.scrollTop + viewport) / this.#rowHeight) + OVERSCAN);
    const needed = Math.max(0, last - first);
    if (this.#pool.length < needed) {
      while (this.#pool.length < needed) {
        const row = this.#renderer.create();
        row.style.position = 'absolute';
        row.style.top = '0';
        row.style.height = `${this.#rowHeight}px`;
        this.#pool.push(row);
        this.element.append(row);
      }
      this.#shown = new Array<number>(this.#pool.length).fill(-1); // the modulo mapping changed
    }
    const size = this.#pool.length;
    const used = new Uint8Array(size);
    for (let index = first; index < last; index++) {
      const slot = index % size;
      used[slot] = 1;
      const row = this.#pool[slot]!;
      if (this.#shown[slot] === index) continue;
      this.#shown[slot] = index;
      row.hidden = false;
      row.style.transform = `translateY(${index * this.#rowHeight}px)`;
      this.#renderer.render(row, index);
    }
    for (let slot = 0; slot < size; slot++) {
      if (used[slot] === 1 || this.#shown[slot] === -2) continue;
      this.#shown[slot] = -2; // hidden
      this.#pool[slot]!.hidden = true;
    }
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
