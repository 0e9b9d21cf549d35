/**
 * Deep mode: `chrome.debugger` on one tab, started only by the panel's explicit click (a `deep`
 * command on that tab's panel port) and stopped on the second click, when the tab's last panel
 * closes, or when Chrome detaches (tab closed, infobar Cancel). Only in the deep build flavour
 * (`npm run build:ext -- --deep`), whose manifest adds the `debugger` permission.
 *
 * Attach flow: `attach(tab, '1.3')` → `Target.setAutoAttach {autoAttach, flatten}`; every child
 * target (a worker) announced by `Target.attachedToTarget` gets `Network.enable` through its
 * `sessionId`. The tab's own target does not: the page hook already has its sockets (DeepMapper
 * keeps only workers' frames), and there every frame would cost a CDP event to serialise, route
 * and drop. CDP events are mapped by {@link DeepMapper} and sent to
 * the panels of the tab the debugger source names — never to another tab.
 *
 * @packageDocumentation
 */
import type { DeepState, PanelMessage } from '../shared/messages.js';
import { DeepMapper } from './deep-map.js';

/** CDP protocol version requested from `chrome.debugger.attach`. */
const CDP_VERSION = '1.3';

/** The part of `chrome.debugger` deep mode uses (a fake in unit tests). */
export interface DebuggerApi {
  attach(target: { tabId: number }, version: string): Promise<void>;
  detach(target: { tabId: number }): Promise<void>;
  sendCommand(target: { tabId: number; sessionId?: string }, method: string, params?: object): Promise<unknown>;
  readonly onEvent: { addListener(listener: (source: { tabId?: number; sessionId?: string }, method: string, params?: object) => void): void };
  readonly onDetach: { addListener(listener: (source: { tabId?: number }, reason: string) => void): void };
}

interface Session {
  readonly mapper: DeepMapper;
  readonly doc: string;
  state: DeepState;
}

/** Deep-mode sessions per tab. */
export class DeepController {
  readonly #sessions = new Map<number, Session>();
  #attachCount = 0;

  /**
   * @param api `chrome.debugger`, or null when the build has no `debugger` permission.
   * @param toPanels sends a message to every panel of one tab.
   */
  constructor(
    readonly api: DebuggerApi | null,
    readonly toPanels: (tabId: number, message: PanelMessage) => void,
  ) {
    api?.onEvent.addListener((source, method, params) => this.#onEvent(source, method, params));
    api?.onDetach.addListener((source, reason) => {
      if (typeof source.tabId === 'number' && this.#sessions.delete(source.tabId)) this.#report(source.tabId, 'cancelled', reason);
    });
  }

  /** Current state of a tab (sent to a panel when it connects). */
  state(tabId: number): DeepState {
    if (this.api === null) return 'unavailable';
    return this.#sessions.get(tabId)?.state ?? 'off';
  }

  /** Tells a tab's panels the current state. */
  announce(tabId: number): void {
    this.#report(tabId, this.state(tabId), '');
  }

  /** Starts deep mode on a tab (the panel's click). */
  async start(tabId: number): Promise<void> {
    if (this.api === null) return this.announce(tabId);
    if (this.#sessions.has(tabId)) return this.announce(tabId);
    const session: Session = { mapper: new DeepMapper(), doc: `deep:${tabId}:${++this.#attachCount}`, state: 'attaching' };
    this.#sessions.set(tabId, session);
    this.#report(tabId, 'attaching', '');
    try {
      await this.api.attach({ tabId }, CDP_VERSION);
      await this.api.sendCommand({ tabId }, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true });
      if (this.#sessions.get(tabId) !== session) return; // stopped meanwhile
      session.state = 'on';
      this.#report(tabId, 'on', '');
    } catch (error) {
      if (this.#sessions.get(tabId) === session) this.#sessions.delete(tabId);
      await this.api.detach({ tabId }).catch(() => undefined);
      this.#report(tabId, 'error', (error as Error).message);
    }
  }

  /** Stops deep mode on a tab (second click, last panel closed). */
  async stop(tabId: number): Promise<void> {
    if (this.api === null || !this.#sessions.delete(tabId)) return;
    await this.api.detach({ tabId }).catch(() => undefined); // already detached: nothing to undo
    this.#report(tabId, 'off', '');
  }

  #onEvent(source: { tabId?: number; sessionId?: string }, method: string, params: object | undefined): void {
    const tabId = source.tabId;
    if (typeof tabId !== 'number') return;
    const session = this.#sessions.get(tabId);
    if (session === undefined) return;
    const p = (params ?? {}) as Record<string, unknown>;
    if (method === 'Target.attachedToTarget' && typeof p['sessionId'] === 'string') {
      const child = { tabId, sessionId: p['sessionId'] };
      // A worker that ends before Network.enable answers rejects it: nothing was missed then.
      this.api?.sendCommand(child, 'Network.enable').catch(() => undefined);
      this.api?.sendCommand(child, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }).catch(() => undefined);
    }
    const events = session.mapper.map({ method, params: p, sessionId: source.sessionId });
    if (events.length === 0) return;
    this.toPanels(tabId, { type: 'events', frameId: -1, url: '', doc: session.doc, backlog: false, events, stats: { rejected: 0, evicted: 0, truncated: 0 } });
  }

  #report(tabId: number, state: DeepState, detail: string): void {
    this.toPanels(tabId, { type: 'deep-state', state, detail });
  }
}
