/**
 * The engine behind one logical connection: the state machine, the send queue with backpressure, the
 * receive channel, reconnecting, keepalive and DevTools reporting. `transport.ts` is its public face.
 *
 * Invariants:
 * - `state` is the only record of where the connection is; `transition()` is the only writer.
 * - At most one link (socket) exists at a time; a link's events after it was dropped are ignored.
 * - Every timer is stored in a field and cleared on every path out of the state that armed it.
 * - Events reach the channel in socket order; `Disconnected` follows the last `Data` of its connection.
 *
 * @packageDocumentation
 */
import { reconnectDelay, type CloseInfo, type ResolvedConfig, type WebSocketConstructor } from './config.js';
import { getDevtoolsHook, type ClaspDevtoolsEvent, type ClaspDevtoolsHook } from './devtools-hook.js';
import { diagnoseConnectFailure } from './diagnose.js';
import { HINTS, TransportError } from './errors.js';
import { EventChannel } from './event-queue.js';
import { Keepalive, KEEPALIVE_PING_FRAME } from './keepalive.js';
import { SocketLink, type Link, type LinkEvents } from './link.js';
import { SendQueue, type SendTarget } from './send-queue.js';
import { StreamLink, webSocketStreamConstructor } from './stream-link.js';
import type { ConnectionState, TransportEvent } from './types.js';

/** Close code the transport uses when the application falls behind (a private-use code). */
export const RECEIVE_QUEUE_FULL_CLOSE_CODE = 4000;

// With WebSocketStream, reading pauses at this many unread events (or the queue limit, if lower).
const STREAM_PAUSE_AT = 256;

const RESOLVED: Promise<void> = Promise.resolve();
let nextConnectionId = 1;

const now = (): number => performance.timeOrigin + performance.now();

/** One logical connection, across reconnects. */
export class Session {
  readonly id = `clasp-ws-${nextConnectionId++}`;
  readonly config: ResolvedConfig;
  readonly channel = new EventChannel<TransportEvent>();
  private stateValue: ConnectionState = 'idle';
  private link: Link | undefined;
  private hook: ClaspDevtoolsHook | undefined;
  private readonly sendQueue: SendQueue;
  private attempt = 0;
  private openedAt = 0;
  private protocolValue = '';
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffTimer: ReturnType<typeof setTimeout> | undefined;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private keepalive: Keepalive | undefined;
  private firstConnect: { resolve: () => void; reject: (e: TransportError) => void } | undefined;
  private closeWaiters: (() => void)[] = [];
  private resumeReading: (() => void) | undefined;

  constructor(config: ResolvedConfig) {
    this.config = config;
    const target: SendTarget = {
      openLink: () => (this.stateValue === 'open' ? this.link : undefined),
      transmit: (data) => this.transmit(data),
      notConnected: () =>
        new TransportError('NotConnected', `cannot send: the connection is ${this.stateValue}`,
          HINTS.NotConnected(this.stateValue), { url: config.url }),
      url: config.url,
    };
    this.sendQueue = new SendQueue(target, config.highWaterMark);
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get protocol(): string {
    return this.protocolValue;
  }

  get bufferedAmount(): number {
    return this.link?.bufferedAmount ?? 0;
  }

  private transition(to: ConnectionState): void {
    this.stateValue = to;
  }

  /** Opens the first connection; settles on `open` or on the first failure. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.firstConnect = { resolve, reject };
      this.openLink();
    });
  }

  // ---- connecting -------------------------------------------------------------------------------

  private webSocketConstructor(): WebSocketConstructor {
    return this.config.WebSocket ?? globalThis.WebSocket;
  }

  private openLink(): void {
    this.transition('connecting');
    const { url, subprotocol, connectionTimeout } = this.config;
    const protocols = subprotocol === '' ? [] : [subprotocol];
    let link: Link;
    const events = this.linkEvents(() => link);
    try {
      const streamCtor = this.config.useWebSocketStream ? webSocketStreamConstructor() : undefined;
      link =
        streamCtor !== undefined
          ? new StreamLink(streamCtor, url, protocols, events)
          : new SocketLink(this.webSocketConstructor(), url, protocols, events);
    } catch (cause) {
      this.connectFailed(new TransportError('InvalidUrl', `the browser rejected ${url}`, HINTS.InvalidUrl(url), { url, cause }));
      return;
    }
    this.link = link;
    this.hook = getDevtoolsHook();
    if (this.hook !== undefined) {
      const name = this.config.name;
      this.report({
        kind: 'connection', id: this.id, time: now(), url, protocols, source: this.config.source,
        attempt: this.attempt, socket: link.socket, ...(name === undefined ? {} : { name }),
      });
    }
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      this.dropLink();
      this.connectFailed(
        new TransportError('ConnectTimeout', `WebSocket handshake with ${url} timed out after ${connectionTimeout} ms`,
          HINTS.ConnectTimeout(url, connectionTimeout), { url }),
      );
    }, connectionTimeout);
  }

  /** Link callbacks that ignore a link once it is no longer the current one. */
  private linkEvents(current: () => Link): LinkEvents {
    return {
      open: (protocol) => {
        if (this.link === current()) this.onOpen(protocol);
      },
      message: (data) => (this.link === current() ? this.onMessage(data) : undefined),
      close: (info) => {
        if (this.link === current()) this.onLinkClose(info);
      },
    };
  }

  private onOpen(protocol: string): void {
    this.clearConnectTimer();
    const { subprotocol, url } = this.config;
    if (subprotocol !== '' && protocol !== subprotocol) {
      this.dropLink();
      this.connectFailed(new TransportError('SubprotocolRejected', `${url} answered with subprotocol "${protocol}"`,
        HINTS.SubprotocolRejected(url, subprotocol), { url, supplied: protocol }));
      return;
    }
    this.protocolValue = protocol;
    this.openedAt = performance.now();
    this.transition('open');
    this.report({ kind: 'open', id: this.id, time: now(), protocol });
    this.channel.push({ type: 'Connected', protocol });
    if (this.config.keepalive !== undefined) {
      this.keepalive = new Keepalive(this.config.keepalive, () => this.transmit(KEEPALIVE_PING_FRAME), () => this.onDeadPeer());
      this.keepalive.start();
    }
    const first = this.firstConnect;
    this.firstConnect = undefined;
    first?.resolve();
  }

  /** A connection attempt failed before `open`: tell the caller why, then retry or stop. */
  private connectFailed(error: TransportError): void {
    this.clearConnectTimer();
    this.link = undefined;
    this.reportError(error);
    this.report({ kind: 'close', id: this.id, time: now(), code: 1006, reason: error.code, wasClean: false });
    const first = this.firstConnect;
    if (first !== undefined) {
      this.firstConnect = undefined;
      this.finish();
      first.reject(error);
      return;
    }
    if (this.stateValue === 'closed') return;
    this.channel.push({ type: 'Error', error });
    this.scheduleReconnect();
  }

  /** Closed before `open`: find out why (see diagnose.ts), unless the application closed meanwhile. */
  private async diagnoseFailure(info: CloseInfo): Promise<void> {
    this.link = undefined;
    const error = await diagnoseConnectFailure(this.webSocketConstructor(), this.config, info, this.firstConnect !== undefined);
    if (this.stateValue === 'connecting') this.connectFailed(error);
  }

  // ---- receiving --------------------------------------------------------------------------------

  private onMessage(data: Uint8Array | string): void | Promise<void> {
    this.keepalive?.received();
    if (this.hook !== undefined) this.report({ kind: 'frame', id: this.id, time: now(), direction: 'in', data });
    this.channel.push(typeof data === 'string' ? { type: 'Text', text: data } : { type: 'Data', data });
    const queued = this.channel.length;
    if (this.link instanceof StreamLink) {
      // While closing, keep reading so that the close (which follows the last message) can arrive.
      if (this.stateValue !== 'open' || queued < Math.min(STREAM_PAUSE_AT, this.config.receiveQueueLimit)) return undefined;
      return new Promise<void>((resolve) => {
        this.resumeReading = resolve;
        this.channel.onDrain = () => this.onChannelDrain();
      });
    }
    if (queued >= this.config.receiveQueueLimit && this.stateValue === 'open') this.onReceiveQueueFull();
    return undefined;
  }

  private onChannelDrain(): void {
    if (this.channel.length < Math.min(STREAM_PAUSE_AT, this.config.receiveQueueLimit) / 2) this.releaseReading();
  }

  /** Lets a paused WebSocketStream reader continue. */
  private releaseReading(): void {
    const resume = this.resumeReading;
    this.resumeReading = undefined;
    this.channel.onDrain = undefined;
    resume?.();
  }

  private onReceiveQueueFull(): void {
    const limit = this.config.receiveQueueLimit;
    const error = new TransportError('ReceiveQueueFull',
      `receive queue reached ${limit} events; closing (frames the server sends from here on are not delivered)`,
      HINTS.ReceiveQueueFull(limit), { url: this.config.url, supplied: limit });
    this.reportError(error);
    this.channel.push({ type: 'Error', error });
    // Browsers deliver nothing after close() (only OPEN sockets fire message): this Error event is the
    // visible marker of where delivery stopped. WebSocketStream mode never gets here (it pauses reading).
    this.beginClose(RECEIVE_QUEUE_FULL_CLOSE_CODE, 'receive queue full');
  }

  private onLinkClose(info: CloseInfo): void {
    if (this.stateValue === 'connecting') {
      this.clearConnectTimer();
      void this.diagnoseFailure(info);
      return;
    }
    this.onDrop(info);
  }

  /** An open (or closing) connection ended. */
  private onDrop(info: CloseInfo): void {
    const wasClosing = this.stateValue === 'closing';
    this.link = undefined;
    this.stopConnectionTimers();
    this.sendQueue.rejectAll();
    this.report({ kind: 'close', id: this.id, time: now(), code: info.code, reason: info.reason, wasClean: info.wasClean });
    this.channel.push({ type: 'Disconnected', code: info.code, reason: info.reason, wasClean: info.wasClean });
    const policy = this.config.reconnect;
    if (wasClosing || policy === undefined || !this.wantsReconnect(policy.shouldReconnect, info)) {
      this.finish();
      return;
    }
    if (performance.now() - this.openedAt >= policy.minUptime) this.attempt = 0;
    this.scheduleReconnect();
  }

  /** The application's `shouldReconnect`; one that throws means no. */
  private wantsReconnect(shouldReconnect: (close: CloseInfo) => boolean, info: CloseInfo): boolean {
    try {
      return shouldReconnect(info);
    } catch {
      return false;
    }
  }

  private onDeadPeer(): void {
    const { timeoutMs } = this.config.keepalive ?? { timeoutMs: 0 };
    const error = new TransportError('DeadPeer', `no frame within ${timeoutMs} ms of a keepalive PING`,
      HINTS.DeadPeer(timeoutMs), { url: this.config.url });
    this.reportError(error);
    this.channel.push({ type: 'Error', error });
    this.dropLink();
    this.onDrop({ code: 1006, reason: `keepalive: no frame within ${timeoutMs} ms of PING`, wasClean: false });
  }

  // ---- reconnecting -----------------------------------------------------------------------------

  private scheduleReconnect(): void {
    const policy = this.config.reconnect;
    if (policy === undefined) {
      this.finish();
      return;
    }
    this.attempt += 1;
    if (this.attempt > policy.maxRetries) {
      const error = new TransportError('RetriesExhausted', `gave up reconnecting to ${this.config.url}`,
        HINTS.RetriesExhausted(policy.maxRetries), { url: this.config.url, supplied: policy.maxRetries });
      this.reportError(error);
      this.channel.push({ type: 'Error', error });
      this.finish();
      return;
    }
    const delayMs = reconnectDelay(this.attempt, policy, policy.random());
    this.transition('backoff');
    this.channel.push({ type: 'Reconnecting', attempt: this.attempt, delayMs });
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.openLink();
    }, delayMs);
  }

  // ---- sending ----------------------------------------------------------------------------------

  /** See {@link TransportSender.send}. */
  send(data: Uint8Array): Promise<void> {
    return this.sendQueue.send(data);
  }

  /** See {@link TransportSender.trySend}. */
  trySend(data: Uint8Array): void {
    this.sendQueue.trySend(data);
  }

  private transmit(data: Uint8Array): void {
    (this.link as Link).send(data);
    if (this.hook !== undefined) this.report({ kind: 'frame', id: this.id, time: now(), direction: 'out', data });
  }

  // ---- closing ----------------------------------------------------------------------------------

  /** See {@link TransportSender.close}; arguments are already validated. */
  close(code: number, reason: string): Promise<void> {
    switch (this.stateValue) {
      case 'closed':
        return RESOLVED;
      case 'idle':
      case 'connecting':
      case 'backoff':
        this.dropLink();
        this.finish();
        return RESOLVED;
      case 'open':
        this.beginClose(code, reason);
        break;
      case 'closing':
        break;
    }
    return new Promise<void>((resolve) => this.closeWaiters.push(resolve));
  }

  private beginClose(code: number, reason: string): void {
    this.transition('closing');
    this.sendQueue.rejectAll();
    this.keepalive?.stop();
    this.releaseReading();
    this.link?.close(code, reason);
    this.closeTimer = setTimeout(() => {
      this.closeTimer = undefined;
      this.dropLink();
      this.onDrop({ code: 1006, reason: 'close handshake timed out', wasClean: false });
    }, this.config.closeTimeout);
  }

  /** The end: nothing more will happen on this session. */
  private finish(): void {
    this.transition('closed');
    this.stopConnectionTimers();
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    this.sendQueue.rejectAll();
    this.channel.end();
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const w of waiters) w();
  }

  private dropLink(): void {
    this.link?.abort();
    this.link = undefined;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private stopConnectionTimers(): void {
    this.clearConnectTimer();
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    this.keepalive?.stop();
    this.keepalive = undefined;
    this.releaseReading();
  }

  // ---- DevTools hook ----------------------------------------------------------------------------

  private reportError(error: TransportError): void {
    this.report({ kind: 'error', id: this.id, time: now(), message: `${error.code}: ${error.message}` });
  }

  private report(event: ClaspDevtoolsEvent): void {
    if (this.hook === undefined) return;
    try {
      this.hook.emit(event);
    } catch {
      // An inspector failure never changes what the application sees (devtools-hook.ts rules).
    }
  }
}
