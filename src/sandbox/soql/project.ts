/**
 * Result shaping (Salesforce's REST query JSON) and ORDER BY.
 */
import type { QueryableStore, SRecord } from '../interfaces.ts';
import { follow, nameObjectValue } from './fields.ts';
import type { FieldInfo, RelStep, ResolvedPath } from './fields.ts';
import { formatDateTime, storedTime } from './literals.ts';
import { compoundValue } from '../schema.ts';
import { fastGetter, kindOf, normalize } from './evaluate.ts';

type Entry = { kind: 'field'; field: FieldInfo } | { kind: 'rel'; step: RelStep; node: Node };
interface Node {
  entries: Entry[];
  rels: Map<string, Node>;
}

/** How a stored value is rendered in REST JSON (datetimes as `...000+0000`, booleans never null). */
function render(field: FieldInfo, v: unknown): unknown {
  if (field.type === 'boolean') return v === true || v === 'true';
  if (field.type === 'address') return v ?? null;
  if (v === undefined || v === '') return null;
  if (field.type === 'datetime' && typeof v === 'string') {
    // Already in Salesforce's wire form (how the store keeps datetimes): nothing to do.
    if (v.length === 28 && v[10] === 'T' && v[19] === '.' && v.endsWith('+0000')) return v;
    const ms = storedTime(v);
    return ms === null ? v : formatDateTime(ms);
  }
  return v;
}

/**
 * Builds the record shaper for the selected paths: fields in select order, each relationship a
 * nested object (with its own `attributes`) placed where it is first mentioned, null when empty.
 * A polymorphic relationship's nested object is a `Name` record, as Salesforce reports it
 * (`attributes.type` 'Name', the url naming the actual User or Group).
 */
export function projector(
  store: QueryableStore,
  paths: ResolvedPath[],
  apiVersion: string,
): (rec: SRecord, type: string) => Record<string, unknown> {
  const root: Node = { entries: [], rels: new Map() };
  for (const p of paths) {
    let node = root;
    for (const step of p.steps) {
      let child = node.rels.get(step.name);
      if (!child) {
        child = { entries: [], rels: new Map() };
        node.rels.set(step.name, child);
        node.entries.push({ kind: 'rel', step, node: child });
      }
      node = child;
    }
    node.entries.push({ kind: 'field', field: p.field });
  }
  const base = `/services/data/v${apiVersion}/sobjects/`;
  const shape = (rec: SRecord, type: string, node: Node, asName: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = { attributes: { type: asName ? 'Name' : type, url: `${base}${type}/${rec.Id}` } };
    for (const e of node.entries) {
      if (e.kind === 'field') {
        const name = e.field.name;
        const components = (e.field as { components?: Record<string, string> }).components;
        const raw = asName ? nameObjectValue(rec, type, name) : name === 'IsDeleted' ? rec.IsDeleted === true : components ? compoundValue(rec, components) : rec[name];
        out[name] = render(e.field, raw);
      } else {
        const parent = follow(store, rec, e.step);
        out[e.step.name] = parent ? shape(parent.rec, parent.type, e.node, e.step.polymorphic) : null;
      }
    }
    return out;
  };
  return (rec, type) => shape(rec, type, root, false);
}

export interface SortKey {
  path: ResolvedPath;
  desc: boolean;
  nullsFirst: boolean;
}

/** Sorts in place by the keys; text compares case-insensitively, nulls go where NULLS FIRST|LAST says. */
export function sortRecords(store: QueryableStore, records: SRecord[], keys: SortKey[]): SRecord[] {
  if (keys.length === 0) return records;
  const getters = keys.map((k) => {
    const get = fastGetter(store, k.path);
    const kind = kindOf(k.path.field.type);
    return (r: SRecord) => normalize(kind, get(r));
  });
  // Decorate once: relationship keys cost a store lookup each, so never compute them per comparison.
  const decorated = records.map((r, i) => ({ r, i, k: getters.map((g) => g(r)) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const x = a.k[j]!;
      const y = b.k[j]!;
      if (x === y) continue;
      const key = keys[j]!;
      if (x === null) return key.nullsFirst ? -1 : 1;
      if (y === null) return key.nullsFirst ? 1 : -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      if (c !== 0) return key.desc ? -c : c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.r);
}
