/**
 * Serves the web UI built by Vite (dist/web; `npm run build:web`, run by `npm install` and `npm start`).
 * The app routes in the browser, so every UI path gets its index.html (the SPA fallback) and the
 * app shows its own "not found" page for paths it does not know. API, OAuth and operations paths
 * keep the API's JSON 404, and so does /ui/ (the old UI's prefix) but for the server pages' stylesheet. The app talks to the server only through the public API.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fromPackageRoot } from '../package-root.ts';

export const WEB_DIST = fromPackageRoot('dist/web') + '/';

/** No inline script or style, no framing, nothing fetched from elsewhere (runtime.md, "Safety at the edges"). */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Paths that are never UI pages: an unknown one is the API's JSON 404, not the app. */
const NOT_UI = /^\/(api|oauth|assets|ui|metrics|healthz|readyz)(\/|$)/;

/** Where the app has pages; any other path still gets the app (its "not found" page) but with status 404. */
const UI_PAGES = /^\/(orgs\/[^/]+(\/.*)?)?$/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LeadSync</title></head>
<body><h1>The web UI is not built</h1><p>Run <code>npm install</code> (or <code>npm run build:web</code>) in the LeadSync folder, then reload.</p></body></html>`;

/** The app's own, stricter policy (no inline style either); the server's onSend hook adds the rest. */
function uiHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('content-security-policy', UI_CSP);
}

export async function webRoutes(app: FastifyInstance): Promise<void> {
  const built = existsSync(WEB_DIST + 'index.html');
  if (built) {
    // Hashed file names: cache them for good. `wildcard: false` serves only files that exist.
    await app.register(fastifyStatic, {
      root: WEB_DIST + 'assets',
      prefix: '/assets/',
      wildcard: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }
  const index = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    if (NOT_UI.test(path)) return reply.callNotFound();
    uiHeaders(reply).type('text/html; charset=utf-8').header('cache-control', 'no-cache');
    if (!existsSync(WEB_DIST + 'index.html')) return reply.code(503).send(NOT_BUILT);
    return reply.code(UI_PAGES.test(path) ? 200 : 404).send(await readFile(WEB_DIST + 'index.html'));
  };
  app.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) => {
    if (!existsSync(WEB_DIST + 'favicon.svg')) return reply.callNotFound();
    return uiHeaders(reply).type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(await readFile(WEB_DIST + 'favicon.svg'));
  });
  // The stylesheet of the pages the server renders itself (the OAuth callback's error page).
  app.get('/ui/app.css', { schema: { hide: true } }, async (_request, reply) => {
    if (!existsSync(WEB_DIST + 'ui/app.css')) return reply.callNotFound();
    return reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(await readFile(WEB_DIST + 'ui/app.css'));
  });
  app.get('/', { schema: { hide: true } }, index);
  app.get('/*', { schema: { hide: true } }, index);
}
