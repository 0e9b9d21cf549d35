/**
 * What's tested: the production manifest (as built into dist-ext/ by `npm run build:ext`, which this
 * test runs when the build is missing or stale) keeps the security promises of the extension —
 * MV3, no externally_connectable, no web_accessible_resources, no permissions beyond what the
 * capture needs, a strict CSP, and document_start content scripts that crxjs inlined (no loader).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { EXTENSION_DIR, ensureExtensionBuilt } from '../test/support/devtools-panel.js';

interface BuiltManifest {
  manifest_version: number;
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  content_security_policy?: { extension_pages?: string };
  content_scripts: { js: string[]; world?: string; run_at: string; all_frames: boolean; match_about_blank: boolean; matches: string[] }[];
  devtools_page: string;
  [key: string]: unknown;
}

let manifest: BuiltManifest;

beforeAll(() => {
  ensureExtensionBuilt();
  manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as BuiltManifest;
}, 120_000);

test('is Manifest V3 without externally_connectable or web_accessible_resources', () => {
  expect(manifest.manifest_version).toBe(3);
  expect(manifest).not.toHaveProperty('externally_connectable');
  expect(manifest).not.toHaveProperty('web_accessible_resources');
});

test('asks for no API permissions and no host permissions beyond its content scripts', () => {
  expect(manifest.permissions ?? []).toEqual([]);
  expect(manifest.optional_permissions ?? []).toEqual([]);
  expect(manifest.host_permissions ?? []).toEqual([]);
  for (const script of manifest.content_scripts) expect(script.matches).toEqual(['http://*/*', 'https://*/*']);
});

test('keeps a strict CSP for extension pages (no eval, no remote code)', () => {
  const csp = manifest.content_security_policy?.extension_pages ?? '';
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toMatch(/object-src 'none'/);
  expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|http:|https:/);
});

test('the MAIN-world hook and the relay run at document_start in every frame, inlined (no async loader)', () => {
  const [hook, relay] = manifest.content_scripts;
  expect(hook).toMatchObject({ world: 'MAIN', run_at: 'document_start', all_frames: true, match_about_blank: true });
  expect(relay).toMatchObject({ run_at: 'document_start', all_frames: true, match_about_blank: true });
  expect(relay?.world ?? 'ISOLATED').toBe('ISOLATED');
  for (const script of [hook, relay]) {
    expect(script?.js).toHaveLength(1);
    const code = readFileSync(join(EXTENSION_DIR, script!.js[0]!), 'utf8');
    expect(code.startsWith('(function')).toBe(true);
    expect(code).not.toMatch(/\bimport\s*\(|\bimport\s+[{*\w]/);
  }
});

test('no built page or script uses eval, new Function or innerHTML', () => {
  const files = readdirSync(EXTENSION_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(js|html)$/.test(f));
  expect(files.length).toBeGreaterThanOrEqual(5);
  for (const file of files) {
    // The panel asks DevTools for the inspected page's URL with one constant expression, run in the
    // page (location is unforgeable there); nothing else may evaluate code, here or in the page.
    const code = readFileSync(join(EXTENSION_DIR, file), 'utf8').replaceAll(/inspectedWindow\.eval\((["'`])location\.href\1/g, '');
    expect(code).not.toMatch(/\beval\(|new Function\(|\.innerHTML\s*=|insertAdjacentHTML/);
  }
});
