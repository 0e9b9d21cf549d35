/**
 * What's tested: one version number for everything released together. package.json holds it; the
 * extension's manifest takes it in the build (manifest.json itself has none, vite.config.ts adds
 * it); every crate of the Cargo workspace, its lock file and the newest CHANGELOG release must say
 * the same.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const version = (JSON.parse(read('package.json')) as { version: string }).version;

/** Every Cargo.toml of the workspace (the root crate and its members), target/ excluded. */
function cargoManifests(dir = 'wasm-bridge'): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== 'target' && !entry.name.startsWith('.')) out.push(...cargoManifests(path));
    else if (entry.name === 'Cargo.toml') out.push(path);
  }
  return out;
}

test('package.json has a semver version', () => {
  expect(version).toMatch(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/);
});

test('every crate of the Cargo workspace has the package version', () => {
  const manifests = cargoManifests();
  expect(manifests).toContain('wasm-bridge/Cargo.toml');
  for (const path of manifests) {
    const pkg = /\[package\][^[]*?^version = "([^"]+)"/m.exec(read(path));
    expect([path, pkg?.[1]]).toEqual([path, version]);
  }
});

test('Cargo.lock records the workspace crates at the package version', () => {
  const lock = read('wasm-bridge/Cargo.lock');
  const local = [...lock.matchAll(/\[\[package\]\]\nname = "(clasp-[a-z-]+)"\nversion = "([^"]+)"\n(?!source)/g)];
  expect(local.length).toBeGreaterThan(0);
  for (const m of local) expect([m[1], m[2]]).toEqual([m[1], version]);
});

test('the manifest gets its version from package.json in the build', () => {
  expect(JSON.parse(read('manifest.json'))).not.toHaveProperty('version');
  expect(read('vite.config.ts')).toMatch(/version: pkg\.version/);
  for (const dir of ['dist-ext', 'dist-ext-deep']) {
    const built = join(root, dir, 'manifest.json');
    if (existsSync(built)) expect((JSON.parse(readFileSync(built, 'utf8')) as { version: string }).version).toBe(version);
  }
});

test('the newest release in CHANGELOG.md is the package version', () => {
  const released = /^## \[(\d[^\]]*)\]/m.exec(read('CHANGELOG.md'));
  expect(released?.[1]).toBe(version);
});
