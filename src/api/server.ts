/**
 * The HTTP API (api-v1.md): Fastify with JSON-Schema validation, one error shape for every failure,
 * bearer-token auth, per-token rate limits and an OpenAPI document at /api/v1/openapi.json.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import { SalesforceClients } from '../salesforce/client.ts';
import { oauthCallbackRoutes } from './routes/oauth-callback.ts';
import { salesforceRoutes } from './routes/salesforce.ts';
import { syncRoutes } from './routes/sync.ts';
import { authenticate, bearerToken } from './auth.ts';
import type { ApiContext } from './context.ts';
import { dataModelRoutes } from './routes/data-model.ts';
import { healthRoutes } from './routes/health.ts';
import { leadRoutes } from './routes/leads.ts';
import { messageRoutes } from './routes/messages.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { orgRoutes } from './routes/orgs.ts';
import { sessionRoutes } from './routes/session.ts';
import { syncNowRoutes } from './routes/sync-now.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { webRoutes } from '../web/routes.ts';

export const BODY_LIMIT = 1024 * 1024;

export async function buildApi(options: Omit<ApiContext, 'salesforce'> & { salesforce?: SalesforceClients }): Promise<FastifyInstance> {
  const ctx: ApiContext = { ...options, salesforce: options.salesforce ?? new SalesforceClients({ db: options.db, config: options.config, logger: options.logger }) };
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.logger as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // Per-request log lines only at debug: at thousands of leads a second they would be the bottleneck.
    logController: new LogController({ disableRequestLogging: ctx.config.logLevel !== 'debug' && ctx.config.logLevel !== 'trace' }),
    // Unknown properties are an error, never silently dropped; JSON types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
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
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(rateLimit, {
    global: true,
    max: ctx.config.rateLimitPerMinute,
    timeWindow: 60_000,
    allowList: (request) => !request.url.startsWith('/api/v1/') || request.url.startsWith('/api/v1/docs') || request.url === '/api/v1/openapi.json',
    // Per token (hashed: the key store must not hold tokens), else per client address.
    keyGenerator: (request) => {
      const token = bearerToken(request);
      return token ? createHash('sha256').update(token).digest('base64url') : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => {
      const error = new AppError(429, 'rate_limited', `Too many requests: at most ${context.max} per minute. Retry after ${context.after}.`);
      return Object.assign(error, { statusCode: 429 });
    },
  });

  app.addHook('preHandler', async (request) => {
    if (!request.routeOptions.url?.startsWith('/api/v1/') || request.routeOptions.url.startsWith('/api/v1/docs') || request.routeOptions.url === '/api/v1/openapi.json') return;
    request.principal = await authenticate(ctx, request);
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
  syncNowRoutes(app, ctx);
  oauthCallbackRoutes(app, ctx);
  await webRoutes(app);
  return app;
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
