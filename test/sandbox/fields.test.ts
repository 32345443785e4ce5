import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, errorOf, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'demo' });
});
afterAll(async () => {
  await ctx.sb.close();
});

type Expect = [name: string, type: string, length: number, createable: boolean, updateable: boolean, nillable: boolean];
async function fieldsOf(type: string) {
  const d = await ctx.conn.sobject(type).describe();
  return new Map<string, any>(d.fields.map((f) => [f.name, f]));
}
function check(fields: Map<string, any>, rows: Expect[]) {
  for (const [name, type, length, createable, updateable, nillable] of rows) {
    expect(fields.get(name), name).toMatchObject({ type, length, createable, updateable, nillable });
  }
}

describe('standard fields as a Developer Edition org describes them', () => {
  it('Lead', async () => {
    const f = await fieldsOf('Lead');
    check(f, [
      ['Salutation', 'picklist', 40, true, true, true],
      ['FirstName', 'string', 40, true, true, true],
      ['LastName', 'string', 80, true, true, false],
      ['Company', 'string', 255, true, true, false],
      ['Industry', 'picklist', 255, true, true, true],
      ['Rating', 'picklist', 255, true, true, true],
      ['AnnualRevenue', 'currency', 0, true, true, true],
      ['NumberOfEmployees', 'int', 0, true, true, true],
      ['LeadSource', 'picklist', 255, true, true, true],
      ['Status', 'picklist', 255, true, true, false],
      ['Street', 'textarea', 255, true, true, true],
      ['City', 'string', 40, true, true, true],
      ['State', 'string', 80, true, true, true],
      ['PostalCode', 'string', 20, true, true, true],
      ['Country', 'string', 80, true, true, true],
      ['Latitude', 'double', 0, true, true, true],
      ['GeocodeAccuracy', 'picklist', 40, true, true, true],
      ['Address', 'address', 0, false, false, true],
      ['Email', 'email', 80, true, true, true],
      ['Description', 'textarea', 32000, true, true, true],
      ['HasOptedOutOfEmail', 'boolean', 0, true, true, false],
    ]);
    expect(f.get('NumberOfEmployees')).toMatchObject({ soapType: 'xsd:int', digits: 9 });
    expect(f.get('AnnualRevenue')).toMatchObject({ precision: 18, scale: 0, soapType: 'xsd:double' });
    expect(f.get('Latitude')).toMatchObject({ precision: 18, scale: 15, compoundFieldName: 'Address' });
    expect(f.get('Address')).toMatchObject({ soapType: 'urn:address', filterable: false, sortable: false, compoundFieldName: null });
    expect(f.get('Rating').picklistValues.map((p: any) => p.value)).toEqual(['Hot', 'Warm', 'Cold']);
    expect(f.get('Industry').picklistValues.map((p: any) => p.value)).toEqual(expect.arrayContaining(['Agriculture', 'Banking', 'Technology', 'Not For Profit', 'Other']));
    expect(f.get('Salutation').picklistValues.map((p: any) => p.value)).toEqual(expect.arrayContaining(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']));
    expect(f.get('LeadSource').picklistValues.map((p: any) => p.value)).toEqual(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']);
    expect(f.get('Status').picklistValues.filter((p: any) => p.defaultValue).map((p: any) => p.value)).toEqual(['Open - Not Contacted']);
    expect(f.get('Status')).toMatchObject({ defaultedOnCreate: true });
    // Required on create (nillable false, createable, not defaulted): what a mapping editor must insist on.
    const required = [...f.values()].filter((x) => x.createable && !x.nillable && !x.defaultedOnCreate).map((x) => x.name);
    expect(required.sort()).toEqual(['Company', 'LastName']);
  });

  it('Contact, Account and User', async () => {
    check(await fieldsOf('Contact'), [
      ['MailingStreet', 'textarea', 255, true, true, true],
      ['MailingCity', 'string', 40, true, true, true],
      ['MailingState', 'string', 80, true, true, true],
      ['MailingPostalCode', 'string', 20, true, true, true],
      ['MailingCountry', 'string', 80, true, true, true],
      ['MailingAddress', 'address', 0, false, false, true],
      ['OtherStreet', 'textarea', 255, true, true, true],
      ['OtherAddress', 'address', 0, false, false, true],
      ['Department', 'string', 80, true, true, true],
      ['Birthdate', 'date', 0, true, true, true],
      ['ReportsToId', 'reference', 18, true, true, true],
      ['AccountId', 'reference', 18, true, true, true],
    ]);
    check(await fieldsOf('Account'), [
      ['BillingStreet', 'textarea', 255, true, true, true],
      ['BillingCountry', 'string', 80, true, true, true],
      ['BillingAddress', 'address', 0, false, false, true],
      ['ShippingStreet', 'textarea', 255, true, true, true],
      ['ShippingCity', 'string', 40, true, true, true],
      ['ShippingAddress', 'address', 0, false, false, true],
      ['Industry', 'picklist', 255, true, true, true],
      ['Type', 'picklist', 255, true, true, true],
      ['AnnualRevenue', 'currency', 0, true, true, true],
      ['Name', 'string', 255, true, true, false],
    ]);
    const user = await fieldsOf('User');
    check(user, [
      ['ProfileId', 'reference', 18, true, true, false],
      ['UserRoleId', 'reference', 18, true, true, true],
      ['ManagerId', 'reference', 18, true, true, true],
      ['TimeZoneSidKey', 'picklist', 40, true, true, false],
      ['Title', 'string', 80, true, true, true],
      ['Department', 'string', 80, true, true, true],
    ]);
    expect(user.get('ProfileId')).toMatchObject({ referenceTo: ['Profile'], relationshipName: 'Profile' });
    expect(user.get('ManagerId')).toMatchObject({ referenceTo: ['User'], relationshipName: 'Manager' });
  });

  it('User relationships resolve in SOQL: Profile, UserRole, Manager', async () => {
    const q = await ctx.conn.query<any>(`SELECT Name, Profile.Name, UserRole.Name, Manager.Name, TimeZoneSidKey, Department FROM User WHERE Title = 'Account Executive' ORDER BY Name LIMIT 1`);
    expect(q.records[0]).toMatchObject({ Profile: { Name: 'Standard User' }, UserRole: { Name: 'Account Executive' }, Manager: { Name: expect.any(String) }, Department: 'Sales' });
    expect(q.records[0].TimeZoneSidKey).toBeTruthy();
    const admin = await ctx.conn.query<any>(`SELECT Profile.Name FROM User WHERE Username = 'admin@sandbox.example'`);
    expect(admin.records[0].Profile.Name).toBe('System Administrator');
  });
});

describe('compound address fields', () => {
  it('read as the nested address object in SOQL and on the record; null when every part is empty', async () => {
    const created = (await ctx.conn.sobject('Lead').create({ LastName: 'Addr', Company: 'Co', Street: '1 Main St', City: 'Springfield', PostalCode: '12345', Country: 'United States', Latitude: 39.78 })) as any;
    const q = await ctx.conn.query<any>(`SELECT Id, Address, City FROM Lead WHERE Id = '${created.id}'`);
    expect(q.records[0].Address).toEqual({ city: 'Springfield', country: 'United States', geocodeAccuracy: null, latitude: 39.78, longitude: null, postalCode: '12345', state: null, street: '1 Main St' });
    const rec = (await ctx.conn.sobject('Lead').retrieve(created.id)) as any;
    expect(rec.Address.street).toBe('1 Main St');
    const empty = (await ctx.conn.sobject('Contact').create({ LastName: 'NoAddr', MailingCity: 'Berlin' })) as any;
    const c = await ctx.conn.query<any>(`SELECT MailingAddress, OtherAddress FROM Contact WHERE Id = '${empty.id}'`);
    expect(c.records[0].MailingAddress).toMatchObject({ city: 'Berlin', street: null });
    expect(c.records[0].OtherAddress).toBeNull();
    const a = await ctx.conn.query<any>(`SELECT BillingAddress, ShippingAddress FROM Account WHERE BillingCountry != null LIMIT 1`);
    expect(a.records[0].BillingAddress.country).toBeTruthy();
  });

  it('are refused on write (INVALID_FIELD_FOR_INSERT_UPDATE), in WHERE and in ORDER BY', async () => {
    let e = await errorOf(ctx.conn.sobject('Lead').create({ LastName: 'x', Company: 'y', Address: { city: 'Paris' } }));
    expect(e.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(e.message).toMatch(/^Unable to create\/update fields: Address\./);
    const acct = (await ctx.conn.sobject('Account').create({ Name: 'Compound Co' })) as any;
    e = await errorOf(ctx.conn.sobject('Account').update({ Id: acct.id, ShippingAddress: { city: 'Paris' } }));
    expect(e.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    const coll = await api(ctx, 'POST', '/composite/sobjects', { records: [{ attributes: { type: 'Contact' }, LastName: 'x', MailingAddress: { city: 'Paris' } }] });
    expect(coll.body[0].errors[0].statusCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    e = await errorOf(ctx.conn.query(`SELECT Id FROM Lead WHERE Address = null`));
    expect(e.errorCode).toBe('INVALID_FIELD');
    e = await errorOf(ctx.conn.query(`SELECT Id FROM Lead ORDER BY Address`));
    expect(e.errorCode).toBe('INVALID_FIELD');
  });

  it('a Lead created with only LastName and Company still works (Status defaults)', async () => {
    const res = (await ctx.conn.sobject('Lead').create({ LastName: 'Minimal', Company: 'Co' })) as any;
    expect(((await ctx.conn.sobject('Lead').retrieve(res.id)) as any).Status).toBe('Open - Not Contacted');
  });
});

describe('compound fields in Bulk 2.0 queries', () => {
  it('are refused (CSV cannot hold them); their parts are fine', async () => {
    const bad = await api(ctx, 'POST', '/jobs/query', { operation: 'query', query: 'SELECT Id, Address FROM Lead' });
    expect(bad.status).toBe(400);
    expect(bad.body[0].message).toBe('Selecting compound data not supported in Bulk Query');
    const ok = await api(ctx, 'POST', '/jobs/query', { operation: 'query', query: 'SELECT Id, City FROM Lead' });
    expect(ok.status).toBe(200);
  });
});
