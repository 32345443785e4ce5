/**
 * The control API under `/__sandbox` for tests and demos: reset and seed, admin inserts, lead
 * conversion, custom fields, validation and duplicate rules, faults, tokens, limits, stats, OAuth
 * settings. Answers `{"error": "..."}` with 400/404 on bad input.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { findForWrite, insertRecord } from './dml.ts';
import { GENERATABLE, generate, MAX_GENERATE } from './generate.ts';
import { normalizeId } from './ids.ts';
import { SalesforceError, type SRecord } from './interfaces.ts';
import type { AssignmentEntry, AssignmentRule } from './rules.ts';
import { CUSTOM_FIELD_TYPES, customFieldDef, type CustomFieldType } from './schema.ts';
import { seed, type SeedName } from './seed.ts';
import type { SandboxState } from './state.ts';
import { sfDate, type WriteContext } from './validate.ts';

class ControlError extends Error {
  constructor(
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

const CUSTOM_NAME = /^[A-Za-z][A-Za-z0-9_]*__c$/;

export function resetState(state: SandboxState, name: SeedName): void {
  state.store.clear();
  // Custom fields go too: a reset is a fresh org.
  for (const o of state.store.schema.values()) for (const f of [...o.fields.values()]) if (f.custom) state.store.removeField(o, f.name);
  state.rules.clear();
  state.faults.clear();
  state.tokens.codes.clear();
  state.adminUserId = seed(state, name);
}

function adminCtx(state: SandboxState): WriteContext {
  return { userId: state.adminUserId, now: new Date(), allowDuplicates: true, admin: true };
}

function obj(state: SandboxState, type: string) {
  const o = state.store.describe(type);
  if (!o) throw new ControlError(`unknown sObject type: ${type}`, 404);
  return o;
}

function convertLead(state: SandboxState, body: { lead_id?: string; account_id?: string; contact_id?: string }) {
  const dml = state.dml();
  const ctx = adminCtx(state);
  const leadType = obj(state, 'Lead');
  const { rec: lead } = findForWrite(dml, leadType, body.lead_id);
  if (lead.IsConverted === true) throw new ControlError(`lead ${lead.Id} is already converted`);
  // Queue-owned leads become the converting user's (the admin's); user-owned keep their owner.
  const owner = typeof lead.OwnerId === 'string' && lead.OwnerId.startsWith('005') ? lead.OwnerId : state.adminUserId;
  return state.store.transaction((rollback) => {
    try {
      let account: SRecord;
      if (body.account_id) account = findForWrite(dml, obj(state, 'Account'), body.account_id).rec;
      else account = insertRecord(dml, obj(state, 'Account'), { Name: lead.Company, Website: lead.Website, Phone: lead.Phone, Industry: lead.Industry, OwnerId: owner }, ctx);
      let contact: SRecord;
      if (body.contact_id) contact = findForWrite(dml, obj(state, 'Contact'), body.contact_id).rec;
      else
        contact = insertRecord(
          dml,
          obj(state, 'Contact'),
          { FirstName: lead.FirstName, LastName: lead.LastName, Email: lead.Email, Phone: lead.Phone, Title: lead.Title, LeadSource: lead.LeadSource, AccountId: account.Id, OwnerId: owner },
          ctx,
        );
      state.store.update(leadType, lead, {
        IsConverted: true,
        Status: 'Closed - Converted',
        ConvertedDate: sfDate(new Date()),
        ConvertedAccountId: account.Id,
        ConvertedContactId: contact.Id,
        OwnerId: owner,
      });
      return { account_id: account.Id, contact_id: contact.Id };
    } catch (e) {
      rollback();
      throw e;
    }
  });
}

/** Checks a `PUT /assignment-rules/{T}` body: Lead only, owners that exist and can own leads. */
function assignmentRule(state: SandboxState, type: string, b: Record<string, unknown>): AssignmentRule {
  if (type !== 'Lead') throw new ControlError('assignment rules are supported for Lead only');
  if (typeof b.active !== 'boolean') throw new ControlError('active must be a boolean');
  if (!Array.isArray(b.entries)) throw new ControlError('entries must be an array');
  const lead = obj(state, 'Lead');
  const owner = (raw: unknown, where: string): string => {
    const id = typeof raw === 'string' ? normalizeId(raw) : undefined;
    const rec = id ? state.store.get(id) : undefined;
    const ok = rec && rec.IsDeleted !== true && ((id!.startsWith('005') && rec.IsActive !== false) || (id!.startsWith('00G') && rec.Type === 'Queue'));
    if (!ok) throw new ControlError(`${where}: ${String(raw)} is not an active user or a queue`);
    return id!;
  };
  const entries: AssignmentEntry[] = b.entries.map((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ControlError(`entries[${i}] must be an object`);
    const e = raw as Record<string, unknown>;
    const out: AssignmentEntry = {};
    if (e.field !== undefined) {
      const f = typeof e.field === 'string' ? lead.fields.get(e.field.toLowerCase()) : undefined;
      if (!f) throw new ControlError(`entries[${i}].field: no field ${String(e.field)} on Lead`);
      out.field = f.name;
      if (e.equals !== undefined && e.equals !== null && !['string', 'number', 'boolean'].includes(typeof e.equals)) throw new ControlError(`entries[${i}].equals must be a string, number, boolean or null`);
      out.equals = (e.equals ?? null) as AssignmentEntry['equals'];
    } else if (e.equals !== undefined) throw new ControlError(`entries[${i}].equals needs a field`);
    if (Array.isArray(e.owner_ids) && e.owner_ids.length && e.owner_id === undefined) out.owner_ids = e.owner_ids.map((x, k) => owner(x, `entries[${i}].owner_ids[${k}]`));
    else out.owner_id = owner(e.owner_id, `entries[${i}].owner_id`);
    return out;
  });
  return { active: b.active, entries };
}

export function registerControl(app: FastifyInstance, state: SandboxState): void {
  const handle =
    (fn: (params: Record<string, string>, body: Record<string, unknown>) => unknown, status = 200) =>
    async (req: { params: unknown; body: unknown }, reply: FastifyReply) => {
      try {
        const out = fn((req.params ?? {}) as Record<string, string>, (req.body ?? {}) as Record<string, unknown>);
        return reply.code(status).send(out ?? { ok: true });
      } catch (e) {
        if (e instanceof ControlError) return reply.code(e.status).send({ error: e.message });
        if (e instanceof SalesforceError) return reply.code(400).send({ error: e.message, errorCode: e.errorCode, fields: e.fields });
        throw e;
      }
    };

  app.post(
    '/__sandbox/reset',
    handle((_p, b) => {
      const name = (b.seed ?? 'empty') as SeedName;
      if (name !== 'demo' && name !== 'empty') throw new ControlError('seed must be "demo" or "empty"');
      resetState(state, name);
      return { ok: true, seed: name };
    }),
  );

  app.post(
    '/__sandbox/records/:type',
    handle((p, b) => {
      const rec = insertRecord(state.dml(), obj(state, p.type), b, adminCtx(state));
      return { id: rec.Id };
    }, 201),
  );

  app.put(
    '/__sandbox/assignment-rules/:type',
    handle((p, b) => {
      const rule = assignmentRule(state, obj(state, p.type).name, b);
      state.rules.setAssignment(p.type, rule);
      return { type: 'Lead', ...rule };
    }),
  );
  app.get(
    '/__sandbox/assignment-rules/:type',
    handle((p) => {
      const o = obj(state, p.type);
      return { type: o.name, ...(state.rules.assignment.get(o.name.toLowerCase()) ?? { active: false, entries: [] }) };
    }),
  );

  app.post(
    '/__sandbox/generate/:type',
    handle((p, b) => {
      const o = obj(state, p.type);
      if (!GENERATABLE.includes(o.name)) throw new ControlError(`generate supports ${GENERATABLE.join(', ')}`);
      const count = b.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_GENERATE) throw new ControlError(`count must be an integer from 1 to ${MAX_GENERATE}`);
      if (b.template !== undefined && (!b.template || typeof b.template !== 'object' || Array.isArray(b.template))) throw new ControlError('template must be an object of field values');
      const date = (k: 'from' | 'to') => {
        if (b[k] === undefined) return undefined;
        const d = new Date(String(b[k]));
        if (typeof b[k] !== 'string' || Number.isNaN(d.getTime())) throw new ControlError(`${k} must be a datetime`);
        return d;
      };
      const from = date('from');
      const to = date('to');
      if (from && to && from > to) throw new ControlError('from must not be after to');
      return generate(state, o, { count, template: (b.template ?? {}) as Record<string, unknown>, from, to });
    }, 201),
  );

  app.post('/__sandbox/convert-lead', handle((_p, b) => convertLead(state, b as Record<string, string>)));

  app.post(
    '/__sandbox/fields/:type',
    handle((p, b) => {
      const o = obj(state, p.type);
      const name = String(b.name ?? '');
      const type = String(b.type ?? '') as CustomFieldType;
      if (!CUSTOM_NAME.test(name)) throw new ControlError('name must be a custom field API name ending in __c');
      if (!CUSTOM_FIELD_TYPES.includes(type)) throw new ControlError(`type must be one of ${CUSTOM_FIELD_TYPES.join(', ')}`);
      if (o.fields.has(name.toLowerCase())) throw new ControlError(`${o.name}.${name} already exists`);
      for (const k of ['external_id', 'unique'] as const) if (b[k] !== undefined && typeof b[k] !== 'boolean') throw new ControlError(`${k} must be a boolean`);
      // Salesforce allows External ID on text, number and email fields.
      if (b.external_id === true && !['string', 'email', 'double'].includes(type)) throw new ControlError('external_id is allowed on string, email and double fields');
      const def = customFieldDef(name, type, typeof b.length === 'number' ? b.length : undefined, { externalId: b.external_id === true, unique: b.unique === true });
      state.store.addField(o, def);
      if (def.type === 'boolean') for (const r of state.store.scan(o.name)) r[def.name] = false;
      return { name: def.name, type: def.type, length: def.length, external_id: def.externalId, unique: def.unique };
    }, 201),
  );

  app.delete(
    '/__sandbox/fields/:type/:name',
    handle((p) => {
      const o = obj(state, p.type);
      const f = o.fields.get(p.name.toLowerCase());
      if (!f || !f.custom) throw new ControlError(`no custom field ${p.name} on ${o.name}`, 404);
      state.store.removeField(o, f.name);
      return { ok: true };
    }),
  );

  app.post(
    '/__sandbox/validation-rules/:type',
    handle((p, b) => {
      const o = obj(state, p.type);
      const { name, field, condition, value, message } = b as Record<string, string>;
      if (!name || !field || !message) throw new ControlError('name, field and message are required');
      if (condition !== 'equals' && condition !== 'blank') throw new ControlError('condition must be "equals" or "blank"');
      if (!o.fields.has(field.toLowerCase())) throw new ControlError(`no field ${field} on ${o.name}`);
      const list = state.rules.validation.get(o.name.toLowerCase()) ?? [];
      list.push({ name, field, condition, value, message });
      state.rules.validation.set(o.name.toLowerCase(), list);
      return { ok: true };
    }, 201),
  );

  app.delete(
    '/__sandbox/validation-rules/:type/:name',
    handle((p) => {
      const key = obj(state, p.type).name.toLowerCase();
      state.rules.validation.set(key, state.rules.validationFor(key).filter((r) => r.name !== p.name));
      return { ok: true };
    }),
  );

  app.post(
    '/__sandbox/duplicate-rules/:type',
    handle((p, b) => {
      const o = obj(state, p.type);
      const fields = b.fields;
      if (typeof b.name !== 'string' || !Array.isArray(fields) || !fields.length) throw new ControlError('name and a non-empty fields array are required');
      for (const f of fields) if (!o.fields.has(String(f).toLowerCase())) throw new ControlError(`no field ${String(f)} on ${o.name}`);
      const list = state.rules.duplicate.get(o.name.toLowerCase()) ?? [];
      list.push({ name: b.name, fields: fields.map(String) });
      state.rules.duplicate.set(o.name.toLowerCase(), list);
      return { ok: true };
    }, 201),
  );

  app.delete(
    '/__sandbox/duplicate-rules/:type/:name',
    handle((p) => {
      const key = obj(state, p.type).name.toLowerCase();
      state.rules.duplicate.set(key, state.rules.duplicateFor(key).filter((r) => r.name !== p.name));
      return { ok: true };
    }),
  );

  app.post(
    '/__sandbox/faults',
    handle((_p, b) => {
      try {
        return { active: state.faults.add(b.faults) };
      } catch (e) {
        if (e instanceof SalesforceError) throw new ControlError(e.message);
        throw e;
      }
    }, 201),
  );
  app.get('/__sandbox/faults', handle(() => ({ faults: state.faults.list() })));
  app.delete('/__sandbox/faults', handle(() => (state.faults.clear(), { ok: true })));

  app.post('/__sandbox/tokens/expire', handle(() => (state.tokens.expireAll(), { ok: true })));
  app.post('/__sandbox/tokens/revoke', handle(() => (state.tokens.revokeAll(), { ok: true })));

  app.put(
    '/__sandbox/limits',
    handle((_p, b) => {
      if (b.daily_api_requests !== undefined) {
        const n = Number(b.daily_api_requests);
        if (!Number.isInteger(n) || n < 0) throw new ControlError('daily_api_requests must be a non-negative integer');
        state.limits.max = n;
      }
      if (b.api_usage !== undefined) {
        const n = Number(b.api_usage);
        if (!Number.isInteger(n) || n < 0) throw new ControlError('api_usage must be a non-negative integer');
        state.limits.used = n;
      }
      return { daily_api_requests: state.limits.max, api_usage: state.limits.used };
    }),
  );
  app.get('/__sandbox/limits', handle(() => ({ daily_api_requests: state.limits.max, api_usage: state.limits.used })));

  app.get('/__sandbox/stats', handle(() => state.stats.toJSON()));
  app.post('/__sandbox/stats/reset', handle(() => (state.stats.reset(), state.stats.toJSON())));

  app.put(
    '/__sandbox/oauth',
    handle((_p, b) => {
      if (b.rotate_refresh_tokens !== undefined) {
        if (typeof b.rotate_refresh_tokens !== 'boolean') throw new ControlError('rotate_refresh_tokens must be a boolean');
        state.config.rotateRefreshTokens = b.rotate_refresh_tokens;
      }
      if (b.token_ttl_seconds !== undefined) {
        const n = Number(b.token_ttl_seconds);
        if (!(n > 0)) throw new ControlError('token_ttl_seconds must be a positive number');
        state.config.tokenTtlSeconds = n;
      }
      return { rotate_refresh_tokens: state.config.rotateRefreshTokens, token_ttl_seconds: state.config.tokenTtlSeconds };
    }),
  );
  app.get('/__sandbox/oauth', handle(() => ({ rotate_refresh_tokens: state.config.rotateRefreshTokens, token_ttl_seconds: state.config.tokenTtlSeconds })));
}
