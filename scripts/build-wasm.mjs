#!/usr/bin/env node
// `npm run build:wasm`: builds the example Rust client (wasm-bridge/example) for
// wasm32-unknown-unknown and copies it to wasm-bridge/target/clasp_example.wasm (a stable path
// for src/wasm tests, the demo page and the benchmark).
//
// Toolchain: rustup's cargo when `rustup target list --installed` has wasm32-unknown-unknown
// (a normal developer machine); otherwise Debian's rustc 1.63 + libstd-rust-dev-wasm32 + lld-14
// (`scripts/setup.sh wasm`), called by absolute path because rustup's cargo comes first on PATH.
// `--offline` works on both: the crates have no dependencies.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const crateDir = join(root, 'wasm-bridge');
const built = join(crateDir, 'target/wasm32-unknown-unknown/release/clasp_example.wasm');
const output = join(crateDir, 'target/clasp_example.wasm');
const MAX_BYTES = 100 * 1024;

function rustupHasWasm32() {
  const r = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.split('\n').includes('wasm32-unknown-unknown');
}

function toolchain() {
  if (rustupHasWasm32()) return { cargo: 'cargo', env: {}, name: 'rustup' };
  if (existsSync('/usr/bin/cargo') && existsSync('/usr/lib/rustlib/wasm32-unknown-unknown')) {
    return { cargo: '/usr/bin/cargo', env: { RUSTC: '/usr/bin/rustc', RUSTDOC: '/usr/bin/rustdoc' }, name: 'debian' };
  }
  console.error(
    'build:wasm: no Rust toolchain with the wasm32-unknown-unknown target.\n' +
      '  Debian/Ubuntu: sudo bash scripts/setup.sh wasm\n' +
      '  rustup:        rustup target add wasm32-unknown-unknown',
  );
  process.exit(1);
}

const tc = toolchain();
const args = ['build', '--offline', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'clasp-wasm-example'];
console.log(`build:wasm (${tc.name}): ${tc.cargo} ${args.join(' ')}`);
const r = spawnSync(tc.cargo, args, { cwd: crateDir, stdio: 'inherit', env: { ...process.env, ...tc.env } });
if (r.status !== 0) process.exit(r.status ?? 1);
copyFileSync(built, output);
const bytes = statSync(output).size;
console.log(`build:wasm: wasm-bridge/target/clasp_example.wasm ${bytes} bytes`);
if (bytes >= MAX_BYTES) {
  console.error(`build:wasm: ${bytes} bytes is over the ${MAX_BYTES}-byte budget`);
  process.exit(1);
}
