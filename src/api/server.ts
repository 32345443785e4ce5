/**
 * The HTTP API (api-v1.md): Fastify with JSON-Schema validation, one error shape for every failure,
 * bearer-token auth, per-token rate limits and an OpenAPI document at /api/v1/openapi.json.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Socket } from 'node:net';
import { AppError } from '../errors.ts';
import { SalesforceClients } from '../salesforce/client.ts';
import { oauthCallbackRoutes } from './routes/oauth-callback.ts';
import { salesforceRoutes } from './routes/salesforce.ts';
import { syncRoutes } from './routes/sync.ts';
import { authenticate } from './auth.ts';
import { checkStorableInput } from './input-guard.ts';
import { useCursorKey } from './pagination.ts';
import { securityHeaders } from './security-headers.ts';
import type { ApiContext } from './context.ts';
import { dataModelRoutes } from './routes/data-model.ts';
import { healthRoutes } from './routes/health.ts';
import { leadRoutes } from './routes/leads.ts';
import { messageRoutes } from './routes/messages.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { orgRoutes } from './routes/orgs.ts';
import { pullRuleRoutes } from './routes/pull-rules.ts';
import { sessionRoutes } from './routes/session.ts';
import { OPTIONAL_BODY } from './schemas.ts';
import { syncNowRoutes } from './routes/sync-now.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { webRoutes } from '../web/routes.ts';

export const BODY_LIMIT = 1024 * 1024;

/** Routes that need a token: the API, less its documentation. */
const needsToken = (request: FastifyRequest) => {
  const url = request.routeOptions.url;
  return url !== undefined && url.startsWith('/api/v1/') && !url.startsWith('/api/v1/docs') && url !== '/api/v1/openapi.json';
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered (HEAD ones included): the tenant matrix test walks all of them. */
    routeTable: { method: string; url: string }[];
  }
  interface FastifyRequest {
    /** Why the token was refused; answered before the body is read, once the rate limit counted it. */
    authFailure?: AppError;
  }
}

export async function buildApi(options: Omit<ApiContext, 'salesforce'> & { salesforce?: SalesforceClients }): Promise<FastifyInstance> {
  const ctx: ApiContext = { ...options, salesforce: options.salesforce ?? new SalesforceClients({ db: options.db, config: options.config, logger: options.logger }) };
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.logger as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // Per-request log lines only at debug: at thousands of leads a second they would be the bottleneck.
    logController: new LogController({ disableRequestLogging: ctx.config.logLevel !== 'debug' && ctx.config.logLevel !== 'trace' }),
    // Unknown properties are an error, never silently dropped; JSON types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // An id of any length reaches its route and is a 404 there, not the router's 414.
    routerOptions: { maxParamLength: 16_384 },
    // Requests Node cannot parse (a bad Content-Length, a request line past 16 KiB) get our error shape too.
    clientErrorHandler: answerUnparsableRequest,
    // A path whose percent-escapes are not UTF-8 names nothing we have: 404 in our shape.
    frameworkErrors: (error, _request, reply) => {
      const answer = error.code === 'FST_ERR_BAD_URL' ? new AppError(404, 'not_found', 'No such path: its percent-escapes are not UTF-8.') : new AppError(400, 'bad_request', error.message);
      void (reply as unknown as { code(n: number): { send(b: unknown): void } }).code(answer.status).send(answer.toBody());
    },
  });
  if (ctx.config.secretKey) useCursorKey(ctx.config.secretKey);
  const routeTable: FastifyInstance['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
    // A body whose fields are all optional may be left out (OPTIONAL_BODY): then it is {}.
    if ((route.schema as Record<string, unknown> | undefined)?.[OPTIONAL_BODY]) {
      route.preValidation = [async (request: FastifyRequest) => void (request.body ??= {}), ...[route.preValidation ?? []].flat()];
    }
  });

  // Every response: nosniff, no referrer, and a script-tight CSP on HTML.
  app.addHook('onSend', securityHeaders);

  // A request is authenticated before its body is read. A refused token is remembered here and
  // answered in preParsing, after the rate limit (keyed on the client address then) has counted it.
  app.addHook('onRequest', async (request, reply) => {
    // @fastify/swagger-ui redirects this path to itself when a query string follows it.
    if (request.url.startsWith('/api/v1/docs/static/index.html?')) return reply.redirect('/api/v1/docs/', 302);
    if (!needsToken(request)) return;
    try {
      request.principal = await authenticate(ctx, request);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      request.authFailure = error;
    }
  });
  app.addHook('preParsing', async (request) => {
    if (request.authFailure) throw request.authFailure;
  });
  // Text no database can store is a 400 naming the input, whatever the route.
  app.addHook('preValidation', async (request) => {
    if (needsToken(request)) checkStorableInput(request);
  });

  // JSON only: a text/plain body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'LeadSync API', version: '1.0.0', description: 'Keeps a Salesforce org in sync with the leads your conversational agents talk to. See docs/api.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The staff token or an organization API key.' } } },
      security: [{ bearer: [] }],
    },
    // @fastify/swagger calls every request body required; those marked OPTIONAL_BODY are not.
    transformObject: (document) => markOptionalBodies('openapiObject' in document ? document.openapiObject : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(rateLimit, {
    global: true,
    max: ctx.config.rateLimitPerMinute,
    timeWindow: 60_000,
    allowList: (request) => !needsToken(request),
    // Per organization (or staff); unauthenticated and refused requests per client address, so
    // random tokens share one allowance.
    keyGenerator: (request) => {
      const who = request.principal;
      return who ? (who.kind === 'staff' ? 'staff' : `org:${who.org.id}`) : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => {
      const error = new AppError(429, 'rate_limited', `Too many requests: at most ${context.max} per minute. Retry after ${context.after}.`);
      return Object.assign(error, { statusCode: 429 });
    },
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(new AppError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}.`).toBody());
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = toAppError(error);
    if (appError) return reply.code(appError.status).send(appError.toBody());
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' } });
  });

  healthRoutes(app, ctx);
  metricsRoutes(app, ctx);
  orgRoutes(app, ctx);
  sessionRoutes(app, ctx);
  dataModelRoutes(app, ctx);
  leadRoutes(app, ctx);
  messageRoutes(app, ctx);
  workflowRoutes(app, ctx);
  salesforceRoutes(app, ctx);
  syncRoutes(app, ctx);
  pullRuleRoutes(app, ctx);
  syncNowRoutes(app, ctx);
  oauthCallbackRoutes(app, ctx);
  await webRoutes(app);
  return app;
}

/**
 * Node's answer to a request it cannot parse, in our error shape: a request line or headers past
 * Node's 16 KiB limit is 414 (a URL too long to read), anything else (a bad Content-Length...) 400.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLong = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(
    tooLong
      ? new AppError(414, 'uri_too_long', 'The request line and headers are over 16 KiB: shorten the URL.').toBody()
      : new AppError(400, 'bad_request', `The HTTP request could not be read (${error.code ?? 'malformed'}): check its Content-Length and headers.`).toBody(),
  );
  socket.end(
    `HTTP/1.1 ${tooLong ? '414 URI Too Long' : '400 Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-content-type-options: nosniff\r\nreferrer-policy: no-referrer\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Maps every error a client can cause to the API's error shape; undefined for our own failures. */
export function toAppError(error: FastifyError | AppError): AppError | undefined {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError;
  if (fe.validation) {
    const fields: Record<string, string> = {};
    for (const v of fe.validation) {
      const params = v.params as Record<string, unknown>;
      const base = `${fe.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`;
      if (typeof params.missingProperty === 'string') fields[`${base}.${params.missingProperty}`] = 'is required';
      else if (typeof params.additionalProperty === 'string') fields[`${base}.${params.additionalProperty}`] = 'is not a known property';
      else if (Array.isArray(params.allowedValues)) fields[base] = `must be one of ${params.allowedValues.join(', ')}`;
      else fields[base] ??= v.message ?? 'is invalid';
    }
    return new AppError(400, 'validation_failed', `Invalid request: ${Object.entries(fields).map(([k, m]) => `${k} ${m}`).join('; ')}.`, { fields });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'payload_too_large', `The request body is over ${BODY_LIMIT} bytes.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'unsupported_media_type', 'Send JSON with "content-type: application/json".');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'validation_failed', 'The request body is empty; send a JSON object.', { fields: { body: 'is required' } });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError(400, 'validation_failed', 'The request body is not valid JSON.', { fields: { body: 'is not valid JSON' } });
  }
  if (fe.statusCode === 429) return new AppError(429, 'rate_limited', fe.message);
  if (error instanceof SyntaxError || (fe.statusCode === 400 && /JSON/i.test(fe.message))) {
    return new AppError(400, 'validation_failed', 'The request body is not valid JSON.', { fields: { body: 'is not valid JSON' } });
  }
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(fe.statusCode, fe.statusCode === 404 ? 'not_found' : 'validation_failed', fe.message);
  }
  return undefined;
}

function markOptionalBodies<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Record<string, unknown>>> }).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      if (!operation?.[OPTIONAL_BODY]) continue;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody) (operation.requestBody as { required: boolean }).required = false;
    }
  }
  return document;
}
