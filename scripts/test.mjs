#!/usr/bin/env node
// `npm test`, after scripts/setup.sh has installed the system packages: every check, in order,
// stopping at the first failure. Each step is a plain command, so a failing one can be re-run by hand.
// The last line is a plain "tests: N passed, N failed" count over every test runner.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const reportOf = (project) => `.tmp/vitest-${project}.json`;

/** A vitest project as a step; its JSON report gives the counts. */
function vitestStep(name, project) {
  return {
    name,
    cmd: 'npx',
    args: ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${reportOf(project)}`],
    before: () => rmSync(reportOf(project), { force: true }),
    count: () => {
      const r = JSON.parse(readFileSync(reportOf(project), 'utf8'));
      return { passed: r.numPassedTests, failed: r.numFailedTests };
    },
  };
}

/** cargo test prints "test result: ok. N passed; M failed; …" once per test binary. */
function countCargo(output) {
  const total = { passed: 0, failed: 0 };
  for (const m of output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    total.passed += Number(m[1]);
    total.failed += Number(m[2]);
  }
  return total;
}

const steps = [
  { name: 'lint (oxlint)', cmd: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'typecheck', cmd: 'npm', args: ['run', '--silent', 'typecheck'] },
  { name: 'build (library → dist/)', cmd: 'npm', args: ['run', '--silent', 'build'] },
  { name: 'build (example Rust client → .wasm)', cmd: 'npm', args: ['run', '--silent', 'build:wasm'] },
  { name: 'build (extension → dist-ext/)', cmd: 'npm', args: ['run', '--silent', 'build:ext'] },
  { name: 'Rust tests (cargo test)', cmd: 'npm', args: ['run', '--silent', 'test:rust'], capture: true, count: (out) => countCargo(out) },
  vitestStep('unit tests (Node)', 'unit'),
  vitestStep('browser tests (headless Chromium)', 'browser'),
];

mkdirSync('.tmp', { recursive: true });
const started = Date.now();
const total = { passed: 0, failed: 0 };
for (const step of steps) {
  const t0 = Date.now();
  console.log(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')}`);
  step.before?.();
  // Captured steps are echoed after they end, so their counts can be read from the output.
  const r = spawnSync(step.cmd, step.args, step.capture ? { encoding: 'utf8', maxBuffer: 64 << 20 } : { stdio: 'inherit' });
  const output = step.capture ? `${r.stdout ?? ''}${r.stderr ?? ''}` : '';
  if (step.capture) process.stdout.write(output);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (step.count) {
    try {
      const c = step.count(output);
      total.passed += c.passed;
      total.failed += c.failed;
    } catch {
      // No report: the runner died before writing one; its exit status below says so.
    }
  }
  if (r.status !== 0) {
    console.error(`\n=== ${step.name} FAILED after ${secs}s (exit ${r.status ?? r.signal})`);
    console.log(`\ntests: ${total.passed} passed, ${Math.max(total.failed, 1)} failed`);
    process.exit(1);
  }
  console.log(`=== ${step.name} ok (${secs}s)`);
}
console.log(`\nall steps ok in ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed`);
