import { parseQuery } from '@jetstreamapp/soql-parser-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFilter, composeWhere, pullQuery } from './pull-filter.ts';

const FIELDS = ['Id', 'Email', 'LeadSource', 'CreatedDate', 'Company', 'IsConverted', 'SystemModstamp', 'AnnualRevenue', 'Status'];
const check = (filter: string, object = 'Lead') => checkFilter(filter, object, FIELDS);

describe('pull filters', () => {
  it.each([
    ["LeadSource = 'Web' AND CreatedDate = LAST_N_DAYS:30"],
    ["leadsource = 'Web'"],
    ["(LeadSource = 'Web' OR LeadSource = 'Phone') AND NOT Company LIKE '%test%'"],
    ["Email != null AND AnnualRevenue > 1000"],
    ["Company = 'O\\'Brien; -- Co'"],
    ["Status IN ('Open', 'Working')"],
  ])('accepts %s', (filter) => {
    const result = check(filter);
    expect(result).toMatchObject({ ok: true });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ["Email = 'a' LIMIT 5", /LIMIT is not allowed/],
    ["Email = 'a' ORDER BY Email", /ORDER BY is not allowed/],
    ["Email = 'a' GROUP BY Email", /GROUP BY|not a SOQL condition/],
    ["Email = 'a' OFFSET 3", /OFFSET|not a SOQL condition/],
    ["Email = 'a'; DELETE FROM Lead", /";"/],
    ["Email = 'a' /* hidden */", /comment/],
    ["Email = 'a' -- hidden", /comment/],
    ['Id IN (SELECT LeadId FROM CampaignMember)', /subqueries/],
    ["NoSuchField__c = 'x'", /Lead has no field NoSuchField__c/],
    ["Owner.Name = 'Sam'", /own fields/],
    ['CALENDAR_YEAR(CreatedDate) = 2024', /functions/],
    ['Email = :mine', /not a SOQL condition|bind/],
    ["Email = 'a' SELECT Id FROM Contact", /not a SOQL condition/],
    ["Email = 'a') OR (Email != null", /not a SOQL condition/],
    ['Email =', /not a SOQL condition/],
    ["Email = 'a' WITH SECURITY_ENFORCED", /SECURITY_ENFORCED|not a SOQL condition/],
  ])('refuses %j', (filter, reason) => {
    const result = check(filter);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('checks fields against the object it pulls', () => {
    expect(checkFilter("AccountId != null", 'Contact', ['Id', 'AccountId'])).toMatchObject({ ok: true });
    expect(checkFilter("AccountId != null", 'Lead', FIELDS)).toMatchObject({ ok: false });
  });

  it('never lets a filter change the query around it (property)', () => {
    const tokens = fc.constantFrom(
      'Email', 'LeadSource', 'Company', 'NoSuch__c', 'Owner.Name', '=', '!=', '<', 'LIKE', 'IN', 'NOT', 'AND', 'OR', '(', ')', "'Web'", "'a\\'b'", "'", "\\'", '\\',
      'null', 'true', '5', 'LAST_N_DAYS:3', 'TODAY', 'LIMIT', 'ORDER BY', 'GROUP BY', 'OFFSET', 'SELECT', 'FROM', 'Lead', 'WHERE', ';', '--', '/*', '*/', ',', ':x', "')", "' OR Id != null OR Email = '",
      'FOR UPDATE', 'WITH', 'SECURITY_ENFORCED', 'ALL ROWS', 'Id',
    );
    // Conditions by the grammar (string literals escaped any which way), then hostile tokens spliced in.
    const literal = fc.oneof(
      fc.string({ maxLength: 12 }).map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`),
      fc.constantFrom("'a\\' OR Id != null OR Email = \\'b'", "'x'' OR ''y'", "'; DELETE'", "'-- c'", "'/* c */'", 'null', 'true', '42', 'LAST_N_DAYS:7'),
    );
    const condition = fc.tuple(fc.constantFrom('Email', 'LeadSource', 'Company', 'Status'), fc.constantFrom('=', '!=', 'LIKE', '<'), literal).map((t) => t.join(' '));
    const { expr } = fc.letrec<{ expr: string }>((tie) => ({
      expr: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        condition,
        fc.tuple(tie('expr'), fc.constantFrom('AND', 'OR'), tie('expr')).map((t) => t.join(' ')),
        tie('expr').map((e) => `(${e})`),
        tie('expr').map((e) => `NOT ${e}`),
      ),
    }));
    const spliced = fc.tuple(expr, fc.array(tokens, { maxLength: 3 }), fc.nat()).map(([e, extra, at]) => {
      const words = e.split(' ');
      const i = extra.length ? at % (words.length + 1) : 0;
      return [...words.slice(0, i), ...extra, ...words.slice(i)].join(' ');
    });
    const filters = fc.oneof(expr, spliced, fc.array(tokens, { maxLength: 12 }).map((t) => t.join(' ')), fc.string({ maxLength: 60 }));
    const select = ['Id', 'Email', 'SystemModstamp'];
    const extra = ['IsConverted = false', 'SystemModstamp >= 2026-01-01T00:00:00.000Z'];
    const extraText = composeWhere(parseQuery(`SELECT Id FROM Lead WHERE ${extra.join(' AND ')}`).where!);
    let accepted = 0;
    fc.assert(
      fc.property(filters, (filter) => {
        const result = check(filter);
        if (!result.ok) return;
        accepted++;
        const soql = pullQuery(select, 'Lead', result, extra);
        const parsed = parseQuery(soql);
        expect(parsed.sObject).toBe('Lead');
        expect(parsed.fields).toEqual(select.map((field) => ({ type: 'Field', field })));
        expect(parsed.orderBy).toEqual([{ field: 'SystemModstamp', order: 'ASC' }, { field: 'Id', order: 'ASC' }]);
        for (const key of ['limit', 'offset', 'groupBy', 'having', 'for', 'update', 'withSecurityEnforced', 'withAccessLevel', 'usingScope', 'withDataCategory']) expect(parsed).not.toHaveProperty(key);
        // WHERE (the filter) AND extra...: the filter's own condition, unchanged, inside the parentheses.
        expect(composeWhere(parsed.where!)).toBe(`(${result.text}) AND ${extraText}`);
      }),
      { numRuns: 1000 },
    );
    // The property is only worth something if many generated filters pass the check.
    expect(accepted).toBeGreaterThan(30);
  });
});
