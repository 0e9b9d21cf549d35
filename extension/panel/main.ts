/**
 * Panel page entry (extension/panel/panel.html inside DevTools).
 * Hop: service worker → port 'panel:<tabId>' → [this page].
 * Follows the DevTools theme, builds the app, its recorder controls and the site-access banner,
 * keeps the port open while DevTools is open, and acknowledges what the panel has taken (the
 * relay's flow control).
 */
import { PanelApp } from './app.js';
import { originPattern, siteAccessAdvice } from './model/site-access.js';
import { PageInjector, pageTargets } from './page-replay.js';
import { openPanelPort } from './port.js';
import { Recording } from './recording.js';
import { DeepModeView } from './view/deep-mode.js';
import { addRecordBar } from './view/record-bar.js';
import { addRecordingsView } from './view/recordings-view.js';
import { addValuePlot } from './view/value-plot.js';
import { SiteAccessBanner } from './view/site-access.js';

/** Time after the port opens with no relay of the page before the panel checks why, in milliseconds. */
const NO_RELAY_CHECK_MS = 2500;

document.documentElement.classList.toggle('theme-dark', chrome.devtools.panels.themeName === 'dark');
const app = new PanelApp(document.body);
const recording = new Recording(app.model, (message, isError) => app.report(message, isError));
app.observers.push({ add: (frames) => recording.append(frames), clear: () => undefined });

addRecordBar(app, recording, () => app.model.topUrl);
// chrome.debugger exists only in the deep build flavour (manifest permission "debugger").
const deepAvailable = typeof (chrome as { debugger?: unknown }).debugger === 'object';
let deepOn = false;
const injector = new PageInjector((command) => port.send(command));
const recordings = addRecordingsView(
  app,
  recording,
  deepAvailable
    ? {
        injector,
        // The service worker checks this again: a panel cannot send without deep mode.
        refusal: () => (deepOn ? '' : 'turn on Deep mode first'),
        targets: () => pageTargets(app.model.connections.values()),
      }
    : null,
);
addValuePlot(app);

const deep = new DeepModeView(deepAvailable, (on) => {
  port.send({ type: 'deep', on });
});
app.toolbar.element.append(deep.element);

const banner = new SiteAccessBanner({
  allow: (origin) => chrome.permissions.request({ origins: [origin] }),
  reload: () => chrome.devtools.inspectedWindow.reload({}),
});
document.body.insertBefore(banner.element, app.tabs.element);

/** The inspected page's URL, asked from DevTools (works on pages the extension has no access to). */
function inspectedUrl(): Promise<string> {
  return new Promise((resolve) => {
    try {
      chrome.devtools.inspectedWindow.eval('location.href', (result, error) => resolve(error === undefined && typeof result === 'string' ? result : ''));
    } catch {
      resolve('');
    }
  });
}

/** Shows why nothing is captured. `certain`: the service worker saw no content script answer. */
async function explainNoCapture(certain: boolean): Promise<void> {
  const url = await inspectedUrl();
  const origin = originPattern(url);
  let hasAccess: boolean | null = null;
  if (origin !== null) hasAccess = await chrome.permissions.contains({ origins: [origin] }).catch(() => null);
  if (!relaySeen && (certain || hasAccess === false || (url !== '' && origin === null))) banner.show(siteAccessAdvice(url, hasAccess));
}

let relaySeen = false;
setTimeout(() => void (relaySeen ? undefined : explainNoCapture(false)), NO_RELAY_CHECK_MS);

const port = openPanelPort(
  chrome.devtools.inspectedWindow.tabId,
  (message) => {
    if (message.type === 'injected') return injector.result(message);
    if (message.type === 'deep-state') {
      deepOn = message.state === 'on';
      recordings.refreshTargets();
      return deep.setState(message.state, message.detail);
    }
    if (message.type === 'no-content-script') return void explainNoCapture(true);
    if (message.type === 'document' || message.type === 'events') {
      relaySeen = true;
      if (banner.advice !== null) banner.hide();
    }
    app.receive(message);
  },
  (connected) => document.body.classList.toggle('disconnected', !connected),
);
app.onAck = (doc, n) => port.send({ type: 'ack', doc, n });
app.toolbar.events.onFullCapture = (full) => port.send({ type: 'capture', full });
