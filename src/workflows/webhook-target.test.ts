import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookTarget, postWebhook, WebhookTargetRefused, type Lookup } from './webhook-target.ts';

describe('checkWebhookTarget', () => {
  const refused = ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://10.1.2.3/', 'http://192.168.1.1/', 'http://172.20.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'ftp://example.com/', 'not a url'];
  for (const url of refused) {
    it(`refuses ${url}`, async () => {
      await expect(checkWebhookTarget(url, { allowed: [] })).rejects.toBeInstanceOf(WebhookTargetRefused);
    });
  }

  // IPv6 forms that carry a private IPv4 address, and IPv6 ranges that are not global.
  const embedded = {
    'NAT64 of 127.0.0.1': 'http://[64:ff9b::7f00:1]/',
    'NAT64 of 10.0.0.1': 'http://[64:ff9b::a00:1]/',
    'NAT64 of 169.254.169.254': 'http://[64:ff9b::a9fe:a9fe]/',
    'local-use NAT64': 'http://[64:ff9b:1::a00:1]/',
    'site-local': 'http://[fec0::1]/',
    'IPv4-compatible 127.0.0.1': 'http://[::7f00:1]/',
    'IPv4-translated 192.168.0.1': 'http://[::ffff:0:c0a8:1]/',
    '6to4 of 10.0.0.1': 'http://[2002:a00:1::1]/',
    'Teredo of 127.0.0.1': 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
    'unique local': 'http://[fd12:3456::1]/',
    'documentation': 'http://[2001:db8::1]/',
    'carrier-grade NAT': 'http://100.64.1.1/',
    'benchmarking': 'http://198.18.0.1/',
    'broadcast': 'http://255.255.255.255/',
  };
  for (const [name, url] of Object.entries(embedded)) {
    it(`refuses ${name} (${url})`, async () => {
      await expect(checkWebhookTarget(url, { allowed: [] })).rejects.toBeInstanceOf(WebhookTargetRefused);
    });
  }

  it('accepts a public address, also through NAT64 or 6to4', async () => {
    expect((await checkWebhookTarget('https://93.184.216.34/hook', { allowed: [] })).url.hostname).toBe('93.184.216.34');
    await expect(checkWebhookTarget('https://[64:ff9b::5db8:d822]/hook', { allowed: [] })).resolves.toMatchObject({ address: '64:ff9b::5db8:d822' });
    await expect(checkWebhookTarget('https://[2606:4700::1111]/hook', { allowed: [] })).resolves.toMatchObject({ family: 6 });
  });

  it('accepts internal targets the operator allowed, by host, address or CIDR', async () => {
    await expect(checkWebhookTarget('http://localhost:9/x', { allowed: ['localhost'] })).resolves.toMatchObject({ url: expect.any(URL) });
    await expect(checkWebhookTarget('http://127.0.0.1:9/x', { allowed: ['127.0.0.1'] })).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(checkWebhookTarget('http://10.9.8.7/x', { allowed: ['10.0.0.0/8'] })).resolves.toMatchObject({ address: '10.9.8.7' });
    await expect(checkWebhookTarget('http://10.9.8.7/x', { allowed: ['10.0.0.0/16'] })).rejects.toBeInstanceOf(WebhookTargetRefused);
  });

  it('refuses a host when any of its addresses is internal', async () => {
    const lookup: Lookup = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }];
    await expect(checkWebhookTarget('http://mixed.test/x', { allowed: [] }, lookup)).rejects.toBeInstanceOf(WebhookTargetRefused);
  });
});

describe('postWebhook', () => {
  let server: Server;
  let port: number;
  const received: IncomingMessage[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req);
      req.resume();
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
        return;
      }
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('connects to the address that was checked: the name is resolved once (no rebinding)', async () => {
    const answers = ['127.0.0.1', '10.66.66.66'];
    let lookups = 0;
    // The first answer is allowed; a second lookup would get an address that is not.
    const lookup: Lookup = async () => [{ address: answers[Math.min(lookups++, 1)], family: 4 }];
    const before = received.length;
    const target = await checkWebhookTarget(`http://rebind.test:${port}/hook`, { allowed: ['127.0.0.1'] }, lookup);
    const res = await postWebhook(target, { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5000 });
    expect(res.status).toBe(204);
    expect(lookups).toBe(1);
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)!.headers.host).toBe(`rebind.test:${port}`);
  });

  it('follows no redirect', async () => {
    const target = await checkWebhookTarget(`http://127.0.0.1:${port}/redirect`, { allowed: ['127.0.0.1'] });
    const res = await postWebhook(target, { headers: {}, body: '{}', timeoutMs: 5000 });
    expect(res.status).toBe(302);
    expect(received.some((r) => r.url === '/elsewhere')).toBe(false);
  });
});
