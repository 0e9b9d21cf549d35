#!/usr/bin/env node
// `npm start`: the main job. Installs what is missing (scripts/setup.sh), builds everything —
// library (dist/), the example Rust client (.wasm), the demo page (build/demo/), the DevTools
// extension (dist-ext/ + zip) — then runs the development relay serving the demo page, and says
// how to load the extension.
//
//   npm start                         relay + demo on http://127.0.0.1:7330/
//   npm start -- --ws-port 8000       another port (--host too, as clasp-dev-relay)
//   npm start -- --browser            also open Chromium with the extension on the demo page
//                                     (needs a display: DISPLAY or WAYLAND_DISPLAY)
//   npm start -- --no-build           skip the builds (reuse the last ones)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
function option(name, fallback) {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

function run(title, cmd, args) {
  console.log(`\n> ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm start: "${title}" failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

if (!flag('--no-build')) {
  run('system packages (scripts/setup.sh)', 'bash', ['scripts/setup.sh']);
  run('library → dist/', 'npm', ['run', '--silent', 'build']);
  run('example Rust client → wasm-bridge/target/clasp_example.wasm', 'npm', ['run', '--silent', 'build:wasm']);
  run('demo page → build/demo/', 'npx', ['vite', 'build', '--config', 'demo/vite.config.ts']);
  run('DevTools extension → dist-ext/ + build/*.zip', 'npm', ['run', '--silent', 'build:ext']);
}

const { startRelay } = await import(join(root, 'dist/relay/index.js'));
const host = option('--host', '127.0.0.1');
const port = Number(option('--ws-port', '7330'));
const relay = await startRelay({ host, port, serveDir: join(root, 'build/demo'), log: (line) => console.log(`[relay] ${line}`) });
const pageUrl = relay.url.replace(/^ws/, 'http');
const extDir = join(root, 'dist-ext');
const zip = existsSync(join(root, 'build')) ? readdirSync(join(root, 'build')).find((f) => f.endsWith('.zip')) : undefined;

console.log(`
CLASP development relay  ${relay.url}   (subprotocol "clasp"; production uses clasp-relay)
Demo page (Rust WASM)    ${pageUrl}
DevTools extension       ${extDir}${zip ? `\n  Web Store zip          ${join(root, 'build', zip)}` : ''}

Load the extension: chrome://extensions → Developer mode → Load unpacked → choose the folder above.
Then open the demo page, open DevTools (F12) and pick the "CLASP" panel.
Ctrl+C stops the relay.`);

let browser;
if (flag('--browser')) {
  if (!process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    console.log('\n--browser: no display here (DISPLAY / WAYLAND_DISPLAY unset); open the page in your own browser.');
  } else if (!existsSync('/usr/bin/chromium')) {
    console.log('\n--browser: /usr/bin/chromium is missing (scripts/setup.sh browser installs it).');
  } else {
    const profile = mkdtempSync(join(tmpdir(), 'clasp-start-'));
    const rootFlags = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    browser = spawn('/usr/bin/chromium', [
      ...rootFlags, `--user-data-dir=${profile}`, '--no-first-run', '--auto-open-devtools-for-tabs',
      `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, pageUrl,
    ], { stdio: 'ignore' });
    console.log(`\nChromium started with the extension on ${pageUrl} (DevTools opens with the page).`);
  }
}

async function stop() {
  browser?.kill();
  await relay.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
