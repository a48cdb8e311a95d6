import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // e2e/: Playwright drives Debian's Chromium over the built site (`vite build` + `vite preview`
    // in the global setup); src/ and build-tools/: unit tests in Node.
    include: ['e2e/**/*.test.ts', 'src/**/*.test.ts', 'build-tools/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 420_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
