import { describe, expect, it } from 'vitest';
import { enrich, pickAccount, pickRep, type SfAccount, type SfOwner } from './enrich.ts';

const sam: SfOwner = { Id: '005000000000001AAA', Name: 'Sam Rep', Email: 'sam@corp.example', IsActive: true, Type: 'User' };
const gone: SfOwner = { Id: '005000000000002AAA', Name: 'Old Rep', Email: 'old@corp.example', IsActive: false, Type: 'User' };
const queue: SfOwner = { Id: '00G000000000001AAA', Name: 'Lead Queue', Email: null, IsActive: null, Type: 'Queue' };
const acct = (id: string, name: string, owner: SfOwner | null = sam, created = '2026-01-01T00:00:00.000+0000'): SfAccount => ({ Id: id, Name: name, Website: `https://${name.toLowerCase()}.example`, CreatedDate: created, Owner: owner });
const converted = acct('001000000000001AAA', 'Converted Co');
const contactAccount = acct('001000000000002AAA', 'Contact Co');
const named = acct('001000000000003AAA', 'Acme');

describe('pickAccount (the seed’s priority)', () => {
  it('1. a converted lead → its ConvertedAccount, over everything else', () => {
    expect(pickAccount({ company: 'Acme', lead: { IsConverted: true, ConvertedAccount: converted }, contact: { Account: contactAccount }, accountsByName: [named] })).toBe(converted);
  });
  it('2. else the newest Contact with the email → its Account', () => {
    expect(pickAccount({ company: 'Acme', lead: { IsConverted: false, ConvertedAccount: null }, contact: { Account: contactAccount }, accountsByName: [named] })).toBe(contactAccount);
  });
  it('3. else company = Account Name, case-insensitive, the most recently created', () => {
    const older = acct('001000000000004AAA', 'ACME', sam, '2025-01-01T00:00:00.000+0000');
    expect(pickAccount({ company: ' acme ', accountsByName: [older, named] })).toBe(named);
    expect(pickAccount({ company: 'Acme Corp', accountsByName: [named] })).toBeUndefined();
  });
  it('none of them → no Account', () => {
    expect(pickAccount({ company: null, contact: { Account: null } })).toBeUndefined();
  });
});

describe('pickRep', () => {
  it('the matched Contact’s owner first', () => {
    expect(pickRep({ contact: { Owner: sam }, lead: { IsConverted: false, Owner: gone } })).toBe(sam);
  });
  it('else the unconverted Lead’s owner', () => {
    expect(pickRep({ contact: null, lead: { IsConverted: false, Owner: sam } })).toBe(sam);
  });
  it('else the converted lead’s Contact’s owner (not the converted Lead’s)', () => {
    expect(pickRep({ lead: { IsConverted: true, Owner: gone, ConvertedContact: { Owner: sam } } })).toBe(sam);
  });
  it('an inactive owner is nobody (no fallback to the next candidate)', () => {
    expect(pickRep({ contact: { Owner: gone }, lead: { IsConverted: false, Owner: sam } })).toBeUndefined();
  });
  it('the integration user (the connected Salesforce user) is nobody’s rep: the next source is tried', () => {
    const integration: SfOwner = { Id: '005000000000009AAA', Name: 'Sandbox Admin', Email: 'admin@sandbox.example', IsActive: true, Type: 'User' };
    const integrationUserId = integration.Id;
    expect(pickRep({ integrationUserId, contact: { Owner: integration }, lead: { IsConverted: false, Owner: sam } })).toBe(sam);
    expect(pickRep({ integrationUserId: integration.Id.slice(0, 15), contact: { Owner: integration }, lead: { IsConverted: false, Owner: sam } })).toBe(sam);
    expect(pickRep({ integrationUserId, contact: null, lead: { IsConverted: true, Owner: sam, ConvertedContact: { Owner: integration } } })).toBeUndefined();
    expect(pickRep({ integrationUserId, lead: { IsConverted: false, Owner: integration } })).toBeUndefined();
    // Without knowing the integration user, its records' owner would count (the old behaviour).
    expect(pickRep({ contact: { Owner: integration }, lead: { IsConverted: false, Owner: sam } })).toBe(integration);
  });
  it('a queue owner is nobody', () => {
    expect(pickRep({ lead: { IsConverted: false, Owner: queue } })).toBeUndefined();
  });
});

describe('enrich', () => {
  it('fills account, account owner and rep fields', () => {
    expect(enrich({ company: 'Acme', lead: { IsConverted: false, Owner: sam }, accountsByName: [named] })).toEqual({
      salesforce_account_id: named.Id,
      salesforce_account_name: 'Acme',
      salesforce_account_owner_email: 'sam@corp.example',
      salesforce_account_owner_id: sam.Id,
      salesforce_account_owner_name: 'Sam Rep',
      salesforce_account_website: 'https://acme.example',
      salesforce_assigned_sales_rep_id: sam.Id,
      salesforce_assigned_sales_rep_name: 'Sam Rep',
      salesforce_assigned_sales_rep_email: 'sam@corp.example',
    });
  });
  it('an inactive account owner keeps the owner email but no owner id or name', () => {
    const e = enrich({ contact: { Owner: sam, Account: acct('001000000000005AAA', 'Dormant', gone) } });
    expect(e).toMatchObject({ salesforce_account_owner_email: 'old@corp.example', salesforce_account_owner_id: null, salesforce_account_owner_name: null });
  });
  it('clears every field Salesforce no longer has', () => {
    const e = enrich({ company: 'Nobody' });
    expect(Object.values(e).every((v) => v === null)).toBe(true);
  });
});
