#!/usr/bin/env node
// The `leadsync` command. Sources are TypeScript run through tsx, so `npm install` alone makes the
// bin work: no build step by hand.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
