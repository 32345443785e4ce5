/** The sync log (newest first), for one lead or the organization, with status and object filters. */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { useLoad, usePoll } from '../hooks';
import { paths } from '../session';
import { Badge, ErrorNotice, Loading, Table, Time } from './ui';

const STATUS_KIND = { success: 'ok', error: 'bad', retrying: 'warn' } as const;

export function SyncLog(props: { org: string; leadId?: string; instanceUrl?: string | null; filters?: boolean; live?: boolean; limit?: number }) {
  const [status, setStatus] = useState<'' | 'success' | 'error' | 'retrying'>('');
  const [object, setObject] = useState('');
  const log = useLoad(
    () =>
      ok(
        api.GET('/api/v1/orgs/{org}/integrations/salesforce/sync/log', {
          params: { path: { org: props.org }, query: { ...(props.leadId ? { lead_id: props.leadId } : {}), ...(status ? { status } : {}), limit: String(props.limit ?? 100) } },
        }),
      ),
    [props.org, props.leadId, status],
  );
  usePoll(log.reload, 3000, !!props.live);
  const items = (log.data?.items ?? []).filter((i) => !object || i.object === object);
  return (
    <div class="sync-log">
      {props.filters && (
        <div class="filters">
          <div>
            <label for="log-status">Status</label>
            <select id="log-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
              <option value="">All</option>
              <option value="success">Success</option>
              <option value="error">Error</option>
              <option value="retrying">Retrying</option>
            </select>
          </div>
          <div>
            <label for="log-object">Object</label>
            <select id="log-object" value={object} onChange={(e) => setObject(e.currentTarget.value)}>
              <option value="">All</option>
              <option>Lead</option>
              <option>Contact</option>
              <option>Account</option>
              <option>User</option>
            </select>
          </div>
        </div>
      )}
      <ErrorNotice error={log.error} />
      {!log.data && !log.error && <Loading what="Loading the sync log" />}
      {log.data && items.length === 0 && <p class="muted">Nothing in the sync log yet.</p>}
      {items.length > 0 && (
        <Table label="Sync log" class="log" columns={['When', ...(!props.leadId ? ['Lead'] : []), 'Object', 'Operation', 'Status', 'Salesforce id', 'Message']}>
              {items.map((i) => (
                <tr key={i.id}>
                  <td class="nowrap">
                    <Time at={i.at} />
                  </td>
                  {!props.leadId && <td>{i.lead_id ? <a href={paths.lead(props.org, i.lead_id)}>Open lead</a> : '—'}</td>}
                  <td>{i.object}</td>
                  <td>{i.operation}</td>
                  <td>
                    <Badge kind={STATUS_KIND[i.status as keyof typeof STATUS_KIND] ?? 'muted'}>{i.status}</Badge>
                  </td>
                  <td>
                    {i.salesforce_id ? (
                      props.instanceUrl ? (
                        <a href={`${props.instanceUrl}/${i.salesforce_id}`} target="_blank" rel="noreferrer">
                          {i.salesforce_id}
                        </a>
                      ) : (
                        i.salesforce_id
                      )
                    ) : (
                      '—'
                    )}
                  </td>
                  <td class="wrap">
                    {i.error_code && <code>{i.error_code}</code>} {i.message}
                  </td>
                </tr>
              ))}
            </Table>
      )}
    </div>
  );
}
