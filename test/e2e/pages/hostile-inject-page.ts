/**
 * The page of devtools-hostile-inject.test.ts: the attack script of hostile-page.ts (every function
 * and prototype member the hook could touch replaced, first script of the page), then more traps on
 * what the inject path touches, then one WebSocket used as an app would.
 *
 * The extra traps log every call they see into `window.injectTraps` (an array with no prototype, so
 * logging reaches no setter): `Object.prototype` accessors named like the fields of an inject, its
 * answer and its traffic event, `WeakRef.prototype.deref`, `Map` methods, `CustomEvent.prototype.detail`,
 * `EventTarget` methods, `ArrayBuffer` and `WebSocket` getters, the descriptor and apply helpers,
 * timers, JSON and base64. The page's own replaced `WebSocket.prototype.send` logs into
 * `window.pageSends`. A hostile page can also author its own `<html>` attributes: `htmlAttributes`
 * (the handshake attribute of extension/shared/messages.ts with a value the page knows) is written
 * into the served markup.
 */
import { hostilePageHtml } from './hostile-page.js';

/**
 * Fields trapped with accessors on `Object.prototype`: those of an inject, its answer and its
 * traffic event; `value` last (a descriptor's field: any accessor defined after it would be refused
 * as mixing a value and accessors).
 */
export const TRAPPED_FIELDS: readonly string[] = ['id', 'cid', 'bytes', 'text', 'ok', 'error', 'buffered', 'doc', 'replay', 'dir', 'size', 't', 'data', 'type', 'value'];

/** Traps installed after the attack script of hostile-page.ts; `fields`: TRAPPED_FIELDS. */
function injectTraps(fields: readonly string[]): void {
  const w = window as unknown as Record<string, unknown>;
  // Reflect.defineProperty/setPrototypeOf: the attack script replaced Object's (its spy would look at
  // Object.prototype, take it for one of the hook's event objects and write a `text` field on it).
  const define = (target: object, key: PropertyKey, desc: PropertyDescriptor): void => {
    if (!Reflect.defineProperty(target, key, desc)) throw new TypeError(`cannot trap ${String(key)}`);
  };
  const log: string[] = [];
  Reflect.setPrototypeOf(log, null);
  const pageSends: string[] = [];
  Reflect.setPrototypeOf(pageSends, null);
  w['injectTraps'] = log;
  w['pageSends'] = pageSends;
  const describe = Object.getOwnPropertyDescriptor;
  const rApply = Reflect.apply;
  let busy = false;
  const note = (label: string): void => {
    if (busy) return;
    busy = true;
    log[log.length] = label;
    busy = false;
  };
  const wrapMethod = (owner: object, name: PropertyKey, label: string): void => {
    const desc = describe(owner, name);
    if (desc === undefined || typeof desc.value !== 'function') return;
    const original = desc.value as (...a: unknown[]) => unknown;
    define(owner, name, {
      ...desc,
      value: function (this: unknown, ...args: unknown[]) {
        note(label);
        return rApply(original, this, args);
      },
    });
  };
  const wrapGetter = (proto: object, name: string, label: string): void => {
    const desc = describe(proto, name);
    if (desc?.get === undefined) return;
    const original = desc.get;
    define(proto, name, {
      ...desc,
      get: function (this: unknown) {
        note(label);
        return rApply(original, this, []);
      },
    });
  };
  const trap = (name: string): void => {
    define(Object.prototype, name, {
      configurable: true,
      get(this: unknown) {
        note(`Object.prototype.${name} get`);
        return undefined;
      },
      set(this: unknown, v: unknown) {
        note(`Object.prototype.${name} set`);
        define(this as object, name, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  };

  // The page watches its own sends (what the extension sends must not pass here).
  const send = describe(WebSocket.prototype, 'send')!.value as (data: unknown) => void;
  define(WebSocket.prototype, 'send', {
    ...describe(WebSocket.prototype, 'send')!,
    value: function (this: WebSocket, data: unknown) {
      pageSends[pageSends.length] = typeof data === 'string' ? data : 'binary';
      return rApply(send, this, [data]);
    },
  });
  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const methods: [object, string, string[]][] = [
    [WeakRef.prototype, 'WeakRef', ['deref']],
    [Map.prototype, 'Map', ['get', 'set', 'has', 'delete']],
    [WeakMap.prototype, 'WeakMap', ['get', 'set', 'has']],
    [EventTarget.prototype, 'EventTarget', ['addEventListener', 'dispatchEvent']],
    [ArrayBuffer.prototype, 'ArrayBuffer', ['slice']],
    [typedArrayProto, 'TypedArray', ['set', 'subarray']],
    [String.prototype, 'String', ['concat', 'slice', 'toString']],
    [Number.prototype, 'Number', ['toString', 'valueOf']],
    [Array.prototype, 'Array', ['push']],
    [Object, 'Object', ['getOwnPropertyDescriptor', 'setPrototypeOf', 'freeze', 'defineProperty']],
    [Reflect, 'Reflect', ['apply', 'construct']],
    [JSON, 'JSON', ['stringify', 'parse']],
    [window, 'window', ['setTimeout', 'queueMicrotask', 'atob', 'btoa', 'structuredClone']],
    [Performance.prototype, 'Performance', ['now']],
    [Crypto.prototype, 'Crypto', ['randomUUID']],
  ];
  for (const [owner, label, names] of methods) for (const name of names) wrapMethod(owner, name, `${label}.${name}`);
  const getters: [object, string, string[]][] = [
    [CustomEvent.prototype, 'CustomEvent', ['detail']],
    [Event.prototype, 'Event', ['type', 'target']],
    [ArrayBuffer.prototype, 'ArrayBuffer', ['byteLength']],
    [WebSocket.prototype, 'WebSocket', ['readyState', 'bufferedAmount', 'url']],
  ];
  for (const [proto, label, names] of getters) for (const name of names) wrapGetter(proto, name, `${label}.${name}`);
  for (const name of fields) trap(name);
}

/** What the page then does with its sockets (after the traps). */
function useSockets(url: string): void {
  const w = window as unknown as Record<string, unknown>;
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  w['ws'] = ws;
  w['opened'] = new Promise<void>((resolve) => {
    ws.onopen = () => {
      ws.send('page-hello');
      resolve();
    };
  });
  /** Opens a second socket, waits until it is closed again. */
  w['openAndClose'] = () =>
    new Promise<void>((resolve) => {
      const other = new WebSocket(`${url}?second`);
      other.onopen = () => other.close(1000, 'done');
      other.onclose = () => resolve();
    });
}

/**
 * The HTML of the page; `wsUrl` is the recording server.
 * @param htmlAttributes attributes (name → value) the page's own markup puts on `<html>`.
 */
export function hostileInjectPageHtml(wsUrl: string, htmlAttributes: Readonly<Record<string, string>> = {}): string {
  // The attack script is hostile-page.ts's first script, as that page serves it.
  const attack = /<script>[\s\S]*?<\/script>/.exec(hostilePageHtml(wsUrl))?.[0];
  if (attack === undefined) throw new Error('hostile-page.ts serves no script');
  const attrs = Object.entries(htmlAttributes)
    .map(([name, value]) => ` ${name}="${value.replace(/[&"<]/g, (c) => `&#${c.charCodeAt(0)};`)}"`)
    .join('');
  return `<!doctype html><html${attrs}><meta charset="utf-8"><title>hostile inject</title>
${attack}
<script>(${injectTraps.toString()})(${JSON.stringify(TRAPPED_FIELDS)});</script>
<script>(${useSockets.toString()})(${JSON.stringify(wsUrl)});</script></html>`;
}
