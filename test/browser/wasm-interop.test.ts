/**
 * What's tested: a Rust client built on clasp-wasm-client (the example's `interop` mode, as a
 * real .wasm in headless Chromium through src/wasm and the TypeScript transport) and an
 * `@clasp-to/core` client in the same page exchange SET, GET and emit through the development
 * relay, with values of every kind: i64 beyond 2^53 and at i64::MIN, floats (0.1, -0.0),
 * unicode and empty strings, bytes, nested maps and arrays, booleans and null.
 *
 * The SDK itself has limits that show here and are asserted as such: it sends every number
 * as f64 (42 arrives in Rust as Float 42.0) and decodes an i64 to the nearest double (2^60 + 1
 * reaches it as 2^60). The Rust side's own GET of its i64 shows the relay kept it exact.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRelay, type Relay } from '../../src/relay/index.js';
import { launchChromium, startPageServer, type LaunchedChromium, type PageServer } from '../support/browser.js';
import type { InteropResult } from './pages/wasm-interop-page.js';

let chromium: LaunchedChromium;
let server: PageServer;
let relay: Relay;

beforeAll(async () => {
  relay = await startRelay({ host: '127.0.0.1', port: 0 });
  server = await startPageServer();
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await relay?.close();
});

/** A value as the Rust example reports it (tagged JSON) → plain JS: i64 as bigint, f64 from its bits. */
function fromRust(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromRust);
  if (v === null || typeof v !== 'object') return v;
  const t = v as { $int?: string; $f64?: string; $bytes?: string; $map?: [string, unknown][] };
  if (t.$int !== undefined) return BigInt(t.$int);
  if (t.$f64 !== undefined) return Buffer.from(t.$f64, 'hex').readDoubleBE(0);
  if (t.$bytes !== undefined) return { $bytes: t.$bytes };
  if (t.$map !== undefined) return Object.fromEntries(t.$map.map(([k, x]) => [k, fromRust(x)]));
  return v;
}

test('clasp-wasm-client and @clasp-to/core exchange SET, GET and emit with values of every kind', async () => {
  const page = await chromium.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/test/browser/pages/wasm-interop.html`);
  await page.waitForFunction(() => 'wasmInterop' in globalThis);
  const r = await page.evaluate(
    (url) => (globalThis as unknown as { wasmInterop: (u: string) => Promise<InteropResult> }).wasmInterop(url),
    relay.url,
  );
  await page.close();
  expect(r.panic).toBeUndefined();
  expect(errors).toEqual([]);

  // Rust saw every SDK SET and the SDK's event, through its subscription.
  const rustSeen = Object.fromEntries(
    r.rustReports.filter((x) => x['event'] === 'seen').map((x) => [String(x['address']).replace('/interop/sdk/', ''), fromRust(x['value'])]),
  );
  expect(rustSeen).toEqual({
    float: 0.25,
    int: 42, // an f64 from the SDK: Value::Float(42.0)
    negative: -7.5,
    text: 'grüße, 世界 🎛',
    bool: false,
    null: null,
    bytes: { $bytes: '00 01 ff' },
    array: [1, 'two', [3]],
    map: { a: { b: [1, 'x', true] }, ü: null },
    event: { x: 1, tag: 'ß' },
    go: true,
  });
  const rustInt = r.rustReports.find((x) => x['event'] === 'seen' && x['address'] === '/interop/sdk/int');
  expect(rustInt?.['value']).toEqual({ $f64: '4045000000000000' });

  // Rust's GETs: a param only the SDK set, and its own i64 beyond 2^53, exact through the relay.
  const got = Object.fromEntries(r.rustReports.filter((x) => x['event'] === 'got').map((x) => [x['address'], fromRust(x['value'])]));
  expect(got).toEqual({ '/interop/shared/answer': 'forty-two ✓', '/interop/rust/int_big': 2n ** 60n + 1n });
  expect(r.rustReports.filter((x) => x['event'] === 'get_error')).toEqual([]);

  // The SDK saw every Rust SET and the Rust event.
  const sdkSeen = Object.fromEntries(r.sdkSeen.map((s) => [s.address.replace('/interop/rust/', ''), s.value]));
  expect(sdkSeen).toEqual({
    int_big: 2 ** 60, // the SDK decodes i64 to the nearest double
    int_min: -(2 ** 63),
    int_small: -42,
    float: 0.1,
    float_neg_zero: { $f64: '-0' },
    text: 'grüße, 世界 🎛',
    empty: '',
    bool: true,
    null: null,
    bytes: { $bytes: '00 01 7f 80 ff' },
    array: [1, 2.5, 'three', null],
    nested: { level: 0.75, tags: ['a', 'ß'], inner: { deep: { n: 2 ** 55 }, raw: { $bytes: '09' } } },
    event: { who: 'rust', n: 7, list: [false] },
    done: true,
  });
  // The SDK's GETs of Rust's params.
  expect(r.sdkGets).toEqual({
    int_big: 2 ** 60,
    text: 'grüße, 世界 🎛',
    nested: { level: 0.75, tags: ['a', 'ß'], inner: { deep: { n: 2 ** 55 }, raw: { $bytes: '09' } } },
    bytes: { $bytes: '00 01 7f 80 ff' },
  });
});
