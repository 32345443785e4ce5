import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, control, errorOf, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
});
afterAll(async () => {
  await ctx.sb.close();
});

describe('records', () => {
  it('creates (201), reads with ?fields=, updates (204) and soft-deletes, visible to queryAll only', async () => {
    const created = await api(ctx, 'POST', '/sobjects/Lead', { LastName: 'Lovelace', FirstName: 'Ada', Company: 'Analytical', Email: 'ada@example.com' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^00Q\w{15}$/), success: true, errors: [] });
    expect(created.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/15000$/);
    const id = created.body.id as string;

    const got = await api(ctx, 'GET', `/sobjects/Lead/${id}?fields=Name,Email,OwnerId,IsConverted`);
    expect(got.body).toEqual({
      attributes: { type: 'Lead', url: `/services/data/v64.0/sobjects/Lead/${id}` },
      Name: 'Ada Lovelace',
      Email: 'ada@example.com',
      OwnerId: ctx.conn.userInfo!.id,
      IsConverted: false,
    });
    // The 15-character form reaches the same record.
    const rec = (await ctx.conn.sobject('Lead').retrieve(id.slice(0, 15))) as any;
    expect(rec.Id).toBe(id);
    expect(rec.Status).toBe('Open - Not Contacted');
    expect(rec.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    const patched = await api(ctx, 'PATCH', `/sobjects/Lead/${id}`, { Title: 'Countess' });
    expect(patched.status).toBe(204);
    expect(((await ctx.conn.sobject('Lead').retrieve(id)) as any).Title).toBe('Countess');

    await ctx.conn.sobject('Lead').destroy(id);
    expect((await ctx.conn.query(`SELECT Id FROM Lead WHERE Id = '${id}'`)).totalSize).toBe(0);
    const all = await ctx.conn.query<{ Id: string; IsDeleted: boolean }>(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${id}'`, { scanAll: true });
    expect(all.records[0].IsDeleted).toBe(true);
    const gone = await api(ctx, 'PATCH', `/sobjects/Lead/${id}`, { Title: 'x' });
    expect(gone.status).toBe(404);
    expect(gone.body[0].errorCode).toBe('ENTITY_IS_DELETED');
  });

  it('answers each validation error with Salesforce code, message and fields', async () => {
    const lead = ctx.conn.sobject('Lead');
    let e = await errorOf(lead.create({ FirstName: 'No' }));
    expect(e.errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(e.message).toBe('Required fields are missing: [LastName, Company]');
    expect(e.data.fields).toEqual(['LastName', 'Company']);

    e = await errorOf(lead.create({ LastName: 'x', Company: 'y', Email: `${'a'.repeat(80)}@example.com` }));
    expect(e.errorCode).toBe('STRING_TOO_LONG');
    expect(e.message).toMatch(/^Email: data value too large: .* \(max length=80\)$/);

    e = await errorOf(lead.create({ LastName: 'x', Company: 'y', Email: 'not-an-email' }));
    expect(e.errorCode).toBe('INVALID_EMAIL_ADDRESS');
    expect(e.message).toBe('Email: invalid email address: not-an-email');

    const raw = await api(ctx, 'POST', '/sobjects/Lead', { LastName: 'x', Company: 'y', Nope__c: 1 });
    expect(raw.status).toBe(400);
    expect(raw.body).toEqual([{ message: "No such column 'Nope__c' on sobject of type Lead", errorCode: 'INVALID_FIELD' }]);

    e = await errorOf(lead.create({ LastName: 'x', Company: 'y', ConvertedDate: '2026-01-01' }));
    expect(e.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(e.data.fields).toEqual(['ConvertedDate']);

    e = await errorOf(lead.create({ LastName: 'x', Company: 'y', OwnerId: 'garbage' }));
    expect(e.errorCode).toBe('MALFORMED_ID');

    e = await errorOf(lead.create({ LastName: 'x', Company: 'y', NumberOfEmployees: 'many' }));
    expect(e.errorCode).toBe('JSON_PARSER_ERROR');

    const unknownType = await api(ctx, 'POST', '/composite/sobjects', { records: [{ attributes: { type: 'Opportunityy' }, Name: 'x' }] });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body[0].errorCode).toBe('INVALID_TYPE');

    const wrongPrefix = await api(ctx, 'PATCH', `/sobjects/Lead/${ctx.conn.userInfo!.id}`, { Title: 'x' });
    expect(wrongPrefix.status).toBe(400);
    expect(wrongPrefix.body[0].errorCode).toBe('MALFORMED_ID');

    const missing = await api(ctx, 'GET', '/sobjects/Nothing/describe');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });

  it('refuses writes to a converted lead (CANNOT_UPDATE_CONVERTED_LEAD); convert-lead builds account and contact', async () => {
    const { id } = await ctx.conn.sobject('Lead').create({ FirstName: 'Grace', LastName: 'Hopper', Company: 'Navy Labs', Email: 'grace@navy.example', Phone: '555', Title: 'RADM' }) as any;
    const out = await control(ctx.sb, 'POST', '/convert-lead', { lead_id: id });
    expect(out.account_id).toMatch(/^001/);
    expect(out.contact_id).toMatch(/^003/);
    const lead = (await ctx.conn.sobject('Lead').retrieve(id)) as any;
    expect(lead).toMatchObject({ IsConverted: true, ConvertedAccountId: out.account_id, ConvertedContactId: out.contact_id });
    expect(lead.ConvertedDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    const contact = (await ctx.conn.sobject('Contact').retrieve(out.contact_id)) as any;
    expect(contact).toMatchObject({ FirstName: 'Grace', LastName: 'Hopper', Email: 'grace@navy.example', Phone: '555', Title: 'RADM', AccountId: out.account_id, OwnerId: lead.OwnerId });
    expect(((await ctx.conn.sobject('Account').retrieve(out.account_id)) as any).Name).toBe('Navy Labs');

    const e = await errorOf(ctx.conn.sobject('Lead').update({ Id: id, Title: 'x' }));
    expect(e.errorCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    expect(e.message).toBe('cannot reference converted lead');

    // Into an existing account and contact.
    const l2 = (await ctx.conn.sobject('Lead').create({ LastName: 'B', Company: 'C' })) as any;
    const again = await control(ctx.sb, 'POST', '/convert-lead', { lead_id: l2.id, account_id: out.account_id, contact_id: out.contact_id });
    expect(again).toEqual({ account_id: out.account_id, contact_id: out.contact_id });
  });

  it('custom fields appear in describe, take values, and vanish (INVALID_FIELD) when deleted', async () => {
    await control(ctx.sb, 'POST', '/fields/Lead', { name: 'Budget__c', type: 'currency' });
    await control(ctx.sb, 'POST', '/fields/Lead', { name: 'Notes__c', type: 'string', length: 10 });
    const d = await ctx.conn.sobject('Lead').describe();
    const budget = d.fields.find((f) => f.name === 'Budget__c')!;
    expect(budget).toMatchObject({ type: 'currency', custom: true, createable: true, updateable: true, nillable: true });
    expect(d.fields.find((f) => f.name === 'Notes__c')!.length).toBe(10);
    const { id } = (await ctx.conn.sobject('Lead').create({ LastName: 'x', Company: 'y', Budget__c: 1200.5 })) as any;
    const q = await ctx.conn.query<any>(`SELECT Budget__c FROM Lead WHERE Id = '${id}'`);
    expect(q.records[0].Budget__c).toBe(1200.5);
    expect((await errorOf(ctx.conn.sobject('Lead').create({ LastName: 'x', Company: 'y', Notes__c: 'eleven chars' }))).errorCode).toBe('STRING_TOO_LONG');

    await control(ctx.sb, 'DELETE', '/fields/Lead/Budget__c');
    const e = await errorOf(ctx.conn.sobject('Lead').update({ Id: id, Budget__c: 5 }));
    expect(e.errorCode).toBe('INVALID_FIELD');
    expect((await ctx.conn.sobject('Lead').describe()).fields.some((f) => f.name === 'Budget__c')).toBe(false);
  });

  it('validation rules (FIELD_CUSTOM_VALIDATION_EXCEPTION) and duplicate rules (DUPLICATES_DETECTED unless allowSave)', async () => {
    await control(ctx.sb, 'POST', '/validation-rules/Contact', { name: 'No_Test_Title', field: 'Title', condition: 'equals', value: 'Test', message: 'Title cannot be Test' });
    const e = await errorOf(ctx.conn.sobject('Contact').create({ LastName: 'x', Title: 'Test' }));
    expect(e.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(e.message).toBe('Title cannot be Test');
    expect(e.data.fields).toEqual(['Title']);
    await control(ctx.sb, 'POST', '/validation-rules/Contact', { name: 'Phone_Required', field: 'Phone', condition: 'blank', message: 'Phone is required' });
    expect((await errorOf(ctx.conn.sobject('Contact').create({ LastName: 'x' }))).message).toBe('Phone is required');
    await control(ctx.sb, 'DELETE', '/validation-rules/Contact/Phone_Required');
    await control(ctx.sb, 'DELETE', '/validation-rules/Contact/No_Test_Title');

    await control(ctx.sb, 'POST', '/duplicate-rules/Contact', { name: 'Same_Email', fields: ['Email'] });
    const first = await api(ctx, 'POST', '/sobjects/Contact', { LastName: 'Dup', Email: 'dup@example.com' });
    expect(first.status).toBe(201);
    const dup = await api(ctx, 'POST', '/sobjects/Contact', { LastName: 'Dup2', Email: 'DUP@example.com' });
    expect(dup.status).toBe(400);
    expect(dup.body[0].errorCode).toBe('DUPLICATES_DETECTED');
    expect(dup.body[0].duplicateResult.matchResults[0].matchRecords[0].record.Id).toBe(first.body.id);
    const allowed = await api(ctx, 'POST', '/sobjects/Contact', { LastName: 'Dup2', Email: 'dup@example.com' }, { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' });
    expect(allowed.status).toBe(201);
    await control(ctx.sb, 'DELETE', '/duplicate-rules/Contact/Same_Email');
  });

  it('describes objects with what jsforce consumers read, and lists versions 50.0 to 64.0', async () => {
    const d = await ctx.conn.sobject('Lead').describe();
    expect(d).toMatchObject({ name: 'Lead', keyPrefix: '00Q', createable: true, queryable: true });
    const email = d.fields.find((f) => f.name === 'Email')!;
    expect(email).toMatchObject({ type: 'email', length: 80, nillable: true, createable: true, updateable: true, custom: false });
    expect(d.fields.find((f) => f.name === 'Company')).toMatchObject({ length: 255, nillable: false });
    expect(d.fields.find((f) => f.name === 'Description')).toMatchObject({ type: 'textarea', length: 32000 });
    expect(d.fields.find((f) => f.name === 'OwnerId')).toMatchObject({ type: 'reference', referenceTo: ['Group', 'User'], relationshipName: 'Owner' });
    const g = await ctx.conn.describeGlobal();
    expect(g.sobjects.map((s) => s.name)).toEqual(expect.arrayContaining(['Lead', 'Contact', 'Account', 'User', 'Group']));
    const versions = (await (await fetch(`${ctx.sb.url}/services/data`)).json()) as Array<{ version: string; url: string }>;
    expect(versions[0]).toEqual({ label: "Winter '21", url: '/services/data/v50.0', version: '50.0' });
    expect(versions.at(-1)!.version).toBe('64.0');
    const old = await fetch(`${ctx.sb.url}/services/data/v49.0/limits`, { headers: { authorization: `Bearer ${ctx.token}` } });
    expect(old.status).toBe(404);
  });
});
