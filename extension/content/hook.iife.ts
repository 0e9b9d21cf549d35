/**
 * MAIN-world content script, `document_start`, every frame (about:blank and srcdoc included).
 * Hop: page WebSocket / CLASP transport → [this file] → CustomEvent on a per-document secret name →
 * relay.iife.ts (ISOLATED world).
 *
 * It does two things before any page script runs:
 * - wraps `WebSocket` (a construct-trap Proxy around the native class plus a `send` wrapper) so every
 *   socket's messages are seen, with no change of behaviour: same exceptions, statics, `instanceof`,
 *   `constructor`, listener order;
 * - installs `__CLASP_DEVTOOLS_HOOK__` (contract in src/transport/devtools-hook.ts) so a CLASP transport
 *   can name its connections and report events. A wrapped socket stays the authority for its frames:
 *   the transport's frame events for that socket are dropped, so nothing is listed twice.
 *
 * The page shares this world and runs after this script: it may replace any global or prototype
 * method (`Function.prototype.call`, `EventTarget.prototype.dispatchEvent`, `CustomEvent`, typed
 * array getters, `Promise.prototype.then`, `Map.prototype.set`, setters on `Array.prototype` or
 * `Object.prototype`…) to read the secret event name or to slip forged events into a batch. So every
 * function used after install is captured now and called through the saved `Reflect.apply`; every
 * object handed to a native API that reads options has no prototype; and the arrays a batch is
 * built in have no prototype either. Events the page dispatches itself (`isTrusted` false) are
 * never taken for traffic: a `message` is listed marked `page`, an `open` or `close` becomes a marked
 * error that changes no connection's state.
 *
 * What is kept of a frame: its real size always; its first DISPLAY_FRAME_BYTES bytes (or
 * DISPLAY_TEXT_CHARS code units) while full capture is off, MAX_FRAME_BYTES / MAX_TEXT_CHARS while
 * the panel turned it on. Nothing beyond that is copied or forwarded.
 *
 * Named `.iife.ts` so crxjs inlines it as one synchronous script (its async loader would run after the
 * page's first sockets).
 */
import type { ClaspDevtoolsEvent, ClaspDevtoolsHook } from '../../src/transport/devtools-hook.js';
import { BlockWriter, MAX_BLOCK_CIDS } from '../shared/frame-block.js';
import {
  DISPLAY_FRAME_BYTES,
  DISPLAY_TEXT_CHARS,
  HOOK_ARENA_BYTES,
  HOOK_ARENA_FRAME_BYTES,
  HOOK_BATCH_BYTES,
  HOOK_BATCH_EVENTS,
  HOOK_FLUSH_MS,
  MAX_FRAME_BYTES,
  MAX_INJECT_FRAMES,
  MAX_PROTOCOLS,
  MAX_TEXT_CHARS,
} from '../shared/limits.js';
import type { InjectResult } from '../shared/inject.js';
import { agreeChannel, CONFIG_SUFFIX, INJECT_SUFFIX, INJECTED_SUFFIX, type FrameDirection, type PageDetail, type PageEvent } from '../shared/messages.js';

const HOOK_KEY = '__CLASP_DEVTOOLS_HOOK__';

(() => {
  const win = window;
  const apply = Reflect.apply;
  const construct = Reflect.construct;
  const defineProperty = Object.defineProperty;
  const describe = Object.getOwnPropertyDescriptor;
  const setPrototypeOf = Object.setPrototypeOf;
  const freeze = Object.freeze;
  if (apply(Object.prototype.hasOwnProperty, win, [HOOK_KEY])) return;
  const doc = document;

  /** The per-document secret event name; '' until the relay and this hook agreed on it (see the end). */
  let eventName = '';

  /** The getter of an accessor on a prototype, captured now. */
  const getterOf = (proto: object, name: string): (() => unknown) => {
    const get = describe(proto, name)?.get;
    if (get === undefined) throw new TypeError(`no getter ${name}`);
    return get as () => unknown;
  };
  const NO_ARGS: readonly never[] = freeze([]);
  const NativeWS = win.WebSocket;
  const nativeProto = NativeWS.prototype;
  const nativeSend = nativeProto.send;
  const readyStateOf = getterOf(nativeProto, 'readyState');
  const bufferedOf = getterOf(nativeProto, 'bufferedAmount');
  const binaryTypeOf = getterOf(nativeProto, 'binaryType');
  const NativeMessageEvent = MessageEvent;
  const NativeBlob = Blob;
  const NativeURL = URL;
  const originOf = getterOf(URL.prototype, 'origin');
  const urlOf = getterOf(nativeProto, 'url');
  const protocolOf = getterOf(nativeProto, 'protocol');
  const dispatch = EventTarget.prototype.dispatchEvent;
  const addListener = EventTarget.prototype.addEventListener;
  const CustomEvt = CustomEvent;
  const detailOf = getterOf(CustomEvent.prototype, 'detail');
  const dataOf = getterOf(MessageEvent.prototype, 'data');
  const codeOf = getterOf(CloseEvent.prototype, 'code');
  const reasonOf = getterOf(CloseEvent.prototype, 'reason');
  const wasCleanOf = getterOf(CloseEvent.prototype, 'wasClean');
  const AB = ArrayBuffer;
  const U8 = Uint8Array;
  const u8Set = Uint8Array.prototype.set;
  const isView = ArrayBuffer.isView;
  const abLength = getterOf(AB.prototype, 'byteLength');
  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const taBuffer = getterOf(typedArrayProto, 'buffer');
  const taOffset = getterOf(typedArrayProto, 'byteOffset');
  const taLength = getterOf(typedArrayProto, 'byteLength');
  const dvBuffer = getterOf(DataView.prototype, 'buffer');
  const dvOffset = getterOf(DataView.prototype, 'byteOffset');
  const dvLength = getterOf(DataView.prototype, 'byteLength');
  const blobSize = getterOf(Blob.prototype, 'size');
  const blobSlice = Blob.prototype.slice;
  const blobBytes = Blob.prototype.arrayBuffer;
  const promiseThen = Promise.prototype.then;
  const strSlice = String.prototype.slice;
  const NativeString = String;
  const isArray = Array.isArray;
  const NativeMap = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const mapHas = Map.prototype.has;
  const mapDelete = Map.prototype.delete;
  const NativeWeakRef = WeakRef;
  const deref = WeakRef.prototype.deref;
  const NativeWeakMap = WeakMap;
  const weakGet = WeakMap.prototype.get;
  const weakSet = WeakMap.prototype.set;
  const later = setTimeout;
  const perfNow = performance.now.bind(performance);
  const timeOrigin = performance.timeOrigin;

  /** An array with no prototype: index writes and reads never reach a setter the page defined. */
  const newList = <T>(): T[] => {
    const list: T[] = [];
    setPrototypeOf(list, null);
    return list;
  };
  const append = <T>(list: T[], item: T): void => {
    list[list.length] = item;
  };

  const socketIds = new NativeWeakMap<object, string>();
  /** Open wrapped sockets by connection id, for replay into the page (inject); weak, never kept alive. */
  const socketsByCid = new NativeMap<string, WeakRef<WebSocket>>();
  const transportToCid = new NativeMap<string, { cid: string; wrapped: boolean }>();
  let seq = 0;
  let nextSocket = 1;
  let full = false;
  // The current batch: small binary frames go into the block, everything else is an object whose
  // place a record of the block marks (see frame-block.ts).
  const block = new BlockWriter(HOOK_BATCH_EVENTS, HOOK_ARENA_BYTES);
  let objects = newList<PageEvent>();
  let cids = newList<string>();
  let cidIndex = new NativeMap<string, number>();
  /** Connection of the last frame put in the current block, and its index there ('' after a flush). */
  let lastCid = '';
  let lastIndex = 0;
  let batchBytes = 0;
  let flushScheduled = false;

  const now = (): number => timeOrigin + perfNow();

  const flush = (): void => {
    flushScheduled = false;
    if (block.count === 0) return;
    const detail: PageDetail = { block: block.take(), cids, events: objects };
    objects = newList();
    cids = newList();
    cidIndex = new NativeMap();
    lastCid = '';
    batchBytes = 0;
    const init = { bubbles: false, cancelable: false, composed: false, detail };
    setPrototypeOf(init, null); // the constructor reads its options: none may come from Object.prototype
    // No channel yet means no relay in this document to take the batch (and no page script has run).
    if (eventName !== '') apply(dispatch, doc, [new CustomEvt(eventName, init)]);
  };

  // Events cross to the relay in batches: one cross-world dispatch per HOOK_FLUSH_MS, per full
  // block or per HOOK_BATCH_BYTES of payload, whichever comes first (a dispatch per message costs
  // the page more than the capture itself). pagehide flushes what is left.
  const scheduleFlush = (): void => {
    if (block.count >= HOOK_BATCH_EVENTS || batchBytes >= HOOK_BATCH_BYTES) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      later(flush, HOOK_FLUSH_MS);
    }
  };
  const push = (event: PageEvent, bytes = 0): void => {
    if (!block.fits(0)) flush();
    block.addObject();
    append(objects, event);
    batchBytes += bytes;
    scheduleFlush();
  };
  apply(addListener, win, ['pagehide', flush]);
  // Full capture on/off from the relay (only the relay knows this name).
  const onConfig = (event: Event): void => {
    try {
      const on = apply(detailOf, event, NO_ARGS);
      if (typeof on === 'boolean') full = on;
    } catch {
      // not a CustomEvent: ignored
    }
  };

  // The binary payload last read by binaryOf (module slots, not an object per frame); reset to
  // EMPTY once copied, so the hook never keeps a page's buffer alive.
  const EMPTY = new AB(0);
  let payloadBuffer: ArrayBuffer = EMPTY;
  let payloadOffset = 0;
  let payloadLength = 0;
  /** Reads an ArrayBuffer or view through the captured getters. @returns false for anything else. */
  const binaryOf = (data: unknown): boolean => {
    if (typeof data !== 'object' || data === null) return false;
    if (isView(data)) {
      try {
        payloadBuffer = apply(taBuffer, data, NO_ARGS) as ArrayBuffer;
        payloadOffset = apply(taOffset, data, NO_ARGS) as number;
        payloadLength = apply(taLength, data, NO_ARGS) as number;
      } catch {
        payloadBuffer = apply(dvBuffer, data, NO_ARGS) as ArrayBuffer; // a DataView
        payloadOffset = apply(dvOffset, data, NO_ARGS) as number;
        payloadLength = apply(dvLength, data, NO_ARGS) as number;
      }
      return true;
    }
    try {
      payloadLength = apply(abLength, data, NO_ARGS) as number; // throws unless a real ArrayBuffer
    } catch {
      return false;
    }
    payloadBuffer = data as ArrayBuffer;
    payloadOffset = 0;
    return true;
  };

  /** Copies the first `take` bytes of the payload binaryOf read (the sender may reuse its buffer). */
  const copyPayload = (take: number): ArrayBuffer => {
    const out = new AB(take);
    apply(u8Set, new U8(out), [new U8(payloadBuffer, payloadOffset, take), 0]);
    payloadBuffer = EMPTY;
    return out;
  };

  /** A page-dispatched (PAGE) or replayed (REPLAY) event gets its flag; everything else is traffic (NONE). */
  const NONE = 0;
  const PAGE = 1;
  const REPLAY = 2;
  type Mark = typeof NONE | typeof PAGE | typeof REPLAY;
  const marked = <E extends PageEvent>(event: E, mark: Mark): E => (mark === PAGE ? { ...event, page: true } : mark === REPLAY ? { ...event, replay: true } : event);

  const frame = (cid: string, dir: FrameDirection, data: unknown, mark: Mark): void => {
    const s = ++seq; // order and time are taken now, even when a Blob is read later
    const t = now();
    const frameCap = full ? MAX_FRAME_BYTES : DISPLAY_FRAME_BYTES;
    if (typeof data === 'string') {
      const cap = full ? MAX_TEXT_CHARS : DISPLAY_TEXT_CHARS;
      // Cut here, not in the relay: the cross-world clone then copies only what is kept.
      const text = data.length > cap ? (apply(strSlice, data, [0, cap]) as string) : data;
      const event = { k: 'frame', seq: s, t, cid, dir, text, size: data.length } as const;
      push(marked(event, mark), text.length * 2);
    } else if (binaryOf(data)) {
      const size = payloadLength;
      // Only well-formed frames go into the block; a bad direction (from a transport's report) is
      // forwarded as an object, so the relay refuses and counts it. Page-dispatched and replayed ones carry a flag.
      if (size > HOOK_ARENA_FRAME_BYTES || (dir !== 'in' && dir !== 'out') || mark !== NONE) {
        const take = size < frameCap ? size : frameCap;
        const bytes = copyPayload(take);
        const event = { k: 'frame', seq: s, t, cid, dir, bytes, size } as const;
        push(marked(event, mark), take);
        return;
      }
      if (!block.fits(size) || (cids.length >= MAX_BLOCK_CIDS && cid !== lastCid && !apply(mapHas, cidIndex, [cid]))) flush();
      // Most frames of a batch are on the socket of the frame before: no map lookup for them.
      let index = cid === lastCid ? lastIndex : (apply(mapGet, cidIndex, [cid]) as number | undefined);
      if (index === undefined) {
        index = cids.length;
        append(cids, cid);
        apply(mapSet, cidIndex, [cid, index]);
      }
      lastCid = cid;
      lastIndex = index;
      block.addBytes(t, s, size, index, dir === 'in' ? 0 : 1, new U8(payloadBuffer, payloadOffset, size), size);
      payloadBuffer = EMPTY;
      scheduleFlush();
    } else if (isBlob(data)) {
      const size = apply(blobSize, data, NO_ARGS) as number;
      const part = apply(blobSlice, data, [0, frameCap]) as Blob;
      let settled = false; // a page cannot call these twice through a replaced `then`: it never sees them
      apply(promiseThen, apply(blobBytes, part, NO_ARGS), [
        (bytes: ArrayBuffer) => {
          if (settled) return;
          settled = true;
          const event = { k: 'frame', seq: s, t, cid, dir, bytes, size } as const;
          push(marked(event, mark), apply(abLength, bytes, NO_ARGS) as number);
        },
        () => {
          if (settled) return;
          settled = true;
          push({ k: 'error', seq: s, t, cid, message: 'Blob frame unreadable' });
        },
      ]);
    } else {
      // Not a payload type (only a page calling the hook with garbage gets here): forwarded so that
      // the relay refuses it and counts it, instead of dropping it silently here.
      push({ k: 'frame', seq: s, t, cid, dir, size: -1 });
    }
  };

  const isBlob = (data: unknown): data is Blob => {
    if (typeof data !== 'object' || data === null) return false;
    try {
      apply(blobSize, data, NO_ARGS);
      return true;
    } catch {
      return false;
    }
  };

  /** Subprotocol names from the page's argument, as strings (at most MAX_PROTOCOLS). */
  const protocolList = (protocols: unknown): string[] => {
    const list = newList<string>();
    if (typeof protocols === 'string') append(list, protocols);
    else if (isArray(protocols)) {
      const n = protocols.length < MAX_PROTOCOLS ? protocols.length : MAX_PROTOCOLS;
      for (let i = 0; i < n; i++) append(list, NativeString(protocols[i]));
    }
    return list;
  };

  /** What a page-dispatched `open` or `close` event becomes: a marked error, no state change. */
  const pageDispatched = (cid: string, what: string, detail = ''): void => {
    push({ k: 'error', seq: ++seq, t: now(), cid, message: `the page dispatched a '${what}' event${detail} on this socket itself (not from the network)`, page: true });
  };

  /** The `message` event the hook is dispatching for a replay into the page (compared by identity). */
  let replayedEvent: Event | null = null;

  const onMessage = (cid: string, event: Event): void => {
    if (event === replayedEvent) {
      frame(cid, 'in', apply(dataOf, event, NO_ARGS), REPLAY);
      return;
    }
    const page = event.isTrusted !== true; // an own, unforgeable property of every Event
    let data: unknown;
    try {
      data = apply(dataOf, event, NO_ARGS);
    } catch {
      pageDispatched(cid, 'message'); // a plain Event named 'message'
      return;
    }
    frame(cid, 'in', data, page ? PAGE : NONE);
  };

  const onClose = (cid: string, event: Event): void => {
    if (event.isTrusted === true) apply(mapDelete, socketsByCid, [cid]);
    if (event.isTrusted !== true) {
      let detail = '';
      try {
        detail = ` (code ${apply(codeOf, event, NO_ARGS) as number})`;
      } catch {
        // a plain Event named 'close'
      }
      pageDispatched(cid, 'close', detail);
      return;
    }
    push({
      k: 'close',
      seq: ++seq,
      t: now(),
      cid,
      code: apply(codeOf, event, NO_ARGS) as number,
      reason: apply(reasonOf, event, NO_ARGS) as string,
      wasClean: apply(wasCleanOf, event, NO_ARGS) as boolean,
    });
  };

  const observe = (socket: WebSocket, protocols: unknown): string => {
    const cid = `w${nextSocket++}`;
    apply(weakSet, socketIds, [socket, cid]);
    apply(mapSet, socketsByCid, [cid, new NativeWeakRef(socket)]);
    let list: string[];
    try {
      list = protocolList(protocols);
    } catch {
      list = newList(); // the native constructor already accepted them; a second read may throw
    }
    push({ k: 'conn', seq: ++seq, t: now(), cid, url: apply(urlOf, socket, NO_ARGS) as string, protocols: list, source: 'websocket', attempt: 0 });
    apply(addListener, socket, [
      'open',
      (event: Event) => {
        if (event.isTrusted !== true) pageDispatched(cid, 'open');
        else push({ k: 'open', seq: ++seq, t: now(), cid, protocol: apply(protocolOf, socket, NO_ARGS) as string });
      },
    ]);
    apply(addListener, socket, ['message', (event: Event) => onMessage(cid, event)]);
    apply(addListener, socket, ['close', (event: Event) => onClose(cid, event)]);
    return cid;
  };

  const handler: ProxyHandler<typeof WebSocket> = {
    construct(target, args, newTarget) {
      const socket = construct(target, args, newTarget) as WebSocket;
      observe(socket, args.length > 1 ? args[1] : undefined);
      return socket;
    },
  };
  setPrototypeOf(handler, null); // every other trap is looked up on the handler: none may come from Object.prototype
  const WrappedWebSocket = new Proxy(NativeWS, handler);

  const patched = {
    send(this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const wasOpen = apply(readyStateOf, this, NO_ARGS) === 1;
      apply(nativeSend, this, [data]); // throws exactly as native (e.g. InvalidStateError while CONNECTING)
      if (!wasOpen) return; // a send on a closing/closed socket never reaches the wire
      const cid = (apply(weakGet, socketIds, [this]) as string | undefined) ?? observe(this, undefined);
      frame(cid, 'out', data, NONE);
    },
  };
  defineProperty(nativeProto, 'send', { ...describe(nativeProto, 'send'), value: patched.send });
  defineProperty(nativeProto, 'constructor', { ...describe(nativeProto, 'constructor'), value: WrappedWebSocket });
  defineProperty(win, 'WebSocket', { ...describe(win, 'WebSocket'), value: WrappedWebSocket });

  // Replay into the page (deep mode, see shared/inject.ts): only the relay knows this event name.
  // The detail is the relay's object cloned into this world: only its own data properties are read.
  const own = (object: object, key: string): unknown => describe(object, key)?.value;
  const answer = (result: InjectResult): void => {
    const init = { bubbles: false, cancelable: false, composed: false, detail: result };
    setPrototypeOf(init, null);
    apply(dispatch, doc, [new CustomEvt(eventName + INJECTED_SUFFIX, init)]);
  };
  /**
   * Delivers `data` to the page on `socket` as the server would: a `message` event (a Blob when the
   * socket's binaryType is `blob`) whose listeners run now, the hook's first.
   */
  const deliver = (socket: WebSocket, data: ArrayBuffer | string): void => {
    const payload = typeof data === 'string' || apply(binaryTypeOf, socket, NO_ARGS) !== 'blob' ? data : new NativeBlob([data]);
    let origin = '';
    try {
      origin = apply(originOf, new NativeURL(apply(urlOf, socket, NO_ARGS) as string), NO_ARGS) as string;
    } catch {
      // an unparsable URL cannot belong to an open socket; no origin then
    }
    const init = { data: payload, origin };
    setPrototypeOf(init, null);
    const event = new NativeMessageEvent('message', init);
    replayedEvent = event;
    try {
      apply(dispatch, socket, [event]); // a listener's exception is reported by the browser, not thrown here
    } finally {
      replayedEvent = null;
    }
  };

  /**
   * Sends `frames` on socket `cid` in order (`out`), or delivers them to the page (`in`), stopping at
   * the first one that cannot go; no frames is a probe that does nothing. Says what happened.
   */
  const inject = (id: string, cid: string, frames: readonly (ArrayBuffer | string)[], toPage: boolean): InjectResult => {
    const ref = apply(mapGet, socketsByCid, [cid]) as WeakRef<WebSocket> | undefined;
    const socket = ref === undefined ? undefined : (apply(deref, ref, NO_ARGS) as WebSocket | undefined);
    if (socket === undefined) return { id, ok: false, error: `no open socket ${cid} in this document`, buffered: 0, sent: 0 };
    let sent = 0;
    for (;;) {
      // Checked before every frame: a page listener may close the socket while a frame is delivered,
      // and a send on a closing socket would be dropped by the browser without an error.
      const state = apply(readyStateOf, socket, NO_ARGS) as number;
      if (state !== 1) return { id, ok: false, error: `socket ${cid} is not open (readyState ${state})`, buffered: 0, sent };
      if (sent === frames.length) break;
      const data = frames[sent]!;
      if (toPage) deliver(socket, data);
      else {
        try {
          apply(nativeSend, socket, [data]); // the captured native send: a page's replaced `send` never runs
        } catch {
          return { id, ok: false, error: `the browser refused the frame on socket ${cid}`, buffered: 0, sent };
        }
        frame(cid, 'out', data, REPLAY);
      }
      sent += 1;
    }
    return { id, ok: true, error: '', buffered: apply(bufferedOf, socket, NO_ARGS) as number, sent };
  };
  const onInject = (event: Event): void => {
    let raw: unknown;
    try {
      raw = apply(detailOf, event, NO_ARGS);
    } catch {
      return; // not a CustomEvent
    }
    if (typeof raw !== 'object' || raw === null) return;
    const id = own(raw, 'id');
    const cid = own(raw, 'cid');
    const list = own(raw, 'frames');
    const toPage = own(raw, 'dir') === 'in';
    if (typeof id !== 'string' || typeof cid !== 'string') return;
    // The relay's array, cloned into this world: only its own elements are read, into a list of ours.
    const frames = newList<ArrayBuffer | string>();
    const count = isArray(list) ? (own(list as object, 'length') as number) : -1;
    if (!(count >= 0 && count <= MAX_INJECT_FRAMES)) return answer({ id, ok: false, error: 'bad frames', buffered: 0, sent: 0 });
    for (let i = 0; i < count; i++) {
      const data = own(list as object, NativeString(i));
      if (typeof data !== 'string') {
        try {
          apply(abLength, data, NO_ARGS); // throws unless a real ArrayBuffer
        } catch {
          return answer({ id, ok: false, error: 'bad payload', buffered: 0, sent: 0 });
        }
      }
      append(frames, data as ArrayBuffer | string);
    }
    answer(inject(id, cid, frames, toPage));
  };

  const fromTransport = (event: ClaspDevtoolsEvent): void => {
    const tid = NativeString(event.id);
    const t = typeof event.time === 'number' ? event.time : now();
    if (event.kind === 'connection') {
      const wrappedCid = typeof event.socket === 'object' && event.socket !== null ? (apply(weakGet, socketIds, [event.socket]) as string | undefined) : undefined;
      const link = wrappedCid === undefined ? { cid: `t:${tid}`, wrapped: false } : { cid: wrappedCid, wrapped: true };
      apply(mapSet, transportToCid, [tid, link]);
      const base = { k: 'conn', seq: ++seq, t, cid: link.cid, url: NativeString(event.url), protocols: protocolList(event.protocols), source: NativeString(event.source), attempt: Number(event.attempt) } as const;
      push(event.name === undefined ? base : { ...base, name: NativeString(event.name) });
      return;
    }
    const link = (apply(mapGet, transportToCid, [tid]) as { cid: string; wrapped: boolean } | undefined) ?? { cid: `t:${tid}`, wrapped: false };
    if (event.kind === 'error') push({ k: 'error', seq: ++seq, t, cid: link.cid, message: NativeString(event.message) });
    else if (event.kind !== 'frame' && event.kind !== 'open' && event.kind !== 'close') throw new TypeError('unknown kind');
    if (link.wrapped) return; // the wrapper already reports this socket's open, frames and close
    if (event.kind === 'frame') frame(link.cid, event.direction, event.data, NONE);
    else if (event.kind === 'open') push({ k: 'open', seq: ++seq, t, cid: link.cid, protocol: NativeString(event.protocol) });
    else if (event.kind === 'close') push({ k: 'close', seq: ++seq, t, cid: link.cid, code: event.code, reason: NativeString(event.reason), wasClean: event.wasClean === true });
  };

  const hook: ClaspDevtoolsHook = {
    version: 1,
    emit(event: ClaspDevtoolsEvent): void {
      try {
        if (typeof event !== 'object' || event === null) throw new TypeError('not an event');
        fromTransport(event);
      } catch {
        // Contract: emit never throws into the transport. A malformed event (not an object, a
        // throwing getter, a field of the wrong type) still reaches the relay as an event it
        // refuses, so it is counted among the rejected ones.
        push({ k: 'frame', seq: ++seq, t: now(), cid: 'emit', dir: 'in', size: -1 });
      }
    },
  };
  defineProperty(win, HOOK_KEY, { value: freeze(hook), writable: false, enumerable: false, configurable: false });

  // Last, once everything above exists: the relay may already be waiting, and then the channel is
  // agreed during this call. The document's functions are still the browser's here (no page script
  // has run), but the captured ones are used all the same.
  const removeListener = EventTarget.prototype.removeEventListener;
  agreeChannel(
    {
      addEventListener: (type, listener) => apply(addListener, doc, [type, listener]),
      removeEventListener: (type, listener) => apply(removeListener, doc, [type, listener]),
      dispatchEvent: (event) => apply(dispatch, doc, [event]) as boolean,
    },
    (name) => {
      eventName = name;
      apply(addListener, doc, [name + CONFIG_SUFFIX, onConfig]);
      apply(addListener, doc, [name + INJECT_SUFFIX, onInject]);
    },
    (type, detail) => {
      const init = { bubbles: false, cancelable: false, composed: false, detail };
      setPrototypeOf(init, null);
      return new CustomEvt(type, init);
    },
    (event) => apply(detailOf, event, NO_ARGS),
  );
})();
