/**
 * Records of every type in memory, with case-insensitive hash indexes on Id, Email and Name so
 * matching by id or email never scans. Writes can be journaled and rolled back (allOrNone).
 */
import { normalizeId } from './ids.ts';
import { IdGenerator } from './ids.ts';
import type { FieldDef, ObjectDef, QueryableStore, SRecord } from './interfaces.ts';
import { createSchema } from './schema.ts';

/** Lower-cased value → the record holding it, or a set when several do (most values are unique; a set each would cost more than the record). */
type Index = Map<string, SRecord | Set<SRecord>>;

const INDEXED = ['email', 'name'];

export class Store implements QueryableStore {
  readonly schema: Map<string, ObjectDef>;
  ids = new IdGenerator();
  private byId = new Map<string, SRecord>();
  private byType = new Map<string, Map<string, SRecord>>();
  private byPrefix = new Map<string, ObjectDef>();
  /** type (lower) → field (lower) → value (lower) → records */
  private indexes = new Map<string, Map<string, Index>>();
  private journal: Array<() => void> | null = null;

  constructor() {
    this.schema = createSchema();
    for (const o of this.schema.values()) {
      this.byType.set(o.name.toLowerCase(), new Map());
      this.byPrefix.set(o.keyPrefix, o);
      const idx = new Map<string, Index>();
      for (const f of INDEXED) if (o.fields.has(f)) idx.set(f, new Map());
      this.indexes.set(o.name.toLowerCase(), idx);
    }
  }

  describe(objectName: string): ObjectDef | undefined {
    return this.schema.get(objectName.toLowerCase());
  }

  sobjectTypes(): Iterable<ObjectDef> {
    return this.schema.values();
  }

  objectForId(id: string): ObjectDef | undefined {
    return this.byPrefix.get(id.slice(0, 3));
  }

  get(id: string): SRecord | undefined {
    const direct = this.byId.get(id);
    if (direct) return direct;
    const norm = normalizeId(id);
    return norm ? this.byId.get(norm) : undefined;
  }

  scan(objectName: string): Iterable<SRecord> {
    return this.byType.get(objectName.toLowerCase())?.values() ?? [];
  }

  count(objectName: string): number {
    return this.byType.get(objectName.toLowerCase())?.size ?? 0;
  }

  lookup(objectName: string, fieldName: string, value: string): Iterable<SRecord> | undefined {
    const f = fieldName.toLowerCase();
    if (f === 'id') {
      const r = this.get(value);
      return r && r.Id.slice(0, 3) === this.describe(objectName)?.keyPrefix ? [r] : [];
    }
    const idx = this.indexes.get(objectName.toLowerCase())?.get(f);
    if (!idx) return undefined;
    const hit = idx.get(value.toLowerCase());
    return hit === undefined ? [] : hit instanceof Set ? hit : [hit];
  }

  /** Adds a field definition (custom fields) to a type. */
  addField(o: ObjectDef, def: FieldDef): void {
    o.fields.set(def.name.toLowerCase(), def);
    if (!def.indexed) return;
    // An external id is looked up on every upsert: index it like Email.
    const m: Index = new Map();
    this.indexes.get(o.name.toLowerCase())!.set(def.name.toLowerCase(), m);
    for (const r of this.scan(o.name)) this.indexAdd(o, r, def.name.toLowerCase());
  }

  /** Removes a field and its values from every record, as deleting a custom field does. */
  removeField(o: ObjectDef, name: string): void {
    const def = o.fields.get(name.toLowerCase());
    if (!def) return;
    o.fields.delete(name.toLowerCase());
    this.indexes.get(o.name.toLowerCase())!.delete(name.toLowerCase());
    for (const r of this.scan(o.name)) delete r[def.name];
  }

  insert(o: ObjectDef, record: SRecord): void {
    this.byId.set(record.Id, record);
    this.byType.get(o.name.toLowerCase())!.set(record.Id, record);
    this.indexAdd(o, record);
    this.journal?.push(() => {
      this.indexRemove(o, record);
      this.byId.delete(record.Id);
      this.byType.get(o.name.toLowerCase())!.delete(record.Id);
    });
  }

  /** Applies changed fields to a stored record, keeping indexes right. */
  update(o: ObjectDef, record: SRecord, changes: Record<string, unknown>): void {
    const before: Record<string, unknown> = {};
    const had: Record<string, boolean> = {};
    for (const k of Object.keys(changes)) {
      before[k] = record[k];
      had[k] = k in record;
    }
    this.indexRemove(o, record);
    Object.assign(record, changes);
    this.indexAdd(o, record);
    this.journal?.push(() => {
      this.indexRemove(o, record);
      for (const k of Object.keys(before)) {
        if (had[k]) record[k] = before[k];
        else delete record[k];
      }
      this.indexAdd(o, record);
    });
  }

  /** Runs `fn` so that `rollback` undoes every write it made (allOrNone). */
  transaction<T>(fn: (rollback: () => void) => T): T {
    const outer = this.journal;
    const mine: Array<() => void> = [];
    this.journal = mine;
    let rolledBack = false;
    const rollback = () => {
      for (let i = mine.length - 1; i >= 0; i--) mine[i]();
      mine.length = 0;
      rolledBack = true;
    };
    try {
      return fn(rollback);
    } finally {
      this.journal = outer;
      // A nested transaction's surviving writes become undoable by the enclosing one.
      if (outer && !rolledBack) outer.push(...mine);
    }
  }

  /** Empties the org. Ids restart too, so a reset to the same seed yields the same ids (and the admin's tokens stay valid). */
  clear(): void {
    this.ids = new IdGenerator();
    this.byId.clear();
    for (const m of this.byType.values()) m.clear();
    for (const idx of this.indexes.values()) for (const m of idx.values()) m.clear();
  }

  private indexAdd(o: ObjectDef, r: SRecord, only?: string): void {
    const idx = this.indexes.get(o.name.toLowerCase())!;
    for (const [f, m] of idx) {
      if (only && f !== only) continue;
      const def = o.fields.get(f)!;
      const v = r[def.name];
      if (typeof v !== 'string' || v === '') continue;
      const key = v.toLowerCase();
      const hit = m.get(key);
      if (hit === undefined) m.set(key, r);
      else if (hit instanceof Set) hit.add(r);
      else if (hit !== r) m.set(key, new Set([hit, r]));
    }
  }

  private indexRemove(o: ObjectDef, r: SRecord): void {
    const idx = this.indexes.get(o.name.toLowerCase())!;
    for (const [f, m] of idx) {
      const v = r[o.fields.get(f)!.name];
      if (typeof v !== 'string' || v === '') continue;
      const key = v.toLowerCase();
      const hit = m.get(key);
      if (hit === r) m.delete(key);
      else if (hit instanceof Set) {
        hit.delete(r);
        if (hit.size === 1) m.set(key, hit.values().next().value!);
      }
    }
  }
}
