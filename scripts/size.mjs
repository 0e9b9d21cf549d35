#!/usr/bin/env node
// `npm run size`: what each entry point costs a consumer. Builds the library (dist/), then makes a
// Vite production build of one tiny app per case in .tmp/size/, importing the package by its name
// through a node_modules link (so package.json's "exports" and "sideEffects" apply as they would for
// a user), and measures the app's JavaScript: minified bytes (KB = 1000 bytes, as Vite prints them)
// and gzip. Fails when a case is over its budget. Last line: `BENCH size transport_kb=… …`.
//
// Usage: npm run size [-- --no-build]   (--no-build reuses dist/ as it is)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'size');

/**
 * Each case is an app that imports some names and keeps them alive (assigning them to a global
 * stops the bundler from dropping them). `budget` is in KB of minified JavaScript.
 */
const CASES = [
  { key: 'transport', label: 'WasmWebSocketTransport', from: 'clasp-wasm-transport/transport', names: ['WasmWebSocketTransport'], budget: 24 },
  { key: 'bridge', label: 'WasmBridge', from: 'clasp-wasm-transport/wasm', names: ['WasmBridge'], budget: 32 },
  { key: 'encode', label: 'encode', from: 'clasp-wasm-transport/codec', names: ['encode'], budget: 12 },
  { key: 'decode', label: 'decode', from: 'clasp-wasm-transport/codec', names: ['decode'], budget: 16 },
  { key: 'codec', label: 'encode + decode', from: 'clasp-wasm-transport/codec', names: ['encode', 'decode'] },
  { key: 'legacy', label: 'decode + v0 MessagePack', from: 'clasp-wasm-transport/codec', names: ['decode'], extra: "import { registerLegacy } from 'clasp-wasm-transport/legacy';\nregisterLegacy();\n" },
  { key: 'recorder', label: 'FrameLog', from: 'clasp-wasm-transport/recorder', names: ['FrameLog'] },
  { key: 'root_transport', label: 'WasmWebSocketTransport from the root entry', from: 'clasp-wasm-transport', names: ['WasmWebSocketTransport'] },
  { key: 'root_encode', label: 'encode from the root entry', from: 'clasp-wasm-transport', names: ['encode'] },
];

if (!process.argv.includes('--no-build')) {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules'), { recursive: true });
symlinkSync(root, join(work, 'node_modules', 'clasp-wasm-transport'), 'dir');

/** Minified and gzip bytes of the JavaScript of one case's production build. */
async function measure(c) {
  const dir = join(work, c.key);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'main.js');
  writeFileSync(entry, `${c.extra ?? ''}import { ${c.names.join(', ')} } from '${c.from}';\nglobalThis.keep = [${c.names.join(', ')}];\n`);
  const out = await build({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: true, modulePreload: false, rollupOptions: { input: entry } },
  });
  const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
  let min = 0;
  let gz = 0;
  for (const file of outputs) {
    if (file.type !== 'chunk') continue;
    min += Buffer.byteLength(file.code);
    gz += gzipSync(file.code, { level: 9 }).length;
  }
  return { min, gz };
}

const kb = (n) => (n / 1000).toFixed(2);
const rows = [];
for (const c of CASES) rows.push({ ...c, ...(await measure(c)) });

console.log('\n| import | from | min KB | gzip KB | budget (min KB) |');
console.log('|---|---|---:|---:|---|');
for (const r of rows) {
  const verdict = r.budget === undefined ? '' : `${r.budget} ${r.min <= r.budget * 1000 ? 'ok' : 'OVER'}`;
  console.log(`| ${r.label} | \`${r.from}\` | ${kb(r.min)} | ${kb(r.gz)} | ${verdict} |`);
}
const over = rows.filter((r) => r.budget !== undefined && r.min > r.budget * 1000);
const by = Object.fromEntries(rows.map((r) => [r.key, r]));
console.log(
  `\nBENCH size transport_kb=${kb(by.transport.min)} bridge_kb=${kb(by.bridge.min)} encode_kb=${kb(by.encode.min)} decode_kb=${kb(by.decode.min)}` +
    ` codec_kb=${kb(by.codec.min)} legacy_kb=${kb(by.legacy.min)} recorder_kb=${kb(by.recorder.min)} over_budget=${over.length}`,
);
if (over.length > 0) process.exitCode = 1;
