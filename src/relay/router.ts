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
 * Invariants:
 * - Nothing thrown by a message reaches the caller: an outgoing message that cannot be encoded is
 *   split (SNAPSHOT, RESULT) or not sent, the client it was for or the one that caused it gets an
 *   ERROR naming the limit, and {@link RouterStats} counts it.
 * - Work is sliced: {@link ClaspRouter.receive} returns a generator that yields every
 *   {@link SLICE_UNITS} recipients or params, so a caller can bound how long one task runs. A
 *   forwarded frame is encoded once for all its recipients.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import {
  ClaspEncodeError, decodeFrame, decodeMessage, ERROR_CODE, PROTOCOL_VERSION,
  type DecodedMessage, type Message, type ParamValue, type PublishMessage, type SetMessage, type SignalDefinition,
} from '../protocol/index.js';
import { addressSegments, compileAddressPattern, type AddressPattern, type AddressSegments } from '../protocol/address-pattern.js';
import { clip, fitParams, fitSignals, PAYLOAD_LIMIT_TEXT, tryEncode } from './outgoing.js';
import { ParamStore, nowMicros } from './params.js';

/** The router's view of one connected client. */
export interface RelayClient {
  /** Queues one frame for the client (never blocks). */
  send(frame: Uint8Array): void;
}

/** Counters of what the relay refused or could not deliver (also logged line by line). */
export interface RouterStats {
  /** Frames received that were malformed, or came before HELLO. */
  invalidFrames: number;
  /** Outgoing messages (or single SNAPSHOT/RESULT entries) not sent because they did not encode. */
  unencodable: number;
  /** Recipients that missed a forwarded message because it did not encode. */
  undelivered: number;
  /** SUBSCRIBE/QUERY patterns refused. */
  refusedPatterns: number;
  /** Messages whose handling threw (a relay bug): the sender got ERROR 500. */
  internalErrors: number;
}

/** Work left for one message: step it until done; it yields between slices. */
export type RouterWork = Generator<void, void, void>;

interface Subscription {
  readonly pattern: AddressPattern;
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
/** Recipients or params handled between two yields. */
export const SLICE_UNITS = 64;
const RELAY_FEATURES = ['param', 'event', 'stream', 'gesture', 'timeline'];

/** Options of {@link ClaspRouter}. */
export interface RouterOptions {
  /** Name sent in WELCOME. Default `'clasp-dev-relay'`. */
  readonly name?: string;
  /** Receives one line per notable event (malformed frames, refused writes, drops). Default: nothing. */
  readonly log?: (line: string) => void;
}

/** Sessions, subscriptions and state of one relay. */
export class ClaspRouter {
  readonly params = new ParamStore();
  readonly stats: RouterStats = { invalidFrames: 0, unencodable: 0, undelivered: 0, refusedPatterns: 0, internalErrors: 0 };
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

  /** Handles one binary WebSocket message from `client` to the end, in one go. */
  handle(client: RelayClient, bytes: Uint8Array): void {
    const work = this.receive(client, bytes);
    while (!work.next().done) { /* run every slice now */ }
  }

  /**
   * Handles one binary WebSocket message from `client`, sliced: nothing happens until the returned
   * work is stepped. Messages must be stepped to the end one after the other, in arrival order.
   * Never throws: a failure inside becomes ERROR 500 to the client and a count.
   */
  *receive(client: RelayClient, bytes: Uint8Array): RouterWork {
    const session = this.sessions.get(client);
    if (session === undefined) return;
    try {
      yield* this.route(session, bytes);
    } catch (e) {
      this.stats.internalErrors += 1;
      this.refuse(session, ERROR_CODE.InternalError, `internal relay error: ${(e as Error).message}`);
    }
  }

  /** Tells the client its text message is not CLASP. */
  handleText(client: RelayClient): void {
    const session = this.sessions.get(client);
    if (session === undefined) return;
    this.stats.invalidFrames += 1;
    this.refuse(session, ERROR_CODE.InvalidFrame, 'text messages are not CLASP frames');
  }

  private *route(session: Session, bytes: Uint8Array): RouterWork {
    try {
      decodeFrame(bytes);
    } catch (e) {
      this.stats.invalidFrames += 1;
      this.refuse(session, ERROR_CODE.InvalidFrame, `invalid frame: ${(e as Error).message}`);
      return;
    }
    let message: DecodedMessage;
    try {
      message = decodeMessage(bytes).message;
    } catch (e) {
      this.stats.invalidFrames += 1;
      this.refuse(session, ERROR_CODE.InvalidMessage, `invalid message: ${(e as Error).message}`);
      return;
    }
    if (session.id === undefined && message.type !== 'HELLO') {
      this.stats.invalidFrames += 1;
      this.refuse(session, ERROR_CODE.InvalidMessage, `expected HELLO first, got ${message.type}`);
      return;
    }
    yield* this.dispatch(session, message);
  }

  private *dispatch(session: Session, message: DecodedMessage): RouterWork {
    switch (message.type) {
      case 'HELLO': return yield* this.onHello(session);
      case 'SUBSCRIBE': return yield* this.onSubscribe(session, message.id, message.pattern, message.types);
      case 'UNSUBSCRIBE': session.subscriptions.delete(message.id); return;
      case 'SET': return yield* this.onSet(session, message);
      case 'PUBLISH': return yield* this.broadcast(message, message.address, message.signal, session, session);
      case 'GET': return this.onGet(session, message.address);
      case 'BUNDLE': return yield* this.onBundle(session, message.messages);
      case 'PING': return this.reply(session, { type: 'PONG' });
      case 'SYNC': {
        const now = nowMicros();
        return this.reply(session, { type: 'SYNC', t1: message.t1, t2: now, t3: now });
      }
      case 'ANNOUNCE':
        session.signals = [...message.signals];
        return this.reply(session, { type: 'ACK', address: message.namespace ?? '' });
      case 'QUERY': return yield* this.onQuery(session, message.pattern);
      case 'REPLAY':
      case 'FEDERATION_SYNC':
        return this.refuse(session, ERROR_CODE.ServiceUnavailable, `${message.type} is not supported by the development relay (use clasp-relay)`);
      default:
        return; // server-to-client messages (WELCOME, SNAPSHOT, ACK, ERROR, RESULT, PONG) are ignored, as in Rust
    }
  }

  private *onHello(session: Session): RouterWork {
    session.id = randomUUID();
    this.reply(session, {
      type: 'WELCOME', version: PROTOCOL_VERSION, session: session.id, name: this.name,
      features: RELAY_FEATURES, time: nowMicros(),
    });
    yield* this.sendSnapshot(session, undefined, true);
  }

  private *onSubscribe(session: Session, id: number, pattern: string, types: readonly string[] | undefined): RouterWork {
    const compiled = this.compile(session, pattern);
    if (compiled === undefined) return;
    session.subscriptions.set(id, { pattern: compiled, types: types === undefined || types.length === 0 ? undefined : new Set(types) });
    yield* this.sendSnapshot(session, compiled, false);
  }

  private compile(session: Session, pattern: string): AddressPattern | undefined {
    try {
      return compileAddressPattern(pattern);
    } catch (e) {
      this.stats.refusedPatterns += 1;
      this.refuse(session, ERROR_CODE.PatternError, `invalid pattern: ${(e as Error).message}`, pattern);
      return undefined;
    }
  }

  private *onSet(session: Session, set: SetMessage<bigint>): RouterWork {
    const revision = yield* this.applySet(session, set);
    if (revision !== undefined) this.reply(session, { type: 'ACK', address: set.address, revision });
  }

  /** Applies a SET and broadcasts it; undefined when refused (the ERROR is sent). */
  private *applySet(session: Session, set: SetMessage<bigint>): Generator<void, bigint | undefined, void> {
    const result = this.params.apply(set, session.id ?? '');
    if (typeof result !== 'bigint') {
      this.log(`refused SET ${clip(set.address)}: ${result.message}`);
      this.refuse(session, result.code, result.message, set.address);
      return undefined;
    }
    yield* this.broadcast({ ...set, revision: result }, set.address, 'param', undefined, session);
    return result;
  }

  private onGet(session: Session, address: string): void {
    const param = this.params.get(address);
    if (param !== undefined) this.sendParams(session, [param]);
  }

  private *onBundle(session: Session, messages: readonly Message<bigint>[]): RouterWork {
    let last: bigint | undefined;
    for (const m of messages) if (m.type === 'SET') last = (yield* this.applySet(session, m)) ?? last;
    for (const m of messages) if (m.type === 'PUBLISH') yield* this.broadcast(m, m.address, m.signal, session, session);
    this.reply(session, { type: 'ACK', ...(last === undefined ? {} : { revision: last }) });
  }

  private *onQuery(session: Session, pattern: string): RouterWork {
    const compiled = this.compile(session, pattern);
    if (compiled === undefined) return;
    const signals: SignalDefinition[] = [];
    let n = 0;
    for (const s of this.sessions.values()) {
      for (const signal of s.signals) {
        if (compiled.matches(signal.address)) signals.push(signal);
        if (++n % SLICE_UNITS === 0) yield;
      }
    }
    const { frames, unfit } = fitSignals(signals);
    for (const frame of frames) session.client.send(frame);
    for (const { entry, error } of unfit) this.notSent(session, `RESULT entry ${clip(entry.address)}`, error);
  }

  /**
   * Sends `message` once to every session with a matching subscription, except `except`. Encoded
   * once; if it cannot be, no one gets it and `origin` gets an ERROR.
   */
  private *broadcast(message: SetMessage<bigint> | PublishMessage<bigint>, address: string, signal: string | undefined, except: Session | undefined, origin: Session): RouterWork {
    let frame: Uint8Array | ClaspEncodeError | undefined;
    let segments: AddressSegments | undefined;
    let missed = 0;
    let n = 0;
    for (const s of this.sessions.values()) {
      if (++n % SLICE_UNITS === 0) yield;
      if (s === except || s.id === undefined) continue;
      if (!matches(s, address, signal, () => (segments ??= addressSegments(address)))) continue;
      frame ??= tryEncode(message);
      if (frame instanceof ClaspEncodeError) missed += 1;
      else s.client.send(frame);
    }
    if (frame instanceof ClaspEncodeError) {
      this.stats.undelivered += missed;
      this.notSent(origin, `${message.type} ${clip(address)} to ${missed} subscriber${missed === 1 ? '' : 's'}`, frame);
    }
  }

  /** SNAPSHOTs of the params matching `pattern` (all when undefined), 800 at most per frame. */
  private *sendSnapshot(session: Session, pattern: AddressPattern | undefined, evenIfEmpty: boolean): RouterWork {
    let chunk: ParamValue<bigint>[] = [];
    let any = false;
    let n = 0;
    for (const param of this.params.entries()) {
      if (++n % SLICE_UNITS === 0) yield;
      if (pattern !== undefined && !pattern.matches(param.address)) continue;
      chunk.push(this.params.toParamValue(param));
      if (chunk.length === SNAPSHOT_CHUNK) {
        this.sendParams(session, chunk);
        any = true;
        chunk = [];
        yield;
      }
    }
    if (chunk.length > 0 || (!any && evenIfEmpty)) this.sendParams(session, chunk);
  }

  /** SNAPSHOT frames for `params`, split until each fits; a param that fits in none gets an ERROR. */
  private sendParams(session: Session, params: ParamValue<bigint>[]): void {
    const { frames, unfit } = fitParams(params);
    for (const frame of frames) session.client.send(frame);
    for (const { entry, error } of unfit) this.notSent(session, `SNAPSHOT of ${clip(entry.address)}`, error);
  }

  private reply(session: Session, message: Message): void {
    const frame = tryEncode(message);
    if (frame instanceof ClaspEncodeError) this.notSent(session, `${message.type} reply`, frame);
    else session.client.send(frame);
  }

  /** Counts and logs a message that did not encode, and tells `session` why. */
  private notSent(session: Session, what: string, error: ClaspEncodeError): void {
    this.stats.unencodable += 1;
    const why = error.code === 'too-large' ? `${error.message} (${PAYLOAD_LIMIT_TEXT})` : error.message;
    this.refuse(session, ERROR_CODE.InternalError, `${what} not sent: ${why}`);
  }

  /** ERROR to the session, with `address` when the frame still fits (it may be up to 65 535 bytes). */
  private refuse(session: Session, code: number, message: string, address?: string): void {
    this.log(`ERROR ${code} to ${session.id ?? 'client before HELLO'}: ${clip(message, 300)}`);
    const text = clip(message, 1000);
    let frame = tryEncode({ type: 'ERROR', code, message: text, ...(address === undefined ? {} : { address }) });
    if (frame instanceof ClaspEncodeError) frame = tryEncode({ type: 'ERROR', code, message: `${text} (address left out: ${PAYLOAD_LIMIT_TEXT})` });
    if (!(frame instanceof ClaspEncodeError)) session.client.send(frame);
  }
}

function matches(session: Session, address: string, signal: string | undefined, segments: () => AddressSegments): boolean {
  for (const sub of session.subscriptions.values()) {
    if (sub.types !== undefined && signal !== undefined && !sub.types.has(signal)) continue;
    const p = sub.pattern;
    if (p.matchesAll ? address.startsWith('/') : p.exact ? p.source === address : p.matches(segments())) return true;
  }
  return false;
}
