/**
 * A small in-memory QueryableStore for the engine's unit tests: Lead, Contact, Account, User and
 * Group with the fields the product queries, case-insensitive indexes on Email and Name, and
 * counters so tests can prove a query used an index instead of scanning.
 */
import type { FieldDef, FieldType, ObjectDef, QueryableStore, SRecord } from '../interfaces.ts';
import { makeId, normalizeId } from '../ids.ts';

type Spec = [name: string, type: FieldType, extra?: Partial<FieldDef>];

const SYSTEM: Spec[] = [
  ['Id', 'id', { indexed: true }],
  ['IsDeleted', 'boolean'],
  ['CreatedDate', 'datetime'],
  ['LastModifiedDate', 'datetime'],
  ['SystemModstamp', 'datetime'],
  ['CreatedById', 'reference', { referenceTo: ['User'], relationshipName: 'CreatedBy' }],
];
const OWNER: Spec = ['OwnerId', 'reference', { referenceTo: ['Group', 'User'], relationshipName: 'Owner' }];

const OBJECTS: Array<[name: string, prefix: string, fields: Spec[]]> = [
  ['Lead', '00Q', [
    ...SYSTEM, OWNER,
    ['FirstName', 'string'], ['LastName', 'string'], ['Name', 'string', { indexed: true }],
    ['Email', 'email', { indexed: true }], ['Company', 'string'], ['Phone', 'phone'], ['Title', 'string'],
    ['Status', 'picklist'], ['NumberOfEmployees', 'int'], ['AnnualRevenue', 'currency'],
    ['Description', 'textarea', { length: 32000 }], ['IsConverted', 'boolean'], ['ConvertedDate', 'date'],
    ['ConvertedAccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'ConvertedAccount' }],
    ['ConvertedContactId', 'reference', { referenceTo: ['Contact'], relationshipName: 'ConvertedContact' }],
    ['Interests__c', 'picklist', { custom: true }],
  ]],
  ['Contact', '003', [
    ...SYSTEM, OWNER,
    ['FirstName', 'string'], ['LastName', 'string'], ['Name', 'string', { indexed: true }],
    ['Email', 'email', { indexed: true }], ['Phone', 'phone'], ['Title', 'string'],
    ['AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }],
  ]],
  ['Account', '001', [
    ...SYSTEM, ['OwnerId', 'reference', { referenceTo: ['User'], relationshipName: 'Owner' }],
    ['Name', 'string', { indexed: true }], ['Website', 'url'], ['NumberOfEmployees', 'int'],
  ]],
  ['User', '005', [
    ...SYSTEM, ['FirstName', 'string'], ['LastName', 'string'], ['Name', 'string', { indexed: true }],
    ['Email', 'email', { indexed: true }], ['Username', 'string'], ['Alias', 'string'], ['IsActive', 'boolean'],
    ['Title', 'string'], ['Phone', 'phone'],
  ]],
  ['Group', '00G', [...SYSTEM, ['Name', 'string', { indexed: true }], ['Type', 'picklist'], ['Email', 'email']]],
];

function fieldDef([name, type, extra]: Spec): FieldDef {
  const length = type === 'string' || type === 'email' || type === 'phone' || type === 'url' || type === 'picklist' ? 255 : type === 'id' || type === 'reference' ? 18 : 0;
  return {
    name, label: name, type, length, nillable: true, createable: true, updateable: true, custom: false, ...extra,
  };
}

export class TestStore implements QueryableStore {
  readonly objects = new Map<string, ObjectDef>();
  private readonly records = new Map<string, SRecord[]>();
  private readonly byId = new Map<string, SRecord>();
  private seq = 0;
  scans = 0;
  lookups = 0;

  constructor() {
    for (const [name, keyPrefix, specs] of OBJECTS) {
      const fields = new Map(specs.map((s) => [s[0].toLowerCase(), fieldDef(s)]));
      this.objects.set(name.toLowerCase(), {
        name, label: name, labelPlural: `${name}s`, keyPrefix, fields,
        createable: true, updateable: true, deletable: true, queryable: true,
      });
      this.records.set(name, []);
    }
  }

  /** Inserts a record with defaults (Id, IsDeleted false, CreatedDate) and returns it. */
  insert(type: string, fields: Record<string, unknown>): SRecord {
    const obj = this.describe(type)!;
    const n = ++this.seq;
    const rec: SRecord = {
      Id: makeId(obj.keyPrefix, '5g', n),
      IsDeleted: false,
      CreatedDate: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
      ...fields,
    };
    if (obj.fields.has('name') && rec.Name === undefined && (rec.FirstName || rec.LastName)) {
      rec.Name = [rec.FirstName, rec.LastName].filter(Boolean).join(' ');
    }
    this.records.get(obj.name)!.push(rec);
    this.byId.set(rec.Id, rec);
    return rec;
  }

  describe(objectName: string): ObjectDef | undefined {
    return this.objects.get(objectName.toLowerCase());
  }

  objectForId(id: string): ObjectDef | undefined {
    const prefix = id.slice(0, 3);
    for (const o of this.objects.values()) if (o.keyPrefix === prefix) return o;
    return undefined;
  }

  get(id: string): SRecord | undefined {
    const canonical = normalizeId(id);
    return canonical ? this.byId.get(canonical) : undefined;
  }

  scan(objectName: string): Iterable<SRecord> {
    this.scans++;
    return this.records.get(this.describe(objectName)!.name) ?? [];
  }

  lookup(objectName: string, fieldName: string, value: string): Iterable<SRecord> | undefined {
    const obj = this.describe(objectName);
    const field = obj?.fields.get(fieldName.toLowerCase());
    if (!obj || !field?.indexed) return undefined;
    this.lookups++;
    // A linear filter stands in for a real index: the tests count calls, not time.
    const want = value.toLowerCase();
    return this.records.get(obj.name)!.filter((r) => typeof r[field.name] === 'string' && (r[field.name] as string).toLowerCase() === want);
  }
}
