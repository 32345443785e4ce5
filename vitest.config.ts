import { defineConfig } from 'vitest/config';

// Tests start real servers (API, sandbox) and real databases (PGlite, PostgreSQL): give them time,
// run files in separate processes, and never more at once than this 2-core machine can carry.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // The browser tests serve the built UI (dist/web) and the CLI tests run the server's bundle
    // (dist/server): build each first when a source changed.
    globalSetup: ['test/helpers/build-setup.ts'],
  },
});
