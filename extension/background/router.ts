/**
 * Port routing of the service worker (unit-tested with fake ports).
 *
 * - A relay port belongs to the tab the browser names in `port.sender.tab.id`; nothing in a message
 *   can change that. Its events go only to panels of that tab.
 * - A panel port is named `panel:<tabId>` (a devtools page has no `sender.tab`) and is accepted only
 *   when `port.sender.url` is a page of this extension.
 * - All state lives in ports (and the tab's full-capture choice while a panel is open), so a
 *   restarted worker rebuilds it when both sides reconnect.
 * - What a relay reports is range-checked here before any panel sees it: counters are non-negative
 *   safe integers (else 0), chunks have safe arrival numbers and the right field types (else dropped).
 *
 * @packageDocumentation
 */
import { parseInjectCommand, parseInjectResult } from '../shared/inject.js';
import { PANEL_PORT_PREFIX, RELAY_PORT, type PanelCommand, type PanelMessage, type RelayCommand, type RelayMessage, type RelayStats, type WireChunk } from '../shared/messages.js';

/** What the router tells deep mode (deep.ts); every call names the tab of the panel's own port. */
export interface PanelHooks {
  /** A panel of the tab connected. */
  connected(tabId: number): void;
  /** A panel of the tab sent a deep mode command (on/off). */
  command(tabId: number, command: Extract<PanelCommand, { type: 'deep' }>): void;
  /** The tab's last panel went away. */
  lastGone(tabId: number): void;
  /**
   * Whether a panel of the tab may send frames on the page's sockets (replay into the page):
   * '' when it may, else why not. Only deep mode allows it.
   */
  injectRefusal(tabId: number): string;
}

/** The part of `chrome.runtime.Port` the router uses. */
export interface RouterPort {
  readonly name: string;
  readonly sender?: { readonly tab?: { readonly id?: number }; readonly frameId?: number; readonly url?: string };
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(listener: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(listener: () => void): void };
}

/** Tab id as the browser reports it. */
export type TabId = number & { readonly __tabId: true };

interface RelayEntry {
  readonly port: RouterPort;
  readonly frameId: number;
  readonly url: string;
  doc: string | null;
}

/** Routes relay ports to the panel ports of the same tab. */
export class Router {
  readonly #relays = new Map<TabId, Set<RelayEntry>>();
  readonly #panels = new Map<TabId, Set<RouterPort>>();
  /** Tabs whose panel turned full capture on. */
  readonly #fullCapture = new Set<TabId>();

  /**
   * @param extensionOrigin `chrome-extension://<id>/` — the only origin a panel may connect from.
   * @param wakeTab asks every relay of a tab to connect (`chrome.tabs.sendMessage`).
   */
  constructor(
    readonly extensionOrigin: string,
    readonly wakeTab: (tabId: TabId) => void,
    readonly hooks: PanelHooks | null = null,
  ) {}

  /** Sends a message to every panel of a tab. */
  toPanels(tabId: number, message: PanelMessage): void {
    this.#toPanels(tabId as TabId, message);
  }

  /** Number of panels watching a tab. */
  panelCount(tabId: number): number {
    return this.#panels.get(tabId as TabId)?.size ?? 0;
  }

  /** Number of relays connected for a tab. */
  relayCount(tabId: number): number {
    return this.#relays.get(tabId as TabId)?.size ?? 0;
  }

  /**
   * The tab's content scripts did not answer the wake-up (`detail`: Chrome's error): unless a relay
   * of the tab is connected after all, its panels are told that nothing can be captured there.
   */
  noRelay(tabId: number, detail: string): void {
    if (this.relayCount(tabId) > 0) return;
    this.#toPanels(tabId as TabId, { type: 'no-content-script', detail: String(detail).slice(0, 512) });
  }

  /** Takes a newly connected port; unknown or unauthorised ports are disconnected. */
  accept(port: RouterPort): void {
    if (port.name === RELAY_PORT) this.#acceptRelay(port);
    else if (port.name.startsWith(PANEL_PORT_PREFIX)) this.#acceptPanel(port);
    else port.disconnect();
  }

  #acceptRelay(port: RouterPort): void {
    const tabId = port.sender?.tab?.id;
    if (typeof tabId !== 'number' || tabId < 0) return port.disconnect();
    const tab = tabId as TabId;
    const entry: RelayEntry = { port, frameId: port.sender?.frameId ?? 0, url: port.sender?.url ?? '', doc: null };
    setOf(this.#relays, tab).add(entry);
    port.onDisconnect.addListener(() => {
      deleteFrom(this.#relays, tab, entry);
      if (entry.doc !== null) this.#toPanels(tab, { type: 'document-gone', frameId: entry.frameId, doc: entry.doc });
    });
    port.onMessage.addListener((message) => this.#fromRelay(tab, entry, message as RelayMessage));
  }

  #fromRelay(tab: TabId, entry: RelayEntry, message: RelayMessage): void {
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'hello') {
      entry.doc = String(message.doc);
      if (this.panelCount(tab) === 0) {
        entry.port.postMessage({ type: 'dormant' } satisfies RelayCommand);
        entry.port.disconnect();
        deleteFrom(this.#relays, tab, entry);
        return;
      }
      this.#toPanels(tab, { type: 'document', frameId: entry.frameId, url: entry.url, doc: entry.doc });
      entry.port.postMessage((this.#fullCapture.has(tab) ? { type: 'subscribe', full: true } : { type: 'subscribe' }) satisfies RelayCommand);
    } else if (message.type === 'injected' && entry.doc !== null) {
      const result = parseInjectResult(message);
      if (result !== null) this.#toPanels(tab, { type: 'injected', doc: entry.doc, ...result });
    } else if (message.type === 'events' && entry.doc !== null) {
      // frameId and url come from the browser; doc must match what this port announced.
      this.#toPanels(tab, {
        type: 'events',
        frameId: entry.frameId,
        url: entry.url,
        doc: entry.doc,
        backlog: message.backlog === true,
        events: [],
        chunks: Array.isArray(message.chunks) ? message.chunks.filter(isWireChunk) : [],
        stats: cleanStats(message.stats),
      });
    }
  }

  #acceptPanel(port: RouterPort): void {
    const tabId = Number(port.name.slice(PANEL_PORT_PREFIX.length));
    if (!Number.isSafeInteger(tabId) || tabId < 0 || !(port.sender?.url ?? '').startsWith(this.extensionOrigin)) {
      return port.disconnect();
    }
    const tab = tabId as TabId;
    setOf(this.#panels, tab).add(port);
    port.onDisconnect.addListener(() => {
      deleteFrom(this.#panels, tab, port);
      if (this.panelCount(tab) === 0) {
        this.#sleepRelays(tab);
        this.hooks?.lastGone(tab);
      }
    });
    port.onMessage.addListener((message) => this.#fromPanel(tab, message));
    this.wakeTab(tab);
    this.hooks?.connected(tab);
  }

  #fromPanel(tab: TabId, message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const command = message as Readonly<Record<string, unknown>>;
    if (command['type'] === 'deep' && typeof command['on'] === 'boolean') {
      this.hooks?.command(tab, { type: 'deep', on: command['on'] });
    } else if (command['type'] === 'ack' && typeof command['doc'] === 'string' && Number.isSafeInteger(command['n'])) {
      for (const entry of this.#relays.get(tab) ?? []) {
        if (entry.doc === command['doc']) entry.port.postMessage({ type: 'ack', n: command['n'] as number } satisfies RelayCommand);
      }
    } else if (command['type'] === 'inject') {
      this.#inject(tab, command);
    } else if (command['type'] === 'capture' && typeof command['full'] === 'boolean') {
      if (command['full']) this.#fullCapture.add(tab);
      else this.#fullCapture.delete(tab);
      for (const entry of this.#relays.get(tab) ?? []) entry.port.postMessage({ type: 'capture', full: command['full'] } satisfies RelayCommand);
    }
  }

  /** A panel's inject: forwarded to the relay of its document, or answered with why not. */
  #inject(tab: TabId, value: Readonly<Record<string, unknown>>): void {
    const doc = value['doc'];
    const command = parseInjectCommand(value);
    if (command === null || typeof doc !== 'string') {
      const id = value['id'];
      if (typeof id === 'string' && id.length <= 80 && typeof doc === 'string') this.#toPanels(tab, { type: 'injected', doc: doc.slice(0, 128), id, ok: false, error: 'malformed inject command', buffered: 0, sent: 0 });
      return;
    }
    const refused = this.hooks?.injectRefusal(tab) ?? 'this build cannot replay into the page';
    const entry = refused === '' ? [...(this.#relays.get(tab) ?? [])].find((e) => e.doc === doc) : undefined;
    if (entry === undefined) {
      const error = refused !== '' ? refused : 'the document is gone (navigated or closed)';
      this.#toPanels(tab, { type: 'injected', doc, id: command.id, ok: false, error, buffered: 0, sent: 0 });
      return;
    }
    entry.port.postMessage(command satisfies RelayCommand);
  }

  #sleepRelays(tab: TabId): void {
    this.#fullCapture.delete(tab);
    for (const entry of this.#relays.get(tab) ?? []) {
      entry.port.postMessage({ type: 'dormant' } satisfies RelayCommand);
      entry.port.disconnect();
    }
    this.#relays.delete(tab);
  }

  #toPanels(tab: TabId, message: PanelMessage): void {
    for (const panel of this.#panels.get(tab) ?? []) {
      try {
        panel.postMessage(message);
      } catch {
        deleteFrom(this.#panels, tab, panel); // broken pipe: the panel went away mid-message
      }
    }
  }
}

function setOf<V>(map: Map<TabId, Set<V>>, tab: TabId): Set<V> {
  let set = map.get(tab);
  if (set === undefined) map.set(tab, (set = new Set()));
  return set;
}

function deleteFrom<V>(map: Map<TabId, Set<V>>, tab: TabId, value: V): void {
  const set = map.get(tab);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(tab);
}

/** A count from a relay: a non-negative safe integer, else 0. */
function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/** A relay's counters with every field range-checked (fields a relay did not send stay absent). */
export function cleanStats(value: unknown): RelayStats {
  const s = (typeof value === 'object' && value !== null ? value : {}) as Readonly<Record<string, unknown>>;
  const stats: { -readonly [K in keyof RelayStats]: RelayStats[K] } = { rejected: countOf(s['rejected']), evicted: countOf(s['evicted']), truncated: countOf(s['truncated']) };
  if (s['behind'] !== undefined) stats.behind = countOf(s['behind']);
  if (s['pageDispatched'] !== undefined) stats.pageDispatched = countOf(s['pageDispatched']);
  const b = s['buffered'];
  if (typeof b === 'object' && b !== null) {
    const f = b as Readonly<Record<string, unknown>>;
    stats.buffered = { events: countOf(f['events']), bytes: countOf(f['bytes']), maxEvents: countOf(f['maxEvents']), maxBytes: countOf(f['maxBytes']) };
  }
  return stats;
}

/** True for a chunk whose numbers are safe and whose fields have the types the panel reads. */
export function isWireChunk(value: unknown): value is WireChunk {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Readonly<Record<string, unknown>>;
  return countOf(c['n0']) >= 1 && Number.isSafeInteger(c['skip']) && (c['skip'] as number) >= 0 && typeof c['block'] === 'string' && Array.isArray(c['cids']) && Array.isArray(c['events']);
}
