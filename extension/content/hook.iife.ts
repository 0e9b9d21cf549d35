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
 * Named `.iife.ts` so crxjs inlines it as one synchronous script (its async loader would run after the
 * page's first sockets). Every primitive used later is captured now, before the page can replace it.
 */
import type { ClaspDevtoolsEvent, ClaspDevtoolsHook } from '../../src/transport/devtools-hook.js';
import { BlockWriter, MAX_BLOCK_CIDS } from '../shared/frame-block.js';
import { HOOK_ARENA_BYTES, HOOK_ARENA_FRAME_BYTES, HOOK_BATCH_EVENTS, HOOK_FLUSH_MS, MAX_FRAME_BYTES } from '../shared/limits.js';
import { claimChannel, type Direction, type PageDetail, type PageEvent } from '../shared/messages.js';

const HOOK_KEY = '__CLASP_DEVTOOLS_HOOK__';

(() => {
  const win = window;
  if (Object.prototype.hasOwnProperty.call(win, HOOK_KEY)) return;
  const doc = document;
  const root = doc.documentElement;
  if (root === null) return;

  const eventName = claimChannel(root);

  const NativeWS = win.WebSocket;
  const nativeProto = NativeWS.prototype;
  const nativeSend = nativeProto.send;
  const construct = Reflect.construct;
  const defineProperty = Object.defineProperty;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const addListener = EventTarget.prototype.addEventListener;
  const CustomEvt = CustomEvent;
  const AB = ArrayBuffer;
  const isView = ArrayBuffer.isView;
  const abSlice = ArrayBuffer.prototype.slice;
  const U8 = Uint8Array;
  const BlobClass = Blob;
  const blobSlice = Blob.prototype.slice;
  const blobBytes = Blob.prototype.arrayBuffer;
  const later = setTimeout;
  const perfNow = performance.now.bind(performance);
  const timeOrigin = performance.timeOrigin;
  const getter = (name: string) => Object.getOwnPropertyDescriptor(nativeProto, name)?.get;
  const readyStateOf = getter('readyState');
  const urlOf = getter('url');
  const protocolOf = getter('protocol');

  const socketIds = new WeakMap<object, string>();
  const transportToCid = new Map<string, { cid: string; wrapped: boolean }>();
  let seq = 0;
  let nextSocket = 1;
  // The current batch: small binary frames go into the block, everything else is an object whose
  // place a record of the block marks (see frame-block.ts).
  const block = new BlockWriter(HOOK_BATCH_EVENTS, HOOK_ARENA_BYTES);
  let objects: PageEvent[] = [];
  let cids: string[] = [];
  let cidIndex = new Map<string, number>();
  let flushScheduled = false;

  const now = (): number => timeOrigin + perfNow();

  const flush = (): void => {
    flushScheduled = false;
    if (block.count === 0) return;
    const detail: PageDetail = { block: block.take(), cids, events: objects };
    objects = [];
    cids = [];
    cidIndex = new Map();
    dispatch.call(doc, new CustomEvt(eventName, { detail }));
  };

  // Events cross to the relay in batches: one cross-world dispatch per HOOK_FLUSH_MS or per full
  // block, whichever comes first (a dispatch per message costs the page more than the capture
  // itself). pagehide flushes what is left.
  const scheduleFlush = (): void => {
    if (block.count >= HOOK_BATCH_EVENTS) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      later(flush, HOOK_FLUSH_MS);
    }
  };
  const push = (event: PageEvent): void => {
    if (!block.fits(0)) flush();
    block.addObject();
    objects[objects.length] = event; // index writes: the page may have replaced Array.prototype.push
    scheduleFlush();
  };
  addListener.call(win, 'pagehide', flush);

  /** Copies a large payload synchronously (the sender may reuse its buffer), capped at MAX_FRAME_BYTES. */
  const copyBytes = (data: ArrayBuffer | ArrayBufferView): ArrayBuffer => {
    if (data instanceof AB) return abSlice.call(data, 0, MAX_FRAME_BYTES) as ArrayBuffer;
    const take = Math.min(data.byteLength, MAX_FRAME_BYTES);
    return abSlice.call(data.buffer, data.byteOffset, data.byteOffset + take) as ArrayBuffer;
  };

  const frame = (cid: string, dir: Direction, data: unknown): void => {
    const s = ++seq; // order and time are taken now, even when a Blob is read later
    const t = now();
    if (typeof data === 'string') push({ k: 'frame', seq: s, t, cid, dir, text: data, size: data.length });
    else if (data instanceof AB || isView(data)) {
      const size = data.byteLength;
      // Only well-formed frames go into the block; a bad direction (from a transport's report) is
      // forwarded as an object, so the relay refuses and counts it.
      if (size > HOOK_ARENA_FRAME_BYTES || (dir !== 'in' && dir !== 'out')) {
        push({ k: 'frame', seq: s, t, cid, dir, bytes: copyBytes(data), size });
        return;
      }
      if (!block.fits(size) || (cids.length >= MAX_BLOCK_CIDS && !cidIndex.has(cid))) flush();
      let index = cidIndex.get(cid);
      if (index === undefined) {
        index = cids.length;
        cids[index] = cid;
        cidIndex.set(cid, index);
      }
      const bytes = data instanceof AB ? new U8(data) : new U8(data.buffer, data.byteOffset, size);
      block.addBytes(t, s, size, index, dir === 'in' ? 0 : 1, bytes);
      scheduleFlush();
    } else if (data instanceof BlobClass) {
      const size = data.size;
      const part = blobSlice.call(data, 0, MAX_FRAME_BYTES);
      (blobBytes.call(part) as Promise<ArrayBuffer>).then(
        (bytes) => push({ k: 'frame', seq: s, t, cid, dir, bytes, size }),
        (error: unknown) => push({ k: 'error', seq: s, t, cid, message: `Blob frame unreadable: ${String(error)}` }),
      );
    } else {
      // Not a payload type (only a page calling the hook with garbage gets here): forwarded so that
      // the relay refuses it and counts it, instead of dropping it silently here.
      push({ k: 'frame', seq: s, t, cid, dir, size: -1 });
    }
  };

  const observe = (socket: WebSocket, protocols: unknown): string => {
    const cid = `w${nextSocket++}`;
    socketIds.set(socket, cid);
    const list = typeof protocols === 'string' ? [protocols] : Array.isArray(protocols) ? protocols.map(String) : [];
    push({ k: 'conn', seq: ++seq, t: now(), cid, url: String(urlOf?.call(socket) ?? ''), protocols: list, source: 'websocket', attempt: 0 });
    addListener.call(socket, 'open', () => push({ k: 'open', seq: ++seq, t: now(), cid, protocol: String(protocolOf?.call(socket) ?? '') }));
    addListener.call(socket, 'message', (event) => frame(cid, 'in', (event as MessageEvent).data));
    addListener.call(socket, 'close', (event) => {
      const e = event as globalThis.CloseEvent;
      push({ k: 'close', seq: ++seq, t: now(), cid, code: e.code, reason: e.reason, wasClean: e.wasClean });
    });
    return cid;
  };

  const WrappedWebSocket = new Proxy(NativeWS, {
    construct(target, args, newTarget) {
      const socket = construct(target, args, newTarget) as WebSocket;
      observe(socket, args[1]);
      return socket;
    },
  });

  const patched = {
    send(this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const wasOpen = readyStateOf?.call(this) === 1;
      nativeSend.call(this, data as Parameters<WebSocket['send']>[0]); // throws exactly as native (e.g. InvalidStateError while CONNECTING)
      if (!wasOpen) return; // a send on a closing/closed socket never reaches the wire
      const cid = socketIds.get(this) ?? observe(this, undefined);
      frame(cid, 'out', data);
    },
  };
  defineProperty(nativeProto, 'send', { ...Object.getOwnPropertyDescriptor(nativeProto, 'send'), value: patched.send });
  defineProperty(nativeProto, 'constructor', { ...Object.getOwnPropertyDescriptor(nativeProto, 'constructor'), value: WrappedWebSocket });
  defineProperty(win, 'WebSocket', { ...Object.getOwnPropertyDescriptor(win, 'WebSocket'), value: WrappedWebSocket });

  const fromTransport = (event: ClaspDevtoolsEvent): void => {
    const tid = String(event.id);
    const t = typeof event.time === 'number' ? event.time : now();
    if (event.kind === 'connection') {
      const wrappedCid = typeof event.socket === 'object' && event.socket !== null ? socketIds.get(event.socket) : undefined;
      const link = wrappedCid === undefined ? { cid: `t:${tid}`, wrapped: false } : { cid: wrappedCid, wrapped: true };
      transportToCid.set(tid, link);
      const protocols = Array.isArray(event.protocols) ? event.protocols.map(String) : [];
      const base = { k: 'conn', seq: ++seq, t, cid: link.cid, url: String(event.url), protocols, source: String(event.source), attempt: Number(event.attempt) } as const;
      push(event.name === undefined ? base : { ...base, name: String(event.name) });
      return;
    }
    const link = transportToCid.get(tid) ?? { cid: `t:${tid}`, wrapped: false };
    if (event.kind === 'error') push({ k: 'error', seq: ++seq, t, cid: link.cid, message: String(event.message) });
    if (link.wrapped) return; // the wrapper already reports this socket's open, frames and close
    if (event.kind === 'frame') frame(link.cid, event.direction, event.data);
    else if (event.kind === 'open') push({ k: 'open', seq: ++seq, t, cid: link.cid, protocol: String(event.protocol) });
    else if (event.kind === 'close') push({ k: 'close', seq: ++seq, t, cid: link.cid, code: event.code, reason: String(event.reason), wasClean: event.wasClean === true });
  };

  const hook: ClaspDevtoolsHook = {
    version: 1,
    emit(event: ClaspDevtoolsEvent): void {
      try {
        if (typeof event === 'object' && event !== null) fromTransport(event);
      } catch {
        // Contract: emit never throws into the transport. Malformed events are also refused by the relay.
      }
    },
  };
  defineProperty(win, HOOK_KEY, { value: Object.freeze(hook), writable: false, enumerable: false, configurable: false });
})();
