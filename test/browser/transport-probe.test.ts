/**
 * What's tested: the subprotocol probe (a second socket without `clasp`, opened to tell
 * "not a CLASP relay" from "refused") runs for a failed first connect only. Reconnect attempts
 * after a drop go to a server that already accepted the subprotocol: each is one socket, not two.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { useBrowser } from '../support/browser-fixture.js';
import { openTransportPage, type TransportPage } from '../support/transport-page.js';

const browser = useBrowser();
let tab: TransportPage;
let server: WebSocketServer;
let refusing = false;
const requests: string[] = [];

beforeEach(async () => {
  refusing = false;
  requests.length = 0;
  server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('clasp') ? 'clasp' : false),
    verifyClient: (info: { req: IncomingMessage }) => {
      requests.push(String(info.req.headers['sec-websocket-protocol'] ?? ''));
      return !refusing;
    },
  });
  await once(server, 'listening');
  tab = await openTransportPage(browser.chromium, browser.pages);
});

afterEach(async () => {
  await tab?.close();
  for (const ws of server.clients) ws.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('failed reconnect attempts open one socket each (no probe); a failed first connect probes once', async () => {
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const reconnect = { minReconnectionDelay: 50, reconnectionDelayGrowFactor: 1, maxReconnectionDelay: 50, jitter: 0, maxRetries: 3 };
  await tab.call('open', { url, reconnect });
  expect(await tab.call('next', 1)).toEqual([{ type: 'Connected', protocol: 'clasp' }]);
  refusing = true;
  for (const ws of server.clients) ws.terminate();
  const events = await tab.call('drain');
  expect(events.filter((e) => e.type === 'Error').map((e) => e['code'])).toEqual([
    'ConnectionRefused', 'ConnectionRefused', 'ConnectionRefused', 'RetriesExhausted',
  ]);
  // The first, accepted connect and 3 attempts: every request asked for clasp.
  expect(requests).toEqual(['clasp', 'clasp', 'clasp', 'clasp']);

  // A first connect that fails still probes (that is what tells SubprotocolRejected apart).
  requests.length = 0;
  const result = await tab.call('open', { url });
  expect(result).toMatchObject({ ok: false, error: { code: 'ConnectionRefused' } });
  expect(requests).toEqual(['clasp', '']);
});
