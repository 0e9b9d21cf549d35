/**
 * The panel application: lays out toolbar, frame list, detail and status bar, and feeds them from
 * the capture model. Lifecycle:
 * - frames arriving while paused wait in a bounded queue and are appended on resume;
 * - a new top-level document (navigation) clears everything but that document unless "Preserve log"
 *   is on;
 * - with "Preserve log" on, a marker row is inserted where the page navigated;
 * - list, detail and status renders are coalesced (one per animation frame);
 * - incoming messages wait in an inbox bounded in bytes (inbox.ts) and are processed
 *   {@link STEP_RECORDS} records at a time for at most {@link SLICE_BUDGET_MS} per task, so a burst
 *   (a 20 000-frame backlog) never blocks the panel; when the inbox is long the panel takes bigger
 *   steps ({@link CATCH_UP_STEP_RECORDS} records between looks at the clock) to catch up, within
 *   the same time budget (a longer budget makes every task of a loaded machine longer by the clock);
 * - after each message, the panel acknowledges what it has taken (`onAck`), which is the relay's
 *   flow control: a panel that falls behind is sent less, and the page buffer is the slack;
 * - connection work is per change (model.takeConnectionChanges), never per known connection;
 * - a message the panel cannot process is skipped and counted, never thrown out of the panel.
 */
import type { PanelMessage } from '../shared/messages.js';
import { MAX_PANEL_FRAMES } from '../shared/limits.js';
import { Inbox } from './inbox.js';
import { escapeInvisible } from './model/escape.js';
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

/** Records per step while the panel is behind ({@link CATCH_UP_BYTES} or more waiting). */
export const CATCH_UP_STEP_RECORDS = 128;

/** Inbox bytes from which the panel takes bigger steps. Default 4 MiB. */
export const CATCH_UP_BYTES = 4 << 20;

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
  readonly #inbox = new Inbox();
  #job: IngestJob | null = null;
  #jobDoc: string | null = null;
  /** Messages the panel could not process (a newer or broken sender), skipped. */
  #unreadable = 0;
  /** Called after the panel took every event of `doc` up to arrival number `n` (flow control). */
  onAck: (doc: string, n: number) => void = () => undefined;
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
    if (message.type === 'events' && Array.isArray(message.events) && message.events.length > SLICE_EVENTS) {
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
    const behind = this.#inbox.bytes >= CATCH_UP_BYTES;
    const step = behind ? CATCH_UP_STEP_RECORDS : STEP_RECORDS;
    const frames: FrameRecord[] = [];
    while (performance.now() - started < SLICE_BUDGET_MS) {
      if (this.#job === null) {
        const message = this.#inbox.shift();
        if (message === undefined) break;
        try {
          this.#job = this.model.start(message);
          this.#jobDoc = message.type === 'events' ? message.doc : null;
        } catch {
          this.#unreadable += 1;
          continue;
        }
      }
      const job = this.#job;
      let finished: boolean;
      try {
        finished = job.step(step, frames);
      } catch {
        this.#unreadable += 1;
        finished = true;
      }
      if (frames.length > 0) this.addFrames(frames.splice(0));
      if (!finished) continue;
      this.#job = null;
      if (this.#jobDoc !== null) this.onAck(this.#jobDoc, this.model.lastArrival(this.#jobDoc));
      if (job.navigatedTo !== null) this.#navigated(job.navigatedTo);
    }
    this.#syncConnections();
    if (this.#job !== null || this.#inbox.length > 0) {
      this.#yield.port2.postMessage(null);
      return;
    }
    this.#draining = false;
    this.#scheduleStatus();
  }

  #navigated(doc: string): void {
    if (this.toolbar.preserve.input.checked) {
      // Straight into the list: a marker is not a frame for the observers (rates, state, recording).
      this.frames.append([this.model.navigationMarker(doc, this.model.topUrl, Date.now())]);
      this.table.refresh();
      return;
    }
    this.frames.removeWhere((f) => f.conn.doc !== doc);
    this.model.forgetOtherDocuments(doc);
    this.#syncConnections();
    for (const o of this.observers) o.clear();
    this.detail.show(null);
    this.table.refresh();
  }

  /** Brings the connection menu and rate counters up to date with what changed (O(changes)). */
  #syncConnections(): void {
    const { touched, forgotten } = this.model.takeConnectionChanges();
    for (const key of forgotten) {
      this.toolbar.removeConnection(key);
      this.rates.forget(key);
    }
    for (const conn of touched) this.toolbar.setConnection(conn.key, escapeInvisible(`${conn.name ?? conn.label} ${conn.url}`));
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
    let lastType = '';
    for (const f of frames) {
      const key = typeKey(f);
      if (key !== lastType) this.toolbar.addType(key);
      lastType = key;
    }
    this.#syncConnections(); // O(changes); imported frames come here without a drain
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
      const sum = { rejected: 0, evicted: 0, truncated: 0, behind: 0, pageDispatched: 0 };
      for (const s of this.model.stats.values()) {
        // Stats come from the page side: any field may be missing (an older relay) or absurd.
        for (const key of Object.keys(sum) as (keyof typeof sum)[]) {
          const value = (s as Partial<Record<keyof typeof sum, unknown>>)[key];
          if (typeof value === 'number' && Number.isFinite(value) && value > 0) sum[key] += value;
        }
      }
      (this.status.lastChild as HTMLElement).textContent = statusText({
        ...sum,
        total: this.frames.size,
        shown: this.frames.visibleCount,
        dropped: this.frames.dropped,
        inboxDropped: this.#inbox.dropped,
        paused: this.#pending.length,
        droppedConnections: this.model.droppedConnections,
        unreadable: this.#unreadable,
      });
    }, 100);
  }
}
