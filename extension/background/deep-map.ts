/**
 * Deep mode's pure part: turns CDP `Network.webSocket*` events (from `chrome.debugger`) into the
 * panel's {@link WireEvent}s, so deep frames travel the same path and land in the same frame model
 * as the hook's. Unit-tested without a browser.
 *
 * De-duplication rule: the MAIN-world hook already captures every socket of every document (since
 * page load, complete), and CDP sees those same sockets again. So deep mode keeps the data frames
 * (opcodes 1 and 2) only of sockets in **worker** targets (dedicated, shared, service workers) —
 * the hook's blind spot — and keeps control frames (opcodes 8, 9, 10) of every socket. Page and
 * iframe sockets stay the hook's.
 *
 * @packageDocumentation
 */
import { MAX_FRAME_BYTES, MAX_STRING_CHARS, MAX_TEXT_CHARS } from '../shared/limits.js';
import { DEEP_SOURCE, type WireEvent } from '../shared/messages.js';

/** CDP target types whose sockets the hook cannot see. */
const WORKER_TYPES: ReadonlySet<string> = new Set(['worker', 'shared_worker', 'service_worker']);

/** WebSocket opcodes (RFC 6455 §5.2). */
const OPCODE_NAMES: Readonly<Record<number, string>> = { 8: 'close', 9: 'ping', 10: 'pong' };

/** A CDP event as `chrome.debugger.onEvent` delivers it (params untyped: they come from the renderer). */
export interface CdpEvent {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Child session (flatten auto-attach); undefined for the tab's own target. */
  readonly sessionId?: string | undefined;
}

interface Socket {
  readonly cid: string;
  readonly worker: boolean;
  announced: boolean;
  url: string;
  protocols: string[];
}

/**
 * Per-tab mapper. Keeps the sockets it has seen and the child sessions' target types, and numbers
 * its events (`n`) the way a relay does, so the panel's duplicate check works unchanged.
 */
export class DeepMapper {
  readonly #sessions = new Map<string, { type: string; url: string }>();
  readonly #sockets = new Map<string, Socket>();
  #n = 0;

  /** Maps one CDP event; most events map to nothing. `now` = wall-clock ms (default `Date.now()`). */
  map(event: CdpEvent, now: number = Date.now()): WireEvent[] {
    const p = event.params;
    if (event.method === 'Target.attachedToTarget') {
      const info = record(p['targetInfo']);
      const sessionId = str(p['sessionId']);
      if (sessionId !== '') this.#sessions.set(sessionId, { type: str(info['type']), url: str(info['url']) });
      return [];
    }
    if (event.method === 'Target.detachedFromTarget') {
      this.#sessions.delete(str(p['sessionId']));
      return [];
    }
    const requestId = str(p['requestId']);
    if (!event.method.startsWith('Network.webSocket') || requestId === '') return [];
    const key = `${event.sessionId ?? ''}|${requestId}`;
    const base = (socket: Socket) => ({ n: ++this.#n, seq: this.#n, t: now, cid: socket.cid });
    switch (event.method) {
      case 'Network.webSocketCreated': {
        const socket = this.#socket(key, event.sessionId, requestId);
        socket.url = cap(str(p['url']), MAX_STRING_CHARS);
        return this.#announce(socket, base);
      }
      case 'Network.webSocketWillSendHandshakeRequest': {
        const socket = this.#socket(key, event.sessionId, requestId);
        socket.protocols = protocolsOf(record(record(p['request'])['headers']));
        return this.#announce(socket, base);
      }
      case 'Network.webSocketHandshakeResponseReceived': {
        const socket = this.#socket(key, event.sessionId, requestId);
        if (!socket.worker) return [];
        const protocol = protocolsOf(record(record(p['response'])['headers']))[0] ?? '';
        return [...this.#ensure(socket, base), { ...base(socket), k: 'open', protocol }];
      }
      case 'Network.webSocketFrameSent':
      case 'Network.webSocketFrameReceived':
        return this.#frame(this.#socket(key, event.sessionId, requestId), event.method === 'Network.webSocketFrameSent' ? 'out' : 'in', record(p['response']), base);
      case 'Network.webSocketFrameError': {
        const socket = this.#socket(key, event.sessionId, requestId);
        if (!socket.worker) return [];
        return [...this.#ensure(socket, base), { ...base(socket), k: 'error', message: cap(str(p['errorMessage']), MAX_STRING_CHARS) }];
      }
      case 'Network.webSocketClosed': {
        const socket = this.#sockets.get(key);
        this.#sockets.delete(key);
        if (socket === undefined || !socket.worker) return [];
        // CDP reports neither the close code nor the reason: code 0 means "not reported".
        return [...this.#ensure(socket, base), { ...base(socket), k: 'close', code: 0, reason: '', wasClean: true }];
      }
      default:
        return [];
    }
  }

  #socket(key: string, sessionId: string | undefined, requestId: string): Socket {
    let socket = this.#sockets.get(key);
    if (socket === undefined) {
      const session = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
      const worker = session !== undefined && WORKER_TYPES.has(session.type);
      socket = { cid: `d:${sessionId ?? 'tab'}:${requestId}`, worker, announced: false, url: '', protocols: [] };
      this.#sockets.set(key, socket);
    }
    return socket;
  }

  /** The connection event if the socket was never announced. */
  #ensure(socket: Socket, base: (s: Socket) => { n: number; seq: number; t: number; cid: string }, force = false): WireEvent[] {
    return socket.announced ? [] : this.#announce(socket, base, force);
  }

  /** The connection event, once a socket has something to show (and again when it learns more). */
  #announce(socket: Socket, base: (s: Socket) => { n: number; seq: number; t: number; cid: string }, force = false): WireEvent[] {
    if (!socket.worker && !socket.announced && !force) return [];
    socket.announced = true;
    return [{ ...base(socket), k: 'conn', url: socket.url, protocols: socket.protocols, source: DEEP_SOURCE, attempt: 0 }];
  }

  #frame(socket: Socket, dir: 'in' | 'out', response: Readonly<Record<string, unknown>>, base: (s: Socket) => { n: number; seq: number; t: number; cid: string }): WireEvent[] {
    const opcode = typeof response['opcode'] === 'number' ? response['opcode'] : -1;
    const payload = str(response['payloadData']);
    const control = OPCODE_NAMES[opcode];
    if (control !== undefined) {
      // Control frames of any socket (the hook never sees them): a page socket is announced now.
      const conn = this.#ensure(socket, base, true);
      return [...conn, { ...base(socket), k: 'frame', dir, text: `[${control}] ${cap(payload, MAX_STRING_CHARS)}`, size: payload.length }];
    }
    if (!socket.worker) return [];
    const announce = this.#ensure(socket, base);
    if (opcode === 1) return [...announce, { ...base(socket), k: 'frame', dir, text: cap(payload, MAX_TEXT_CHARS), size: payload.length }];
    if (opcode === 2) {
      // payloadData is base64: cut to whole 4-char groups that decode to at most MAX_FRAME_BYTES.
      const kept = payload.length > (MAX_FRAME_BYTES / 3) * 4 ? payload.slice(0, (MAX_FRAME_BYTES / 3) * 4 - (((MAX_FRAME_BYTES / 3) * 4) % 4)) : payload;
      return [...announce, { ...base(socket), k: 'frame', dir, bytes: kept, size: base64Size(payload) }];
    }
    return [...announce, { ...base(socket), k: 'error', message: `unknown WebSocket opcode ${opcode}` }];
  }
}

/** Decoded size of a base64 string. */
function base64Size(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((b64.length * 3) / 4) - pad);
}

/** `Sec-WebSocket-Protocol` of a CDP headers object (any case), split on commas. */
function protocolsOf(headers: Readonly<Record<string, unknown>>): string[] {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'sec-websocket-protocol' && typeof value === 'string') {
      return value.split(',').map((s) => cap(s.trim(), MAX_STRING_CHARS)).filter((s) => s !== '').slice(0, 16);
    }
  }
  return [];
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function cap(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
