/**
 * Vitest global setup, once before any test file runs: the browser tests need the built UI, and the
 * tests that run `leadsync` as a process should run what users run (the server's bundle). Each is
 * built only when stale.
 */
import { buildServer } from '../../scripts/build-server.mjs';
import { buildWeb } from '../../scripts/build-web.mjs';

export default async function setup(): Promise<void> {
  await buildWeb();
  await buildServer();
}
