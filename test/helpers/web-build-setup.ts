/** Vitest global setup: the browser tests need the built UI; build it once, before any test file runs, when stale. */
import { buildWeb } from '../../scripts/build-web.mjs';

export default async function setup(): Promise<void> {
  await buildWeb();
}
