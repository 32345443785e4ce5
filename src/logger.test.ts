import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('redacts tokens, keys and secrets wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = createLogger('info', sink);
    log.info({ req: { headers: { authorization: 'Bearer lsk_secret1' } }, conn: { access_token: 'tok-2', refresh_token: 'ref-3' }, api_key: 'lsk_4', body: { client_secret: 'cs-5', password: 'pw-6' } }, 'hello');
    const out = lines.join('');
    for (const secret of ['lsk_secret1', 'tok-2', 'ref-3', 'lsk_4', 'cs-5', 'pw-6']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(out).toContain('hello');
  });
});
