import { defineConfig } from 'vitest/config';

// Benchmarks that need the moto server: run by `npm run bench`, never by `npm test`.
export default defineConfig({
  test: {
    include: ['bench/*.run.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    globalSetup: ['test/integration/moto-server.ts'],
  },
});
