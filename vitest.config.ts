import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser tests poll for what the page shows; under CI load a second is too short to wait.
    expect: { poll: { timeout: 10_000 } },
  },
});
