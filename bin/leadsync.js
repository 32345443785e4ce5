#!/usr/bin/env -S node --max-semi-space-size=2
// The `leadsync` command. It runs the server's bundle (dist/server/leadsync.mjs, built by
// `npm install` and `npm start`: scripts/build-server.mjs) while the bundle is current, and the
// TypeScript sources through tsx otherwise (a checkout being edited, LEADSYNC_FROM_SOURCE=1), so
// `npm install` alone makes the bin work and an edit is never run stale. The bundle spares a
// long-running process tsx's loader thread (~35 MB).
// --max-semi-space-size=2 (also in package.json's `start`): V8's default young generation (two
// 16 MB semi-spaces) sits mostly empty yet resident in a long-running service; 2 MB ones cost
// ~40 MB less RSS (docs/benchmarks.md, "Memory").
import { pathToFileURL } from 'node:url';
import { SERVER_BUNDLE, serverBuildIsStale } from '../scripts/build-server.mjs';

if (!process.env.LEADSYNC_FROM_SOURCE && !serverBuildIsStale()) {
  await import(pathToFileURL(SERVER_BUNDLE).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
