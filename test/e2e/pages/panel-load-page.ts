/**
 * The inspected page of the hostile / heavy panel test (issue 13). It talks to the panel only
 * through the public `__CLASP_DEVTOOLS_HOOK__`, as any page can: spoofing characters in names and
 * addresses, CLASP ERROR messages and undecodable bytes, malformed emit() calls, 10 000
 * connections, a stream, and 1 MiB frames. `window.H` exposes the steps.
 */
import { encode } from '../../../src/protocol/index.js';

interface Hook {
  emit(event: unknown): void;
}

const hook = (): Hook => (globalThis as Record<string, unknown>)['__CLASP_DEVTOOLS_HOOK__'] as Hook;
let connections = 0;

function connect(name: string, url = `ws://127.0.0.1:9/${name}`): string {
  const id = `h${++connections}`;
  hook().emit({ kind: 'connection', id, time: Date.now(), url, protocols: ['clasp'], source: 'hostile-page', name, attempt: 0 });
  hook().emit({ kind: 'open', id, time: Date.now(), protocol: 'clasp' });
  return id;
}

function frame(id: string, data: Uint8Array | string, direction: 'in' | 'out' = 'in'): void {
  hook().emit({ kind: 'frame', id, time: Date.now(), direction, data });
}

const api = {
  /** A connection named with a right-to-left override, a look-alike address and a text with separators. */
  spoof(): void {
    const id = connect('e\u202Evil');
    frame(id, encode({ type: 'SET', address: '/mixer/1/ga\u200Bin', value: 1 }));
    frame(id, 'line one\nline two\u2028after separator \u2066isolated\u2069');
  },
  /** A CLASP ERROR message and a frame the codec cannot read, on a CLASP connection. */
  errors(): void {
    const id = connect('errors');
    frame(id, encode({ type: 'ERROR', code: 404, message: 'no such param' }));
    frame(id, new Uint8Array([0x53, 0xff, 0xff, 0xff]));
  },
  /** Three malformed emit() calls: the page side refuses and counts them. */
  malformed(): void {
    hook().emit(null);
    hook().emit('a string');
    hook().emit({
      get kind(): string {
        throw new Error('throwing getter');
      },
    });
  },
  /** `count` connections of one SET frame each (a reconnecting client over a long session). */
  manyConnections(count: number): void {
    const set = encode({ type: 'SET', address: '/many/x', value: 1 });
    for (let i = 0; i < count; i++) frame(connect(`c${i}`), set);
  },
  /** A stream of SET frames, `perTick` every 20 ms for `ms` milliseconds. */
  stream(perTick: number, ms: number): Promise<void> {
    const id = connect('stream');
    const end = Date.now() + ms;
    let i = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        for (let k = 0; k < perTick; k++) frame(id, encode({ type: 'SET', address: '/stream/v', value: i++ }));
        if (Date.now() < end) setTimeout(tick, 20);
        else resolve();
      };
      tick();
    });
  },
  /** `count` binary frames of `bytes` bytes (beyond what one CLASP value can hold: raw bytes). */
  bigFrames(count: number, bytes: number, name = 'big'): void {
    const id = connect(name);
    const data = new Uint8Array(bytes).fill(7);
    for (let i = 0; i < count; i++) frame(id, data);
  },
};

(globalThis as Record<string, unknown>)['H'] = api;
export type PanelLoadPageApi = typeof api;
