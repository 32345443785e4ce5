/** A lead: its fields, its Salesforce records and rep, the conversation, its sync log, Preview sync and Sync now. */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, ok, type Lead } from '../api/client';
import { preview as previewLead, type Preview } from '../api/pending';
import { Page } from '../components/Page';
import { SyncLog } from '../components/SyncLog';
import { Card, ErrorNotice, Loading, Notice, SyncBadge, Table, Time } from '../components/ui';
import { useAction, useLoad, usePoll } from '../hooks';
import { paths } from '../session';
import { leadName } from './Leads';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function LeadPage() {
  const { params } = useRoute();
  const { org, id } = params;
  const lead = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/leads/{id}', { params: { path: { org, id } } })), [org, id]);
  const model = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/data-model/fields', { params: { path: { org } } })), [org]);
  const integration = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce', { params: { path: { org } } })), [org]);
  usePoll(lead.reload, 1500, lead.data?.sync.status === 'pending');
  if (lead.error?.status === 404)
    return (
      <Page title="Lead not found">
        <Notice kind="error">There is no such lead in this organization.</Notice>
        <p>
          <a href={paths.leads(org)}>Back to Leads</a>
        </p>
      </Page>
    );
  if (lead.error) return <ErrorNotice error={lead.error} />;
  if (!lead.data || !model.data) return <Loading what="Loading the lead" />;
  const l = lead.data;
  const f = l.fields;
  const instance = integration.data?.status === 'connected' ? integration.data.instance_url : null;
  const sfLink = (value: unknown) =>
    value ? (
      instance ? (
        <a href={`${instance}/${String(value)}`} target="_blank" rel="noreferrer">
          {String(value)}
        </a>
      ) : (
        <span>{String(value)}</span>
      )
    ) : (
      <span class="muted">—</span>
    );
  const website = f.salesforce_account_website ? String(f.salesforce_account_website) : '';
  const own = model.data.items.filter((m) => !m.key.startsWith('salesforce_') && m.key !== 'conversation');
  return (
    <Page
      title={leadName(l) || String(f.email ?? 'Lead')}
      lead={
        <>
          {show(f.email)} · <SyncBadge status={l.sync.status} /> {l.sync.last_synced_at && <>· last synced <Time at={l.sync.last_synced_at} /></>}
        </>
      }
      actions={<a href={paths.leads(org)}>← All leads</a>}
    >
      {l.sync.last_error && <Notice kind="error">Last sync error: <code>{l.sync.last_error.code}</code> {l.sync.last_error.message}</Notice>}
      <div class="grid two">
        <Card title="Fields">
          <dl class="facts" id="lead-fields">
            {own.map((m) => (
              <Fragment key={m.key}>
                <dt>{m.label}</dt>
                <dd>{show(f[m.key])}</dd>
              </Fragment>
            ))}
          </dl>
          <p class="muted small">
            Source: {l.source === 'salesforce_pull' ? 'pulled from Salesforce' : 'API'} · created <Time at={l.created_at} /> · updated <Time at={l.updated_at} />
          </p>
        </Card>
        <Card title="Salesforce" id="lead-salesforce">
          <dl class="facts">
            <dt>Lead</dt>
            <dd id="sf-lead-id">{sfLink(f.salesforce_lead_id)}</dd>
            <dt>Contact</dt>
            <dd id="sf-contact-id">{sfLink(f.salesforce_contact_id)}</dd>
            <dt>Account</dt>
            <dd id="sf-account">
              {f.salesforce_account_id ? (
                <>
                  {sfLink(f.salesforce_account_id)} {show(f.salesforce_account_name)}
                </>
              ) : (
                <span class="muted">—</span>
              )}
            </dd>
            <dt>Account owner</dt>
            <dd>
              {show(f.salesforce_account_owner_name)}
              {f.salesforce_account_owner_email ? ` <${String(f.salesforce_account_owner_email)}>` : ''}
            </dd>
            <dt>Account website</dt>
            <dd>
              {/^https?:\/\//i.test(website) ? (
                <a href={website} target="_blank" rel="noreferrer">
                  {website}
                </a>
              ) : (
                show(website)
              )}
            </dd>
            <dt>Sales rep</dt>
            <dd id="sf-rep">
              {show(f.salesforce_assigned_sales_rep_name)}
              {f.salesforce_assigned_sales_rep_email ? ` <${String(f.salesforce_assigned_sales_rep_email)}>` : ''}
            </dd>
          </dl>
          <SyncActions org={org} lead={l} onQueued={lead.reload} />
        </Card>
      </div>
      <Conversation org={org} id={id} />
      <Card title="Sync log">
        <SyncLog org={org} leadId={id} instanceUrl={instance} live={l.sync.status === 'pending'} />
      </Card>
    </Page>
  );
}

function SyncActions({ org, lead, onQueued }: { org: string; lead: Lead; onQueued: () => Promise<void> }) {
  const [result, setResult] = useState<Preview | undefined>(undefined);
  const [queued, setQueued] = useState(false);
  const preview = useAction(async () => setResult(await previewLead(org, lead.id)));
  const syncNow = useAction(async () => {
    await ok(api.POST('/api/v1/orgs/{org}/integrations/salesforce/sync/push/{lead}', { params: { path: { org, lead: lead.id } } }));
    setQueued(true);
    await onQueued();
  });
  return (
    <div class="sync-actions">
      <div class="row-actions">
        <button type="button" onClick={() => void preview.run()} disabled={preview.busy}>
          Preview sync
        </button>
        <button type="button" class="primary" onClick={() => void syncNow.run()} disabled={syncNow.busy}>
          Sync now
        </button>
      </div>
      <ErrorNotice error={preview.error ?? syncNow.error} />
      {queued && <Notice kind="success">Queued: LeadSync pushes this lead within seconds.</Notice>}
      {result && (
        <div class="preview" aria-live="polite">
          <h3>What a sync would do now</h3>
          {result.objects.map((o) => (
            <div key={o.object} class="preview-object">
              <p>
                <strong>{o.object}</strong>: {o.action === 'none' ? 'no write' : o.action}
                {o.match ? ` (matches ${o.match.id}${o.match.by ? ` by ${o.match.by}` : ''})` : ' (no match)'}
                {o.reason ? ` — ${o.reason}` : ''}
              </p>
              {Object.keys(o.changes ?? {}).length > 0 ? (
                <Table label={`${o.object} changes`} columns={['Field', 'Now in Salesforce', 'After sync']}>
                      {Object.entries(o.changes).map(([field, change]) => (
                        <tr key={field}>
                          <td>
                            <code>{field}</code>
                          </td>
                          <td>{show(change.from)}</td>
                          <td>{show(change.to)}</td>
                        </tr>
                      ))}
                    </Table>
              ) : (
                <p class="muted small">No field changes.</p>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function Conversation({ org, id }: { org: string; id: string }) {
  const messages = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/leads/{id}/messages', { params: { path: { org, id }, query: { limit: '500' } } })), [org, id]);
  return (
    <Card title="Conversation">
      <ErrorNotice error={messages.error} />
      {messages.data && messages.data.items.length === 0 && <p class="muted">No messages yet.</p>}
      {messages.data && messages.data.items.length > 0 && (
        <ol class="conversation">
          {messages.data.items.map((m) => (
            <li key={m.id} class={`msg msg-${m.role}`}>
              <div class="msg-meta muted small">
                {m.role === 'agent' ? 'Agent' : 'Lead'} · {m.channel} · <Time at={m.sent_at} />
              </div>
              <div class="msg-text">{m.text}</div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
