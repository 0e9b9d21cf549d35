/**
 * The panel's port to the service worker, named `panel:<inspected tab id>`. When the worker
 * restarts the port drops; it is reopened after a short delay and the relays replay their backlog
 * (the capture model drops what it already has).
 */
import { PANEL_PORT_PREFIX, type PanelCommand, type PanelMessage } from '../shared/messages.js';

/** Delay before reconnecting a dropped port, in milliseconds. */
const RECONNECT_MS = 100;

/** The open panel port. */
export interface PanelPort {
  /**
   * Sends a command to the service worker. While the port is reconnecting (the worker restarted),
   * the latest command of each kind (per document for `ack`) waits and is sent on reconnect, so a
   * click is never lost and an ack never replaces a click.
   * @returns false only after {@link close}.
   */
  send(command: PanelCommand): boolean;
  /** Closes the port for good. */
  close(): void;
}

/**
 * Keeps a port open to the service worker for `tabId` and hands every message to `onMessage`.
 */
export function openPanelPort(tabId: number, onMessage: (message: PanelMessage) => void, onState: (connected: boolean) => void): PanelPort {
  let port: chrome.runtime.Port | null = null;
  let closed = false;
  const pending = new Map<string, PanelCommand>();
  const connect = (): void => {
    if (closed) return;
    port = chrome.runtime.connect({ name: `${PANEL_PORT_PREFIX}${tabId}` });
    onState(true);
    for (const command of pending.values()) port.postMessage(command);
    pending.clear();
    port.onMessage.addListener((message: PanelMessage) => onMessage(message));
    port.onDisconnect.addListener(() => {
      port = null;
      onState(false);
      setTimeout(connect, RECONNECT_MS);
    });
  };
  connect();
  return {
    send(command) {
      if (closed) return false;
      if (port === null) pending.set(command.type === 'ack' ? `ack:${command.doc}` : command.type, command);
      else port.postMessage(command);
      return true;
    },
    close() {
      closed = true;
      port?.disconnect();
    },
  };
}
