/**
 * The panel application: lays out toolbar, frame list, detail and status bar, and feeds them from
 * the capture model. Lifecycle:
 * - frames arriving while paused wait in a bounded queue and are appended on resume;
 * - a new top-level document (navigation) clears everything but that document unless "Preserve log"
 *   is on;
 * - list, detail and status renders are coalesced (one per animation frame);
 * - incoming messages are processed {@link STEP_RECORDS} records at a time for at most
 *   {@link SLICE_BUDGET_MS} per task, so a burst (a 20 000-frame backlog) never blocks the panel.
 */
import type { PanelMessage } from '../shared/messages.js';
import { MAX_PANEL_FRAMES } from '../shared/limits.js';
import { CaptureModel, type IngestJob } from './model/capture-model.js';
import { compileFilter, typeKey, type FilterSpec } from './model/filter.js';
import { FrameList } from './model/frame-list.js';
import { RateModel } from './model/rates.js';
import { StateModel } from './model/state-view.js';
import type { FrameRecord } from './model/types.js';
import { statusText, UIStrings } from './strings.js';
import { ConnectionsView } from './view/connections-view.js';
import { DetailView } from './view/detail.js';
import { FrameTable } from './view/frame-table.js';
import { StateTable } from './view/state-table.js';
import { Tabs } from './view/tabs.js';
import { Toolbar } from './view/toolbar.js';

/** Single events (not in a relay batch) per inbox message. */
export const SLICE_EVENTS = 100;

/** Records decoded between two looks at the clock. */
export const STEP_RECORDS = 32;

/**
 * Work per task before the panel yields to rendering and input, in milliseconds. Small, because a
 * busy machine stretches every task: under a 100 000-frame burst on 2 cores the panel's thread
 * gets well under a tenth of a core, so 4 ms of work can take 50 ms by the clock.
 */
export const SLICE_BUDGET_MS = 4;

/** Extra views that follow the frame stream (state view, rate graph). */
export interface FrameObserver {
  add(frames: readonly FrameRecord[]): void;
  clear(): void;
}

export class PanelApp {
  readonly model = new CaptureModel();
  readonly frames = new FrameList();
  readonly toolbar: Toolbar;
  readonly table: FrameTable;
  readonly detail = new DetailView();
  readonly status = document.createElement('div');
  readonly observers: FrameObserver[] = [];
  readonly main = document.createElement('div');
  readonly state = new StateModel();
  readonly rates = new RateModel();
  readonly stateTable = new StateTable(this.state);
  readonly connectionsView = new ConnectionsView(this.model, this.rates);
  readonly tabs: Tabs;
  /** Extra status (recording, export, import results). */
  readonly notice = document.createElement('span');
  #paused = false;
  #pending: FrameRecord[] = [];
  #inbox: PanelMessage[] = [];
  #inboxHead = 0;
  #job: IngestJob | null = null;
  #draining = false;
  /** Yields to the event loop without the 4 ms clamp of nested timers. */
  readonly #yield = new MessageChannel();
  #statusScheduled = false;

  constructor(readonly root: HTMLElement) {
    this.toolbar = new Toolbar({
      onFilter: (spec) => this.applyFilter(spec),
      onPause: (paused) => this.setPaused(paused),
      onClear: () => this.clear(),
      onAutoScroll: (on) => (this.table.list.stickToBottom = on),
    });
    this.table = new FrameTable(this.frames);
    this.table.onSelect = (id) => this.detail.show(id === null ? null : (this.frames.get(id) ?? null));
    this.table.list.onStickChange = (stick) => (this.toolbar.autoScroll.input.checked = stick);
    this.status.className = 'status';
    this.main.className = 'main';
    const split = document.createElement('div');
    split.className = 'split';
    const empty = document.createElement('div');
    empty.className = 'empty-hint';
    empty.textContent = UIStrings.noFrames;
    split.append(this.table.element, this.detail.element);
    this.tabs = new Tabs([
      { id: 'frames', label: UIStrings.tabFrames, view: split },
      { id: 'state', label: UIStrings.tabState, view: this.stateTable.element },
      { id: 'connections', label: UIStrings.tabConnections, view: this.connectionsView.element },
    ]);
    this.tabs.onChange = (id) => {
      this.stateTable.visible = id === 'state';
      this.stateTable.update();
      this.connectionsView.setVisible(id === 'connections');
    };
    this.stateTable.onJump = (id) => {
      this.tabs.show('frames');
      this.table.select(id);
    };
    this.model.onMessage = (frame, message) => this.state.apply(frame, message);
    this.observers.push(
      { add: () => this.stateTable.update(), clear: () => (this.state.clear(), this.stateTable.update()) },
      { add: (f) => this.rates.add(f), clear: () => this.rates.clear() },
    );
    this.main.append(split, this.stateTable.element, this.connectionsView.element);
    this.notice.className = 'notice';
    const counts = document.createElement('span');
    counts.className = 'status-text';
    this.status.append(this.notice, counts);
    root.append(this.toolbar.element, this.tabs.element, this.main, this.status);
    this.table.element.append(empty);
    this.tabs.show('frames');
    this.applyFilter(this.toolbar.spec());
    this.#yield.port1.onmessage = () => this.#drain();
  }

  /** Shows a message in the status bar (errors in red). */
  report(message: string, isError = false): void {
    this.notice.textContent = message;
    this.notice.classList.toggle('error', isError);
  }

  /** Queues one message from the service worker; it is processed in time slices. */
  receive(message: PanelMessage): void {
    if (message.type === 'events' && message.events.length > SLICE_EVENTS) {
      // Relay batches are stepped through record by record; single events are decoded together in
      // one step, so they are queued SLICE_EVENTS at a time (after the batches, as start() runs them).
      this.#inbox.push({ ...message, events: [] });
      for (let i = 0; i < message.events.length; i += SLICE_EVENTS) this.#inbox.push({ ...message, chunks: [], events: message.events.slice(i, i + SLICE_EVENTS) });
    } else this.#inbox.push(message);
    if (!this.#draining) {
      this.#draining = true;
      this.#yield.port2.postMessage(null);
    }
  }

  #drain(): void {
    const started = performance.now();
    const frames: FrameRecord[] = [];
    while (performance.now() - started < SLICE_BUDGET_MS) {
      if (this.#job === null) {
        if (this.#inboxHead === this.#inbox.length) break;
        this.#job = this.model.start(this.#inbox[this.#inboxHead++]!);
      }
      const job = this.#job;
      const finished = job.step(STEP_RECORDS, frames);
      if (frames.length > 0) this.addFrames(frames.splice(0));
      if (!finished) continue;
      this.#job = null;
      if (job.navigatedTo !== null) this.#navigated(job.navigatedTo);
    }
    if (this.#job !== null || this.#inboxHead < this.#inbox.length) {
      this.#yield.port2.postMessage(null);
      return;
    }
    this.#inbox = [];
    this.#inboxHead = 0;
    this.#draining = false;
    this.#scheduleStatus();
  }

  #navigated(doc: string): void {
    if (this.toolbar.preserve.input.checked) return;
    this.frames.removeWhere((f) => f.conn.doc !== doc);
    this.model.forgetOtherDocuments(doc);
    for (const o of this.observers) o.clear();
    this.detail.show(null);
    this.table.refresh();
  }

  /** Adds imported frames: as live ones, and the state view decodes them itself. */
  addImported(frames: readonly FrameRecord[]): void {
    this.state.add(frames);
    this.stateTable.update();
    this.addFrames(frames);
  }

  /** Adds frames (live or imported) to the list and the observers, or queues them while paused. */
  addFrames(frames: readonly FrameRecord[]): void {
    if (this.#paused) {
      for (const f of frames) this.#pending.push(f);
      if (this.#pending.length > MAX_PANEL_FRAMES) this.#pending.splice(0, this.#pending.length - MAX_PANEL_FRAMES);
      this.#scheduleStatus();
      return;
    }
    for (const f of frames) this.toolbar.addType(typeKey(f));
    for (const conn of this.model.connections.values()) this.toolbar.setConnection(conn.key, `${conn.name ?? conn.label} ${conn.url}`);
    this.frames.append(frames);
    for (const o of this.observers) o.add(frames);
    this.root.classList.add('has-frames');
    this.table.refresh();
    this.#scheduleStatus();
  }

  applyFilter(spec: FilterSpec): void {
    const compiled = compileFilter(spec);
    this.toolbar.setError(compiled.ok ? '' : compiled.error);
    this.frames.setFilter(compiled);
    this.table.refresh();
    this.#scheduleStatus();
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    if (!paused && this.#pending.length > 0) {
      const pending = this.#pending;
      this.#pending = [];
      this.addFrames(pending);
    }
    this.#scheduleStatus();
  }

  clear(): void {
    this.frames.clear();
    this.#pending = [];
    for (const o of this.observers) o.clear();
    this.table.select(null);
    this.table.refresh();
    this.root.classList.remove('has-frames');
    this.#scheduleStatus();
  }

  #scheduleStatus(): void {
    if (this.#statusScheduled) return;
    this.#statusScheduled = true;
    setTimeout(() => {
      this.#statusScheduled = false;
      let rejected = 0;
      let evicted = 0;
      let truncated = 0;
      for (const s of this.model.stats.values()) {
        rejected += s.rejected;
        evicted += s.evicted;
        truncated += s.truncated;
      }
      (this.status.lastChild as HTMLElement).textContent = statusText({ total: this.frames.size, shown: this.frames.visibleCount, dropped: this.frames.dropped, rejected, evicted, truncated, paused: this.#pending.length });
    }, 100);
  }
}
