#!/usr/bin/env node
// `npm run build:wasm`: builds the example Rust app (wasm-bridge/example) and the minimal client
// (wasm-bridge/client/examples/minimal.rs: connect, subscribe, set) for wasm32-unknown-unknown,
// shrinks them with wasm-opt (npm package `binaryen`) when it is installed, and writes
// wasm-bridge/target/clasp_example.wasm and wasm-bridge/target/clasp_minimal.wasm (stable paths
// for src/wasm tests, the demo page and the benchmark), printing the sizes before and after.
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
const release = join(crateDir, 'target/wasm32-unknown-unknown/release');
const wasmOpt = join(root, 'node_modules/.bin/wasm-opt');

/** What is built, where it lands, and its size budget (for the wasm-opt'ed output). */
const OUTPUTS = [
  { name: 'example', args: ['-p', 'clasp-wasm-example'], built: join(release, 'clasp_example.wasm'), output: join(crateDir, 'target/clasp_example.wasm'), budget: 150 * 1024, fatal: true },
  { name: 'minimal client', args: ['-p', 'clasp-wasm-client', '--example', 'minimal'], built: join(release, 'examples/minimal.wasm'), output: join(crateDir, 'target/clasp_minimal.wasm'), budget: 100 * 1024, fatal: true },
];

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

/**
 * `wasm-opt -Oz` into `output`; false when wasm-opt is not installed or fails (then the plain
 * build is used). The feature flags are those a current rustc emits (rustc 1.63 uses none of
 * them; without the flags wasm-opt 132 rejects newer output).
 */
function optimise(input, output) {
  if (!existsSync(wasmOpt)) return false;
  const flags = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
  const r = spawnSync(wasmOpt, ['-Oz', ...flags, input, '-o', output], { encoding: 'utf8' });
  if (r.status !== 0) console.warn(`build:wasm: wasm-opt failed, using the plain build:\n${r.stderr}`);
  return r.status === 0;
}

const tc = toolchain();
let over = false;
for (const out of OUTPUTS) {
  const args = ['build', '--offline', '--release', '--target', 'wasm32-unknown-unknown', ...out.args];
  console.log(`build:wasm (${tc.name}): ${tc.cargo} ${args.join(' ')}`);
  const r = spawnSync(tc.cargo, args, { cwd: crateDir, stdio: 'inherit', env: { ...process.env, ...tc.env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const before = statSync(out.built).size;
  const optimised = optimise(out.built, out.output);
  if (!optimised) copyFileSync(out.built, out.output);
  const after = statSync(out.output).size;
  const rel = out.output.slice(root.length + 1);
  console.log(`build:wasm: ${rel} ${after} bytes` + (optimised ? ` (wasm-opt -Oz; ${before} before)` : ' (no wasm-opt: npm install to get binaryen)'));
  // Budgets hold for wasm-opt'ed output; without binaryen (it is optional) they only warn.
  if (after > out.budget) {
    const fatal = out.fatal && optimised;
    console.error(`build:wasm: ${fatal ? '' : 'warning: '}the ${out.name} is ${after} bytes, over its ${out.budget}-byte budget`);
    over ||= fatal;
  }
}
if (over) process.exit(1);
