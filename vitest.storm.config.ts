import { defineConfig } from 'vitest/config';

// The storm harness: outside `npm test` (minutes against moto); run by `npm run storm` and `npm run bench`.
export default defineConfig({
  test: {
    include: ['test/storm/*.run.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    globalSetup: ['test/integration/moto-server.ts'],
  },
});
