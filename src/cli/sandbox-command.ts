/** `leadsync sandbox`: runs the local Salesforce on its own until interrupted. */
import type { Command } from 'commander';
import { startSandbox } from '../sandbox/server.ts';

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('Run the local Salesforce sandbox (OAuth, REST, Composite, Bulk API 2.0) on its own.')
    .option('--port <port>', 'port to listen on', '4010')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--seed <seed>', 'initial data: demo or empty', 'demo')
    .option('--client-id <id>', 'connected app client id')
    .option('--client-secret <secret>', 'connected app client secret')
    .option('--token-ttl <seconds>', 'access token lifetime in seconds', '7200')
    .option('--rotate-refresh-tokens', 'issue a new refresh token on every refresh (the old one stops working)', false)
    .action(async (o: { port: string; host: string; seed: string; clientId?: string; clientSecret?: string; tokenTtl: string; rotateRefreshTokens: boolean }) => {
      if (o.seed !== 'demo' && o.seed !== 'empty') throw new Error('--seed must be demo or empty');
      const port = Number(o.port);
      const ttl = Number(o.tokenTtl);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
      if (!(ttl > 0)) throw new Error('--token-ttl must be a positive number of seconds');
      const sb = await startSandbox({
        port,
        host: o.host,
        seed: o.seed,
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        tokenTtlSeconds: ttl,
        rotateRefreshTokens: o.rotateRefreshTokens,
      });
      console.log(`Salesforce sandbox listening on ${sb.url}`);
      console.log(`  login URL / instance URL: ${sb.url}`);
      console.log(`  client id:     ${sb.clientId}`);
      console.log(`  client secret: ${sb.clientSecret}`);
      console.log(`  demo login:    ${sb.username} / ${sb.password}`);
      console.log(`  control API:   ${sb.url}/__sandbox (see docs/sandbox.md)`);
      const stop = async () => {
        await sb.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
