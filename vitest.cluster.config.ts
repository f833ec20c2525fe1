import { defineConfig } from 'vitest/config';

/**
 * The process tests (tests/cluster): two server processes of the production build on one
 * PostgreSQL, the standalone worker, and the database taken away under them. Not part of
 * `npm test`: they need the build and a PostgreSQL server. One file at a time: each starts real
 * processes, and the machine is small.
 */
export default defineConfig({
  test: {
    include: ['tests/cluster/**/*.cluster.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
