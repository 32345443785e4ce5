/**
 * The push engine against the sandbox over HTTP (jsforce), one test per rule of sync-semantics.md's
 * Matching, Writing and Errors sections. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineName } from '../../test/helpers/database.ts';
import { connectedOrg, sandboxControl, startWorld, type ConnectedWorld } from '../../test/helpers/salesforce.ts';
import { drain, engineDeps } from '../../test/helpers/sync.ts';
import { claimBatch, handBackClaims } from '../db/sync.ts';
import { recordsPushed } from '../metrics.ts';
import { TRUNCATION_MARKER } from './transcript.ts';
import { pushBatch, type EngineDeps } from './engine.ts';
import { startWorker, stopWithin } from './worker.ts';

describe(`push engine against the sandbox (${engineName})`, () => {
  let world: ConnectedWorld;
  let deps: EngineDeps;
  let org: { id: string; apiKey: string };
  const call = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}${path}`, { token: org.apiKey, body });
  const sb = (method: string, path: string, body?: unknown) => sandboxControl(world.sandbox, method, path, body);
  const soql = async (q: string) => (await fetchQuery(q)) as any[];
  let fetchQuery: (q: string) => Promise<unknown[]>;
  const settings = (push: Record<string, unknown>, lead: unknown[] = [], contact: unknown[] = []) =>
    call('PUT', '/integrations/salesforce/settings', { push: { lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false }, ...push }, mappings: { lead, contact } });
  const createLead = async (fields: Record<string, unknown>) => (await call('POST', '/leads', { fields })).body;
  const getLead = async (id: string) => (await call('GET', `/leads/${id}`)).body;
  const stats = async () => (await sb('GET', '/__sandbox/stats')) as { api_calls: number; by_kind: Record<string, number> };

  beforeAll(async () => {
    world = await startWorld({ env: { LEADSYNC_SYNC_DEBOUNCE_MS: '0', LEADSYNC_SYNC_BATCH_LINGER_MS: '20' } });
    deps = engineDeps(world);
    fetchQuery = (q) => deps.clients.forOrg(org.id).query(q);
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    await sb('POST', '/__sandbox/reset', { seed: 'empty' });
    await sb('DELETE', '/__sandbox/faults');
    org = await connectedOrg(world, `Org ${Math.random()}`);
  });

  describe('matching', () => {
    it('by email, case-insensitive, the most recently created record wins; the id is stored back', async () => {
      const older = await sb('POST', '/__sandbox/records/Lead', { LastName: 'Old', Company: 'X', Email: 'ADA@example.com', CreatedDate: '2026-01-01T00:00:00.000Z' });
      const newer = await sb('POST', '/__sandbox/records/Lead', { LastName: 'New', Company: 'X', Email: 'ada@example.com', CreatedDate: '2026-02-01T00:00:00.000Z' });
      await settings({ lead: { update_existing: true, create_when_no_match: false } }, [{ spara_field: 'first_name', salesforce_field: 'FirstName' }]);
      const lead = await createLead({ email: 'Ada@Example.com', first_name: 'Ada' });
      await drain(deps, org.id);
      expect((await getLead(lead.id)).fields.salesforce_lead_id).toBe(newer.id);
      expect((await soql(`SELECT Id, FirstName FROM Lead WHERE Id = '${newer.id}'`))[0].FirstName).toBe('Ada');
      expect((await soql(`SELECT Id, FirstName FROM Lead WHERE Id = '${older.id}'`))[0].FirstName).toBeNull();
    });

    it('the stored salesforce_lead_id is tried first, before email', async () => {
      const byEmail = await sb('POST', '/__sandbox/records/Lead', { LastName: 'E', Company: 'X', Email: 'grace@example.com' });
      const stored = await sb('POST', '/__sandbox/records/Lead', { LastName: 'S', Company: 'X', Email: 'other@example.com' });
      await settings({ lead: { update_existing: true, create_when_no_match: false } }, [{ spara_field: 'title', salesforce_field: 'Title' }]);
      const lead = await createLead({ email: 'grace@example.com', title: 'Admiral', salesforce_lead_id: stored.id });
      await drain(deps, org.id);
      expect((await soql(`SELECT Title FROM Lead WHERE Id = '${stored.id}'`))[0].Title).toBe('Admiral');
      expect((await soql(`SELECT Title FROM Lead WHERE Id = '${byEmail.id}'`))[0].Title).toBeNull();
      expect((await getLead(lead.id)).sync.status).toBe('synced');
    });

    it('a converted lead is skipped (logged, not an error) and its Contact becomes the match', async () => {
      const sfLead = await sb('POST', '/__sandbox/records/Lead', { FirstName: 'Con', LastName: 'Verted', Company: 'Conv Co', Email: 'conv@example.com' });
      const { contact_id } = await sb('POST', '/__sandbox/convert-lead', { lead_id: sfLead.id });
      await settings({ lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } }, [{ spara_field: 'title', salesforce_field: 'Title' }], [{ spara_field: 'title', salesforce_field: 'Title' }]);
      const lead = await createLead({ email: 'conv@example.com', title: 'CFO', salesforce_lead_id: sfLead.id });
      await drain(deps, org.id);
      const after = await getLead(lead.id);
      expect(after.sync.status).toBe('synced');
      expect(after.fields.salesforce_contact_id).toBe(contact_id);
      expect((await soql(`SELECT Title FROM Contact WHERE Id = '${contact_id}'`))[0].Title).toBe('CFO');
      const log = (await call('GET', `/integrations/salesforce/sync/log?lead_id=${lead.id}`)).body.items;
      expect(log).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'Lead', operation: 'skip', status: 'success', salesforce_id: sfLead.id })]));
      expect(await soql("SELECT Id FROM Lead WHERE Email = 'conv@example.com' AND IsConverted = false")).toHaveLength(0);
    });
  });

  describe('writing', () => {
    it('if_empty writes only where Salesforce is empty; overwrite always', async () => {
      const a = await sb('POST', '/__sandbox/records/Lead', { LastName: 'A', Company: 'X', Email: 'a@example.com', Title: 'CEO', FirstName: 'Old' });
      const b = await sb('POST', '/__sandbox/records/Lead', { LastName: 'B', Company: 'X', Email: 'b@example.com' });
      await settings({ lead: { update_existing: true, create_when_no_match: false } }, [
        { spara_field: 'title', salesforce_field: 'Title', write_rule: 'if_empty' },
        { spara_field: 'first_name', salesforce_field: 'FirstName', write_rule: 'overwrite' },
      ]);
      await createLead({ email: 'a@example.com', title: 'CTO', first_name: 'New' });
      await createLead({ email: 'b@example.com', title: 'CTO', first_name: 'New' });
      await drain(deps, org.id);
      expect((await soql(`SELECT Title, FirstName FROM Lead WHERE Id = '${a.id}'`))[0]).toMatchObject({ Title: 'CEO', FirstName: 'New' });
      expect((await soql(`SELECT Title, FirstName FROM Lead WHERE Id = '${b.id}'`))[0]).toMatchObject({ Title: 'CTO', FirstName: 'New' });
    });

    it('a lead with nothing to change costs no write', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'first_name', salesforce_field: 'FirstName' }]);
      const lead = await createLead({ email: 'noop@example.com', first_name: 'Same', last_name: 'X' });
      await drain(deps, org.id);
      await sb('POST', '/__sandbox/stats/reset');
      await call('POST', '/integrations/salesforce/sync/retry');
      await world.api.database.db.query(`insert into sync_queue (lead_id, org_id, due_at) values ($1, $2, now()) on conflict do nothing`, [lead.id, org.id]);
      await drain(deps, org.id);
      const s = await stats();
      expect(s.by_kind.collections ?? 0).toBe(0);
      expect(s.by_kind.sobject ?? 0).toBe(0);
      // The batch's reads are one composite; a write would be a second.
      expect(s.by_kind.composite).toBe(1);
    });

    it('creates with placeholders for required fields without a value', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'first_name', salesforce_field: 'FirstName' }]);
      const lead = await createLead({ email: 'new@example.com', first_name: 'Newt' });
      await drain(deps, org.id);
      const id = (await getLead(lead.id)).fields.salesforce_lead_id;
      expect((await soql(`SELECT FirstName, LastName, Company, Email FROM Lead WHERE Id = '${id}'`))[0]).toMatchObject({ FirstName: 'Newt', LastName: '[not provided]', Company: '[not provided]', Email: 'new@example.com' });
    });

    it('the conversation is written, truncated to the field length with the newest kept', async () => {
      await sb('POST', '/__sandbox/fields/Lead', { name: 'Chat__c', type: 'textarea', length: 300 });
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'conversation', salesforce_field: 'Chat__c' }]);
      const lead = await createLead({ email: 'chatty@example.com', last_name: 'Chatty', company: 'C' });
      for (let i = 0; i < 12; i++) await call('POST', `/leads/${lead.id}/messages`, { role: i % 2 ? 'agent' : 'lead', channel: 'chat', text: `message number ${i}`, sent_at: `2026-11-28T14:${String(10 + i).padStart(2, '0')}:00Z` });
      await drain(deps, org.id);
      const id = (await getLead(lead.id)).fields.salesforce_lead_id;
      const text = (await soql(`SELECT Chat__c FROM Lead WHERE Id = '${id}'`))[0].Chat__c as string;
      expect(text.length).toBeLessThanOrEqual(300);
      expect(text.startsWith(TRUNCATION_MARKER)).toBe(true);
      expect(text.endsWith('[2026-11-28 14:21 UTC] Agent (chat): message number 11')).toBe(true);
    });

    it('coalesces a burst of changes into one write; a change during a push is pushed after', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'title', salesforce_field: 'Title' }]);
      const lead = await createLead({ email: 'burst@example.com', last_name: 'B', company: 'C', title: 't0' });
      for (let i = 1; i <= 5; i++) await call('PATCH', `/leads/${lead.id}`, { fields: { title: `t${i}` } });
      await sb('POST', '/__sandbox/stats/reset');
      await drain(deps, org.id);
      // One push: its reads in one composite, its one write in another.
      expect((await stats()).by_kind.composite).toBe(2);
      const id = (await getLead(lead.id)).fields.salesforce_lead_id;
      expect((await soql(`SELECT Title FROM Lead WHERE Id = '${id}'`))[0].Title).toBe('t5');
      // A change that lands while the lead is being pushed.
      await call('PATCH', `/leads/${lead.id}`, { fields: { title: 'during-1' } });
      const claimed = await claimBatch(deps.db, org.id, 'w', 200, 60);
      await call('PATCH', `/leads/${lead.id}`, { fields: { title: 'during-2' } });
      await pushBatch(deps, org.id, claimed);
      expect((await getLead(lead.id)).sync.status).toBe('pending');
      await drain(deps, org.id);
      expect((await soql(`SELECT Title FROM Lead WHERE Id = '${id}'`))[0].Title).toBe('during-2');
      expect((await getLead(lead.id)).sync.status).toBe('synced');
    });
  });

  describe('errors', () => {
    it('partial failure: one record refused by a validation rule, the others go on', async () => {
      await sb('POST', '/__sandbox/validation-rules/Lead', { name: 'No bad titles', field: 'Title', condition: 'equals', value: 'Bad', message: 'Title may not be Bad' });
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'title', salesforce_field: 'Title' }]);
      const good = await createLead({ email: 'good@example.com', last_name: 'G', company: 'C', title: 'Good' });
      const bad = await createLead({ email: 'bad@example.com', last_name: 'B', company: 'C', title: 'Bad' });
      await drain(deps, org.id);
      expect((await getLead(good.id)).sync.status).toBe('synced');
      const failed = await getLead(bad.id);
      expect(failed.sync).toMatchObject({ status: 'error', last_error: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Title may not be Bad' } });
      const log = (await call('GET', `/integrations/salesforce/sync/log?lead_id=${bad.id}&status=error`)).body.items;
      expect(log[0]).toMatchObject({ object: 'Lead', operation: 'create', status: 'error', error_code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' });
      expect((await call('GET', '/integrations/salesforce/sync')).body.errors).toBe(1);
      // /metrics counts records written, per object and operation: the refused one is not among them.
      const pushed = (await recordsPushed.get()).values.filter((v) => v.labels.org === org.id);
      expect(pushed.map((v) => [v.labels.object, v.labels.operation, v.value])).toEqual([['Lead', 'create', 1]]);
    });

    it('a lead refused on its Lead write is not written to its Contact in the same push', async () => {
      await sb('POST', '/__sandbox/validation-rules/Lead', { name: 'No bad titles', field: 'Title', condition: 'equals', value: 'Bad', message: 'Title may not be Bad' });
      // The person is both a Lead and a Contact already: each is updated by its own rule.
      await sb('POST', '/__sandbox/records/Lead', { LastName: 'Both', Company: 'C', Email: 'both@example.com', Title: 'Old' });
      const contactId = (await sb('POST', '/__sandbox/records/Contact', { LastName: 'Both', Email: 'both@example.com', Title: 'Old' })).id;
      await settings({ lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } }, [{ spara_field: 'title', salesforce_field: 'Title' }], [{ spara_field: 'title', salesforce_field: 'Title' }]);
      const lead = await createLead({ email: 'both@example.com', last_name: 'B', company: 'C', title: 'Bad' });
      await drain(deps, org.id);
      expect((await getLead(lead.id)).sync).toMatchObject({ status: 'error', last_error: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' } });
      expect((await call('GET', `/integrations/salesforce/sync/log?lead_id=${lead.id}&status=error`)).body.items[0]).toMatchObject({ object: 'Lead', operation: 'update' });
      expect((await soql(`SELECT Title FROM Contact WHERE Id = '${contactId}'`))[0].Title).toBe('Old');
    });

    it('UNABLE_TO_LOCK_ROW is retried with backoff, then succeeds', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, []);
      await sb('POST', '/__sandbox/faults', { faults: [{ match: { path: 'composite/sobjects' }, error: 'UNABLE_TO_LOCK_ROW', count: 2 }] });
      const lead = await createLead({ email: 'locked@example.com', last_name: 'L', company: 'C' });
      await drain(deps, org.id);
      expect((await getLead(lead.id)).sync.status).toBe('synced');
      const log = (await call('GET', `/integrations/salesforce/sync/log?lead_id=${lead.id}`)).body.items;
      expect(log.filter((e: any) => e.status === 'retrying' && e.error_code === 'UNABLE_TO_LOCK_ROW')).toHaveLength(2);
      expect(await soql("SELECT Id FROM Lead WHERE Email = 'locked@example.com'")).toHaveLength(1);
    });

    it('a transient failure that never clears is tried 8 times in all, then the lead is error (not retried forever)', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, []);
      await sb('POST', '/__sandbox/faults', { faults: [{ match: { method: 'POST', path: 'composite/sobjects' }, error: 'SERVER_UNAVAILABLE' }] });
      const lead = await createLead({ email: 'down@example.com', last_name: 'D', company: 'C' });
      await sb('POST', '/__sandbox/stats/reset');
      await drain(deps, org.id);
      expect((await getLead(lead.id)).sync).toMatchObject({ status: 'error', last_error: { code: 'SERVER_UNAVAILABLE' } });
      // 8 pushes, each its reads in one composite and its write in another.
      expect((await stats()).by_kind.composite).toBe(16);
      const log = (await call('GET', `/integrations/salesforce/sync/log?lead_id=${lead.id}`)).body.items;
      expect(log.filter((e: any) => e.status === 'retrying' && e.error_code === 'SERVER_UNAVAILABLE')).toHaveLength(7);
      expect(log[0]).toMatchObject({ object: 'Lead', operation: 'create', status: 'error', error_code: 'SERVER_UNAVAILABLE' });
      expect(await soql("SELECT Id FROM Lead WHERE Email = 'down@example.com'")).toHaveLength(0);
    });

    it('a create whose answer is lost (DROP_AFTER_COMMIT) is found by email on retry: no duplicate', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'first_name', salesforce_field: 'FirstName' }]);
      await sb('POST', '/__sandbox/faults', { faults: [{ match: { method: 'POST', path: 'composite/sobjects' }, error: 'DROP_AFTER_COMMIT', count: 1 }] });
      const leads = await Promise.all([1, 2, 3].map((i) => createLead({ email: `drop${i}@example.com`, first_name: `D${i}`, last_name: 'D', company: 'C' })));
      await drain(deps, org.id);
      for (const [i, lead] of leads.entries()) {
        const rows = await soql(`SELECT Id FROM Lead WHERE Email = 'drop${i + 1}@example.com'`);
        expect(rows).toHaveLength(1);
        expect((await getLead(lead.id)).fields.salesforce_lead_id).toBe(rows[0].Id);
      }
    });

    it('a worker kept waiting by Salesforce keeps its claim: another worker does not push the same lead (no duplicate)', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, []);
      // The create answers after 4 s; the lease is 2 s.
      await sb('POST', '/__sandbox/faults', { faults: [{ match: { method: 'POST', path: 'composite/sobjects' }, error: 'LATENCY', latency_ms: 4000, count: 1 }] });
      const lead = await createLead({ email: 'slow@example.com', last_name: 'S', company: 'C' });
      const { syncOnce } = await import('./engine.ts');
      const slow = syncOnce({ ...deps, workerId: 'slow-worker', leaseSeconds: 2 });
      await new Promise((r) => setTimeout(r, 2800));
      expect(await syncOnce({ ...deps, workerId: 'other-worker', leaseSeconds: 2 })).toBe(0);
      expect(await slow).toBe(1);
      expect(await soql("SELECT Id FROM Lead WHERE Email = 'slow@example.com'")).toHaveLength(1);
      expect((await getLead(lead.id)).sync.status).toBe('synced');
    });

    it('a stopping worker hands back a batch Salesforce is slow to answer, due again a minute later; no duplicate', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, []);
      await sb('POST', '/__sandbox/faults', { faults: [{ match: { method: 'POST', path: 'composite/sobjects' }, error: 'LATENCY', latency_ms: 2000, count: 1 }] });
      const lead = await createLead({ email: 'stopping@example.com', last_name: 'S', company: 'C' });
      const { syncOnce } = await import('./engine.ts');
      const stopping = { ...deps, workerId: 'stopping-worker' };
      const worker = startWorker({ db: deps.db, logger: deps.logger, pollMs: 20, tick: async (running) => { while (running() && (await syncOnce(stopping, running)) > 0); } });
      const row = async () => (await deps.db.query<{ claimed_by: string | null; due_at: Date }>('select claimed_by, due_at from sync_queue where lead_id = $1', [lead.id])).rows[0];
      for (const deadline = Date.now() + 5000; (await row())?.claimed_by !== 'stopping-worker'; ) {
        if (Date.now() > deadline) throw new Error('the lead was never claimed');
        await new Promise((r) => setTimeout(r, 20));
      }
      await stopWithin(worker, 200, () => handBackClaims(deps.db, 'stopping-worker', 60_000));
      // Stopped without waiting for the write in flight: the lead is still pending, its row handed back.
      expect((await getLead(lead.id)).sync.status).toBe('pending');
      const handedBack = await row();
      expect(handedBack.claimed_by).toBeNull();
      expect(new Date(handedBack.due_at).getTime()).toBeGreaterThan(Date.now() + 50_000);
      // The write already sent still lands; nobody creates the lead a second time meanwhile.
      for (const deadline = Date.now() + 8000; (await row()) !== undefined; ) {
        if (Date.now() > deadline) throw new Error('the batch in flight never finished');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await syncOnce(deps)).toBe(0);
      expect(await soql("SELECT Id FROM Lead WHERE Email = 'stopping@example.com'")).toHaveLength(1);
      expect((await getLead(lead.id)).sync.status).toBe('synced');
    });

    it('REQUEST_LIMIT_EXCEEDED pauses the organization, nothing dropped, and it resumes when usage allows', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, []);
      const used = (await sb('GET', '/__sandbox/limits')).api_usage as number;
      await sb('PUT', '/__sandbox/limits', { daily_api_requests: used + 1 });
      const lead = await createLead({ email: 'limit@example.com', last_name: 'L', company: 'C' });
      const { syncOnce } = await import('./engine.ts');
      for (let i = 0; i < 3; i++) await syncOnce(deps);
      const status = (await call('GET', '/integrations/salesforce/sync')).body;
      expect(status.pending).toBe(1);
      expect(status.paused_until).not.toBeNull();
      expect(status.pause_reason).toBe('request_limit');
      expect((await getLead(lead.id)).sync.status).toBe('pending');
      await sb('PUT', '/__sandbox/limits', { daily_api_requests: 1_000_000 });
      await drain(deps, org.id);
      expect((await getLead(lead.id)).sync.status).toBe('synced');
      expect((await call('GET', '/integrations/salesforce/sync')).body).toMatchObject({ pending: 0, paused_until: null });
    });

    it('usage at the API budget pauses before Salesforce refuses', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, []);
      await createLead({ email: 'budget@example.com', last_name: 'B', company: 'C' });
      const used = (await sb('GET', '/__sandbox/limits')).api_usage as number;
      // 80% budget: usage sits at 90% of the limit.
      await sb('PUT', '/__sandbox/limits', { daily_api_requests: Math.ceil((used + 5) / 0.9) });
      await world.api.database.db.query('update salesforce_connections set api_used = $2, api_max = $3 where org_id = $1', [org.id, used + 5, Math.ceil((used + 5) / 0.9)]);
      const { syncOnce } = await import('./engine.ts');
      await syncOnce(deps);
      const status = (await call('GET', '/integrations/salesforce/sync')).body;
      expect(status.pause_reason).toBe('api_budget');
      expect(status.pending).toBe(1);
      await sb('PUT', '/__sandbox/limits', { daily_api_requests: 1_000_000 });
      await drain(deps, org.id);
      expect((await call('GET', '/integrations/salesforce/sync')).body.pending).toBe(0);
    });

    it('a mapped field that vanished is flagged on the settings, not retried forever', async () => {
      await sb('POST', '/__sandbox/fields/Lead', { name: 'Score__c', type: 'string', length: 20 });
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'title', salesforce_field: 'Score__c' }]);
      await sb('DELETE', '/__sandbox/fields/Lead/Score__c');
      const lead = await createLead({ email: 'vanish@example.com', last_name: 'V', company: 'C', title: 'x' });
      await drain(deps, org.id);
      const doc = (await call('GET', '/integrations/salesforce/settings')).body;
      expect(doc.mappings.lead.find((r: any) => r.salesforce_field === 'Score__c').flagged).toContain('INVALID_FIELD');
      expect((await getLead(lead.id)).sync.status).toBe('synced');
      expect(await soql("SELECT Id FROM Lead WHERE Email = 'vanish@example.com'")).toHaveLength(1);
    });

    it('reconnection_required keeps the queue; it resumes after authorizing again', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true } }, []);
      await sb('POST', '/__sandbox/tokens/revoke');
      const lead = await createLead({ email: 'held@example.com', last_name: 'H', company: 'C' });
      const { syncOnce } = await import('./engine.ts');
      await syncOnce(deps);
      expect((await call('GET', '/integrations/salesforce')).body.status).toBe('reconnection_required');
      expect((await call('GET', '/integrations/salesforce/sync')).body).toMatchObject({ pending: 1, paused_until: null, pause_reason: 'reconnection_required' });
      const { authorizeThroughSandbox } = await import('../../test/helpers/salesforce.ts');
      await authorizeThroughSandbox(world, org);
      await drain(deps, org.id);
      expect((await getLead(lead.id)).sync.status).toBe('synced');
    });
  });

  it('a field that vanishes while describe is still cached (INVALID_FIELD from Salesforce) is flagged too', async () => {
    await sb('POST', '/__sandbox/fields/Lead', { name: 'Tier__c', type: 'string', length: 20 });
    await settings({ lead: { update_existing: true, create_when_no_match: true } }, [{ spara_field: 'title', salesforce_field: 'Tier__c' }]);
    await deps.clients.forOrg(org.id).describeFields('Lead');
    await deps.clients.forOrg(org.id).describeFields('Contact');
    await sb('DELETE', '/__sandbox/fields/Lead/Tier__c');
    const lead = await createLead({ email: 'cached@example.com', last_name: 'V', company: 'C', title: 'x' });
    await drain(deps, org.id);
    const doc = (await call('GET', '/integrations/salesforce/settings')).body;
    expect(doc.mappings.lead.find((r: any) => r.salesforce_field === 'Tier__c').flagged).toContain('INVALID_FIELD');
    expect((await getLead(lead.id)).sync.status).toBe('synced');
  });

  describe('batching', () => {
    it('200 new leads cost a handful of API calls', async () => {
      await settings({ lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } }, [
        { spara_field: 'first_name', salesforce_field: 'FirstName' },
        { spara_field: 'company', salesforce_field: 'Company' },
      ]);
      for (let i = 0; i < 200; i++) await createLead({ email: `batch${i}@example.com`, first_name: `B${i}`, last_name: 'Batch', company: `Company ${i % 20}` });
      await sb('POST', '/__sandbox/stats/reset');
      const { syncLatency } = await import('../metrics.ts');
      const observed = async () => (await syncLatency.get()).values.find((v) => v.metricName === 'leadsync_sync_latency_seconds_count')?.value ?? 0;
      const before = await observed();
      await drain(deps, org.id);
      // Sync latency (change → pushed) is observed once per synced lead.
      expect((await observed()) - before).toBe(200);
      const s = await stats();
      expect(s.api_calls).toBeLessThanOrEqual(8);
      expect(await soql("SELECT COUNT() FROM Lead WHERE LastName = 'Batch'")).toBeDefined();
      expect((await call('GET', '/integrations/salesforce/sync')).body).toMatchObject({ pending: 0, in_flight: 0, errors: 0 });
    });
  });
});
