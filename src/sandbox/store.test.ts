import { describe, expect, it } from 'vitest';
import { insertRecord, updateRecord } from './dml.ts';
import { Rules } from './rules.ts';
import { Store } from './store.ts';

const ctx = { userId: '0055g0000000001AAA', now: new Date('2026-11-28T10:00:00Z'), allowDuplicates: false, admin: true };

function setup() {
  const store = new Store();
  const dml = { store, rules: new Rules(), version: '64.0' };
  const lead = store.describe('lead')!;
  return { store, dml, lead };
}

describe('store', () => {
  it('indexes Email and Name case-insensitively and keeps indexes right across updates and rollback', () => {
    const { store, dml, lead } = setup();
    const r = insertRecord(dml, lead, { LastName: 'Hopper', FirstName: 'Grace', Company: 'Navy', Email: 'Grace@Navy.example' }, ctx);
    expect([...store.lookup('Lead', 'email', 'grace@navy.EXAMPLE')!]).toEqual([r]);
    expect([...store.lookup('LEAD', 'Name', 'grace hopper')!]).toEqual([r]);
    expect(store.lookup('Lead', 'Title', 'x')).toBeUndefined(); // no index: the caller scans
    updateRecord(dml, lead, r, { Email: 'new@navy.example' }, ctx);
    expect([...store.lookup('Lead', 'Email', 'grace@navy.example')!]).toEqual([]);
    expect([...store.lookup('Lead', 'Email', 'NEW@navy.example')!]).toEqual([r]);

    store.transaction((rollback) => {
      updateRecord(dml, lead, r, { Email: 'tx@navy.example' }, ctx);
      insertRecord(dml, lead, { LastName: 'Temp', Company: 'T' }, ctx);
      rollback();
    });
    expect(r.Email).toBe('new@navy.example');
    expect([...store.lookup('Lead', 'Email', 'tx@navy.example')!]).toEqual([]);
    expect(store.count('Lead')).toBe(1);
    expect(store.get(r.Id.slice(0, 15))).toBe(r);
    expect(store.objectForId(r.Id)?.name).toBe('Lead');
  });

  it('inserts 200 records in a few milliseconds and finds one among 10,000 without scanning', () => {
    const { store, dml, lead } = setup();
    for (let i = 0; i < 9800; i++) insertRecord(dml, lead, { LastName: `L${i}`, Company: 'C', Email: `l${i}@x.example` }, ctx);
    for (let i = 9800; i < 10000; i++) insertRecord(dml, lead, { LastName: `L${i}`, Company: 'C', Email: `l${i}@x.example` }, ctx);
    let found = 0;
    for (let i = 0; i < 1000; i++) found += [...store.lookup('Lead', 'Email', `L${i * 7}@X.example`)!].length;
    expect(found).toBe(1000);
  });
});
