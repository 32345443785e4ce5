/**
 * Field paths (`Email`, `Owner.Name`, `Account.Owner.Email`) resolved against the store's schema,
 * with accessors that follow references through `store.get`.
 */
import type { FieldDef, FieldType, ObjectDef, QueryableStore, SRecord } from '../interfaces.ts';
import { noSuchColumn, unknownRelationship } from './errors.ts';

/** What the engine needs to know about a field (a real FieldDef or a field of the `Name` pseudo-object). */
export interface FieldInfo {
  name: string;
  type: FieldType;
  length: number;
}

/** One relationship hop: the reference field and what it points to. */
export interface RelStep {
  /** Canonical relationship name (`Owner`). */
  name: string;
  /** The reference field holding the id (`OwnerId`). */
  idField: string;
  /** Polymorphic references (Lead.OwnerId → User | Group) expose the `Name` pseudo-object. */
  polymorphic: boolean;
}

export interface ResolvedPath {
  /** Canonical path (`Owner.Email`). */
  path: string;
  steps: RelStep[];
  field: FieldInfo;
  /** The entity the final field belongs to (`Lead`, `User`, `Name`). */
  entity: string;
}

/**
 * Fields of Salesforce's `Name` object, which stands for the parent on a polymorphic relationship.
 * Values come from the actual parent (a User or a Group/queue); fields a queue does not have are null.
 */
const NAME_FIELDS: FieldInfo[] = [
  { name: 'Id', type: 'id', length: 18 },
  { name: 'Name', type: 'string', length: 255 },
  { name: 'NameOrAlias', type: 'string', length: 255 },
  { name: 'FirstName', type: 'string', length: 40 },
  { name: 'LastName', type: 'string', length: 80 },
  { name: 'MiddleName', type: 'string', length: 40 },
  { name: 'Suffix', type: 'string', length: 40 },
  { name: 'Alias', type: 'string', length: 8 },
  { name: 'Email', type: 'email', length: 80 },
  { name: 'Phone', type: 'phone', length: 40 },
  { name: 'Title', type: 'string', length: 80 },
  { name: 'Username', type: 'string', length: 80 },
  { name: 'Type', type: 'picklist', length: 40 },
  { name: 'IsActive', type: 'boolean', length: 0 },
  { name: 'ProfileId', type: 'reference', length: 18 },
  { name: 'UserRoleId', type: 'reference', length: 18 },
];
const NAME_BY_LOWER = new Map(NAME_FIELDS.map((f) => [f.name.toLowerCase(), f]));

/** The value of a `Name` pseudo-object field for the actual parent record. */
export function nameObjectValue(parent: SRecord, parentType: string, field: string): unknown {
  const isUser = parentType.toLowerCase() === 'user';
  switch (field) {
    case 'Id':
      return parent.Id;
    case 'Name':
    case 'NameOrAlias': {
      if (typeof parent.Name === 'string' && parent.Name !== '') return parent.Name;
      const parts = [parent.FirstName, parent.LastName].filter((p) => typeof p === 'string' && p !== '');
      return parts.length ? parts.join(' ') : null;
    }
    case 'Type':
      // A queue is a Group whose Type is 'Queue'; Name.Type reports 'User' or 'Queue'.
      return isUser ? 'User' : ((parent.Type as string | undefined) ?? parentType);
    case 'IsActive':
      // Name.IsActive "contains a value only if the related record is a user"; booleans are never null
      // in Salesforce, so a queue reads false.
      return isUser ? parent.IsActive !== false : false;
    case 'Email':
      return parent.Email ?? null;
    default:
      return isUser ? (parent[field] ?? null) : null;
  }
}

/** A system field every record has even when a schema omits it from describe. */
const IS_DELETED: FieldInfo = { name: 'IsDeleted', type: 'boolean', length: 0 };

function findRelationship(obj: ObjectDef, rel: string): FieldDef | undefined {
  const lower = rel.toLowerCase();
  for (const f of obj.fields.values()) {
    if (f.type === 'reference' && f.relationshipName?.toLowerCase() === lower) return f;
  }
  return undefined;
}

export function resolvePath(soql: string, store: QueryableStore, root: ObjectDef, path: string): ResolvedPath {
  const parts = path.split('.');
  const fieldName = parts.pop()!;
  let cur: ObjectDef | 'Name' = root;
  const steps: RelStep[] = [];
  const canonical: string[] = [];
  for (const rel of parts) {
    if (cur === 'Name') throw unknownRelationship(soql, rel, path);
    const ref = findRelationship(cur, rel);
    if (!ref || !ref.referenceTo?.length) throw unknownRelationship(soql, rel, path);
    const polymorphic = ref.referenceTo.length > 1;
    steps.push({ name: ref.relationshipName!, idField: ref.name, polymorphic });
    canonical.push(ref.relationshipName!);
    if (polymorphic) {
      cur = 'Name';
    } else {
      const target = store.describe(ref.referenceTo[0]!);
      if (!target) throw unknownRelationship(soql, rel, path);
      cur = target;
    }
  }
  const lower = fieldName.toLowerCase();
  let field: FieldInfo | undefined;
  if (cur === 'Name') field = NAME_BY_LOWER.get(lower);
  else field = cur.fields.get(lower) ?? (lower === 'isdeleted' ? IS_DELETED : undefined);
  const entity = cur === 'Name' ? 'Name' : cur.name;
  if (!field) throw noSuchColumn(soql, fieldName, entity);
  canonical.push(field.name);
  return { path: canonical.join('.'), steps, field, entity };
}

/** Follows one relationship hop: the parent record and its type, or null when the reference is empty. */
export function follow(store: QueryableStore, rec: SRecord, step: RelStep): { rec: SRecord; type: string } | null {
  const id = rec[step.idField];
  if (typeof id !== 'string' || id === '') return null;
  const parent = store.get(id);
  if (!parent || parent.IsDeleted === true) return null;
  const type = store.objectForId(parent.Id)?.name;
  if (!type) return null;
  return { rec: parent, type };
}

/** The raw stored value at a resolved path (null when a reference on the way is empty). */
export function readPath(store: QueryableStore, rec: SRecord, p: ResolvedPath): unknown {
  let cur = rec;
  let curType = '';
  let viaName = false;
  for (const step of p.steps) {
    const next = follow(store, cur, step);
    if (!next) return null;
    cur = next.rec;
    curType = next.type;
    viaName = step.polymorphic;
  }
  if (viaName) return nameObjectValue(cur, curType, p.field.name);
  if (p.field.name === 'IsDeleted') return cur.IsDeleted === true;
  return cur[p.field.name] ?? null;
}
