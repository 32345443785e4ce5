import { describe, expect, it } from 'vitest';
import { checkWebhookTarget, WebhookTargetRefused } from './webhook-target.ts';

describe('checkWebhookTarget', () => {
  const refused = ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://10.1.2.3/', 'http://192.168.1.1/', 'http://172.20.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'ftp://example.com/', 'not a url'];
  for (const url of refused) {
    it(`refuses ${url}`, async () => {
      await expect(checkWebhookTarget(url, { allowed: [] })).rejects.toBeInstanceOf(WebhookTargetRefused);
    });
  }

  it('accepts a public address', async () => {
    expect((await checkWebhookTarget('https://93.184.216.34/hook', { allowed: [] })).hostname).toBe('93.184.216.34');
  });

  it('accepts internal targets the operator allowed, by host, address or CIDR', async () => {
    await expect(checkWebhookTarget('http://localhost:9/x', { allowed: ['localhost'] })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('http://127.0.0.1:9/x', { allowed: ['127.0.0.1'] })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('http://10.9.8.7/x', { allowed: ['10.0.0.0/8'] })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('http://10.9.8.7/x', { allowed: ['10.0.0.0/16'] })).rejects.toBeInstanceOf(WebhookTargetRefused);
  });
});
