import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSandboxCommand } from '../../src/cli/sandbox-command.ts';

describe('leadsync sandbox command', () => {
  it('registers the documented options with their defaults', () => {
    const program = new Command();
    registerSandboxCommand(program);
    const cmd = program.commands.find((c) => c.name() === 'sandbox')!;
    const flags = cmd.options.map((o) => o.long);
    expect(flags).toEqual(expect.arrayContaining(['--port', '--seed', '--client-id', '--client-secret', '--token-ttl', '--rotate-refresh-tokens']));
    expect(cmd.opts()).toMatchObject({ port: '4010', seed: 'demo', tokenTtl: '7200', rotateRefreshTokens: false });
  });
});
