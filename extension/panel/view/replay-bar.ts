/**
 * The replay bar of the Recordings tab: what to replay (a recording's out or in frames, a time
 * range from its start, an address pattern, once or in a loop), where (a relay URL or, in deep mode,
 * one of the inspected page's own sockets) and how fast, with Pause, Stop and progress. Every
 * outcome is reported in the status bar.
 */
import type { FrameLog, ReplayProgressEvent } from '../../../src/recorder/index.js';
import { escapeInvisible } from '../model/escape.js';
import { parseReplaySelection, REPLAY_SPEEDS, speedLabel } from '../model/recordings-model.js';
import { replayToPage, type PageReplayContext, type PageTarget } from '../page-replay.js';
import { progressText, replayToRelay, type PanelReplay } from '../recordings-replay.js';
import { button, el } from './dom.js';

/** CSS of the bar (inside the Recordings view's style). */
export const REPLAY_BAR_STYLE = `
.recordings-view .replay-bar select { width: 6em; }
.recordings-view .replay-url { width: 18em; }
.recordings-view .replay-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; white-space: pre; }
.recordings-view .replay-bar select.replay-target, .recordings-view .replay-bar select.replay-direction { width: auto; max-width: 28em; }
.recordings-view .replay-from, .recordings-view .replay-to { width: 5em; }
.recordings-view .replay-address { width: 10em; }
.recordings-view .replay-hint { color: var(--muted, #888); flex-basis: 100%; }
.recordings-view .replay-progress { width: 12em; vertical-align: middle; margin: 0 6px; }
`;

/** The replay controls; {@link ReplayBar.start} replays one recording with them. */
export class ReplayBar {
  readonly element = el('div', 'replay-bar');
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
  #replay: PanelReplay | null = null;
  #replayAbort: AbortController | null = null;

  /**
   * @param log the panel's frame log.
   * @param report shows a message in the status bar.
   * @param page replay into the inspected page's sockets (deep mode); null: relay URLs only.
   */
  constructor(
    readonly log: () => Promise<FrameLog>,
    readonly report: (message: string, isError?: boolean) => void,
    readonly page: PageReplayContext | null,
  ) {
    this.#url.value = 'ws://127.0.0.1:7330/';
    this.#url.placeholder = 'relay URL, ws://host:port/';
    for (const s of REPLAY_SPEEDS) this.#speed.append(new Option(speedLabel(s), String(s), s === 1, s === 1));
    this.#speed.addEventListener('change', () => this.#replay?.run.setSpeed(Number(this.#speed.value)));
    this.#pause.disabled = this.#stop.disabled = true;
    this.#progress.max = 1;
    this.#progress.value = 0;
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
    this.element.append('Replay ', this.#direction, ' into ', this.#target, ' ', this.#url, ' at ', this.#speed, ', from ', this.#from, ' to ', this.#to, ', ', this.#address, ' ', loop, ' ',
      this.#pause, this.#stop, this.#progress, this.#replayStatus, this.#targetHint);
    this.#target.addEventListener('change', () => this.#showTarget());
    // The page's sockets come and go: the menu is rebuilt whenever it is about to be used.
    this.#target.addEventListener('pointerdown', () => this.refreshTargets());
    this.#target.addEventListener('focus', () => this.refreshTargets());
    this.refreshTargets();
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

  /** Replays recording `sessionId` with the bar's settings (one replay at a time). */
  async start(sessionId: number): Promise<void> {
    // Taken at once: a second click while this one reads the recording must not start another.
    if (this.#replayAbort !== null) return this.report('a replay is running: stop it first', true);
    const abort = new AbortController();
    this.#replayAbort = abort;
    const target = this.#pageTarget();
    const into = target === null ? this.#url.value.trim() : (this.#target.selectedOptions[0]?.textContent ?? 'the page');
    try {
      const log = await this.log();
      const session = await log.session(sessionId);
      if (session === undefined) throw new Error(`recording ${sessionId} no longer exists`);
      const part = parseReplaySelection({ from: this.#from.value, to: this.#to.value, address: this.#address.value }, session.startedAt);
      if (!part.ok) return this.report(part.error, true);
      const { label, ...query } = part;
      const direction = target === null ? 'out' : this.#direction.value === 'in' ? 'in' : 'out';
      const total = await log.count({ ...query, sessionId, direction });
      const what = `${direction === 'in' ? 'the in frames of ' : ''}recording ${sessionId}${label === '' ? '' : ` (${label})`}`;
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
        this.report(`replayed ${result.frames} frames of ${what} into ${into}${loop}; lateness p99 ${result.lateness.p99.toFixed(1)} ms, max ${result.lateness.max.toFixed(1)} ms; ${replay.outcome()}`);
        // Loop: the same part again, until Stop (or unticked); a round with no frame ends it.
        if (abort.signal.aborted) {
          this.report(`replay of recording ${sessionId} stopped after round ${round}`);
          break;
        }
        if (!this.#loop.checked || result.frames === 0) break;
      }
      this.#replayStatus.textContent = '';
    } catch (error) {
      if (abort.signal.aborted) this.report(`replay of recording ${sessionId} stopped`);
      else this.report(`replay failed: ${error instanceof Error ? error.message : String(error)}`, true);
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
}
