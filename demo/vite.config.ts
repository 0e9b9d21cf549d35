// Builds the demo page (demo/index.html) into build/demo/, which the development relay serves
// (`startRelay({ serveDir: 'build/demo' })`), so the page and its WebSocket share one origin.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../build/demo'),
    emptyOutDir: true,
    // Keep the .wasm a separate file (served as application/wasm, compiled while streaming).
    assetsInlineLimit: 0,
  },
});
