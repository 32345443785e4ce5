/**
 * The sandbox in a process of its own, for benchmarks that measure LeadSync's memory: Salesforce's
 * records and its work serving them must not count in the process under measurement. Prints one
 * JSON line (url, client id and secret), then serves until stdin closes.
 */
import { startSandbox } from '../src/sandbox/server.ts';

const sb = await startSandbox({ port: 0, seed: 'empty', dailyApiRequests: 100_000_000 });
process.stdout.write(`${JSON.stringify({ url: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void sb.close().then(() => process.exit(0)));
