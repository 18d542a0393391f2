import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Every test bounds its work; these only stop a run that hangs. On a 2-core machine shared
    // with other builds a few hundred requests can take longer than vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
