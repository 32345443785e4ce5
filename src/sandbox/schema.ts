/**
 * The sObject types the sandbox knows, with Salesforce's standard field types, lengths and access
 * (as the Object Reference documents them), and describe output in the REST API's shape.
 */
import type { FieldDef, FieldType, ObjectDef } from './interfaces.ts';

type Access = 'rw' | 'ro' | 'create' | 'req';

interface FieldSpec {
  type: FieldType;
  length?: number;
  label?: string;
  access?: Access;
  nillable?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  picklist?: string[];
  defaulted?: boolean;
}

const ro = (type: FieldType, length = 0, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, length, access: 'ro', ...extra });
const rw = (type: FieldType, length = 0, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, length, access: 'rw', ...extra });
const req = (type: FieldType, length = 0, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, length, access: 'req', ...extra });

const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const INDUSTRIES = ['Agriculture', 'Banking', 'Biotechnology', 'Consulting', 'Education', 'Electronics', 'Finance', 'Healthcare', 'Manufacturing', 'Media', 'Retail', 'Technology', 'Telecommunications', 'Other'];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'];

/** Fields every type carries (Id, audit fields, IsDeleted). */
function systemFields(): Record<string, FieldSpec> {
  return {
    Id: ro('id', 18, { label: 'Record ID', nillable: false }),
    IsDeleted: ro('boolean', 0, { label: 'Deleted', nillable: false }),
    CreatedDate: ro('datetime', 0, { label: 'Created Date', nillable: false }),
    CreatedById: ro('reference', 18, { label: 'Created By ID', referenceTo: ['User'], relationshipName: 'CreatedBy', nillable: false }),
    LastModifiedDate: ro('datetime', 0, { label: 'Last Modified Date', nillable: false }),
    LastModifiedById: ro('reference', 18, { label: 'Last Modified By ID', referenceTo: ['User'], relationshipName: 'LastModifiedBy', nillable: false }),
    SystemModstamp: ro('datetime', 0, { label: 'System Modstamp', nillable: false }),
  };
}

const SPECS: Record<string, { label: string; labelPlural: string; keyPrefix: string; api: boolean; fields: Record<string, FieldSpec> }> = {
  Lead: {
    label: 'Lead',
    labelPlural: 'Leads',
    keyPrefix: '00Q',
    api: true,
    fields: {
      ...systemFields(),
      MasterRecordId: ro('reference', 18, { referenceTo: ['Lead'], relationshipName: 'MasterRecord' }),
      LastName: req('string', 80, { label: 'Last Name' }),
      FirstName: rw('string', 40, { label: 'First Name' }),
      Salutation: rw('picklist', 40, { picklist: SALUTATIONS }),
      Name: ro('string', 121, { label: 'Full Name', nillable: false }),
      Title: rw('string', 128),
      Company: req('string', 255),
      Street: rw('textarea', 255),
      City: rw('string', 40),
      State: rw('string', 80, { label: 'State/Province' }),
      PostalCode: rw('string', 20, { label: 'Zip/Postal Code' }),
      Country: rw('string', 80),
      Phone: rw('phone', 40),
      MobilePhone: rw('phone', 40, { label: 'Mobile Phone' }),
      Fax: rw('phone', 40),
      Email: rw('email', 80),
      Website: rw('url', 255),
      Description: rw('textarea', 32000),
      LeadSource: rw('picklist', 255, { label: 'Lead Source', picklist: LEAD_SOURCES }),
      Status: rw('picklist', 255, { nillable: false, defaulted: true, picklist: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'] }),
      Industry: rw('picklist', 255, { picklist: INDUSTRIES }),
      Rating: rw('picklist', 255, { picklist: ['Hot', 'Warm', 'Cold'] }),
      AnnualRevenue: rw('currency', 0, { label: 'Annual Revenue' }),
      NumberOfEmployees: rw('int', 0, { label: 'Employees' }),
      OwnerId: rw('reference', 18, { label: 'Owner ID', referenceTo: ['Group', 'User'], relationshipName: 'Owner', nillable: false, defaulted: true }),
      IsConverted: { type: 'boolean', access: 'create', label: 'Converted', nillable: false, defaulted: true },
      ConvertedDate: ro('date', 0, { label: 'Converted Date' }),
      ConvertedAccountId: ro('reference', 18, { label: 'Converted Account ID', referenceTo: ['Account'], relationshipName: 'ConvertedAccount' }),
      ConvertedContactId: ro('reference', 18, { label: 'Converted Contact ID', referenceTo: ['Contact'], relationshipName: 'ConvertedContact' }),
      IsUnreadByOwner: rw('boolean', 0, { label: 'Unread By Owner', nillable: false, defaulted: true }),
      LastActivityDate: ro('date', 0, { label: 'Last Activity' }),
    },
  },
  Contact: {
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    api: true,
    fields: {
      ...systemFields(),
      MasterRecordId: ro('reference', 18, { referenceTo: ['Contact'], relationshipName: 'MasterRecord' }),
      AccountId: rw('reference', 18, { label: 'Account ID', referenceTo: ['Account'], relationshipName: 'Account' }),
      LastName: req('string', 80, { label: 'Last Name' }),
      FirstName: rw('string', 40, { label: 'First Name' }),
      Salutation: rw('picklist', 40, { picklist: SALUTATIONS }),
      Name: ro('string', 121, { label: 'Full Name', nillable: false }),
      MailingStreet: rw('textarea', 255, { label: 'Mailing Street' }),
      MailingCity: rw('string', 40, { label: 'Mailing City' }),
      MailingState: rw('string', 80, { label: 'Mailing State/Province' }),
      MailingPostalCode: rw('string', 20, { label: 'Mailing Zip/Postal Code' }),
      MailingCountry: rw('string', 80, { label: 'Mailing Country' }),
      Phone: rw('phone', 40, { label: 'Business Phone' }),
      Fax: rw('phone', 40, { label: 'Business Fax' }),
      MobilePhone: rw('phone', 40, { label: 'Mobile Phone' }),
      HomePhone: rw('phone', 40, { label: 'Home Phone' }),
      ReportsToId: rw('reference', 18, { label: 'Reports To ID', referenceTo: ['Contact'], relationshipName: 'ReportsTo' }),
      Email: rw('email', 80),
      Title: rw('string', 128),
      Department: rw('string', 80),
      LeadSource: rw('picklist', 255, { label: 'Lead Source', picklist: LEAD_SOURCES }),
      Birthdate: rw('date'),
      Description: rw('textarea', 32000, { label: 'Contact Description' }),
      OwnerId: rw('reference', 18, { label: 'Owner ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false, defaulted: true }),
      LastActivityDate: ro('date', 0, { label: 'Last Activity' }),
    },
  },
  Account: {
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    api: true,
    fields: {
      ...systemFields(),
      MasterRecordId: ro('reference', 18, { referenceTo: ['Account'], relationshipName: 'MasterRecord' }),
      Name: req('string', 255, { label: 'Account Name' }),
      Type: rw('picklist', 255, { label: 'Account Type', picklist: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'] }),
      ParentId: rw('reference', 18, { label: 'Parent Account ID', referenceTo: ['Account'], relationshipName: 'Parent' }),
      BillingStreet: rw('textarea', 255, { label: 'Billing Street' }),
      BillingCity: rw('string', 40, { label: 'Billing City' }),
      BillingState: rw('string', 80, { label: 'Billing State/Province' }),
      BillingPostalCode: rw('string', 20, { label: 'Billing Zip/Postal Code' }),
      BillingCountry: rw('string', 80, { label: 'Billing Country' }),
      Phone: rw('phone', 40, { label: 'Account Phone' }),
      Fax: rw('phone', 40, { label: 'Account Fax' }),
      AccountNumber: rw('string', 40, { label: 'Account Number' }),
      Website: rw('url', 255),
      Industry: rw('picklist', 255, { picklist: INDUSTRIES }),
      AnnualRevenue: rw('currency', 0, { label: 'Annual Revenue' }),
      NumberOfEmployees: rw('int', 0, { label: 'Employees' }),
      Description: rw('textarea', 32000, { label: 'Account Description' }),
      OwnerId: rw('reference', 18, { label: 'Owner ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false, defaulted: true }),
      LastActivityDate: ro('date', 0, { label: 'Last Activity' }),
    },
  },
  User: {
    label: 'User',
    labelPlural: 'Users',
    keyPrefix: '005',
    api: false,
    fields: {
      ...systemFields(),
      Username: req('string', 80),
      LastName: req('string', 80, { label: 'Last Name' }),
      FirstName: rw('string', 40, { label: 'First Name' }),
      Name: ro('string', 121, { label: 'Full Name', nillable: false }),
      CompanyName: rw('string', 80, { label: 'Company Name' }),
      Title: rw('string', 80),
      Email: req('email', 128),
      Phone: rw('phone', 40),
      Alias: req('string', 8),
      IsActive: rw('boolean', 0, { label: 'Active', nillable: false, defaulted: true }),
      UserType: ro('picklist', 40, { label: 'User Type', picklist: ['Standard'] }),
    },
  },
  Group: {
    label: 'Group',
    labelPlural: 'Groups',
    keyPrefix: '00G',
    api: false,
    fields: {
      ...systemFields(),
      Name: req('string', 40),
      DeveloperName: rw('string', 80, { label: 'Developer Name' }),
      Type: rw('picklist', 40, { nillable: false, picklist: ['Regular', 'Role', 'Queue'] }),
      Email: rw('email', 255),
      OwnerId: rw('reference', 18, { label: 'Owner ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false, defaulted: true }),
    },
  },
};

function labelFrom(name: string): string {
  return name.replace(/__c$/, '').replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
}

function toFieldDef(name: string, spec: FieldSpec): FieldDef {
  const access = spec.access ?? 'rw';
  const nillable = spec.nillable ?? (access !== 'req' && spec.type !== 'boolean');
  const def: FieldDef = {
    name,
    label: spec.label ?? labelFrom(name),
    type: spec.type,
    length: spec.length ?? 0,
    nillable,
    createable: access !== 'ro',
    updateable: access === 'rw' || access === 'req',
    custom: false,
    requiredOnCreate: access === 'req',
    indexed: name === 'Id' || name === 'Email' || name === 'Name',
  };
  if (spec.referenceTo) def.referenceTo = spec.referenceTo;
  if (spec.relationshipName) def.relationshipName = spec.relationshipName;
  if (spec.picklist) def.picklistValues = spec.picklist;
  if (spec.defaulted) (def as FieldDef & { defaulted?: boolean }).defaulted = true;
  return def;
}

/** A fresh, per-sandbox copy of the schema (custom fields are added to it at runtime). */
export function createSchema(): Map<string, ObjectDef> {
  const out = new Map<string, ObjectDef>();
  for (const [name, spec] of Object.entries(SPECS)) {
    const fields = new Map<string, FieldDef>();
    for (const [fname, fspec] of Object.entries(spec.fields)) fields.set(fname.toLowerCase(), toFieldDef(fname, fspec));
    out.set(name.toLowerCase(), {
      name,
      label: spec.label,
      labelPlural: spec.labelPlural,
      keyPrefix: spec.keyPrefix,
      fields,
      // Users and Groups are set up by an admin (through the control API), not by the sync's API user.
      createable: spec.api,
      updateable: spec.api,
      deletable: spec.api,
      queryable: true,
    });
  }
  return out;
}

export const CUSTOM_FIELD_TYPES = ['currency', 'string', 'textarea', 'boolean', 'date', 'datetime', 'double', 'email', 'phone', 'url'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** Default and maximum lengths Salesforce applies to custom fields of each text type. */
const CUSTOM_LENGTH: Partial<Record<CustomFieldType, { def: number; max: number }>> = {
  string: { def: 255, max: 255 },
  textarea: { def: 32768, max: 131072 },
  email: { def: 80, max: 80 },
  phone: { def: 40, max: 40 },
  url: { def: 255, max: 255 },
};

export function customFieldDef(name: string, type: CustomFieldType, length?: number, flags: { externalId?: boolean; unique?: boolean } = {}): FieldDef {
  const lim = CUSTOM_LENGTH[type];
  const len = lim ? Math.min(length ?? lim.def, lim.max) : 0;
  return {
    name,
    label: labelFrom(name),
    type,
    length: len,
    nillable: type !== 'boolean',
    createable: true,
    updateable: true,
    custom: true,
    requiredOnCreate: false,
    indexed: flags.externalId === true,
    externalId: flags.externalId === true,
    unique: flags.unique === true,
  };
}

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  int: 'xsd:int',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

/** One field as `/sobjects/{T}/describe` reports it. */
export function describeField(f: FieldDef): Record<string, unknown> {
  const numeric = f.type === 'double' || f.type === 'currency' || f.type === 'percent';
  const defaulted = (f as FieldDef & { defaulted?: boolean }).defaulted === true;
  return {
    aggregatable: f.type !== 'textarea' || f.length <= 255,
    autoNumber: false,
    byteLength: f.length * 3,
    calculated: false,
    caseSensitive: false,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? false : null,
    defaultedOnCreate: defaulted || f.type === 'boolean' || f.name === 'Id' || f.name === 'CreatedDate' || f.name === 'CreatedById',
    dependentPicklist: false,
    digits: f.type === 'int' ? 9 : 0,
    externalId: f.externalId === true,
    filterable: f.type !== 'textarea' || f.length <= 255,
    groupable: !numeric && f.type !== 'textarea' && f.type !== 'datetime',
    htmlFormatted: false,
    idLookup: f.name === 'Id' || f.type === 'email' || f.name === 'Username' || f.externalId === true,
    label: f.label,
    length: f.length,
    name: f.name,
    nameField: f.name === 'Name',
    namePointing: f.name === 'OwnerId' && (f.referenceTo?.length ?? 0) > 1,
    nillable: f.nillable,
    picklistValues: (f.picklistValues ?? []).map((v, i) => ({ active: true, defaultValue: f.name === 'Status' && i === 0, label: v, validFor: null, value: v })),
    polymorphicForeignKey: (f.referenceTo?.length ?? 0) > 1,
    precision: f.type === 'currency' ? 18 : numeric ? 18 : 0,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    restrictedPicklist: false,
    scale: f.type === 'currency' ? 2 : 0,
    soapType: SOAP_TYPES[f.type],
    sortable: f.type !== 'textarea' || f.length <= 255,
    type: f.type,
    unique: f.unique === true,
    updateable: f.updateable,
  };
}

export function objectUrls(o: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${o.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

/** The object-level properties shared by global describe and per-object describe. */
export function describeObjectSummary(o: ObjectDef, version: string): Record<string, unknown> {
  return {
    activateable: false,
    createable: o.createable,
    custom: false,
    customSetting: false,
    deepCloneable: false,
    deletable: o.deletable,
    deprecatedAndHidden: false,
    feedEnabled: true,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: o.keyPrefix,
    label: o.label,
    labelPlural: o.labelPlural,
    layoutable: true,
    mergeable: o.name !== 'User' && o.name !== 'Group',
    mruEnabled: true,
    name: o.name,
    queryable: o.queryable,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: o.deletable,
    updateable: o.updateable,
    urls: objectUrls(o, version),
  };
}

export function describeObject(o: ObjectDef, version: string): Record<string, unknown> {
  return {
    ...describeObjectSummary(o, version),
    childRelationships: [],
    compactLayoutable: true,
    fields: [...o.fields.values()].map(describeField),
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    searchLayoutable: true,
    supportedScopes: [{ label: 'All records', name: 'everything' }],
  };
}
