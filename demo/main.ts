/**
 * The demo page: loads the example Rust app (.wasm, built on clasp-wasm-client) through src/wasm, starts it in `demo`
 * mode against the relay that served the page (or `?relay=ws://…`), and shows its reports.
 */
import { WasmBridge } from '../src/wasm/index.js';

const wasmUrl = new URL('../wasm-bridge/target/clasp_example.wasm', import.meta.url);
const relayUrl =
  new URLSearchParams(location.search).get('relay') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;

function el(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`demo page lacks #${id}`);
  return found;
}

function log(line: string): void {
  const pre = el('log');
  pre.textContent = `${new Date().toLocaleTimeString()} ${line}\n${pre.textContent ?? ''}`.slice(0, 8000);
}

function setState(state: string, text = state): void {
  el('state').dataset['state'] = state;
  el('state').textContent = text;
}

function showFader(id: 'out' | 'seen', milli: number): void {
  (el(id) as HTMLMeterElement).value = milli;
  el(`${id}-v`).textContent = (milli / 1000).toFixed(2);
}

type Report = Record<string, string | number | boolean | undefined>;

function onReport(report: Report, bridge: () => WasmBridge | undefined): void {
  switch (report['event']) {
    case 'connected':
      setState('open');
      break;
    case 'welcome':
      el('session').textContent = String(report['session']);
      break;
    case 'state':
      showFader('out', Number(report['fader_out_milli']));
      showFader('seen', Number(report['fader_seen_milli']));
      el('msgs-out').textContent = String(report['out']);
      el('msgs-in').textContent = String(report['in']);
      el('counts').textContent = `${report['reconnects']} · ${report['sets_in']} · ${report['publishes_in']}`;
      setState(report['connected'] === true ? 'open' : 'reconnecting');
      el('memory').textContent = `${((bridge()?.memoryBytes ?? 0) / 1024).toFixed(0)} KiB`;
      break;
    case 'disconnected':
      setState('closed', `closed (${report['code']}${report['reason'] ? `, ${report['reason']}` : ''})`);
      log(JSON.stringify(report));
      break;
    case 'connect_error':
      setState('failed', `failed: ${report['error']}`);
      log(String(report['error']));
      break;
    default:
      log(JSON.stringify(report));
  }
}

async function main(): Promise<void> {
  el('url').textContent = relayUrl;
  let bridge: WasmBridge | undefined;
  bridge = await WasmBridge.instantiate(fetch(wasmUrl), {
    onReport: (text) => onReport(JSON.parse(text) as Report, () => bridge),
    onPanic: (error) => {
      setState('failed', 'the Rust client panicked');
      log(error.message);
    },
  });
  bridge.start(`mode=demo url=${relayUrl}`);
}

main().catch((error: unknown) => {
  setState('failed', 'could not start');
  log(error instanceof Error ? error.message : String(error));
});
