/// <reference types="vitest/config" />
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };

// One config for the extension build and for vitest.
// - `vite build --mode extension` (npm run build:ext): the DevTools extension via @crxjs/vite-plugin
//   into dist-ext/. The crx plugin is applied only in that mode, never under vitest or a dev server
//   (crxjs's dev mode adds externally_connectable and web_accessible_resources: never ship that).
// - vitest: unit tests run in Node; tests under test/browser and test/e2e drive real Chromium
//   themselves (playwright-core / puppeteer-core), one file at a time on this 2-core machine.
// - CLASP_DEVTOOLS_DEEP=1 (npm run build:ext -- --deep): the deep flavour into dist-ext-deep/, whose
//   manifest adds the "debugger" permission for the opt-in deep mode. Chrome cannot grant
//   "debugger" as an optional permission, so the standard build stays permission-free. Chrome 125
//   is the first whose chrome.debugger takes a sessionId (needed to reach workers).
// - The extension's version is the package's (manifest.json has none): one number for the npm package,
//   the extension and the Rust crates, checked by test/unit/versions.test.ts.
const deep = process.env['CLASP_DEVTOOLS_DEEP'] === '1';
const versioned = { ...manifest, version: pkg.version };
const extensionManifest = deep ? { ...versioned, name: `${manifest.name} (deep mode)`, minimum_chrome_version: '125', permissions: ['debugger'] } : versioned;

export default defineConfig(({ mode }) => ({
  plugins: mode === 'extension' ? [crx({ manifest: extensionManifest as ManifestV3Export })] : [],
  build: {
    outDir: deep ? 'dist-ext-deep' : 'dist-ext',
    emptyOutDir: true,
    // The panel page is referenced only at runtime (chrome.devtools.panels.create): crxjs cannot find it.
    rollupOptions: { input: { panel: 'extension/panel/panel.html' } },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'extension/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          // Real sockets and IndexedDB work: generous limits so a loaded 2-core CI machine does not
          // turn slowness into failures (a hang still fails).
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
}));
