/**
 * Service worker. Hop: relay ports (content scripts) → [this file] → panel ports of the same tab.
 * It holds no frames: backlogs live in each document's relay, so a restart of this worker loses
 * nothing — relays and panels reconnect and the router (router.ts) is rebuilt from their ports.
 */
import { Router } from './router.js';

const router = new Router(chrome.runtime.getURL(''), (tabId) => {
  // Every frame's relay of that tab connects (or already is). A tab without our content scripts
  // (chrome:// pages, the Web Store) has no receiver: that rejection is expected and ignored.
  chrome.tabs.sendMessage(tabId, { type: 'connect' }).catch(() => undefined);
});

chrome.runtime.onConnect.addListener((port) => router.accept(port));
