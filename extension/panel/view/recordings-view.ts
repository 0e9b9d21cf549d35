/**
 * The Recordings tab: the recording state while recording (frames, bytes, dropped), the sessions in
 * the panel's frame log (name, start, duration, frames, bytes, connections) with Open, Replay,
 * Rename, Export NDJSON / HAR and Delete, the retention setting (applied when the panel opens,
 * when a recording stops and when changed), and the replay bar (replay-bar.ts).
 *
 * Opening reads the session through `FrameLog.batches` one page of {@link OPEN_PAGE_FRAMES} at a
 * time (a cursor on seq; "Next page" reads on) into the Frames tab as an imported document, so the
 * frame list, detail and filters of live capture apply. Every outcome is reported in the status bar.
 */
import { exportHar, exportNdjson, toBlob, type FrameLog, type SessionRecord } from '../../../src/recorder/index.js';
import type { PanelApp } from '../app.js';
import {
  loadRetention, OPEN_PAGE_FRAMES, parseRetention, recordingStateText, RETENTION_KEY, sessionRow, storeText, toRetention,
  type RetentionSetting,
} from '../model/recordings-model.js';
import type { PageReplayContext } from '../page-replay.js';
import { REPLAY_BAR_STYLE, ReplayBar } from './replay-bar.js';
import { download, type Recording } from '../recording.js';
import { button, el } from './dom.js';

const STYLE = `
.recordings-view { padding: 6px 8px; overflow: auto; display: flex; flex-direction: column; gap: 6px; }
.recordings-view .retention input { width: 6em; }
.recordings-view table.recordings { border-collapse: collapse; width: 100%; }
.recordings-view th, .recordings-view td { text-align: left; padding: 2px 8px 2px 0; white-space: nowrap; border-bottom: 1px solid var(--border, #8884); }
.recordings-view td.rec-frames, .recordings-view td.rec-bytes, .recordings-view td.rec-connections { text-align: right; }
.rec-state { color: #d33; font-weight: 600; margin-right: 1em; }
`;

/** How often the list and the recording state refresh while recording, in ms. */
const LIVE_REFRESH_MS = 1000;

/** The Recordings view. */
export class RecordingsView {
  readonly element = el('div', 'recordings-view');
  readonly #state = el('div', 'rec-state');
  readonly #store = el('span', 'rec-store');
  readonly #mb = el('input', 'retention-mb');
  readonly #days = el('input', 'retention-days');
  readonly #rows = el('tbody', 'recordings-rows');
  readonly #replayBar: ReplayBar;
  #retention: RetentionSetting = loadRetention(localStorage);
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
    this.#replayBar = new ReplayBar(() => recording.log(), (message, isError) => app.report(message, isError), page);
    this.#mb.type = this.#days.type = 'number';
    this.#mb.min = this.#days.min = '0';
    this.#showRetention();
    const retention = el('div', 'retention');
    retention.append('Keep at most ', this.#mb, ' MB and ', this.#days, ' days of recordings (0 = no limit) ',
      button('retention-apply', 'Apply', () => void this.#applySetting()), this.#store);
    const table = el('table', 'recordings');
    const head = table.createTHead().insertRow();
    for (const h of ['Name', 'Started', 'Duration', 'Frames', 'Bytes', 'Connections', '']) head.append(el('th', '', h));
    table.append(this.#rows);
    this.#state.hidden = true;
    const style = document.createElement('style');
    style.textContent = STYLE + REPLAY_BAR_STYLE;
    this.element.append(style, retention, this.#replayBar.element, table);
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
      button('rec-replay', 'Replay', () => void this.#replayBar.start(r.id)),
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

  /** Rebuilds the replay target menu (the page's sockets and deep mode come and go). */
  refreshTargets(): void {
    this.#replayBar.refreshTargets();
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
