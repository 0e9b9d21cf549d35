/**
 * The development relay's CLASP logic, independent of sockets: sessions, subscriptions, parameter
 * state and the reply to each message, following the Rust router (`crates/clasp-router/src/handlers`):
 * - HELLO → WELCOME + SNAPSHOT of all params (possibly empty, split at 800 params);
 * - SUBSCRIBE → SNAPSHOT of matching params if any (no ACK); UNSUBSCRIBE;
 * - SET → ACK {address, revision} to the writer, the SET with its new revision to every subscriber
 *   (the writer too); ERROR 400/401 on a revision conflict or a lock held by another session;
 * - PUBLISH → to every subscriber except the sender; GET → SNAPSHOT (nothing for an unknown address);
 * - BUNDLE → its SETs, then its PUBLISHes, then ACK {revision of the last SET};
 * - PING → PONG; SYNC → SYNC with t2 = t3 = now; ANNOUNCE → ACK {namespace}; QUERY → RESULT.
 * Unlike the Rust router, a malformed frame or a message before HELLO gets an ERROR (100/101) instead
 * of silence: this relay is for development.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import {
  decodeFrame, decodeMessage, encode, ERROR_CODE, PROTOCOL_VERSION,
  type DecodedMessage, type Message, type ParamValue, type PublishMessage, type SetMessage, type SignalDefinition,
} from '../protocol/index.js';
import { ParamStore, nowMicros } from './params.js';
import { compilePattern, isValidPattern, type AddressMatcher } from './patterns.js';

/** The router's view of one connected client. */
export interface RelayClient {
  /** Queues one frame for the client (never blocks). */
  send(frame: Uint8Array): void;
}

interface Subscription {
  readonly matcher: AddressMatcher;
  readonly types: ReadonlySet<string> | undefined;
}

interface Session {
  readonly client: RelayClient;
  id: string | undefined;
  readonly subscriptions: Map<number, Subscription>;
  signals: SignalDefinition[];
}

// The Rust router splits snapshots at 800 params (MAX_SNAPSHOT_CHUNK_SIZE).
const SNAPSHOT_CHUNK = 800;
const RELAY_FEATURES = ['param', 'event', 'stream', 'gesture', 'timeline'];

/** Options of {@link ClaspRouter}. */
export interface RouterOptions {
  /** Name sent in WELCOME. Default `'clasp-dev-relay'`. */
  readonly name?: string;
  /** Receives one line per notable event (malformed frames, refused writes). Default: nothing. */
  readonly log?: (line: string) => void;
}

/** Sessions, subscriptions and state of one relay. */
export class ClaspRouter {
  readonly params = new ParamStore();
  private readonly sessions = new Map<RelayClient, Session>();
  private readonly name: string;
  private readonly log: (line: string) => void;

  constructor(options: RouterOptions = {}) {
    this.name = options.name ?? 'clasp-dev-relay';
    this.log = options.log ?? (() => undefined);
  }

  /** Number of connected clients. */
  get clientCount(): number {
    return this.sessions.size;
  }

  /** Registers a client; it has no session until it sends HELLO. */
  connect(client: RelayClient): void {
    this.sessions.set(client, { client, id: undefined, subscriptions: new Map(), signals: [] });
  }

  /** Forgets a client and its subscriptions. */
  disconnect(client: RelayClient): void {
    this.sessions.delete(client);
  }

  /** True once the client sent HELLO. */
  hasSession(client: RelayClient): boolean {
    return this.sessions.get(client)?.id !== undefined;
  }

  /** Handles one binary WebSocket message from `client`. */
  handle(client: RelayClient, bytes: Uint8Array): void {
    const session = this.sessions.get(client);
    if (session === undefined) return;
    try {
      decodeFrame(bytes);
    } catch (e) {
      this.refuse(session, ERROR_CODE.InvalidFrame, `invalid frame: ${(e as Error).message}`);
      return;
    }
    let message: DecodedMessage;
    try {
      message = decodeMessage(bytes).message;
    } catch (e) {
      this.refuse(session, ERROR_CODE.InvalidMessage, `invalid message: ${(e as Error).message}`);
      return;
    }
    if (session.id === undefined && message.type !== 'HELLO') {
      this.refuse(session, ERROR_CODE.InvalidMessage, `expected HELLO first, got ${message.type}`);
      return;
    }
    this.dispatch(session, message);
  }

  /** Tells the client its text message is not CLASP. */
  handleText(client: RelayClient): void {
    const session = this.sessions.get(client);
    if (session !== undefined) this.refuse(session, ERROR_CODE.InvalidFrame, 'text messages are not CLASP frames');
  }

  private dispatch(session: Session, message: DecodedMessage): void {
    switch (message.type) {
      case 'HELLO': return this.onHello(session);
      case 'SUBSCRIBE': return this.onSubscribe(session, message.id, message.pattern, message.types);
      case 'UNSUBSCRIBE': session.subscriptions.delete(message.id); return;
      case 'SET': return this.onSet(session, message);
      case 'PUBLISH': return this.onPublish(session, message);
      case 'GET': return this.onGet(session, message.address);
      case 'BUNDLE': return this.onBundle(session, message.messages);
      case 'PING': return this.reply(session, { type: 'PONG' });
      case 'SYNC': {
        const now = nowMicros();
        return this.reply(session, { type: 'SYNC', t1: message.t1, t2: now, t3: now });
      }
      case 'ANNOUNCE':
        session.signals = [...message.signals];
        return this.reply(session, { type: 'ACK', address: message.namespace ?? '' });
      case 'QUERY': return this.onQuery(session, message.pattern);
      case 'REPLAY':
      case 'FEDERATION_SYNC':
        return this.refuse(session, ERROR_CODE.ServiceUnavailable, `${message.type} is not supported by the development relay (use clasp-relay)`);
      default:
        return; // server-to-client messages (WELCOME, SNAPSHOT, ACK, ERROR, RESULT, PONG) are ignored, as in Rust
    }
  }

  private onHello(session: Session): void {
    session.id = randomUUID();
    this.reply(session, {
      type: 'WELCOME', version: PROTOCOL_VERSION, session: session.id, name: this.name,
      features: RELAY_FEATURES, time: nowMicros(),
    });
    this.sendSnapshot(session, this.params.snapshot(), true);
  }

  private onSubscribe(session: Session, id: number, pattern: string, types: readonly string[] | undefined): void {
    if (!isValidPattern(pattern)) {
      this.refuse(session, ERROR_CODE.PatternError, `invalid pattern "${pattern}": patterns start with /`);
      return;
    }
    const matcher = compilePattern(pattern);
    session.subscriptions.set(id, { matcher, types: types === undefined || types.length === 0 ? undefined : new Set(types) });
    this.sendSnapshot(session, this.params.snapshot(matcher), false);
  }

  private onSet(session: Session, set: SetMessage<bigint>): void {
    const revision = this.applySet(session, set);
    if (revision !== undefined) this.reply(session, { type: 'ACK', address: set.address, revision });
  }

  /** Applies a SET and broadcasts it; undefined when refused (the ERROR is sent). */
  private applySet(session: Session, set: SetMessage<bigint>): bigint | undefined {
    const result = this.params.apply(set, session.id ?? '');
    if (typeof result !== 'bigint') {
      this.log(`refused SET ${set.address}: ${result.message}`);
      this.reply(session, { type: 'ERROR', code: result.code, message: result.message, address: set.address });
      return undefined;
    }
    this.broadcast({ ...set, revision: result }, set.address, 'param', undefined);
    return result;
  }

  private onPublish(session: Session, message: PublishMessage<bigint>): void {
    this.broadcast(message, message.address, message.signal, session);
  }

  private onGet(session: Session, address: string): void {
    const param = this.params.get(address);
    if (param !== undefined) this.reply(session, { type: 'SNAPSHOT', params: [param] });
  }

  private onBundle(session: Session, messages: readonly Message<bigint>[]): void {
    let last: bigint | undefined;
    for (const m of messages) if (m.type === 'SET') last = this.applySet(session, m) ?? last;
    for (const m of messages) if (m.type === 'PUBLISH') this.onPublish(session, m);
    this.reply(session, { type: 'ACK', ...(last === undefined ? {} : { revision: last }) });
  }

  private onQuery(session: Session, pattern: string): void {
    const matcher = compilePattern(pattern);
    const signals: SignalDefinition[] = [];
    for (const s of this.sessions.values()) for (const signal of s.signals) if (matcher(signal.address)) signals.push(signal);
    this.reply(session, { type: 'RESULT', signals });
  }

  /** Sends `message` once to every session with a matching subscription, except `except`. */
  private broadcast(message: Message, address: string, signal: string | undefined, except: Session | undefined): void {
    let frame: Uint8Array | undefined;
    for (const s of this.sessions.values()) {
      if (s === except || s.id === undefined || !matches(s, address, signal)) continue;
      frame ??= encode(message);
      s.client.send(frame);
    }
  }

  private sendSnapshot(session: Session, params: ParamValue<bigint>[], evenIfEmpty: boolean): void {
    if (params.length === 0) {
      if (evenIfEmpty) this.reply(session, { type: 'SNAPSHOT', params: [] });
      return;
    }
    for (let i = 0; i < params.length; i += SNAPSHOT_CHUNK) this.sendParams(session, params.slice(i, i + SNAPSHOT_CHUNK));
  }

  /** One SNAPSHOT frame, halved until it fits the 64 KiB payload limit. */
  private sendParams(session: Session, params: ParamValue<bigint>[]): void {
    try {
      session.client.send(encode({ type: 'SNAPSHOT', params }));
    } catch (e) {
      if (params.length <= 1) {
        this.refuse(session, ERROR_CODE.InternalError, `cannot encode ${params[0]?.address ?? ''}: ${(e as Error).message}`);
        return;
      }
      const half = Math.ceil(params.length / 2);
      this.sendParams(session, params.slice(0, half));
      this.sendParams(session, params.slice(half));
    }
  }

  private reply(session: Session, message: Message): void {
    session.client.send(encode(message));
  }

  private refuse(session: Session, code: number, message: string): void {
    this.log(`ERROR ${code} to ${session.id ?? 'client before HELLO'}: ${message}`);
    this.reply(session, { type: 'ERROR', code, message: message.slice(0, 1000) });
  }
}

function matches(session: Session, address: string, signal: string | undefined): boolean {
  for (const sub of session.subscriptions.values()) {
    if ((sub.types === undefined || signal === undefined || sub.types.has(signal)) && sub.matcher(address)) return true;
  }
  return false;
}
