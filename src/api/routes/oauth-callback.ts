import type { FastifyInstance } from 'fastify';
import { clearStateCookie, completeAuthorization } from '../../salesforce/oauth.ts';
import type { ApiContext } from '../context.ts';

/** A query parameter's value when it was given once; a repeated one is ignored (then the state is missing). */
const single = (query: Record<string, unknown>, name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const HEADLINES = {
  access_denied: 'Salesforce access was not allowed',
  oauth_error: 'OAuth Error',
  invalid_state: 'OAuth Error: this authorization link is no longer valid',
  exchange_failed: 'OAuth Error',
} as const;

/** The page a failed authorization ends on: what happened and what to do (the seed's two options). */
export function oauthErrorPage(reason: keyof typeof HEADLINES, message: string, settingsUrl: string | undefined): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LeadSync — ${esc(HEADLINES[reason])}</title>
<link rel="stylesheet" href="/ui/app.css"></head><body><main><div class="card">
<h2>${esc(HEADLINES[reason])}</h2>
<p>${esc(message)}</p>
<p>Your existing Salesforce connection, if any, was not changed.</p>
<h3>What to do</h3>
<ol>
<li><strong>Have your Salesforce admin connect directly:</strong> ask an admin of your Salesforce org to sign in to LeadSync and click “Connect Salesforce”.</li>
<li><strong>Use your own connected app:</strong> your Salesforce admin creates an external connected app with API access (read, create and edit on Leads and Contacts) and enters its consumer key and secret under “Use your own connected app”.</li>
</ol>
${settingsUrl ? `<p><a class="button" href="${esc(settingsUrl)}">Back to Salesforce settings</a></p>` : '<p>Start again from Settings &gt; Integrations &gt; Salesforce.</p>'}
</div></main></body></html>`;
}

/**
 * Salesforce's redirect after the admin allows or denies access. No token: the state names the org.
 * Logged at warn and above only: request logging (debug) would write the URL, code and state included.
 */
export function oauthCallbackRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // No querystring schema: whatever the browser brings, the answer is this page, never a JSON error.
  app.get('/oauth/salesforce/callback', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const query = { code: single(q, 'code'), state: single(q, 'state'), error: single(q, 'error'), error_description: single(q, 'error_description') };
    const result = await completeAuthorization({ db: ctx.db, config: ctx.config }, query, request.headers.cookie).catch((error) => {
      request.log.error({ err: error }, 'oauth callback failed');
      return { ok: false as const, reason: 'exchange_failed' as const, message: 'LeadSync could not complete the authorization.', orgId: undefined };
    });
    // A used (or refused) state's cookie has no further use.
    if (query.state) reply.header('set-cookie', clearStateCookie(ctx.config, query.state));
    if (result.ok) {
      ctx.salesforce.forOrg(result.orgId).connectionChanged();
      const cleared = result.clearedLeads > 0 ? `&cleared_leads=${result.clearedLeads}` : '';
      return reply.redirect(`/orgs/${result.orgId}/settings/salesforce?connected=1${cleared}`, 302);
    }
    request.log.warn({ reason: result.reason }, 'salesforce authorization failed');
    const settings = result.orgId ? `/orgs/${result.orgId}/settings/salesforce` : undefined;
    return reply.code(400).type('text/html; charset=utf-8').send(oauthErrorPage(result.reason, result.message, settings));
  });
}
