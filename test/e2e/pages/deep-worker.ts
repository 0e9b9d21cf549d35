/**
 * Dedicated worker of the deep-mode e2e page: its sockets are what the page hook cannot see.
 * Steps come from the page (deep-page.ts); each answers once done.
 */
import { encode } from '../../../src/protocol/index.js';

let first: WebSocket | undefined;

function exchange(ws: WebSocket, payload: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    ws.addEventListener('message', () => resolve(), { once: true });
    ws.send(payload as string | BufferSource);
  });
}

function open(url: string, protocols?: string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error('worker socket failed'));
  });
}

self.onmessage = async (e: MessageEvent<{ step: string; url?: string; text?: string; address?: string }>) => {
  const m = e.data;
  if (m.step === 'open') {
    first = await open(m.url!);
    await exchange(first, m.text!);
  } else if (m.step === 'text') {
    await exchange(first!, m.text!);
  } else if (m.step === 'clasp') {
    const ws = await open(`${m.url!}?close=1`, ['clasp']);
    const closed = new Promise<number>((resolve) => (ws.onclose = (c) => resolve(c.code)));
    await exchange(ws, encode({ type: 'SET', address: m.address!, value: 0.25, revision: 3n }));
    ws.send('close please');
    self.postMessage({ closed: await closed });
    return;
  }
  self.postMessage('ok');
};
