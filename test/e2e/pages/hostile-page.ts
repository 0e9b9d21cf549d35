/**
 * The page of devtools-hostile-page.test.ts, served as one HTML document whose FIRST script (right
 * after the extension's hook, before anything else of the page) replaces every function and
 * prototype member the hook could touch: `Function.prototype.call/apply/bind`, `Reflect.apply`,
 * `EventTarget.prototype.dispatchEvent/addEventListener`, `CustomEvent` (constructor, prototype's
 * `detail`), `ArrayBuffer`/typed array/DataView methods and getters, `Blob` methods,
 * `MessageEvent`/`CloseEvent` getters, `Promise.prototype.then`, `Map`/`WeakMap` methods,
 * `Array.prototype` methods, iterator and index setters, `Object.prototype` getters for the options
 * of event constructors and proxy traps, `String.prototype.slice`, `Object.defineProperty`/
 * `setPrototypeOf`.
 *
 * Each replacement looks at its receiver and arguments for the secret event name (any string or
 * event type starting with `clasp-devtools:`) or for the hook's own batch objects; whatever it finds
 * goes to `window.leaks`, and with a name it dispatches forged batches (text `FORGED`, a fake close).
 * Then the page uses one WebSocket as an app would, and dispatches untrusted `message` and `close`
 * events on it.
 */

/** The attack script, run as the page's first script. */
function attack(): void {
  const w = window as unknown as Record<string, unknown>;
  const leaks: string[] = [];
  const forgedNames = new Set<string>();
  const stats = { calls: 0 };
  w['leaks'] = leaks;
  w['attackStats'] = stats;
  const R = Reflect;
  const rApply = R.apply;
  const rConstruct = R.construct;
  const define = Object.defineProperty;
  const describe = Object.getOwnPropertyDescriptor;
  const OrigCustomEvent = CustomEvent;
  const origDispatch = EventTarget.prototype.dispatchEvent;
  const typeOf = describe(Event.prototype, 'type')!.get!;
  let busy = false;

  const forge = (name: string): void => {
    if (forgedNames.has(name)) return;
    forgedNames.add(name);
    const event = { k: 'frame', seq: 1, t: Date.now(), cid: 'w1', dir: 'in', text: 'FORGED', size: 6 };
    const close = { k: 'close', seq: 2, t: Date.now(), cid: 'w1', code: 1000, reason: 'FORGED', wasClean: true };
    const block = new ArrayBuffer(8 + 48);
    new Uint32Array(block, 0, 1)[0] = 2;
    new Uint8Array(block)[8 + 23] = 1;
    new Uint8Array(block)[8 + 24 + 23] = 1;
    rApply(origDispatch, document, [new OrigCustomEvent(name, { detail: { block, cids: [], events: [event, close] } })]);
  };
  // Looks at one value the hook may have handed to a replaced function.
  const inspect = (where: string, value: unknown): void => {
    try {
      if (typeof value === 'string' && value.includes('clasp-devtools:')) {
        leaks.push(`${where}: string ${value}`);
        forge(value);
      } else if (value instanceof Event) {
        const type = rApply(typeOf, value, []) as string;
        if (type.includes('clasp-devtools:')) {
          leaks.push(`${where}: event ${type}`);
          forge(type);
        }
      } else if (typeof value === 'object' && value !== null) {
        const o = value as Record<string, unknown>;
        const own = (key: string): boolean => describe(o, key) !== undefined;
        if (own('block') && own('cids') && own('events')) {
          leaks.push(`${where}: a batch`);
          const list = o['events'] as unknown[];
          list[list.length] = { k: 'frame', seq: 9, t: 1, cid: 'w1', dir: 'in', text: 'FORGED', size: 6 };
        } else if (own('k') && own('seq') && own('cid')) {
          leaks.push(`${where}: an event object`);
          define(o, 'text', { value: 'FORGED', writable: true, enumerable: true, configurable: true });
        } else if (own('detail')) leaks.push(`${where}: event options`);
      }
    } catch {
      // a value that throws on inspection is not ours to read
    }
  };
  const spy = (where: string, self: unknown, args: ArrayLike<unknown>): void => {
    if (busy) return;
    busy = true;
    stats.calls += 1;
    inspect(`${where} this`, self);
    for (let i = 0; i < args.length; i++) inspect(`${where} arg${i}`, args[i]);
    busy = false;
  };
  const wrapMethod = (proto: object, name: PropertyKey, label: string): void => {
    const desc = describe(proto, name);
    if (desc === undefined || typeof desc.value !== 'function') return;
    const original = desc.value as (...a: unknown[]) => unknown;
    define(proto, name, {
      ...desc,
      value: function (this: unknown, ...args: unknown[]) {
        spy(label, this, args);
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
        spy(label, this, []);
        return rApply(original, this, []);
      },
    });
  };
  // Accessors on Object.prototype / Array.prototype that the hook must never reach; they keep the
  // usual semantics (read: undefined; write: an own data property).
  const trap = (proto: object, name: PropertyKey, label: string): void => {
    define(proto, name, {
      configurable: true,
      get(this: unknown) {
        spy(label, this, []);
        return undefined;
      },
      set(this: unknown, v: unknown) {
        spy(label, this, [v]);
        define(this as object, name, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  };

  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const targets: [object, string, string[], string[]][] = [
    [Function.prototype, 'Function', ['call', 'apply', 'bind'], []],
    [EventTarget.prototype, 'EventTarget', ['dispatchEvent', 'addEventListener', 'removeEventListener'], []],
    [CustomEvent.prototype, 'CustomEvent', ['initCustomEvent'], ['detail']],
    [Event.prototype, 'Event', ['stopImmediatePropagation'], ['type']],
    [MessageEvent.prototype, 'MessageEvent', [], ['data']],
    [CloseEvent.prototype, 'CloseEvent', [], ['code', 'reason', 'wasClean']],
    [ArrayBuffer.prototype, 'ArrayBuffer', ['slice', 'resize', 'transfer'], ['byteLength']],
    [typedArrayProto, 'TypedArray', ['set', 'subarray', 'slice', 'fill', 'map', 'at'], ['buffer', 'byteOffset', 'byteLength', 'length']],
    [DataView.prototype, 'DataView', ['getUint8', 'setUint8'], ['buffer', 'byteOffset', 'byteLength']],
    [Blob.prototype, 'Blob', ['slice', 'arrayBuffer', 'text', 'bytes'], ['size']],
    [Promise.prototype, 'Promise', ['then', 'catch', 'finally'], []],
    [Map.prototype, 'Map', ['get', 'set', 'has', 'delete'], ['size']],
    [WeakMap.prototype, 'WeakMap', ['get', 'set', 'has'], []],
    [Array.prototype, 'Array', ['push', 'map', 'slice', 'concat', 'join', 'includes', 'indexOf', 'forEach'], []],
    [String.prototype, 'String', ['slice', 'substring', 'startsWith', 'endsWith', 'includes', 'concat', 'toString'], []],
    [Object.prototype, 'Object', ['hasOwnProperty', 'toString', 'valueOf'], []],
    [WebSocket.prototype, 'WebSocket', [], ['readyState', 'url', 'protocol', 'binaryType']],
  ];
  for (let t = 0; t < targets.length; t++) {
    const [proto, label, methods, getters] = targets[t]!;
    for (let i = 0; i < methods.length; i++) wrapMethod(proto, methods[i]!, `${label}.${methods[i]!}`);
    for (let i = 0; i < getters.length; i++) wrapGetter(proto, getters[i]!, `${label}.${getters[i]!}`);
  }
  wrapMethod(Array.prototype, Symbol.iterator, 'Array[@@iterator]');
  wrapMethod(Reflect, 'apply', 'Reflect.apply');
  wrapMethod(Reflect, 'construct', 'Reflect.construct');
  wrapMethod(Object, 'defineProperty', 'Object.defineProperty');
  wrapMethod(Object, 'setPrototypeOf', 'Object.setPrototypeOf');
  wrapMethod(Object, 'freeze', 'Object.freeze');
  wrapMethod(ArrayBuffer, 'isView', 'ArrayBuffer.isView');
  wrapMethod(Array, 'isArray', 'Array.isArray');
  const objectTraps = ['bubbles', 'cancelable', 'composed', 'detail', 'construct', 'apply', 'has', 'ownKeys', 'getPrototypeOf', 'defineProperty', 'getOwnPropertyDescriptor', 'k', 'seq', 'page', 'full'];
  for (let i = 0; i < objectTraps.length; i++) trap(Object.prototype, objectTraps[i]!, `Object.prototype.${objectTraps[i]!}`);
  for (let i = 0; i < 5; i++) trap(Array.prototype, String(i), `Array.prototype[${i}]`);
  // Constructors the hook could look up again.
  const constructors = ['CustomEvent', 'ArrayBuffer', 'Uint8Array', 'Uint32Array', 'Float64Array', 'Map', 'WeakMap', 'Proxy', 'Blob'];
  for (let c = 0; c < constructors.length; c++) {
    const name = constructors[c]!;
    const Original = w[name] as new (...a: unknown[]) => object;
    const Replacement = function (this: unknown, ...args: unknown[]): object {
      spy(name, undefined, args);
      return rConstruct(Original, args, new.target ?? Original) as object;
    };
    Replacement.prototype = Original.prototype;
    w[name] = Replacement;
  }
  define(ArrayBuffer, Symbol.hasInstance, { value: (v: unknown) => (spy('ArrayBuffer[@@hasInstance]', undefined, [v]), v !== null && typeof v === 'object'), configurable: true });
}

/** What the page then does with one WebSocket (after `attack`). */
function useSocket(url: string): void {
  const w = window as unknown as Record<string, unknown>;
  w['done'] = new Promise<void>((resolve) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    let echoes = 0;
    ws.onmessage = () => {
      echoes += 1;
      if (echoes !== 4) return;
      // Untrusted events: must not be listed as traffic nor change the connection's state.
      ws.dispatchEvent(new MessageEvent('message', { data: 'FAKE-IN' }));
      ws.dispatchEvent(new MessageEvent('message', { data: new Uint8Array([0xfa, 0xce]).buffer }));
      ws.dispatchEvent(new CloseEvent('close', { code: 4321, reason: 'FAKE-CLOSE', wasClean: true }));
      ws.send('after fake close');
    };
    ws.onopen = () => {
      ws.send(new Uint8Array([1, 2, 3]));
      ws.send(new Uint8Array(5000).fill(7));
      ws.send('hello');
      ws.send(new Blob([new Uint8Array([9, 8, 7])]));
    };
    ws.onclose = (event) => {
      if (event.isTrusted) resolve();
    };
    w['closeSocket'] = () => ws.close(1000, 'bye');
  });
}

/** The HTML of the page; `wsUrl` is the echo server. */
export function hostilePageHtml(wsUrl: string): string {
  // `__name`: the helper a TypeScript transform may call inside serialised functions.
  return `<!doctype html><meta charset="utf-8"><title>hostile</title>
<script>var __name = (f) => f; (${attack.toString()})();</script>
<script>(${useSocket.toString()})(${JSON.stringify(wsUrl)});</script>`;
}
