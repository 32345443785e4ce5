import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.ts';
import { UI_CSP, WEB_DIST } from './routes.ts';

// vitest's global setup (test/helpers/build-setup.ts) has built dist/web.
describe('serving the built web UI', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('every UI path gets the app (deep links survive a reload) with the UI security headers', async () => {
    // A path where the app has no page still gets the app (its "not found" page), with status 404.
    for (const [path, status] of [['/', 200], ['/orgs/abc/leads', 200], ['/orgs/abc/leads/123', 200], ['/orgs/abc/settings/integrations/salesforce?connected=1', 200], ['/no/such/page', 404]] as const) {
      const res = await fetch(api.url + path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(UI_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await res.text();
      expect(html).toContain('<div id="app"></div>');
    }
    expect(UI_CSP).toContain("frame-ancestors 'none'");
    expect(UI_CSP).toContain("script-src 'self'");
    expect(UI_CSP).not.toContain('unsafe-inline');
  });

  it('the page has no inline script or event handler (the CSP would refuse them)', async () => {
    const html = await (await fetch(api.url + '/')).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('odd paths never answer 500; API, OAuth and asset paths keep the JSON 404', async () => {
    for (const path of ['/constructor', '/__proto__', '/orgs/%00', '/..%2f..%2fetc%2fpasswd', `/${'x'.repeat(5000)}`, '/%E0%A4%A', '/orgs/a/b/c/d/e/f']) {
      const res = await fetch(api.url + path);
      expect(res.status, path).toBeLessThan(500);
    }
    for (const path of ['/ui/constructor', '/ui/__proto__', '/ui/toString', '/ui/app.js', '/api/v1/nope', '/assets/nope.js', '/assets/__proto__', '/assets/..%2f..%2fpackage.json', '/oauth/nope']) {
      const res = await fetch(api.url + path);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
  });

  it('serves hashed assets for good and a favicon', async () => {
    const html = await (await fetch(api.url + '/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const res = await fetch(api.url + script);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(html).toContain('href="/favicon.svg"');
    const css = await fetch(api.url + '/ui/app.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await fetch(api.url + '/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('the first page loads under 200 KB of JavaScript and CSS, gzipped', async () => {
    const html = await readFile(WEB_DIST + 'index.html', 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    let total = 0;
    for (const asset of assets) total += gzipSync(await readFile(WEB_DIST + asset)).length;
    console.log(`first page: ${assets.length} files, ${(total / 1024).toFixed(1)} KB gzipped`);
    expect(total).toBeLessThan(200 * 1024);
  });
});
