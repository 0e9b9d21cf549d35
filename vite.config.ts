/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// One config for the extension build (added with the extension) and for vitest.
// Unit tests run in Node; tests under test/browser and test/e2e drive real Chromium
// themselves (playwright-core / puppeteer-core), one file at a time on this 2-core machine.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'extension/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
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
});
