import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources in tests (see package.json "exports").
    conditions: ['@healthbank/source'],
  },
  ssr: { resolve: { conditions: ['@healthbank/source'] } },
  test: {
    include: [
      'packages/**/src/**/*.test.ts',
      'examples/**/*.test.ts',
      'bench/**/*.test.ts',
      'e2e/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI also writes a machine-readable summary, from which .ci/run prints its closing line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
