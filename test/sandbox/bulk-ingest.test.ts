import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, control, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
});
afterAll(async () => {
  await ctx.sb.close();
});

const poll = { pollInterval: 10, pollTimeout: 30_000 };

async function rawCsv(path: string, method: string, body?: string, contentType = 'text/csv') {
  const res = await fetch(`${ctx.sb.url}/services/data/v64.0${path}`, { method, headers: { authorization: `Bearer ${ctx.token}`, 'content-type': contentType }, body });
  return { status: res.status, text: await res.text() };
}

describe('Bulk API 2.0 ingest', () => {
  it('inserts through jsforce bulk2: successes and per-row failures with REST validation', async () => {
    const res = await ctx.conn.bulk2.loadAndWaitForResults({
      object: 'Lead',
      operation: 'insert',
      input: 'LastName,Company,Email,NumberOfEmployees\nAda,Engines,ada@example.com,12\nNoCompany,,x@example.com,\nBad,Co,not-an-email,\nGrace,"Navy, US",grace@example.com,40\n',
      ...poll,
    });
    expect(res.successfulResults).toHaveLength(2);
    expect(res.successfulResults[0]).toMatchObject({ sf__Id: expect.stringMatching(/^00Q/), sf__Created: 'true', LastName: 'Ada', Company: 'Engines' });
    expect(res.successfulResults[1]).toMatchObject({ LastName: 'Grace', Company: 'Navy, US' });
    expect(res.failedResults).toHaveLength(2);
    expect(res.failedResults[0]).toMatchObject({ sf__Id: '', sf__Error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --', LastName: 'NoCompany' });
    expect(res.failedResults[1].sf__Error).toBe('INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --');
    expect(res.unprocessedRecords).toHaveLength(0);
    const saved = await ctx.conn.query<any>(`SELECT Company, NumberOfEmployees FROM Lead WHERE Email = 'ada@example.com'`);
    expect(saved.records[0]).toMatchObject({ Company: 'Engines', NumberOfEmployees: 12 });
  });

  it('updates by Id (empty cells keep values, #N/A clears them) and upserts by an external id', async () => {
    const lead = (await ctx.conn.sobject('Lead').create({ LastName: 'Upd', Company: 'Co', Title: 'Keep', Phone: '123' })) as any;
    const upd = await ctx.conn.bulk2.loadAndWaitForResults({ object: 'Lead', operation: 'update', input: `Id,Company,Title,Phone\n${lead.id},New Co,,#N/A\n00Q000000000000AAA,x,,\n`, ...poll });
    expect(upd.successfulResults).toEqual([expect.objectContaining({ sf__Id: lead.id, sf__Created: 'false' })]);
    expect(upd.failedResults[0].sf__Error).toMatch(/^(ENTITY_IS_DELETED|MALFORMED_ID):/);
    const after = (await ctx.conn.sobject('Lead').retrieve(lead.id)) as any;
    expect(after).toMatchObject({ Company: 'New Co', Title: 'Keep', Phone: null });

    await control(ctx.sb, 'POST', '/fields/Account', { name: 'Erp_Id__c', type: 'string', external_id: true });
    await control(ctx.sb, 'POST', '/records/Account', { Name: 'Existing', Erp_Id__c: 'E-1' });
    const up = await ctx.conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'upsert', externalIdFieldName: 'Erp_Id__c', input: 'Erp_Id__c,Name\nE-1,Renamed\nE-2,Brand New\n', ...poll });
    expect(up.successfulResults.map((r: any) => [r.Erp_Id__c, r.sf__Created])).toEqual([['E-1', 'false'], ['E-2', 'true']]);
    const names = await ctx.conn.query<any>(`SELECT Name FROM Account WHERE Erp_Id__c != null ORDER BY Erp_Id__c`);
    expect(names.records.map((r) => r.Name)).toEqual(['Renamed', 'Brand New']);
  });

  it('walks the job states over plain HTTP: Open → UploadComplete → InProgress → JobComplete; counts processed and failed', async () => {
    const job = await api(ctx, 'POST', '/jobs/ingest', { object: 'Contact', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ state: 'Open', operation: 'insert', object: 'Contact', contentUrl: `services/data/v64.0/jobs/ingest/${job.body.id}/batches` });
    expect((await rawCsv(`/jobs/ingest/${job.body.id}/batches`, 'PUT', 'LastName,Email\nOne,one@example.com\n,two@example.com\n')).status).toBe(201);
    const closed = await api(ctx, 'PATCH', `/jobs/ingest/${job.body.id}`, { state: 'UploadComplete' });
    expect(closed.body.state).toBe('UploadComplete');
    expect((await rawCsv(`/jobs/ingest/${job.body.id}/batches`, 'PUT', 'LastName\nLate\n')).status).toBe(409);
    const first = await api(ctx, 'GET', `/jobs/ingest/${job.body.id}`);
    const second = await api(ctx, 'GET', `/jobs/ingest/${job.body.id}`);
    expect([first.body.state, second.body.state]).toEqual(['InProgress', 'JobComplete']);
    expect(second.body).toMatchObject({ numberRecordsProcessed: 2, numberRecordsFailed: 1, jobType: 'V2Ingest' });
    const ok = await rawCsv(`/jobs/ingest/${job.body.id}/successfulResults/`, 'GET');
    expect(ok.text.split('\n')[0]).toBe('"sf__Id","sf__Created","LastName","Email"');
    expect((await api(ctx, 'DELETE', `/jobs/ingest/${job.body.id}`)).status).toBe(204);
    expect((await api(ctx, 'GET', `/jobs/ingest/${job.body.id}`)).status).toBe(404);
  });

  it('an aborted job processes nothing and reports its rows as unprocessed; an unknown column fails the job', async () => {
    const job = await api(ctx, 'POST', '/jobs/ingest', { object: 'Lead', operation: 'insert' });
    await rawCsv(`/jobs/ingest/${job.body.id}/batches`, 'PUT', 'LastName,Company\nAborted,Co\n');
    expect((await api(ctx, 'PATCH', `/jobs/ingest/${job.body.id}`, { state: 'Aborted' })).body.state).toBe('Aborted');
    const un = await rawCsv(`/jobs/ingest/${job.body.id}/unprocessedrecords/`, 'GET');
    expect(un.text).toBe('"LastName","Company"\n"Aborted","Co"\n');
    expect((await ctx.conn.query(`SELECT COUNT() FROM Lead WHERE LastName = 'Aborted'`)).totalSize).toBe(0);

    const bad = await api(ctx, 'POST', '/jobs/ingest', { object: 'Lead', operation: 'insert' });
    await rawCsv(`/jobs/ingest/${bad.body.id}/batches`, 'PUT', 'LastName,Nope__c\nX,1\n');
    await api(ctx, 'PATCH', `/jobs/ingest/${bad.body.id}`, { state: 'UploadComplete' });
    const info = await api(ctx, 'GET', `/jobs/ingest/${bad.body.id}`);
    expect(info.body).toMatchObject({ state: 'Failed', errorMessage: 'InvalidBatch : Field name not found : Nope__c' });
  });

  it('faults matched by object see the object of an ingest job being created', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { path: 'jobs/ingest', object: 'Contact' }, error: 'SERVER_UNAVAILABLE', count: 1 }] });
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Lead', operation: 'insert' })).status).toBe(200);
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Contact', operation: 'insert' })).status).toBe(503);
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Contact', operation: 'insert' })).status).toBe(200);
  });

  it('refuses bad jobs: unknown object or operation, upsert without an external id field', async () => {
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Nope', operation: 'insert' })).status).toBe(400);
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Lead', operation: 'merge' })).status).toBe(400);
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Lead', operation: 'upsert' })).status).toBe(400);
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Lead', operation: 'upsert', externalIdFieldName: 'LastName' })).status).toBe(400);
    expect((await api(ctx, 'POST', '/jobs/ingest', { object: 'Lead', operation: 'upsert', externalIdFieldName: 'Email' })).status).toBe(200);
  });
});
