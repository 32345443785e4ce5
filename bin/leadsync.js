#!/usr/bin/env -S node --max-semi-space-size=2
// The `leadsync` command. Sources are TypeScript run through tsx, so `npm install` alone makes the
// bin work: no build step by hand.
// --max-semi-space-size=2 (also in package.json's `start`): V8's default young generation (two
// 16 MB semi-spaces) sits mostly empty yet resident in a long-running service; 2 MB ones cost
// ~40 MB less RSS (docs/benchmarks.md, "Memory").
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
