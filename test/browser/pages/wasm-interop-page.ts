/**
 * Browser half of test/browser/wasm-interop.test.ts: the example Rust app in `interop` mode
 * (clasp-wasm-client, through src/wasm) and an `@clasp-to/core` client in the same page,
 * exchanging SET, GET and emit through the development relay.
 */
import { Clasp } from '@clasp-to/core';
import { WasmBridge } from '../../../src/wasm/index.js';

/** SDK values as JSON-safe data: bytes as `{ $bytes: hex }`, -0 as `{ $f64: '-0' }`. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ') };
  if (Object.is(value, -0)) return { $f64: '-0' };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

async function until(done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What each side saw. */
export interface InteropResult {
  readonly rustReports: Record<string, unknown>[];
  readonly sdkSeen: { address: string; value: unknown }[];
  readonly sdkGets: Record<string, unknown>;
  readonly panic: string | undefined;
}

/** The values the SDK sends, by address suffix (the SDK sends every number as f64). */
export const SDK_VALUES: Record<string, unknown> = {
  float: 0.25,
  int: 42,
  negative: -7.5,
  text: 'grüße, 世界 🎛',
  bool: false,
  null: null,
  bytes: new Uint8Array([0, 1, 255]),
  array: [1, 'two', [3]],
  map: { a: { b: [1, 'x', true] }, ü: null },
};

async function run(url: string): Promise<InteropResult> {
  const rustReports: Record<string, unknown>[] = [];
  let panic: string | undefined;
  const bridge = await WasmBridge.instantiate(fetch('/wasm-bridge/target/clasp_example.wasm'), {
    onReport: (text) => rustReports.push(JSON.parse(text) as Record<string, unknown>),
    onPanic: (error) => (panic = error.message),
  });
  const has = (event: string) => rustReports.some((r) => r['event'] === event);
  bridge.start(`mode=interop url=${url}`);
  await until(() => has('ready') || panic !== undefined || has('connect_error'), 'the Rust client');

  const sdk = new Clasp(url, { name: 'sdk-interop', reconnect: false });
  await sdk.connect();
  const sdkSeen: { address: string; value: unknown }[] = [];
  sdk.subscribe('/interop/rust/**', (value, address) => sdkSeen.push({ address, value: plain(value) }));
  sdk.set('/interop/shared/answer', 'forty-two ✓');
  for (const [name, value] of Object.entries(SDK_VALUES)) sdk.set(`/interop/sdk/${name}`, value as never);
  sdk.emit('/interop/sdk/event', { x: 1, tag: 'ß' });
  sdk.set('/interop/sdk/go', true);

  await until(() => (has('done') || panic !== undefined) && sdkSeen.some((s) => s.address === '/interop/rust/done'), 'both sides');
  const sdkGets: Record<string, unknown> = {};
  for (const name of ['int_big', 'text', 'nested', 'bytes']) sdkGets[name] = plain(await sdk.get(`/interop/rust/${name}`));
  sdk.close();
  bridge.dispose();
  return { rustReports, sdkSeen, sdkGets, panic };
}

(globalThis as { wasmInterop?: typeof run }).wasmInterop = run;
