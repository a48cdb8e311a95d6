import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // browser-tests/: the Playwright (Chromium) parity test, run in Node like the others.
    include: ['src/**/*.test.ts', 'browser-tests/**/*.test.ts'],
    testTimeout: 120_000,
    // Loading a corpus in beforeAll can pass the 10 s default on two busy cores.
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
