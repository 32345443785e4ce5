import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * LeadSync's own folder (the one with its package.json). Files that are not code — the migrations,
 * the database thread, the built web UI — are found from here, so the same module works run from
 * src/ (through tsx) and bundled into dist/server/ (scripts/build-server.mjs).
 */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** A path inside LeadSync's folder, e.g. `fromPackageRoot('src/db/migrations')`. */
export function fromPackageRoot(...segments: string[]): string {
  return path.join(PACKAGE_ROOT, ...segments);
}

/** What runs: the bundle (dist/server/leadsync.mjs) or the TypeScript sources through tsx. */
export const RUNNING_FROM: 'bundle' | 'sources' = import.meta.url.endsWith('.mjs') ? 'bundle' : 'sources';

/** `leadsync --version`: the package's version and which code runs (bin/leadsync.js picks it). */
export function versionLine(): string {
  const { version } = JSON.parse(readFileSync(fromPackageRoot('package.json'), 'utf8')) as { version: string };
  return `${version} (${RUNNING_FROM === 'bundle' ? 'bundle: dist/server/leadsync.mjs' : 'sources: src/, through tsx'})`;
}
