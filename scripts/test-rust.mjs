#!/usr/bin/env node
// `npm run test:rust`: native `cargo test` of the wasm-bridge workspace: the bridge (executor, queue, ABI encoding of events,
// against a fake host), clasp-wasm-core (shared vectors, hostile input), clasp-wasm-client (against a fake host)
// and the switch-check crate (compiles upstream-style code). Same toolchain choice as build-wasm.mjs, but
// any host target works here, so Debian's cargo is preferred when present (rustc 1.63 = rust-version).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const crateDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'wasm-bridge');
const debian = existsSync('/usr/bin/cargo') && existsSync('/usr/bin/rustc');
const cargo = debian ? '/usr/bin/cargo' : 'cargo';
const env = debian ? { RUSTC: '/usr/bin/rustc', RUSTDOC: '/usr/bin/rustdoc' } : {};
const args = ['test', '--offline', '--workspace'];
console.log(`test:rust: ${cargo} ${args.join(' ')}`);
const r = spawnSync(cargo, args, { cwd: crateDir, stdio: 'inherit', env: { ...process.env, ...env } });
process.exit(r.status ?? 1);
