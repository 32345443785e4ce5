// Entry of the bench's sandbox thread: a worker thread starts without its parent's TypeScript
// loader, so it registers tsx itself (as bin/leadsync.js does) before loading the sandbox.
import { register } from 'tsx/esm/api';

register();
await import('./sandbox-thread.ts');
