/**
 * The sandbox's shared types: a local Salesforce that jsforce cannot tell from an org.
 *
 * Glossary
 * - sObject type (ObjectDef): Lead, Contact, Account, User, Group — with its fields and 3-char id key prefix.
 * - field (FieldDef): one column of an sObject type, with Salesforce's describe properties.
 * - record (SRecord): one row, a plain object keyed by the field's canonical API name (`Email`, not `email`).
 *   Reference fields hold 18-character ids. `IsDeleted` marks a record in the recycle bin.
 * - store: the in-memory records of every type, with indexes (Id, Email, Name) for lookups.
 * - fault: a failure injected through `/__sandbox/faults` (an error code, latency, a dropped connection).
 *
 * The sandbox never imports product code (api, db, sync, salesforce, workflows) — wall 1 in
 * docs/architecture.md — so that it cannot agree with the product's bugs.
 */

/** Salesforce field types as describe reports them (`soapType` aside). */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'boolean'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'picklist'
  | 'address';

export interface FieldDef {
  /** Canonical API name, e.g. `Email`, `Budget__c`. */
  name: string;
  label: string;
  type: FieldType;
  /** Max characters for text types; 0 for others. */
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  /** For `reference` fields: the types it may point to (several for a polymorphic field such as Lead.OwnerId). */
  referenceTo?: string[];
  /** For `reference` fields: the relationship name used in SOQL (`Owner` for `OwnerId`, `Account` for `AccountId`). */
  relationshipName?: string;
  /** True when Salesforce requires a value on create (nillable false, createable, no default). */
  requiredOnCreate?: boolean;
  /** Picklist values, when type is `picklist`. */
  picklistValues?: string[];
  /** Whether the store keeps a case-insensitive index on this field (Id, Email, Name...). */
  indexed?: boolean;
  /** A compound field (`Address`, `MailingAddress`): its value is built from these fields (key in the value → field name). Read-only. */
  components?: Record<string, string>;
  /** For a component of a compound field: the compound's name (describe's `compoundFieldName`). */
  compoundFieldName?: string;
  /** Numbers: describe's precision and scale when they differ from the type's default. */
  precision?: number;
  scale?: number;
  /** The picklist value describe marks `defaultValue` (Lead.Status 'Open - Not Contacted'). */
  picklistDefault?: string;
  /**
   * For a reference field: the name the parent uses for its children through it (Contact.AccountId →
   * Account's `Contacts`), as describe's childRelationships and parent-to-child subqueries know it.
   */
  childRelationshipName?: string;
  /** Custom fields marked External ID: usable for upsert and lookups (indexed). */
  externalId?: boolean;
  /** Custom fields marked Unique: a second record with the same value is DUPLICATE_VALUE. */
  unique?: boolean;
}

export interface ObjectDef {
  /** Canonical API name, e.g. `Lead`. */
  name: string;
  label: string;
  labelPlural: string;
  /** 3-character id prefix: 00Q Lead, 003 Contact, 001 Account, 005 User, 00G Group. */
  keyPrefix: string;
  /** Fields by lower-cased API name (SOQL and REST field names are case-insensitive). */
  fields: Map<string, FieldDef>;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
}

/** A stored record. Values: string | number | boolean | null; dates and datetimes as ISO strings. */
export type SRecord = Record<string, unknown> & { Id: string };

/**
 * What the SOQL engine needs from the store. Names are matched case-insensitively.
 * Every iterable yields records including deleted ones; the engine filters `IsDeleted` unless the
 * query is a queryAll.
 */
export interface QueryableStore {
  /** The sObject type by name, case-insensitive; undefined if it does not exist. */
  describe(objectName: string): ObjectDef | undefined;
  /** The sObject type that owns an id (by its key prefix). */
  objectForId(id: string): ObjectDef | undefined;
  /** A record by its 15- or 18-character id, deleted or not. */
  get(id: string): SRecord | undefined;
  /** Every record of a type. */
  scan(objectName: string): Iterable<SRecord>;
  /**
   * Records whose `fieldName` equals `value` (case-insensitive for strings), through an index.
   * Returns undefined when that field has no index (the caller then scans).
   */
  lookup(objectName: string, fieldName: string, value: string): Iterable<SRecord> | undefined;
  /** Every sObject type (for child relationships); a store without it supports no subqueries. */
  sobjectTypes?(): Iterable<ObjectDef>;
}

/** A Salesforce API error as REST returns it: `[{"message", "errorCode", "fields"}]` with an HTTP status. */
export class SalesforceError extends Error {
  constructor(
    public readonly status: number,
    public readonly errorCode: string,
    message: string,
    public readonly fields: string[] = [],
  ) {
    super(message);
  }

  toBody(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return [{ message: this.message, errorCode: this.errorCode, fields: this.fields }];
  }
}
