import { describe, expect, it } from 'vitest';
import { dataModel } from '../leads/data-model.ts';
import { defaultSettings, normalizeSettings, settingsProblems, type DescribedField } from './settings.ts';

const model = dataModel([{ key: 'budget', label: 'Budget', type: 'number', builtin: false, read_only: false }]);
const leadFields: DescribedField[] = [
  { name: 'Email', type: 'email', length: 80, createable: true, updateable: true },
  { name: 'Description', type: 'textarea', length: 32000, createable: true, updateable: true },
  { name: 'AnnualRevenue', type: 'currency', length: 0, createable: true, updateable: true },
  { name: 'IsConverted', type: 'boolean', length: 0, createable: false, updateable: false },
  { name: 'NumberOfEmployees', type: 'int', length: 0, createable: true, updateable: true },
];

describe('settings', () => {
  it('defaults: nothing pushed, the Email row only', () => {
    expect(defaultSettings()).toEqual({
      push: { lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' }], contact: [{ spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' }] },
      required_field_placeholder: '[not provided]',
    });
  });

  it('puts the Email row back and defaults write_rule to overwrite', () => {
    const doc = normalizeSettings({ mappings: { lead: [{ spara_field: 'first_name', salesforce_field: 'FirstName' }] } });
    expect(doc.mappings.lead).toEqual([
      { spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' },
      { spara_field: 'first_name', salesforce_field: 'FirstName', write_rule: 'overwrite' },
    ]);
  });

  it('create without update is a validation problem', () => {
    const doc = normalizeSettings({ push: { lead: { create_when_no_match: true } } });
    expect(settingsProblems(doc, model, {}).validation).toEqual({ 'push.lead.create_when_no_match': expect.any(String) });
  });

  it('checks each row against describe: existence, writability, type; conversation only to text', () => {
    const doc = normalizeSettings({
      mappings: {
        lead: [
          { spara_field: 'conversation', salesforce_field: 'Description' },
          { spara_field: 'budget', salesforce_field: 'AnnualRevenue' },
          { spara_field: 'company', salesforce_field: 'Nope__c' },
          { spara_field: 'first_name', salesforce_field: 'IsConverted' },
          { spara_field: 'conversation', salesforce_field: 'NumberOfEmployees' },
          { spara_field: 'shoe', salesforce_field: 'Description' },
        ],
      },
    });
    const { mapping } = settingsProblems(doc, model, { lead: leadFields });
    // Indexes in the normalized document (the Email row first); see below for the document as sent.
    expect(mapping.map((p) => [p.object, p.index])).toEqual([['lead', 3], ['lead', 4], ['lead', 5], ['lead', 6]]);
    expect(mapping[0].reason).toContain('no field Nope__c');
    expect(mapping[1].reason).toContain('read-only');
    expect(mapping[2].reason).toContain('conversation');
  });

  it('indexes count the rows as sent: the Email row added back does not shift them', () => {
    const sent = { mappings: { lead: [{ spara_field: 'first_name', salesforce_field: 'FirstName' }, { spara_field: 'city', salesforce_field: 'NumberOfEmployees' }] } };
    const fields = [...leadFields, { name: 'FirstName', type: 'string', length: 40, createable: true, updateable: true }];
    expect(settingsProblems(normalizeSettings(sent), model, { lead: fields }, sent).mapping).toEqual([{ object: 'lead', index: 1, reason: 'Lead.NumberOfEmployees is a number; city is text' }]);
    const withEmail = { mappings: { lead: [{ spara_field: 'city', salesforce_field: 'NumberOfEmployees' }, { spara_field: 'email', salesforce_field: 'Email' }] } };
    expect(settingsProblems(normalizeSettings(withEmail), model, { lead: fields }, withEmail).mapping).toEqual([{ object: 'lead', index: 0, reason: expect.any(String) }]);
  });

  it('type compatibility per api-v1.md: text to a number, a checkbox or a date is refused', () => {
    const fields: DescribedField[] = [...leadFields, { name: 'HasOptedOutOfEmail', type: 'boolean', length: 0, createable: true, updateable: true }, { name: 'Since__c', type: 'date', length: 0, createable: true, updateable: true }];
    const sent = { mappings: { lead: [{ spara_field: 'company', salesforce_field: 'AnnualRevenue' }, { spara_field: 'title', salesforce_field: 'HasOptedOutOfEmail' }, { spara_field: 'city', salesforce_field: 'Since__c' }, { spara_field: 'budget', salesforce_field: 'NumberOfEmployees' }] } };
    const { mapping } = settingsProblems(normalizeSettings(sent), model, { lead: fields }, sent);
    expect(mapping.map((p) => p.index)).toEqual([0, 1, 2]);
    expect(mapping[1].reason).toBe('Lead.HasOptedOutOfEmail is a checkbox; title is text');
  });

  it('the Email row is always email → Email, overwrite: if_empty or another field into Email is refused', () => {
    const sent = { mappings: { contact: [{ spara_field: 'email', salesforce_field: 'Email', write_rule: 'if_empty' as const }, { spara_field: 'company', salesforce_field: 'email' }] } };
    const { mapping } = settingsProblems(normalizeSettings(sent), model, {}, sent);
    expect(mapping.map((p) => [p.object, p.index])).toEqual([['contact', 0], ['contact', 1]]);
    expect(mapping[0].reason).toContain('always written');
    expect(mapping[1].reason).toContain('from the email field only');
  });

  it('without describe (not connected) only LeadSync-side problems are reported', () => {
    const doc = normalizeSettings({ mappings: { contact: [{ spara_field: 'company', salesforce_field: 'Anything__c' }] } });
    expect(settingsProblems(doc, model, {}).mapping).toEqual([]);
  });
});
