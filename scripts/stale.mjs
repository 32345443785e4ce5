/**
 * Whether a build is older than its sources: a build's stamp file against the newest modification
 * time under each source path. Shared by the web UI's and the server's builds, and by the
 * `leadsync` bin, which runs the server's bundle only while it is current.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time in a file or a folder (recursively); `skip` prunes folders. */
export function newestMtime(path, skip = () => false) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    const child = join(path, entry);
    if (!skip(child)) newest = Math.max(newest, newestMtime(child, skip));
  }
  return newest;
}

/** True when `stamp` is missing or older than anything under `sources` (those that exist). */
export function isStale(stamp, sources, skip = () => false) {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return sources.some((source) => existsSync(source) && newestMtime(source, skip) > built);
}
