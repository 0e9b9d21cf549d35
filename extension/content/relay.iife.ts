/**
 * ISOLATED-world content script, `document_start`, every frame.
 * Hop: hook.iife.ts (MAIN world) → CustomEvent on the per-document secret name → [this file] →
 * port 'relay' → service worker (background/index.ts).
 *
 * Lifecycle:
 * - at start it agrees on the secret with the hook (agreeChannel), then keeps every valid event in a bounded backlog
 *   (RelayCore) — so a panel opened late still sees the frames since load;
 * - it connects once to announce the document; with no panel open the service worker answers
 *   `dormant` and the port is closed (no IPC per frame, the worker may sleep);
 * - when a panel opens, the worker wakes the relays of its tab (`tabs.sendMessage` → `connect`); a
 *   port that drops while subscribed (worker restart, bfcache) is reconnected.
 *
 * Named `.iife.ts` for crxjs: it must run synchronously at document_start, before any page script
 * could listen for the handshake.
 */
import { agreeChannel, CONFIG_SUFFIX, INJECT_SUFFIX, INJECTED_SUFFIX, PROTOCOL_VERSION, RELAY_PORT, type RelayCommand, type RelayMessage } from '../shared/messages.js';
import { RELAY_FLUSH_MS } from '../shared/limits.js';
import { RelayCore } from './relay-core.js';
import { RelayInjector } from './relay-inject.js';

(() => {
  /** The per-document secret event name; '' until the hook and this relay agreed on it (see the end). */
  let eventName = '';

  let port: chrome.runtime.Port | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  const core = new RelayCore(
    crypto.randomUUID(),
    (message: RelayMessage) => port?.postMessage(message),
    (flush) => setTimeout(flush, RELAY_FLUSH_MS),
    {},
    // Only the hook listens on this name (it knows the secret); the detail is a plain boolean.
    (full) => eventName !== '' && document.dispatchEvent(new CustomEvent(eventName + CONFIG_SUFFIX, { detail: full })),
  );

  // Replay into the page (deep mode): only the hook listens on, and answers on, these names.
  const injector = new RelayInjector(
    core.doc,
    (detail) => eventName !== '' && document.dispatchEvent(new CustomEvent(eventName + INJECT_SUFFIX, { detail })),
    (message) => port?.postMessage(message),
  );

  // Both content scripts run at document_start, before any page script, in either order.
  agreeChannel(document, (name) => {
    eventName = name;
    document.addEventListener(name, (event) => core.acceptDetail((event as CustomEvent<unknown>).detail));
    document.addEventListener(name + INJECTED_SUFFIX, (event) => injector.result((event as CustomEvent<unknown>).detail));
  });

  const connect = (): void => {
    if (port !== null) return;
    try {
      port = chrome.runtime.connect({ name: RELAY_PORT });
    } catch {
      return; // extension reloaded or removed: this document keeps its backlog only
    }
    const current = port;
    let keep = true;
    current.onMessage.addListener((message: RelayCommand) => {
      if (message.type === 'inject') injector.command(message);
      else keep = core.command(message);
    });
    current.onDisconnect.addListener(() => {
      if (port === current) port = null;
      const wasSubscribed = core.subscribed;
      core.disconnected();
      // Dropped while a panel watched (worker restart, bfcache restore): come back.
      if (keep && wasSubscribed) reconnectTimer ??= setTimeout(() => ((reconnectTimer = undefined), connect()), 200);
    });
    current.postMessage({ type: 'hello', v: PROTOCOL_VERSION, doc: core.doc, url: location.href } satisfies RelayMessage);
  };

  // The answer tells the service worker that this tab has a relay (see `no-content-script`).
  chrome.runtime.onMessage.addListener((message: unknown, _sender, respond: (answer: unknown) => void) => {
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'connect') return;
    connect();
    respond({ relay: true });
  });
  connect();
})();
