import path from 'node:path';
import { defineConfig } from 'vitest/config';

const r = (p: string) => path.resolve(__dirname, p);

export default defineConfig({
  resolve: {
    alias: [
      { find: /^~\/(.*)$/, replacement: r('app/$1') },
      { find: /^#services\/(.*)$/, replacement: r('services/$1') },
      { find: /^#db\/(.*)$/, replacement: r('db/$1') },
      { find: /^#locales\/(.*)$/, replacement: r('locales/$1') },
    ],
  },
  test: {
    globals: true,
    environment: 'node',
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    globalSetup: ['tests/setup/global-setup.ts'],
    setupFiles: ['tests/setup/setup-file.ts'],
    // PGlite is single-threaded WASM; two workers match the machine's two cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
