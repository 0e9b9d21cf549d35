/**
 * Tells apart the connect failures the browser reports identically (close 1006, no detail): a second,
 * plain WebSocket without the subprotocol is opened to the same URL. If that one opens, the server is
 * there and refused the subprotocol; otherwise nothing completed a handshake (refused, TLS mismatch).
 * Runs only on the failure path; the probe is closed at once and leaves nothing behind.
 *
 * @packageDocumentation
 */
import type { CloseInfo, ResolvedConfig, WebSocketConstructor } from './config.js';
import { HINTS, TransportError } from './errors.js';

/**
 * True when a WebSocket without subprotocol opens at `url` within `timeoutMs`.
 * Never rejects.
 */
export function opensWithoutSubprotocol(ctor: WebSocketConstructor, url: string, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let socket: WebSocket;
    try {
      socket = new ctor(url);
    } catch {
      resolve(false);
      return;
    }
    const finish = (opened: boolean): void => {
      clearTimeout(timer);
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('close', onClose);
      if (socket.readyState === 0 || socket.readyState === 1) socket.close(1000, 'clasp transport probe');
      resolve(opened);
    };
    const onOpen = (): void => finish(true);
    const onClose = (): void => finish(false);
    const timer = setTimeout(() => finish(false), Math.max(1, timeoutMs));
    socket.addEventListener('open', onOpen);
    socket.addEventListener('close', onClose);
  });
}

/**
 * The error for a connection that closed before `open`: `SubprotocolRejected` when a probe without
 * the subprotocol opens, `ConnectionRefused` otherwise. Never rejects.
 *
 * @param probe whether to open the probe socket at all. Default true. Sessions probe only on the
 *   first connect: a reconnect attempt goes to a server that already accepted the subprotocol, and a
 *   probe per failed attempt would double the sockets (and the browser's console errors).
 */
export async function diagnoseConnectFailure(
  ctor: WebSocketConstructor,
  config: Pick<ResolvedConfig, 'url' | 'subprotocol' | 'connectionTimeout'>,
  info: CloseInfo,
  probe = true,
): Promise<TransportError> {
  const { url, subprotocol, connectionTimeout } = config;
  const probeable = probe && subprotocol !== '' && info.code === 1006;
  if (probeable && (await opensWithoutSubprotocol(ctor, url, connectionTimeout))) {
    return new TransportError('SubprotocolRejected', `${url} refused the WebSocket subprotocol "${subprotocol}"`,
      HINTS.SubprotocolRejected(url, subprotocol), { url, supplied: subprotocol });
  }
  const detail = info.reason === '' ? '' : `: ${info.reason}`;
  return new TransportError('ConnectionRefused', `could not connect to ${url} (close code ${info.code}${detail})`,
    HINTS.ConnectionRefused(url), { url, supplied: info.code });
}
