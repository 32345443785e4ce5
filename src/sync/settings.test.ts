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
    expect(Object.keys(mapping).sort()).toEqual(['mappings.lead.3', 'mappings.lead.4', 'mappings.lead.5', 'mappings.lead.6']);
    expect(mapping['mappings.lead.3']).toContain('no field Nope__c');
    expect(mapping['mappings.lead.4']).toContain('read-only');
    expect(mapping['mappings.lead.5']).toContain('conversation');
  });

  it('without describe (not connected) only LeadSync-side problems are reported', () => {
    const doc = normalizeSettings({ mappings: { contact: [{ spara_field: 'company', salesforce_field: 'Anything__c' }] } });
    expect(settingsProblems(doc, model, {}).mapping).toEqual({});
  });
});
