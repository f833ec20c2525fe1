import { defineConfig } from 'vitest/config';

/**
 * The scale-out test (tests/cluster): two server processes of the production build on one
 * PostgreSQL. Not part of `npm test`: it needs the build and a PostgreSQL server.
 */
export default defineConfig({
  test: {
    include: ['tests/cluster/**/*.cluster.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
