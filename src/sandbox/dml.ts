/** Insert, update and delete of one record, through validation, as the API user (or an admin). */
import { RecordError, RequestError, notFound } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { ObjectDef, SRecord } from './interfaces.ts';
import type { Rules } from './rules.ts';
import type { Store } from './store.ts';
import { canonicalReferences, checkDuplicateRules, checkRequired, checkValidationRules, prepare, sfDateTime, type WriteContext } from './validate.ts';

export interface Dml {
  store: Store;
  rules: Rules;
  version: string;
}

function computeName(o: ObjectDef, r: Record<string, unknown>): void {
  if (o.name === 'Lead' || o.name === 'Contact' || o.name === 'User') {
    const parts = [r.FirstName, r.LastName].filter((p) => typeof p === 'string' && p !== '');
    r.Name = parts.join(' ');
  }
}

/** Resolves an sObject type name from a URL or `attributes.type`. */
export function objectOrThrow(store: Store, name: string | undefined, inCollection = false): ObjectDef {
  const o = name ? store.describe(name) : undefined;
  if (o) return o;
  if (inCollection) throw new RequestError(400, 'INVALID_TYPE', name ? `sObject type '${name}' is not supported.` : 'No SObject Type defined in attributes');
  throw notFound();
}

export function insertRecord(dml: Dml, o: ObjectDef, body: Record<string, unknown>, ctx: WriteContext): SRecord {
  if (!ctx.admin && !o.createable) throw new RecordError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', `entity type ${o.name} does not support create`);
  const { values } = prepare(dml.store, o, body, undefined, ctx);
  canonicalReferences(o, values);
  const now = sfDateTime(ctx.now);
  const rec: Record<string, unknown> = {};
  // Only values are stored: an absent field reads as null, so a record costs what its data costs.
  for (const f of o.fields.values()) if (f.type === 'boolean') rec[f.name] = false;
  Object.assign(rec, {
    IsDeleted: false,
    CreatedDate: now,
    CreatedById: ctx.userId,
    LastModifiedDate: now,
    LastModifiedById: ctx.userId,
    SystemModstamp: now,
  });
  if (o.fields.has('ownerid')) rec.OwnerId = ctx.userId;
  if (o.name === 'Lead') {
    rec.Status = 'Open - Not Contacted';
    rec.IsUnreadByOwner = true;
  }
  if (o.name === 'User') {
    rec.IsActive = true;
    rec.UserType = 'Standard';
    // Users are created by an admin (control API); settings default as the Setup wizard fills them.
    Object.assign(rec, { TimeZoneSidKey: 'America/Los_Angeles', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US' });
    for (const p of dml.store.scan('Profile')) if (p.Name === 'Standard User') rec.ProfileId = p.Id;
  }
  if (o.name === 'Group') rec.Type = 'Regular';
  Object.assign(rec, values);
  computeName(o, rec);
  checkRequired(o, rec);
  if (!ctx.admin) {
    checkValidationRules(dml.rules, o, rec);
    if (!ctx.allowDuplicates) checkDuplicateRules(dml.store, dml.rules, o, rec, undefined, dml.version);
    // The active assignment rule routes the new record; its owner wins over an OwnerId in the body.
    if (ctx.autoAssign) {
      const owner = dml.rules.assign(o.name, rec, (f) => o.fields.get(f.toLowerCase())?.name);
      if (owner) rec.OwnerId = owner;
    }
  }
  const given = typeof values.Id === 'string' ? normalizeId(values.Id) : undefined;
  rec.Id = given ?? dml.store.ids.next(o.keyPrefix);
  if (dml.store.get(rec.Id as string)) throw new RecordError(400, 'DUPLICATE_VALUE', `duplicate value found: Id duplicates value on record with id: ${rec.Id}`, ['Id']);
  const stored = rec as SRecord;
  dml.store.insert(o, stored);
  return stored;
}

/** Finds a record for update/delete by id, with Salesforce's errors for bad, missing and deleted ids. */
export function findForWrite(dml: Dml, o: ObjectDef | undefined, rawId: unknown): { o: ObjectDef; rec: SRecord } {
  const id = typeof rawId === 'string' ? normalizeId(rawId) : undefined;
  if (!id) throw new RecordError(400, 'MALFORMED_ID', `${o ? o.name + ' ID' : 'Record ID'}: id value of incorrect type: ${String(rawId)}`, ['Id']);
  const owner = dml.store.objectForId(id);
  if (!owner || (o && owner !== o)) throw new RecordError(400, 'MALFORMED_ID', `${o ? o.name + ' ID' : 'Record ID'}: id value of incorrect type: ${String(rawId)}`, ['Id']);
  const rec = dml.store.get(id);
  if (!rec) throw new RecordError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  if (rec.IsDeleted === true) throw new RecordError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return { o: owner, rec };
}

export function updateRecord(dml: Dml, o: ObjectDef, rec: SRecord, body: Record<string, unknown>, ctx: WriteContext): void {
  if (!ctx.admin && !o.updateable) throw new RecordError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', `entity type ${o.name} does not support update`);
  // The API user lacks "View and Edit Converted Leads", so any write to a converted lead is refused first.
  if (!ctx.admin && o.name === 'Lead' && rec.IsConverted === true) throw new RecordError(400, 'CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead');
  const { values } = prepare(dml.store, o, body, rec, ctx);
  canonicalReferences(o, values);
  const merged: Record<string, unknown> = { ...rec, ...values };
  computeName(o, merged);
  checkRequired(o, merged);
  if (!ctx.admin) {
    checkValidationRules(dml.rules, o, merged);
    if (!ctx.allowDuplicates) checkDuplicateRules(dml.store, dml.rules, o, merged, rec.Id, dml.version);
  }
  const now = sfDateTime(ctx.now);
  const changes: Record<string, unknown> = { ...values, LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now };
  if ('Name' in merged && merged.Name !== rec.Name) changes.Name = merged.Name;
  dml.store.update(o, rec, changes);
}

export function deleteRecord(dml: Dml, o: ObjectDef, rec: SRecord, ctx: WriteContext): void {
  if (!ctx.admin && !o.deletable) throw new RecordError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', `entity type ${o.name} does not support delete`);
  const now = sfDateTime(ctx.now);
  // Soft delete: the record goes to the recycle bin, still visible to queryAll.
  const gone = { IsDeleted: true, LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now };
  dml.store.update(o, rec, gone);
  // Contact.AccountId is a cascade-delete relationship: an account's contacts go with it.
  if (o.name === 'Account') {
    const contact = dml.store.describe('Contact')!;
    for (const c of [...dml.store.scan('Contact')]) if (c.AccountId === rec.Id && c.IsDeleted !== true) dml.store.update(contact, c, gone);
  }
}
