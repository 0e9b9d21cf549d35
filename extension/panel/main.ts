/**
 * Panel page entry (extension/panel/panel.html inside DevTools).
 * Hop: service worker → port 'panel:<tabId>' → [this page].
 * Follows the DevTools theme, builds the app and its recorder controls, and keeps the port open
 * while DevTools is open.
 */
import { PanelApp } from './app.js';
import { openPanelPort } from './port.js';
import { Recording } from './recording.js';
import { UIStrings } from './strings.js';
import { DeepModeView } from './view/deep-mode.js';
import { addRecordBar } from './view/record-bar.js';

document.documentElement.classList.toggle('theme-dark', chrome.devtools.panels.themeName === 'dark');
const app = new PanelApp(document.body);
const recording = new Recording(app.model, (message, isError) => app.report(message, isError));
app.observers.push({ add: (frames) => recording.append(frames), clear: () => undefined });

addRecordBar(app, recording, () => app.model.topUrl);

// chrome.debugger exists only in the deep build flavour (manifest permission "debugger").
const deepAvailable = typeof (chrome as { debugger?: unknown }).debugger === 'object';
const deep = new DeepModeView(deepAvailable, (on) => {
  port.send({ type: 'deep', on });
});
app.toolbar.element.append(deep.element);

const port = openPanelPort(
  chrome.devtools.inspectedWindow.tabId,
  (message) => (message.type === 'deep-state' ? deep.setState(message.state, message.detail) : app.receive(message)),
  (connected) => document.body.classList.toggle('disconnected', !connected),
);
