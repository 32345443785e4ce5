/**
 * Data replication: `GET /sobjects/{T}/updated/?start=&end=` → `{ids, latestDateCovered}` and
 * `GET /sobjects/{T}/deleted/?start=&end=` → `{deletedRecords: [{id, deletedDate}],
 * earliestDateAvailable, latestDateCovered}`, as Salesforce's getUpdated/getDeleted: seconds are
 * truncated from start and end, start must precede end and lie within the last 30 days, a record
 * counts by its SystemModstamp (the deletion's, for deleted records), and at most 600,000 ids.
 */
import { SalesforceError, type ObjectDef } from './interfaces.ts';
import { storedTime } from './soql/literals.ts';
import type { Store } from './store.ts';
import { sfDateTime } from './validate.ts';

const DAY = 86_400_000;
const MAX_IDS = 600_000;

function replicationDate(raw: string | undefined, name: string): number {
  // A literal '+' in a query string reads as a space.
  const text = (raw ?? '').trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const ms = text ? new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).getTime() : NaN;
  if (Number.isNaN(ms)) throw new SalesforceError(400, 'INVALID_REPLICATION_DATE', `${name} must be a dateTime such as 2026-11-28T10:00:00+00:00: ${raw ?? ''}`);
  return ms - (ms % 60_000);
}

function window(query: Record<string, string | undefined>, now: Date): { start: number; covered: number } {
  if (query.start === undefined || query.end === undefined) throw new SalesforceError(400, 'MISSING_ARGUMENT', 'Both start and end are required');
  const start = replicationDate(query.start, 'start');
  const end = replicationDate(query.end, 'end');
  if (start >= end) throw new SalesforceError(400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate');
  if (start < now.getTime() - 30 * DAY) throw new SalesforceError(400, 'INVALID_REPLICATION_DATE', 'startDate cannot be more than 30 days ago');
  // No transaction outlives a request in the sandbox, so the whole window is covered.
  return { start, covered: end };
}

export function getUpdated(store: Store, o: ObjectDef, query: Record<string, string | undefined>, now = new Date()): Record<string, unknown> {
  const { start, covered } = window(query, now);
  const ids: string[] = [];
  for (const r of store.scan(o.name)) {
    if (r.IsDeleted === true) continue;
    const t = storedTime(r.SystemModstamp);
    if (t !== null && t >= start && t < covered) ids.push(r.Id);
  }
  if (ids.length > MAX_IDS) throw new SalesforceError(400, 'EXCEEDED_ID_LIMIT', `More than ${MAX_IDS} ids: choose start and end dates closer together`);
  return { ids, latestDateCovered: sfDateTime(new Date(covered)) };
}

export function getDeleted(store: Store, o: ObjectDef, query: Record<string, string | undefined>, now = new Date()): Record<string, unknown> {
  const { start, covered } = window(query, now);
  const deletedRecords: Array<{ id: string; deletedDate: string }> = [];
  for (const r of store.scan(o.name)) {
    if (r.IsDeleted !== true) continue;
    const t = storedTime(r.SystemModstamp);
    if (t !== null && t >= start && t < covered) deletedRecords.push({ id: r.Id, deletedDate: sfDateTime(new Date(t)) });
  }
  if (deletedRecords.length > MAX_IDS) throw new SalesforceError(400, 'EXCEEDED_ID_LIMIT', `More than ${MAX_IDS} ids: choose start and end dates closer together`);
  // Nothing is ever purged from the sandbox's recycle bin, so deletions are available for the whole 30 days.
  const earliest = now.getTime() - 30 * DAY;
  return { deletedRecords, earliestDateAvailable: sfDateTime(new Date(earliest - (earliest % 60_000))), latestDateCovered: sfDateTime(new Date(covered)) };
}
