import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/helpers/api.ts';
import { engineName } from '../../../test/helpers/database.ts';
import { createLogger } from '../../logger.ts';
import { createMailer, signWebhook } from '../../workflows/actions.ts';
import { runWorkflowsOnce, type RunnerDeps } from '../../workflows/runner.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe(`workflows and personalization (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  let hooks: Server;
  let hookUrl: string;
  const received: Received[] = [];
  let failNext = 0;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: string[] = [];
  let deps: RunnerDeps;

  const call = (method: string, path: string, body?: unknown) => api.call(method, `/api/v1/orgs/${org.id}${path}`, { token: org.apiKey, body });
  /** Drives the runner the worker runs until no work is left (due now). */
  const drain = async (d: RunnerDeps = deps) => {
    for (let i = 0; i < 50; i++) {
      if ((await runWorkflowsOnce(d)) === 0) {
        const { rows } = await api.database.db.query<{ n: number }>(`select count(*)::int as n from workflow_actions where status in ('pending','retrying')`);
        if (rows[0].n === 0) return;
        await new Promise((r) => setTimeout(r, 30));
      }
    }
  };
  const createWorkflow = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/workflows', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const runs = async (id: string) => (await call('GET', `/workflows/${id}/runs`)).body.items;

  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg();
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        let data = '';
        stream.on('data', (d) => (data += d));
        stream.on('end', () => {
          mails.push(data);
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    deps = { db: api.database.db, logger: createLogger('silent'), allowedWebhookHosts: ['127.0.0.1'], debounceMs: 0, retryBaseMs: 10 };
  });
  afterAll(async () => {
    await api.close();
    hooks.close();
    smtp.close();
  });

  describe('render', () => {
    it('renders with and without sales rep data, default filter included', async () => {
      const withRep = (await call('POST', '/leads', { fields: { email: 'ada@example.com', first_name: 'Ada' } })).body;
      await api.database.db.query(`update leads set fields = fields || '{"salesforce_assigned_sales_rep_name": "Sam Rep"}'::jsonb where id = $1`, [withRep.id]);
      const without = (await call('POST', '/leads', { fields: { email: 'bob@example.com', first_name: 'Bob' } })).body;
      const template = "Hi {{ first_name }}, {{ salesforce_assigned_sales_rep_name | default: 'our team' }} will follow up.";
      expect((await call('POST', '/render', { lead_id: withRep.id, template })).body).toEqual({ text: 'Hi Ada, Sam Rep will follow up.' });
      expect((await call('POST', '/render', { lead_id: without.id, template })).body).toEqual({ text: 'Hi Bob, our team will follow up.' });
      expect((await call('POST', '/render', { lead_id: without.id, template: '[{{ company }}]' })).body.text).toBe('[]');
    });

    it('a template error is a 400 with its position', async () => {
      const lead = (await call('POST', '/leads', { fields: { email: 'err@example.com' } })).body;
      const res = await call('POST', '/render', { lead_id: lead.id, template: 'Hello\n{% if first_name %}no end' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
      expect(res.body.error.message).toMatch(/line \d+, column \d+/);
    });

    it('an unknown lead is a 404', async () => {
      expect((await call('POST', '/render', { lead_id: '00000000-0000-4000-8000-000000000000', template: 'x' })).status).toBe(404);
    });
  });

  describe('creating workflows', () => {
    it('refuses unknown fields, missing values, bad templates and bad shapes', async () => {
      const bad: Array<[unknown, string]> = [
        [{ name: 'x', trigger: 'lead.created', conditions: { all: [{ field: 'shoe', op: 'equals', value: 1 }] }, actions: [] }, 'unknown_field'],
        [{ name: 'x', trigger: 'lead.created', conditions: { all: [{ field: 'email', op: 'equals' }] }, actions: [] }, 'validation_failed'],
        [{ name: 'x', trigger: 'lead.created', conditions: { all: [{ field: 'email', op: 'in', value: 'a' }] }, actions: [] }, 'validation_failed'],
        [{ name: 'x', trigger: 'lead.created', conditions: { all: [{ field: 'email', op: 'like', value: 'a' }] }, actions: [] }, 'validation_failed'],
        [{ name: 'x', trigger: 'lead.deleted', actions: [] }, 'validation_failed'],
        [{ name: 'x', trigger: 'lead.created', actions: [{ type: 'webhook', url: 'ftp://x' }] }, 'validation_failed'],
        [{ name: 'x', trigger: 'lead.created', actions: [{ type: 'email', to_template: '{{ email', subject_template: 's', body_template: 'b' }] }, 'validation_failed'],
        [{ name: 'x', trigger: 'lead.created', actions: [{ type: 'set_field', field: 'salesforce_account_name', value_template: 'x' }] }, 'validation_failed'],
        [{ name: 'x', trigger: 'lead.created', actions: [{ type: 'sms' }] }, 'validation_failed'],
      ];
      for (const [body, code] of bad) {
        const res = await call('POST', '/workflows', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code, JSON.stringify(body)).toBe(code);
      }
      expect((await call('GET', '/workflows')).body.items).toEqual([]);
    });
  });

  describe('running', () => {
    it('records every evaluation, matched or not, and runs actions only on a match', async () => {
      const wf = await createWorkflow({
        name: 'VIPs',
        trigger: 'lead.created',
        conditions: { all: [{ field: 'company', op: 'equals', value: 'acme' }] },
        actions: [{ type: 'set_field', field: 'lead_source', value_template: 'vip-{{ first_name | downcase }}' }],
      });
      const hit = (await call('POST', '/leads', { fields: { email: 'hit@example.com', company: 'Acme', first_name: 'Hit' } })).body;
      const miss = (await call('POST', '/leads', { fields: { email: 'miss@example.com', company: 'Other' } })).body;
      await drain();
      const list = await runs(wf.id);
      expect(list).toHaveLength(2);
      const byLead = Object.fromEntries(list.map((r: any) => [r.lead_id, r]));
      expect(byLead[hit.id]).toMatchObject({ matched: true, actions: [{ type: 'set_field', status: 'succeeded' }] });
      expect(byLead[miss.id]).toMatchObject({ matched: false, actions: [] });
      expect((await call('GET', `/leads/${hit.id}`)).body.fields.lead_source).toBe('vip-hit');
      expect((await call('GET', `/leads/${miss.id}`)).body.fields.lead_source).toBeUndefined();
      await call('DELETE', `/workflows/${wf.id}`);
    });

    it('a webhook POSTs the event as JSON with a verifiable HMAC-SHA256 signature', async () => {
      received.length = 0;
      const wf = await createWorkflow({ name: 'hook', trigger: 'message.created', actions: [{ type: 'webhook', url: hookUrl }] });
      const lead = (await call('POST', '/leads', { fields: { email: 'hook@example.com' } })).body;
      await call('POST', `/leads/${lead.id}/messages`, { role: 'lead', channel: 'chat', text: 'Hello there' });
      await drain();
      expect(received).toHaveLength(1);
      const { headers, body } = received[0];
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-leadsync-event']).toBe('message.created');
      expect(headers['x-leadsync-signature']).toBe(signWebhook(wf.signing_secret, String(headers['x-leadsync-timestamp']), body));
      expect(headers['x-leadsync-signature']).not.toBe(signWebhook('wrong-secret', String(headers['x-leadsync-timestamp']), body));
      const parsed = JSON.parse(body);
      expect(parsed.event).toBe('message.created');
      expect(parsed.lead).toMatchObject({ id: lead.id, fields: { email: 'hook@example.com' } });
      expect(parsed.message).toMatchObject({ text: 'Hello there', role: 'lead' });
      expect((await runs(wf.id))[0].actions[0]).toMatchObject({ type: 'webhook', status: 'succeeded', output: { status_code: 204 } });
      await call('DELETE', `/workflows/${wf.id}`);
    });

    it('a failing webhook is retried with backoff until it succeeds', async () => {
      received.length = 0;
      failNext = 2;
      const wf = await createWorkflow({ name: 'retry', trigger: 'lead.created', actions: [{ type: 'webhook', url: hookUrl, body_template: '{"email": "{{ email }}"}' }] });
      await call('POST', '/leads', { fields: { email: 'retry@example.com' } });
      await drain();
      expect(received).toHaveLength(3);
      expect(received.map((r) => r.body)).toEqual(Array(3).fill('{"email": "retry@example.com"}'));
      expect((await runs(wf.id))[0].actions[0]).toMatchObject({ status: 'succeeded', output: { attempts: 3 } });
      await call('DELETE', `/workflows/${wf.id}`);
    });

    it('a webhook to an internal address that is not allowed fails without a request', async () => {
      received.length = 0;
      const wf = await createWorkflow({ name: 'ssrf', trigger: 'lead.created', actions: [{ type: 'webhook', url: hookUrl }] });
      await call('POST', '/leads', { fields: { email: 'ssrf@example.com' } });
      await drain({ ...deps, allowedWebhookHosts: [] });
      expect(received).toHaveLength(0);
      expect((await runs(wf.id))[0].actions[0]).toMatchObject({ status: 'failed', output: { error: expect.stringContaining('internal address') } });
      await call('DELETE', `/workflows/${wf.id}`);
    });

    it('email without SMTP_URL goes to the outbox, rendered', async () => {
      const wf = await createWorkflow({
        name: 'mail',
        trigger: 'lead.updated',
        conditions: { any: [{ field: 'title', op: 'starts_with', value: 'VP' }, { field: 'title', op: 'contains', value: 'chief' }] },
        actions: [{ type: 'email', to_template: "{{ salesforce_account_owner_email | default: 'sales@example.com' }}", subject_template: 'New VP: {{ first_name }}', body_template: '{{ first_name }} ({{ email }}) is a {{ title }}.' }],
      });
      const lead = (await call('POST', '/leads', { fields: { email: 'vp@example.com', first_name: 'Vera' } })).body;
      await call('PATCH', `/leads/${lead.id}`, { fields: { title: 'VP Sales' } });
      await drain();
      const outbox = (await call('GET', '/outbox')).body.items;
      expect(outbox[0]).toMatchObject({ to: 'sales@example.com', subject: 'New VP: Vera', body: 'Vera (vp@example.com) is a VP Sales.', status: 'outbox' });
      expect((await runs(wf.id))[0].actions[0]).toMatchObject({ type: 'email', status: 'succeeded', output: { delivery: 'outbox' } });
      await call('DELETE', `/workflows/${wf.id}`);
    });

    it('email with SMTP_URL is delivered through SMTP', async () => {
      mails.length = 0;
      const wf = await createWorkflow({ name: 'smtp', trigger: 'lead.created', actions: [{ type: 'email', to_template: '{{ email }}', subject_template: 'Welcome {{ first_name }}', body_template: 'Hi {{ first_name }}!' }] });
      await call('POST', '/leads', { fields: { email: 'smtp@example.com', first_name: 'Sam' } });
      await drain({ ...deps, mailer: createMailer(`smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`) });
      expect(mails).toHaveLength(1);
      expect(mails[0]).toContain('To: smtp@example.com');
      expect(mails[0]).toContain('Subject: Welcome Sam');
      expect(mails[0]).toContain('Hi Sam!');
      expect((await runs(wf.id))[0].actions[0]).toMatchObject({ status: 'succeeded', output: { delivery: 'smtp' } });
      await call('DELETE', `/workflows/${wf.id}`);
    });

    it('set_field does not trigger lead.updated workflows (no loops)', async () => {
      const wf = await createWorkflow({ name: 'loop', trigger: 'lead.updated', actions: [{ type: 'set_field', field: 'city', value_template: '{{ city }}x' }] });
      const lead = (await call('POST', '/leads', { fields: { email: 'loop@example.com' } })).body;
      await call('PATCH', `/leads/${lead.id}`, { fields: { city: 'Oslo' } });
      await drain();
      await drain();
      expect((await call('GET', `/leads/${lead.id}`)).body.fields.city).toBe('Oslox');
      expect((await runs(wf.id)).filter((r: any) => r.lead_id === lead.id)).toHaveLength(1);
      await call('DELETE', `/workflows/${wf.id}`);
    });

    it('organizations without workflows record no events', async () => {
      const other = await api.createOrg('Quiet');
      await api.call('POST', `/api/v1/orgs/${other.id}/leads`, { token: other.apiKey, body: { fields: { email: 'q@example.com' } } });
      const { rows } = await api.database.db.query<{ n: number }>('select count(*)::int as n from workflow_events where org_id = $1', [other.id]);
      expect(rows[0].n).toBe(0);
    });
  });

  describe('lists page like every list (api-v1.md: ?limit= and ?cursor=)', () => {
    /** Every page of a list, following next_cursor to its end. */
    const allPages = async (other: { id: string; apiKey: string }, path: string, limit: number) => {
      const pages: Array<Array<Record<string, unknown>>> = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await api.call('GET', `/api/v1/orgs/${other.id}${path}${query}`, { token: other.apiKey });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        pages.push(res.body.items);
        cursor = res.body.next_cursor;
      } while (cursor !== null && pages.length < 20);
      return pages;
    };

    it('workflows: in the order they were created, a page at a time, nothing repeated or left out', async () => {
      const other = await api.createOrg('Many workflows');
      const names = ['one', 'two', 'three', 'four', 'five'];
      for (const name of names) {
        const res = await api.call('POST', `/api/v1/orgs/${other.id}/workflows`, { token: other.apiKey, body: { name, trigger: 'lead.created', actions: [{ type: 'set_field', field: 'title', value_template: 'x' }] } });
        expect(res.status).toBe(201);
      }
      const pages = await allPages(other, '/workflows', 2);
      expect(pages.map((p) => p.map((w) => w.name))).toEqual([['one', 'two'], ['three', 'four'], ['five']]);
      // The default page holds them all; another organization's are never in it.
      const whole = await api.call('GET', `/api/v1/orgs/${other.id}/workflows`, { token: other.apiKey });
      expect(whole.body.items.map((w: { name: string }) => w.name)).toEqual(names);
      expect(whole.body.next_cursor).toBeNull();
    });

    it('outbox: newest first, a page at a time, nothing repeated or left out', async () => {
      const other = await api.createOrg('Many emails');
      const res = await api.call('POST', `/api/v1/orgs/${other.id}/workflows`, {
        token: other.apiKey,
        body: { name: 'mail each', trigger: 'lead.created', actions: [{ type: 'email', to_template: 'sales@example.com', subject_template: 'New: {{ first_name }}', body_template: '{{ email }}' }] },
      });
      expect(res.status).toBe(201);
      for (let i = 1; i <= 5; i++) {
        await api.call('POST', `/api/v1/orgs/${other.id}/leads`, { token: other.apiKey, body: { fields: { email: `p${i}@example.com`, first_name: `P${i}` } } });
        // One lead's email after another's: the outbox's order is the order they were written.
        await drain();
      }
      const pages = await allPages(other, '/outbox', 2);
      expect(pages.map((p) => p.map((m) => m.subject))).toEqual([['New: P5', 'New: P4'], ['New: P3', 'New: P2'], ['New: P1']]);
    });

    it('a limit outside 1..500 or a cursor this list did not hand out is a 400', async () => {
      for (const path of ['/workflows', '/outbox']) {
        for (const query of ['?limit=0', '?limit=501', '?limit=two', '?cursor=forged', '?cursor=eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA']) {
          const res = await call('GET', `${path}${query}`);
          expect(res.status, `${path}${query}`).toBe(400);
          expect(res.body.error.code).toBe('validation_failed');
        }
      }
    });
  });
});
