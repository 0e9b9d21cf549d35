/**
 * Service worker. Hop: relay ports (content scripts) → [this file] → panel ports of the same tab.
 * It holds no frames: backlogs live in each document's relay, so a restart of this worker loses
 * nothing — relays and panels reconnect and the router (router.ts) is rebuilt from their ports.
 */
import { DeepController, type DebuggerApi } from './deep.js';
import { Router } from './router.js';

// `chrome.debugger` exists only in the deep build flavour (manifest permission "debugger").
const debuggerApi = (chrome as { debugger?: DebuggerApi }).debugger ?? null;
const deep = new DeepController(debuggerApi, (tabId, message) => router.toPanels(tabId, message));

const router = new Router(
  chrome.runtime.getURL(''),
  (tabId) => {
    // Every frame's relay of that tab connects (or already is). A tab without our content scripts
    // (chrome:// pages, the Web Store) has no receiver: that rejection is expected and ignored.
    chrome.tabs.sendMessage(tabId, { type: 'connect' }).catch(() => undefined);
  },
  {
    connected: (tabId) => deep.announce(tabId),
    command: (tabId, command) => void (command.on ? deep.start(tabId) : deep.stop(tabId)),
    lastGone: (tabId) => void deep.stop(tabId),
  },
);

chrome.runtime.onConnect.addListener((port) => router.accept(port));
