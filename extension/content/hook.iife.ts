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
import { HOOK_ARENA_BYTES, HOOK_ARENA_FRAME_BYTES, HOOK_BATCH_EVENTS, HOOK_FLUSH_MS, MAX_FRAME_BYTES } from '../shared/limits.js';
import { claimChannel, type Direction, type PageEvent } from '../shared/messages.js';

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
  const u8Set = Uint8Array.prototype.set;
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
  let queue: PageEvent[] = [];
  let flushScheduled = false;
  // Small payloads of the current batch, copied back to back; their events get a view at flush.
  const arena = new U8(HOOK_ARENA_BYTES);
  let arenaUsed = 0;
  let arenaEvents: { bytes?: Uint8Array }[] = [];
  let arenaSpans: number[] = []; // offset, length per arena event

  const now = (): number => timeOrigin + perfNow();

  const flush = (): void => {
    flushScheduled = false;
    if (queue.length === 0) return;
    if (arenaEvents.length > 0) {
      // One exact-size copy per batch; the arena itself is reused for the next batch.
      const shared = abSlice.call(arena.buffer, 0, arenaUsed) as ArrayBuffer;
      for (let i = 0; i < arenaEvents.length; i++) arenaEvents[i]!.bytes = new U8(shared, arenaSpans[2 * i]!, arenaSpans[2 * i + 1]!);
      arenaEvents = [];
      arenaSpans = [];
      arenaUsed = 0;
    }
    const detail = queue;
    queue = [];
    dispatch.call(doc, new CustomEvt(eventName, { detail }));
  };

  // Events cross to the relay in batches: one cross-world dispatch per HOOK_FLUSH_MS or per
  // HOOK_BATCH_EVENTS events, whichever comes first (a dispatch per message costs the page more
  // than the capture itself). pagehide flushes what is left.
  const push = (event: PageEvent): void => {
    queue[queue.length] = event;
    if (queue.length >= HOOK_BATCH_EVENTS) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      later(flush, HOOK_FLUSH_MS);
    }
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
      if (size > HOOK_ARENA_FRAME_BYTES) {
        push({ k: 'frame', seq: s, t, cid, dir, bytes: copyBytes(data), size });
        return;
      }
      if (arenaUsed + size > HOOK_ARENA_BYTES) flush(); // the arena is full: this batch goes now
      const off = arenaUsed;
      u8Set.call(arena, data instanceof AB ? new U8(data) : new U8(data.buffer, data.byteOffset, size), off);
      arenaUsed += size;
      // `bytes` is filled in at flush, before the batch leaves this world.
      const event: { k: 'frame'; seq: number; t: number; cid: string; dir: Direction; size: number; bytes?: Uint8Array } = { k: 'frame', seq: s, t, cid, dir, size };
      arenaEvents[arenaEvents.length] = event;
      arenaSpans[arenaSpans.length] = off; // index writes: the page may have replaced Array.prototype.push
      arenaSpans[arenaSpans.length] = size;
      push(event);
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
