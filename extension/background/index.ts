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
    // (site access "on click" or limited to other sites, chrome:// pages, the Web Store, a page
    // loaded before the extension) has no receiver: its panels are told why nothing shows.
    chrome.tabs.sendMessage(tabId, { type: 'connect' }).then(
      (answer: unknown) => {
        if (answer === undefined) router.noRelay(tabId, 'no content script answered');
      },
      (error: unknown) => router.noRelay(tabId, error instanceof Error ? error.message : String(error)),
    );
  },
  {
    connected: (tabId) => deep.announce(tabId),
    command: (tabId, command) => void (command.on ? deep.start(tabId) : deep.stop(tabId)),
    lastGone: (tabId) => void deep.stop(tabId),
    injectRefusal: (tabId) => (deep.state(tabId) === 'on' ? '' : 'replay into the page needs Deep mode on (the debugger attached to this tab)'),
  },
);

chrome.runtime.onConnect.addListener((port) => router.accept(port));
