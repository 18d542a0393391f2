import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The browser tests each start a server and a Chromium: one file at a time on 2 cores.
    fileParallelism: false,
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.{ts,tsx}'] } },
      {
        test: {
          name: 'browser',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
