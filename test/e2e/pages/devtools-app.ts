/**
 * The inspected page of the DevTools end-to-end test. `window.E` exposes steps the test calls:
 * the project's transport, the official SDK `@clasp-to/core`, a raw WebSocket in a srcdoc iframe, and
 * forged inspector events.
 */
import { Clasp } from '@clasp-to/core';
import { encode } from '../../../src/protocol/index.js';
import { WasmWebSocketTransport, type WasmWebSocketConnection } from '../../../src/transport/index.js';

let transport: WasmWebSocketConnection | undefined;
let sdk: Clasp | undefined;

const api = {
  /** Connects the project's transport and sends a SET. */
  async startTransport(url: string): Promise<void> {
    transport = await WasmWebSocketTransport.connect({ url, name: 'e2e-transport' });
    await transport.sender.send(encode({ type: 'HELLO', version: 1, name: 'e2e-transport', features: ['param'] }));
    await transport.sender.send(encode({ type: 'SET', address: '/e2e/transport/level', value: 0.5, revision: 1n }));
  },
  /** Sends one more SET through the transport. */
  async transportSet(address: string, value: number): Promise<void> {
    await transport?.sender.send(encode({ type: 'SET', address, value }));
  },
  /** Connects the official SDK and sets a param. */
  async startSdk(url: string): Promise<void> {
    sdk = new Clasp(url, { name: 'e2e-sdk', reconnect: false });
    await sdk.connect();
    sdk.set('/e2e/sdk/fader', 0.75);
  },
  /** Opens a raw (non-CLASP) WebSocket inside a srcdoc iframe and exchanges two messages. */
  startIframe(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const frame = document.createElement('iframe');
      frame.srcdoc = `<script>
        const ws = new WebSocket(${JSON.stringify(url)});
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => { ws.send(new Uint8Array([1, 2, 3, 255])); ws.send('hello from iframe'); };
        let n = 0;
        ws.onmessage = () => { if (++n === 2) parent.postMessage('iframe-done', '*'); };
      <\/script>`;
      addEventListener('message', (e) => (e.data === 'iframe-done' ? resolve() : undefined));
      setTimeout(() => reject(new Error('iframe socket timed out')), 10_000);
      document.body.append(frame);
    });
  },
  /** What a hostile page can try: guessed channel names and malformed hook events. */
  forge(): void {
    for (const name of ['clasp-devtools:', 'clasp-devtools:guess', 'clasp-devtools:00000000-0000-0000-0000-000000000000']) {
      document.dispatchEvent(new CustomEvent(name, { detail: [{ k: 'frame', seq: 1, t: Date.now(), cid: 'w1', dir: 'in', text: 'FORGED-BY-EVENT', size: 15 }] }));
    }
    const hook = (globalThis as Record<string, unknown>)['__CLASP_DEVTOOLS_HOOK__'] as { emit(e: unknown): void };
    hook.emit({ kind: 'frame', id: 'x', time: Date.now(), direction: 'sideways', data: 'FORGED-BAD-DIRECTION' });
    hook.emit({ kind: 'frame', id: 'x', time: Date.now(), direction: 'in', data: { not: 'bytes' } });
    hook.emit({ kind: 'close', id: 'x', time: Date.now(), code: 'nope', reason: 1, wasClean: 'yes' });
  },
  /** True when `window.WebSocket` still behaves like the native class. */
  nativeLike(): Record<string, boolean> {
    const ws = new WebSocket('ws://127.0.0.1:9/'); // port 9: nothing listens; fails asynchronously
    let threw = false;
    try {
      ws.send('x');
    } catch (error) {
      threw = (error as DOMException).name === 'InvalidStateError';
    }
    ws.close();
    return { instance: ws instanceof WebSocket, ctor: ws.constructor === WebSocket, statics: WebSocket.OPEN === 1 && WebSocket.CLOSED === 3, sendThrowsWhileConnecting: threw, name: WebSocket.name === 'WebSocket' };
  },
};

(globalThis as Record<string, unknown>)['E'] = api;
export type E2ePageApi = typeof api;
