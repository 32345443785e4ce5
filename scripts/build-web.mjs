#!/usr/bin/env node
/**
 * Builds the web UI (src/web/app → dist/web) with Vite. `--if-stale` builds only when a source is
 * newer than the last build, so `npm install` (its `prepare`), `npm start` and the tests can all ask
 * for it cheaply. Without Vite installed (`npm install --omit=dev`) it says so and leaves the UI
 * unbuilt; the server then answers UI paths with a page saying how to build it.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { isStale } from './stale.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = join(ROOT, 'dist/web');
const SOURCES = [join(ROOT, 'src/web/app'), join(ROOT, 'vite.config.ts'), join(ROOT, 'package-lock.json')];

export function webBuildIsStale() {
  return isStale(join(WEB_DIST, 'index.html'), SOURCES);
}

/** Builds the UI unless it is current (or always, with `force`). */
export async function buildWeb({ force = false } = {}) {
  if (!force && !webBuildIsStale()) return false;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.warn('leadsync: Vite is not installed (npm install --omit=dev?); the web UI is not built. Run `npm install` then `npm run build:web`.');
    return false;
  }
  await vite.build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'src/web/app'), logLevel: 'warn' });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildWeb({ force: !process.argv.includes('--if-stale') });
  if (built) console.log(`leadsync: web UI built into ${WEB_DIST}`);
}
