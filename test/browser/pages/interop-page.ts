/**
 * Page side of the relay/interop browser tests: our transport (with the project codec) and the
 * official SDK `@clasp-to/core` in the same page, against the development relay.
 */
import { Clasp } from '@clasp-to/core';
import { decode, encode, type DecodedMessage, type Message } from '../../../src/protocol/index.js';
import { WasmWebSocketTransport, type WasmWebSocketConnection } from '../../../src/transport/index.js';

/** A decoded message as plain data (bigint → string, Map → object, bytes → array). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return Array.from(value);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** A CLASP client over our transport. */
class OurClient {
  constructor(readonly conn: WasmWebSocketConnection) {}

  static async open(url: string): Promise<OurClient> {
    const client = new OurClient(await WasmWebSocketTransport.connect({ url }));
    const connected = await client.conn.receiver.recv();
    if (connected?.type !== 'Connected') throw new Error(`expected Connected, got ${connected?.type}`);
    return client;
  }

  send(message: Message): Promise<void> {
    return this.conn.sender.send(encode(message));
  }

  /** The next decoded message, skipping nothing. */
  async next(): Promise<DecodedMessage> {
    const e = await this.conn.receiver.recv();
    if (e?.type !== 'Data') throw new Error(`expected Data, got ${JSON.stringify(e)}`);
    return decode(e.data);
  }

  /** Reads until a message satisfies `pred`. */
  async until(pred: (m: DecodedMessage) => boolean): Promise<DecodedMessage> {
    for (;;) {
      const m = await this.next();
      if (pred(m)) return m;
    }
  }
}

const I = {
  /** HELLO → WELCOME + SNAPSHOT over our transport, as plain data. */
  async handshake(url: string): Promise<unknown[]> {
    const ours = await OurClient.open(url);
    await ours.send({ type: 'HELLO', version: 1, name: 'wasm transport test', features: ['param', 'event'] });
    const out = [plain(await ours.next()), plain(await ours.next())];
    await ours.conn.sender.close();
    return out;
  },

  /** Our transport and @clasp-to/core exchange SET and PUBLISH through the relay. */
  async interop(url: string): Promise<Record<string, unknown>> {
    const ours = await OurClient.open(url);
    await ours.send({ type: 'HELLO', version: 1, name: 'ours', features: ['param', 'event'] });
    await ours.until((m) => m.type === 'SNAPSHOT');
    await ours.send({ type: 'SUBSCRIBE', id: 1, pattern: '/interop/**' });

    const sdk = new Clasp(url, { name: 'sdk', reconnect: false });
    await sdk.connect();
    const sdkSeen: { address: string; value: unknown }[] = [];
    sdk.subscribe('/interop/**', (value, address) => sdkSeen.push({ address, value: plain(value) }));
    // Same socket, in order: once our side sees this SET, the SDK's SUBSCRIBE is registered.
    sdk.set('/interop/ready', true);
    await ours.until((m) => m.type === 'SET' && m.address === '/interop/ready');

    await ours.send({ type: 'SET', address: '/interop/from-ours', value: 'hello from ours' });
    const ack = plain(await ours.until((m) => m.type === 'ACK'));
    await ours.send({ type: 'PUBLISH', address: '/interop/ours-event', signal: 'event', payload: 3.5 });
    sdk.set('/interop/from-sdk', 42);
    sdk.emit('/interop/sdk-event', { x: 1 });
    const fromSdk = plain(await ours.until((m) => m.type === 'SET' && m.address === '/interop/from-sdk'));
    const sdkEvent = plain(await ours.until((m) => m.type === 'PUBLISH'));
    // The SDK's own SET came back to it through the relay after ours, so by now it has seen ours.
    const deadline = performance.now() + 5_000;
    while (sdkSeen.filter((s) => s.address !== '/interop/ready').length < 3 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    sdk.close();
    await ours.conn.sender.close();
    return { ack, fromSdk, sdkEvent, sdkSeen, sdkCached: plain(sdk.cached('/interop/from-ours')) };
  },

  /** Subscribes to `/flood/**` and counts PUBLISHes until Disconnected. */
  async floodUntilDisconnected(url: string): Promise<{ publishes: number; inOrder: boolean; last: unknown }> {
    const ours = await OurClient.open(url);
    await ours.send({ type: 'HELLO', version: 1, name: 'flood', features: ['stream'] });
    await ours.until((m) => m.type === 'SNAPSHOT');
    await ours.send({ type: 'SUBSCRIBE', id: 1, pattern: '/flood/**' });
    await ours.send({ type: 'PING' });
    await ours.until((m) => m.type === 'PONG');
    (globalThis as Record<string, unknown>)['floodReady'] = true;
    let publishes = 0;
    let inOrder = true;
    for (;;) {
      const e = await ours.conn.receiver.recv();
      if (e === null) return { publishes, inOrder, last: null };
      if (e.type !== 'Data') return { publishes, inOrder, last: e };
      const m = decode(e.data);
      if (m.type === 'PUBLISH' && m.address !== `/flood/${publishes}`) inOrder = false;
      publishes += 1;
      (globalThis as Record<string, unknown>)['floodCount'] = publishes;
    }
  },
};

(globalThis as Record<string, unknown>)['I'] = I;
/** Type of the page API. */
export type InteropApi = typeof I;
