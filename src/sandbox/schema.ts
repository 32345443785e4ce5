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
  picklistDefault?: string;
  defaulted?: boolean;
  components?: Record<string, string>;
  compoundFieldName?: string;
  precision?: number;
  scale?: number;
  childName?: string;
}

const ro = (type: FieldType, length = 0, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, length, access: 'ro', ...extra });
const rw = (type: FieldType, length = 0, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, length, access: 'rw', ...extra });
const req = (type: FieldType, length = 0, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, length, access: 'req', ...extra });

// Picklist values of a new Developer Edition org (Object Reference / Setup defaults).
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const INDUSTRIES = ['Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other'];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'];
const RATINGS = ['Hot', 'Warm', 'Cold'];
const GEOCODE_ACCURACY = ['Address', 'NearAddress', 'Block', 'Street', 'ExtendedZip', 'Zip', 'Neighborhood', 'City', 'County', 'State', 'Unknown'];
const TIME_ZONES = ['America/Los_Angeles', 'America/Denver', 'America/Chicago', 'America/New_York', 'America/Sao_Paulo', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney', 'GMT'];
const LOCALES = ['en_US', 'en_GB', 'en_CA', 'de_DE', 'fr_FR', 'es_ES', 'ja_JP'];
const LANGUAGES = ['en_US', 'de', 'fr', 'es', 'ja'];
const ENCODINGS = ['UTF-8', 'ISO-8859-1', 'Shift_JIS', 'ISO-2022-JP', 'EUC-JP', 'ks_c_5601-1987', 'Big5', 'GB2312'];

/**
 * An address: its parts (`{prefix}Street` … `{prefix}GeocodeAccuracy`) and the compound, read-only
 * `{prefix}Address` whose value is built from them (`Address` on Lead, `MailingAddress` on Contact...).
 */
function address(prefix: string, labelPrefix: string): Record<string, FieldSpec> {
  const compound = `${prefix}Address`;
  const l = (s: string) => (labelPrefix ? `${labelPrefix} ${s}` : s);
  const part = (type: FieldType, length: number, label: string, extra: Partial<FieldSpec> = {}) => rw(type, length, { label: l(label), compoundFieldName: compound, ...extra });
  return {
    [`${prefix}Street`]: part('textarea', 255, 'Street'),
    [`${prefix}City`]: part('string', 40, 'City'),
    [`${prefix}State`]: part('string', 80, 'State/Province'),
    [`${prefix}PostalCode`]: part('string', 20, 'Zip/Postal Code'),
    [`${prefix}Country`]: part('string', 80, 'Country'),
    [`${prefix}Latitude`]: part('double', 0, 'Latitude', { precision: 18, scale: 15 }),
    [`${prefix}Longitude`]: part('double', 0, 'Longitude', { precision: 18, scale: 15 }),
    [`${prefix}GeocodeAccuracy`]: part('picklist', 40, 'Geocode Accuracy', { picklist: GEOCODE_ACCURACY }),
    [compound]: ro('address', 0, {
      label: l('Address'),
      components: {
        city: `${prefix}City`,
        country: `${prefix}Country`,
        geocodeAccuracy: `${prefix}GeocodeAccuracy`,
        latitude: `${prefix}Latitude`,
        longitude: `${prefix}Longitude`,
        postalCode: `${prefix}PostalCode`,
        state: `${prefix}State`,
        street: `${prefix}Street`,
      },
    }),
  };
}

/** Email bounce and opt-out fields Lead and Contact share. */
function contactability(): Record<string, FieldSpec> {
  return {
    HasOptedOutOfEmail: rw('boolean', 0, { label: 'Email Opt Out' }),
    HasOptedOutOfFax: rw('boolean', 0, { label: 'Fax Opt Out' }),
    DoNotCall: rw('boolean', 0, { label: 'Do Not Call' }),
    EmailBouncedReason: rw('string', 255, { label: 'Email Bounced Reason' }),
    EmailBouncedDate: rw('datetime', 0, { label: 'Email Bounced Date' }),
    ...viewed(),
  };
}

/** Photo, Data.com key and recently-viewed stamps Lead, Contact and Account share. */
function viewed(): Record<string, FieldSpec> {
  return {
    PhotoUrl: ro('url', 255, { label: 'Photo URL' }),
    Jigsaw: rw('string', 20, { label: 'Data.com Key' }),
    LastViewedDate: ro('datetime', 0, { label: 'Last Viewed Date' }),
    LastReferencedDate: ro('datetime', 0, { label: 'Last Referenced Date' }),
  };
}

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
      ...address('', ''),
      Phone: rw('phone', 40),
      MobilePhone: rw('phone', 40, { label: 'Mobile Phone' }),
      Fax: rw('phone', 40),
      Email: rw('email', 80),
      Website: rw('url', 255),
      Description: rw('textarea', 32000),
      LeadSource: rw('picklist', 255, { label: 'Lead Source', picklist: LEAD_SOURCES }),
      Status: rw('picklist', 255, { nillable: false, defaulted: true, picklist: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], picklistDefault: 'Open - Not Contacted' }),
      Industry: rw('picklist', 255, { picklist: INDUSTRIES }),
      Rating: rw('picklist', 255, { picklist: RATINGS }),
      AnnualRevenue: rw('currency', 0, { label: 'Annual Revenue', precision: 18, scale: 0 }),
      NumberOfEmployees: rw('int', 0, { label: 'Employees' }),
      OwnerId: rw('reference', 18, { label: 'Owner ID', referenceTo: ['Group', 'User'], relationshipName: 'Owner', nillable: false, defaulted: true }),
      IsConverted: { type: 'boolean', access: 'create', label: 'Converted', nillable: false, defaulted: true },
      ConvertedDate: ro('date', 0, { label: 'Converted Date' }),
      ConvertedAccountId: ro('reference', 18, { label: 'Converted Account ID', referenceTo: ['Account'], relationshipName: 'ConvertedAccount' }),
      ConvertedContactId: ro('reference', 18, { label: 'Converted Contact ID', referenceTo: ['Contact'], relationshipName: 'ConvertedContact' }),
      IsUnreadByOwner: rw('boolean', 0, { label: 'Unread By Owner', nillable: false, defaulted: true }),
      LastActivityDate: ro('date', 0, { label: 'Last Activity' }),
      CompanyDunsNumber: rw('string', 9, { label: 'Company D-U-N-S Number' }),
      ...contactability(),
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
      AccountId: rw('reference', 18, { label: 'Account ID', referenceTo: ['Account'], relationshipName: 'Account', childName: 'Contacts' }),
      LastName: req('string', 80, { label: 'Last Name' }),
      FirstName: rw('string', 40, { label: 'First Name' }),
      Salutation: rw('picklist', 40, { picklist: SALUTATIONS }),
      Name: ro('string', 121, { label: 'Full Name', nillable: false }),
      ...address('Other', 'Other'),
      ...address('Mailing', 'Mailing'),
      Phone: rw('phone', 40, { label: 'Business Phone' }),
      Fax: rw('phone', 40, { label: 'Business Fax' }),
      MobilePhone: rw('phone', 40, { label: 'Mobile Phone' }),
      HomePhone: rw('phone', 40, { label: 'Home Phone' }),
      OtherPhone: rw('phone', 40, { label: 'Other Phone' }),
      AssistantPhone: rw('phone', 40, { label: 'Asst. Phone' }),
      AssistantName: rw('string', 40, { label: "Assistant's Name" }),
      ReportsToId: rw('reference', 18, { label: 'Reports To ID', referenceTo: ['Contact'], relationshipName: 'ReportsTo' }),
      Email: rw('email', 80),
      Title: rw('string', 128),
      Department: rw('string', 80),
      LeadSource: rw('picklist', 255, { label: 'Lead Source', picklist: LEAD_SOURCES }),
      Birthdate: rw('date'),
      Description: rw('textarea', 32000, { label: 'Contact Description' }),
      OwnerId: rw('reference', 18, { label: 'Owner ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false, defaulted: true }),
      LastActivityDate: ro('date', 0, { label: 'Last Activity' }),
      IsEmailBounced: ro('boolean', 0, { label: 'Is Email Bounced' }),
      ...contactability(),
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
      Type: rw('picklist', 255, { label: 'Account Type', picklist: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'] }),
      ParentId: rw('reference', 18, { label: 'Parent Account ID', referenceTo: ['Account'], relationshipName: 'Parent', childName: 'ChildAccounts' }),
      ...address('Billing', 'Billing'),
      ...address('Shipping', 'Shipping'),
      Phone: rw('phone', 40, { label: 'Account Phone' }),
      Fax: rw('phone', 40, { label: 'Account Fax' }),
      AccountNumber: rw('string', 40, { label: 'Account Number' }),
      Website: rw('url', 255),
      Industry: rw('picklist', 255, { picklist: INDUSTRIES }),
      AnnualRevenue: rw('currency', 0, { label: 'Annual Revenue', precision: 18, scale: 0 }),
      NumberOfEmployees: rw('int', 0, { label: 'Employees' }),
      Ownership: rw('picklist', 255, { picklist: ['Public', 'Private', 'Subsidiary', 'Other'] }),
      TickerSymbol: rw('string', 20, { label: 'Ticker Symbol' }),
      Rating: rw('picklist', 255, { label: 'Account Rating', picklist: RATINGS }),
      Site: rw('string', 80, { label: 'Account Site' }),
      Sic: rw('string', 20, { label: 'SIC Code' }),
      AccountSource: rw('picklist', 255, { label: 'Account Source', picklist: LEAD_SOURCES }),
      Description: rw('textarea', 32000, { label: 'Account Description' }),
      OwnerId: rw('reference', 18, { label: 'Owner ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false, defaulted: true }),
      LastActivityDate: ro('date', 0, { label: 'Last Activity' }),
      ...viewed(),
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
      MobilePhone: rw('phone', 40, { label: 'Mobile' }),
      Department: rw('string', 80),
      Division: rw('string', 80),
      EmployeeNumber: rw('string', 20, { label: 'Employee Number' }),
      CommunityNickname: rw('string', 40, { label: 'Nickname' }),
      ...address('', ''),
      ProfileId: req('reference', 18, { label: 'Profile ID', referenceTo: ['Profile'], relationshipName: 'Profile', childName: 'Users' }),
      UserRoleId: rw('reference', 18, { label: 'Role ID', referenceTo: ['UserRole'], relationshipName: 'UserRole', childName: 'Users' }),
      ManagerId: rw('reference', 18, { label: 'Manager ID', referenceTo: ['User'], relationshipName: 'Manager', childName: 'ManagedUsers' }),
      TimeZoneSidKey: req('picklist', 40, { label: 'Time Zone', picklist: TIME_ZONES }),
      LocaleSidKey: req('picklist', 40, { label: 'Locale', picklist: LOCALES }),
      EmailEncodingKey: req('picklist', 40, { label: 'Email Encoding', picklist: ENCODINGS }),
      LanguageLocaleKey: req('picklist', 40, { label: 'Language', picklist: LANGUAGES }),
      LastLoginDate: ro('datetime', 0, { label: 'Last Login' }),
    },
  },
  Profile: {
    label: 'Profile',
    labelPlural: 'Profiles',
    keyPrefix: '00e',
    api: false,
    fields: {
      ...systemFields(),
      Name: req('string', 255),
      UserType: ro('picklist', 40, { label: 'User Type', picklist: ['Standard'] }),
      Description: rw('string', 255),
    },
  },
  UserRole: {
    label: 'Role',
    labelPlural: 'Roles',
    keyPrefix: '00E',
    api: false,
    fields: {
      ...systemFields(),
      Name: req('string', 80),
      DeveloperName: rw('string', 80, { label: 'Developer Name' }),
      ParentRoleId: rw('reference', 18, { label: 'Parent Role ID', referenceTo: ['UserRole'] }),
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
  if (spec.picklistDefault) def.picklistDefault = spec.picklistDefault;
  if (spec.components) def.components = spec.components;
  if (spec.compoundFieldName) def.compoundFieldName = spec.compoundFieldName;
  if (spec.precision !== undefined) def.precision = spec.precision;
  if (spec.childName) def.childRelationshipName = spec.childName;
  if (spec.scale !== undefined) def.scale = spec.scale;
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
  address: 'urn:address',
};

/** A compound field's value built from its parts (keys in Salesforce's order), or null when every part is empty. */
export function compoundValue(rec: Record<string, unknown>, components: Record<string, string>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [key, field] of Object.entries(components)) {
    const v = rec[field];
    out[key] = v === undefined || v === '' ? null : v;
    if (out[key] !== null) any = true;
  }
  return any ? out : null;
}

/** One field as `/sobjects/{T}/describe` reports it. */
export function describeField(f: FieldDef): Record<string, unknown> {
  const numeric = f.type === 'double' || f.type === 'currency' || f.type === 'percent';
  const compound = f.type === 'address';
  const defaulted = (f as FieldDef & { defaulted?: boolean }).defaulted === true;
  return {
    aggregatable: !compound && (f.type !== 'textarea' || f.length <= 255),
    autoNumber: false,
    byteLength: f.length * 3,
    calculated: false,
    caseSensitive: false,
    compoundFieldName: f.compoundFieldName ?? null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? false : null,
    defaultedOnCreate: defaulted || f.type === 'boolean' || f.name === 'Id' || f.name === 'CreatedDate' || f.name === 'CreatedById',
    dependentPicklist: false,
    digits: f.type === 'int' ? 9 : 0,
    externalId: f.externalId === true,
    filterable: !compound && (f.type !== 'textarea' || f.length <= 255),
    groupable: !compound && !numeric && f.type !== 'textarea' && f.type !== 'datetime',
    htmlFormatted: false,
    idLookup: f.name === 'Id' || f.type === 'email' || f.name === 'Username' || f.externalId === true,
    label: f.label,
    length: f.length,
    name: f.name,
    nameField: f.name === 'Name',
    namePointing: f.name === 'OwnerId' && (f.referenceTo?.length ?? 0) > 1,
    nillable: f.nillable,
    picklistValues: (f.picklistValues ?? []).map((v) => ({ active: true, defaultValue: v === f.picklistDefault, label: v, validFor: null, value: v })),
    polymorphicForeignKey: (f.referenceTo?.length ?? 0) > 1,
    precision: f.precision ?? (numeric ? 18 : 0),
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    restrictedPicklist: false,
    scale: f.scale ?? (f.type === 'currency' ? 2 : 0),
    soapType: SOAP_TYPES[f.type],
    sortable: !compound && (f.type !== 'textarea' || f.length <= 255),
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

/** Every reference to `o` from any type, as describe's childRelationships lists them. */
export function childRelationships(schema: Iterable<ObjectDef>, o: ObjectDef): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const child of schema) {
    for (const f of child.fields.values()) {
      if (f.type !== 'reference' || !f.referenceTo?.includes(o.name)) continue;
      out.push({
        cascadeDelete: child.name === 'Contact' && f.name === 'AccountId',
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: f.name,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: f.childRelationshipName ?? null,
        restrictedDelete: false,
      });
    }
  }
  return out;
}

export function describeObject(o: ObjectDef, version: string, schema: Iterable<ObjectDef> = []): Record<string, unknown> {
  return {
    ...describeObjectSummary(o, version),
    childRelationships: childRelationships(schema, o),
    compactLayoutable: true,
    fields: [...o.fields.values()].map(describeField),
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    searchLayoutable: true,
    supportedScopes: [{ label: 'All records', name: 'everything' }],
  };
}
