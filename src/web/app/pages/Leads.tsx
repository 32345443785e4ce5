/** Leads: search, a sync-status filter, pages beyond the first, rows that open the lead; refreshes itself while leads wait. */
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, ok, type Lead, type LeadList } from '../api/client';
import { Page } from '../components/Page';
import { Card, ErrorNotice, Loading, Pager, SyncBadge, Table } from '../components/ui';
import { useLoad, usePages, usePoll } from '../hooks';
import { paths } from '../session';

const PAGE = 25;
type SyncStatusFilter = Lead['sync']['status'];
export const leadName = (lead: Lead) => [lead.fields.first_name, lead.fields.last_name].filter(Boolean).join(' ');
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export function Leads() {
  const { params } = useRoute();
  const org = params.org;
  const { route } = useLocation();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const pages = usePages();
  const cursor = pages.cursor;
  const list = useLoad(
    (): Promise<LeadList> =>
      ok(
        api.GET('/api/v1/orgs/{org}/leads', {
          params: { path: { org }, query: { limit: String(PAGE), ...(cursor ? { cursor } : {}), ...(q ? { q } : {}), ...(status ? { sync_status: status as SyncStatusFilter } : {}) } },
        }),
      ),
    [org, q, status, cursor],
  );
  const waiting = !!list.data?.items.some((l) => l.sync.status === 'pending');
  // Quick while leads wait for Salesforce; slower otherwise, so new leads still appear.
  usePoll(list.reload, waiting ? 1500 : 5000, true);
  const filter = (change: () => void) => {
    change();
    pages.reset();
  };
  return (
    <Page title="Leads" lead="Everyone your agents talk to, and whether Salesforce has them.">
      <Card>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <div>
            <label for="lead-q">Search</label>
            <input id="lead-q" type="search" placeholder="Email, name or company" value={q} onInput={(e) => filter(() => setQ(e.currentTarget.value.trim()))} />
          </div>
          <div>
            <label for="lead-status">Sync status</label>
            <select id="lead-status" value={status} onChange={(e) => filter(() => setStatus(e.currentTarget.value))}>
              <option value="">All</option>
              <option value="pending">Pending</option>
              <option value="synced">Synced</option>
              <option value="error">Error</option>
              <option value="not_synced">Not synced</option>
            </select>
          </div>
        </form>
        <ErrorNotice error={list.error} />
        {!list.data && !list.error && <Loading what="Loading leads" />}
        {list.data && (
          <>
            <Table label="Leads" id="leads" class="leads clickable" columns={['Email', 'Sync', 'Name', 'Company', 'Sales rep']}>
                  {list.data.items.map((lead) => (
                    <tr key={lead.id} onClick={(e) => !(e.target as Element).closest("a") && route(paths.lead(org, lead.id))}>
                      <td>
                        <a href={paths.lead(org, lead.id)}>{text(lead.fields.email) || <span class="muted">(no email)</span>}</a>
                      </td>
                      <td>
                        <SyncBadge status={lead.sync.status} />
                      </td>
                      <td>{leadName(lead)}</td>
                      <td>{text(lead.fields.company)}</td>
                      <td>{text(lead.fields.salesforce_assigned_sales_rep_name)}</td>
                    </tr>
                  ))}
                </Table>
            {list.data.items.length === 0 && <p class="muted">No leads{q || status ? ' match' : ' yet'}.</p>}
            <Pager pages={pages} nextCursor={list.data.next_cursor}>
              {waiting && <span class="muted small">Refreshing while leads are pending…</span>}
            </Pager>
          </>
        )}
      </Card>
    </Page>
  );
}
