/**
 * The Recordings tab: the recording state while recording (frames, bytes, dropped), the sessions in
 * the panel's frame log (name, start, duration, frames, bytes, connections) with Open, Replay,
 * Rename, Export NDJSON / HAR and Delete, the retention setting (applied when the panel opens,
 * when a recording stops and when changed), and the replay bar (target: a relay URL or, in deep
 * mode, one of the page's own sockets; speed, pause, stop, progress).
 *
 * Opening reads the session through `FrameLog.batches` one page of {@link OPEN_PAGE_FRAMES} at a
 * time (a cursor on seq; "Next page" reads on) into the Frames tab as an imported document, so the
 * frame list, detail and filters of live capture apply. Every outcome is reported in the status bar.
 */
import { exportHar, exportNdjson, toBlob, type FrameLog, type ReplayProgressEvent, type SessionRecord } from '../../../src/recorder/index.js';
import type { PanelApp } from '../app.js';
import {
  loadRetention, OPEN_PAGE_FRAMES, parseReplaySelection, parseRetention, recordingStateText, REPLAY_SPEEDS, RETENTION_KEY, sessionRow, speedLabel, storeText, toRetention,
  type RetentionSetting,
} from '../model/recordings-model.js';
import { escapeInvisible } from '../model/escape.js';
import { replayToPage, type PageReplayContext, type PageTarget } from '../page-replay.js';
import { progressText, replayToRelay, type PanelReplay } from '../recordings-replay.js';
import { download, type Recording } from '../recording.js';

const STYLE = `
.recordings-view { padding: 6px 8px; overflow: auto; display: flex; flex-direction: column; gap: 6px; }
.recordings-view .retention input, .recordings-view .replay-bar select { width: 6em; }
.recordings-view .replay-url { width: 18em; }
.recordings-view .replay-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; white-space: pre; }
.recordings-view .replay-bar select.replay-target, .recordings-view .replay-bar select.replay-direction { width: auto; max-width: 28em; }
.recordings-view .replay-from, .recordings-view .replay-to { width: 5em; }
.recordings-view .replay-address { width: 10em; }
.recordings-view .replay-hint { color: var(--muted, #888); flex-basis: 100%; }
.recordings-view .replay-progress { width: 12em; vertical-align: middle; margin: 0 6px; }
.recordings-view table.recordings { border-collapse: collapse; width: 100%; }
.recordings-view th, .recordings-view td { text-align: left; padding: 2px 8px 2px 0; white-space: nowrap; border-bottom: 1px solid var(--border, #8884); }
.recordings-view td.rec-frames, .recordings-view td.rec-bytes, .recordings-view td.rec-connections { text-align: right; }
.rec-state { color: #d33; font-weight: 600; margin-right: 1em; }
`;

/** How often the list and the recording state refresh while recording, in ms. */
const LIVE_REFRESH_MS = 1000;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(className: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** The Recordings view. */
export class RecordingsView {
  readonly element = el('div', 'recordings-view');
  readonly #state = el('div', 'rec-state');
  readonly #store = el('span', 'rec-store');
  readonly #mb = el('input', 'retention-mb');
  readonly #days = el('input', 'retention-days');
  readonly #rows = el('tbody', 'recordings-rows');
  readonly #target = el('select', 'replay-target');
  readonly #targetHint = el('span', 'replay-hint');
  readonly #url = el('input', 'replay-url');
  readonly #direction = el('select', 'replay-direction');
  readonly #from = el('input', 'replay-from');
  readonly #to = el('input', 'replay-to');
  readonly #address = el('input', 'replay-address');
  readonly #loop = el('input', 'replay-loop');
  readonly #speed = el('select', 'replay-speed');
  readonly #pause = button('replay-pause', 'Pause', () => this.#togglePause());
  readonly #stop = button('replay-stop', 'Stop', () => this.#replayAbort?.abort());
  readonly #progress = el('progress', 'replay-progress');
  readonly #replayStatus = el('span', 'replay-status');
  #retention: RetentionSetting = loadRetention(localStorage);
  #replay: PanelReplay | null = null;
  #replayAbort: AbortController | null = null;
  #wasRecording = false;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  /** Next seq to read of the session opened last, for "Next page". */
  #cursor: { sessionId: number; fromSeq: number; doc: string } | null = null;

  /**
   * @param page replay into the inspected page's sockets (deep mode); null: relay URLs only.
   */
  constructor(
    readonly app: PanelApp,
    readonly recording: Recording,
    readonly page: PageReplayContext | null = null,
  ) {
    this.#mb.type = this.#days.type = 'number';
    this.#mb.min = this.#days.min = '0';
    this.#url.value = 'ws://127.0.0.1:7330/';
    this.#url.placeholder = 'relay URL, ws://host:port/';
    for (const s of REPLAY_SPEEDS) this.#speed.append(new Option(speedLabel(s), String(s), s === 1, s === 1));
    this.#speed.addEventListener('change', () => this.#replay?.run.setSpeed(Number(this.#speed.value)));
    this.#pause.disabled = this.#stop.disabled = true;
    this.#progress.max = 1;
    this.#progress.value = 0;
    this.#showRetention();
    const retention = el('div', 'retention');
    retention.append('Keep at most ', this.#mb, ' MB and ', this.#days, ' days of recordings (0 = no limit) ',
      button('retention-apply', 'Apply', () => void this.#applySetting()), this.#store);
    const replay = el('div', 'replay-bar');
    this.#direction.append(
      new Option('its out frames (to the server)', 'out', true, true),
      new Option('its in frames (to the page, as if from the server)', 'in'),
    );
    this.#direction.title = 'Out: what the page sent, sent again to the server. In: what the server sent, delivered to the page again (replay into this page only)';
    this.#from.placeholder = 'start';
    this.#to.placeholder = 'end';
    this.#from.title = this.#to.title = 'A time from the start of the recording: 80, 1:20 or 1:02:03 (empty: from the start / to the end)';
    this.#address.placeholder = 'all addresses';
    this.#address.title = 'Only frames whose address matches this pattern, e.g. /lights/** (frames without an address, such as HELLO, are left out)';
    this.#loop.type = 'checkbox';
    const loop = el('label', 'replay-loop-label');
    loop.append(this.#loop, ' loop');
    loop.title = 'Replay the same part again and again until Stop';
    replay.append('Replay ', this.#direction, ' into ', this.#target, ' ', this.#url, ' at ', this.#speed, ', from ', this.#from, ' to ', this.#to, ', ', this.#address, ' ', loop, ' ',
      this.#pause, this.#stop, this.#progress, this.#replayStatus, this.#targetHint);
    this.#target.addEventListener('change', () => this.#showTarget());
    // The page's sockets come and go: the menu is rebuilt whenever it is about to be used.
    this.#target.addEventListener('pointerdown', () => this.refreshTargets());
    this.#target.addEventListener('focus', () => this.refreshTargets());
    this.refreshTargets();
    const table = el('table', 'recordings');
    const head = table.createTHead().insertRow();
    for (const h of ['Name', 'Started', 'Duration', 'Frames', 'Bytes', 'Connections', '']) head.append(el('th', '', h));
    table.append(this.#rows);
    this.#state.hidden = true;
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.element.append(style, retention, replay, table);
    // In the status bar, so it shows on every tab while recording.
    app.status.prepend(this.#state);
    setInterval(() => void this.#tick(), LIVE_REFRESH_MS);
    void this.#applyRetention().then(() => this.refresh());
  }

  /**
   * Re-reads the session list. Calls while one runs are folded into one more run after it; the rows
   * are left alone while a name is being edited (the edit ends with a refresh).
   */
  async refresh(): Promise<void> {
    if (this.#refreshing !== null) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = this.#readList();
    try {
      await this.#refreshing;
    } finally {
      this.#refreshing = null;
    }
    if (this.#refreshAgain) {
      this.#refreshAgain = false;
      await this.refresh();
    }
  }

  async #readList(): Promise<void> {
    try {
      const log = await this.recording.log();
      const sessions = await log.sessions();
      const live = this.recording.recorder?.sessionId;
      // Undescribed connections (a session recorded by the library, or imported) are counted from
      // the chunk summaries, which is cheap but not free: only for those sessions.
      const counts = await Promise.all(sessions.map((s) => (Object.keys(s.connections).length > 0 ? Promise.resolve(undefined) : log.connections(s.id).then((c) => c.length))));
      if (this.#rows.querySelector('.rec-name-input') === null) {
        this.#rows.replaceChildren(...sessions.map((s, i) => this.#row(log, s, s.id === live, counts[i])).reverse());
      }
      this.#store.textContent = storeText(sessions, this.#retention);
    } catch (error) {
      this.#fail('reading the recordings')(error);
    }
  }

  #row(log: FrameLog, s: SessionRecord, live: boolean, connectionCount: number | undefined): HTMLTableRowElement {
    const r = sessionRow(s, live, connectionCount);
    const tr = el('tr', 'recording-row');
    tr.dataset['id'] = String(r.id);
    const name = el('td', 'rec-name', r.name);
    const counts = `${r.frames}${r.dropped > 0 ? ` (${r.dropped} dropped)` : ''}${r.evicted > 0 ? ` (${r.evicted} evicted)` : ''}`;
    tr.append(name, el('td', 'rec-start', r.start), el('td', 'rec-duration', r.duration), el('td', 'rec-frames', counts),
      el('td', 'rec-bytes', r.bytes), el('td', 'rec-connections', String(r.connections)));
    const actions = el('td', 'rec-actions');
    const del = button('rec-delete', 'Delete', () => {
      // Two clicks: a recording is gone for good once deleted.
      if (del.dataset['armed'] !== '1') {
        del.dataset['armed'] = '1';
        del.textContent = 'Really delete?';
        setTimeout(() => ((del.dataset['armed'] = ''), (del.textContent = 'Delete')), 4000);
        return;
      }
      log.deleteSession(r.id).then(() => (this.app.report(`deleted recording ${r.id} (${r.name})`), this.refresh()), this.#fail('delete'));
    });
    del.disabled = live;
    actions.append(
      button('rec-open', 'Open', () => void this.#open(r.id, 0)),
      button('rec-replay', 'Replay', () => void this.#startReplay(r.id)),
      button('rec-rename', 'Rename', () => this.#rename(log, name, r.id)),
      button('rec-ndjson', 'NDJSON', () => void this.#export(log, r.id, r.name, 'ndjson')),
      button('rec-har', 'HAR', () => void this.#export(log, r.id, r.name, 'har')),
      del,
    );
    tr.append(actions);
    return tr;
  }

  #rename(log: FrameLog, cell: HTMLElement, id: number): void {
    const input = el('input', 'rec-name-input');
    input.value = cell.textContent ?? '';
    const done = (save: boolean): void => {
      input.remove();
      if (!save || input.value.trim() === '') return void this.refresh();
      log.renameSession(id, input.value.trim()).then(() => this.refresh(), this.#fail('rename'));
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') done(true);
      if (e.key === 'Escape') done(false);
    });
    input.addEventListener('blur', () => input.isConnected && done(true));
    cell.replaceChildren(input);
    input.focus();
    input.select();
  }

  async #open(sessionId: number, fromSeq: number): Promise<void> {
    try {
      const log = await this.recording.log();
      const session = await log.session(sessionId);
      if (session === undefined) throw new Error(`recording ${sessionId} no longer exists`);
      const frames = [];
      let next = fromSeq;
      for await (const batch of log.batches({ sessionId, fromSeq })) {
        frames.push(...batch);
        next = batch[batch.length - 1]!.seq + 1;
        if (frames.length >= OPEN_PAGE_FRAMES) break;
      }
      const doc = this.#cursor?.sessionId === sessionId && fromSeq > 0 ? this.#cursor.doc : undefined;
      const opened = this.recording.toRecords(frames, session.connections, session.name, doc);
      this.app.addImported(opened.records);
      const more = next < session.nextSeq && frames.length > 0;
      this.#cursor = more ? { sessionId, fromSeq: next, doc: opened.doc } : null;
      this.app.report(`opened "${session.name}": frames ${fromSeq}–${next - 1} of ${session.frameCount}${more ? ' (Next page reads on)' : ''}`);
      this.#nextButton(more);
      this.app.tabs.show('frames');
    } catch (error) {
      this.#fail('open')(error);
    }
  }

  #nextButton(show: boolean): void {
    this.element.querySelector('.rec-next')?.remove();
    const cursor = this.#cursor;
    if (!show || cursor === null) return;
    this.element.insertBefore(button('rec-next', `Next page of recording ${cursor.sessionId}`, () => void this.#open(cursor.sessionId, cursor.fromSeq)), this.element.querySelector('.retention'));
  }

  async #export(log: FrameLog, id: number, name: string, format: 'ndjson' | 'har'): Promise<void> {
    try {
      const type = format === 'har' ? 'application/json' : 'application/x-ndjson';
      const blob = await toBlob(format === 'har' ? exportHar(log, id) : exportNdjson(log, id), type);
      const file = `${name.replace(/[^\w.-]+/g, '-').slice(0, 80) || 'recording'}.${format}`;
      download(blob, file, type);
      this.app.report(`exported recording ${id} to ${file} (${blob.size} bytes)`);
    } catch (error) {
      this.#fail('export')(error);
    }
  }

  /**
   * Rebuilds the target menu: a relay URL, then the page's open sockets (enabled only when replay
   * into the page is possible; the hint says why not). The selection is kept while its socket is open.
   */
  refreshTargets(): void {
    const selected = this.#target.value;
    const options = [new Option('a relay URL', 'relay')];
    const refusal = this.page === null ? 'replay into the page needs the deep build of the extension' : this.page.refusal();
    for (const { target, label } of this.page?.targets() ?? []) {
      const option = new Option(`this page: ${escapeInvisible(label).slice(0, 120)}`, `page:${target.doc}/${target.cid}`);
      option.disabled = refusal !== '';
      option.dataset['doc'] = target.doc;
      option.dataset['cid'] = target.cid;
      options.push(option);
    }
    this.#target.replaceChildren(...options);
    const keep = options.find((o) => o.value === selected && !o.disabled);
    this.#target.value = keep?.value ?? 'relay';
    this.#targetHint.textContent = refusal !== '' ? `(into this page's own connections: ${refusal})` : options.length === 1 ? '(this page has no open socket to replay into)' : '';
    this.#showTarget();
  }

  /** The page socket selected, or null for a relay URL. */
  #pageTarget(): PageTarget | null {
    const option = this.#target.selectedOptions[0];
    const doc = option?.dataset['doc'];
    const cid = option?.dataset['cid'];
    return doc === undefined || cid === undefined ? null : { doc, cid };
  }

  #showTarget(): void {
    const page = this.#pageTarget() !== null;
    this.#url.hidden = page;
    // A relay takes what a client sends: only a page can be given what its server sent.
    const inOption = this.#direction.options[1]!;
    inOption.disabled = !page;
    if (!page) this.#direction.value = 'out';
  }

  async #startReplay(sessionId: number): Promise<void> {
    if (this.#replay !== null) return this.app.report('a replay is running: stop it first', true);
    const abort = new AbortController();
    const target = this.#pageTarget();
    const into = target === null ? this.#url.value.trim() : (this.#target.selectedOptions[0]?.textContent ?? 'the page');
    try {
      const log = await this.recording.log();
      const session = await log.session(sessionId);
      if (session === undefined) throw new Error(`recording ${sessionId} no longer exists`);
      const part = parseReplaySelection({ from: this.#from.value, to: this.#to.value, address: this.#address.value }, session.startedAt);
      if (!part.ok) return this.app.report(part.error, true);
      const { label, ...query } = part;
      const direction = target === null ? 'out' : this.#direction.value === 'in' ? 'in' : 'out';
      const total = await log.count({ ...query, sessionId, direction });
      const what = `${direction === 'in' ? 'the in frames of ' : ''}recording ${sessionId}${label === '' ? '' : ` (${label})`}`;
      this.#replayAbort = abort;
      // Stop works while connecting too: the replay then ends before its first frame.
      this.#stop.disabled = false;
      for (let round = 1; ; round++) {
        this.#replayStatus.textContent = `connecting to ${into} …`;
        const replay =
          target === null || this.page === null
            ? await replayToRelay(log, sessionId, into, Number(this.#speed.value), abort.signal, query)
            : replayToPage(log, sessionId, target, this.page.injector, Number(this.#speed.value), abort.signal, query, direction);
        this.#replay = replay;
        this.#pause.disabled = false;
        this.#pause.textContent = 'Pause';
        const loop = this.#loop.checked ? ` (round ${round})` : '';
        this.#replayStatus.textContent = `replaying ${what}${loop} …`;
        replay.run.addEventListener('progress', (e) => {
          const p = e as ReplayProgressEvent;
          // duration is an outer bound under filters: the last event says done.
          this.#progress.value = p.done ? 1 : p.duration > 0 ? Math.min(1, p.position / p.duration) : 0;
          this.#replayStatus.textContent = `${progressText(p, total)}${loop}`;
        });
        const result = await replay.done;
        this.app.report(`replayed ${result.frames} frames of ${what} into ${into}${loop}; lateness p99 ${result.lateness.p99.toFixed(1)} ms, max ${result.lateness.max.toFixed(1)} ms; ${replay.outcome()}`);
        // Loop: the same part again, until Stop (or unticked); a round with no frame ends it.
        if (abort.signal.aborted) {
          this.app.report(`replay of recording ${sessionId} stopped after round ${round}`);
          break;
        }
        if (!this.#loop.checked || result.frames === 0) break;
      }
      this.#replayStatus.textContent = '';
    } catch (error) {
      if (abort.signal.aborted) this.app.report(`replay of recording ${sessionId} stopped`);
      else this.#fail('replay')(error);
      this.#replayStatus.textContent = '';
    } finally {
      this.#replay = null;
      this.#replayAbort = null;
      this.#pause.disabled = this.#stop.disabled = true;
      this.#pause.textContent = 'Pause';
    }
  }

  #togglePause(): void {
    const run = this.#replay?.run;
    if (run === undefined) return;
    if (run.paused) run.resume();
    else run.pause();
    this.#pause.textContent = run.paused ? 'Resume' : 'Pause';
  }

  #showRetention(): void {
    this.#mb.value = String(this.#retention.maxMb);
    this.#days.value = String(this.#retention.maxDays);
  }

  async #applySetting(): Promise<void> {
    const { setting, ok } = parseRetention({ maxMb: this.#mb.valueAsNumber, maxDays: this.#days.valueAsNumber });
    if (!ok) {
      this.#showRetention();
      return this.app.report('retention: enter numbers of 0 or more (0 = no limit)', true);
    }
    this.#retention = setting;
    localStorage.setItem(RETENTION_KEY, JSON.stringify(setting));
    await this.#applyRetention();
    await this.refresh();
  }

  async #applyRetention(): Promise<void> {
    try {
      const log = await this.recording.log();
      const deleted = await log.applyRetention(toRetention(this.#retention));
      if (deleted.length > 0) this.app.report(`retention: deleted ${deleted.length} recordings (${deleted.map((s) => s.name).join(', ')})`);
    } catch (error) {
      this.#fail('retention')(error);
    }
  }

  async #tick(): Promise<void> {
    const recorder = this.recording.recorder;
    if (recorder !== null) {
      const log = await this.recording.log();
      const bytes = (await log.session(recorder.sessionId))?.byteCount ?? 0;
      this.#state.textContent = recordingStateText(recorder.sessionId, recorder.stats, bytes, this.recording.leftOut);
      this.#state.hidden = false;
      if (!this.element.hidden) await this.refresh();
    } else if (this.#wasRecording) {
      this.#state.hidden = true;
      await this.#applyRetention();
      await this.refresh();
    }
    this.#wasRecording = recorder !== null;
  }

  #fail(what: string): (error: unknown) => void {
    return (error) => this.app.report(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

/** Adds the Recordings tab to the panel. */
export function addRecordingsView(app: PanelApp, recording: Recording, page: PageReplayContext | null = null): RecordingsView {
  const view = new RecordingsView(app, recording, page);
  app.main.append(view.element);
  app.tabs.add({ id: 'recordings', label: 'Recordings', view: view.element });
  const onChange = app.tabs.onChange;
  app.tabs.onChange = (id) => {
    onChange(id);
    if (id === 'recordings') void view.refresh();
  };
  return view;
}
