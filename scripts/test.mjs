#!/usr/bin/env node
// `npm test` after scripts/setup.sh: every check, in order, stopping at the first failure.
// Each step is a plain command so that a failing one can be re-run by hand.
import { spawnSync } from 'node:child_process';

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build (library)', 'npm', ['run', '--silent', 'build']],
  ['unit tests', 'npx', ['vitest', 'run', '--project', 'unit']],
];

const started = Date.now();
let passed = 0;
for (const [name, cmd, args] of steps) {
  const t0 = Date.now();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n=== ${name} FAILED after ${secs}s (exit ${r.status ?? r.signal})`);
    console.log(`\nsteps: ${passed} passed, 1 failed`);
    process.exit(1);
  }
  passed += 1;
  console.log(`=== ${name} ok (${secs}s)`);
}
console.log(`\nall steps ok in ${((Date.now() - started) / 1000).toFixed(0)}s`);
