/**
 * The web UI: a small single-page app over the same public API (no private endpoints). The server
 * only hands out its static files; every page path returns the app, which routes in the browser.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

export function webRoutes(app: FastifyInstance): void {
  const index = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(await readFile(STATIC_DIR + 'index.html'));
  app.get('/', { schema: { hide: true } }, index);
  app.get('/orgs/*', { schema: { hide: true } }, index);
  app.get<{ Params: { file: string } }>('/ui/:file', { schema: { hide: true } }, async (request, reply) => {
    const type = Object.hasOwn(FILES, request.params.file) ? FILES[request.params.file] : undefined;
    if (!type) return reply.code(404).send({ error: { code: 'not_found', message: 'No such file.' } });
    return reply.type(type).header('cache-control', 'no-cache').send(await readFile(STATIC_DIR + request.params.file));
  });
}
