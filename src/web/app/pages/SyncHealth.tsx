/** Sync Health: API usage, the hourly chart, pauses, errors by code with Retry, Backfill, the log and a CSV export. */
import { useMemo } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, ok, type Lead, type LogItem, type SyncStatus } from '../api/client';
import { Backfill } from '../components/Backfill';
import { HourlyChart } from '../components/HourlyChart';
import { Page } from '../components/Page';
import { SyncLog } from '../components/SyncLog';
import { Card, ErrorNotice, Loading, Notice, Time } from '../components/ui';
import { useAction, useLoad, usePoll } from '../hooks';
import { paths } from '../session';

const PAUSES: Record<string, { what: string; todo: string }> = {
  api_budget: {
    what: 'LeadSync has used its share of today’s Salesforce API calls (LEADSYNC_API_BUDGET_PERCENT of the daily limit).',
    todo: 'Pushing resumes as the 24-hour window frees calls. If Salesforce has room, raise LEADSYNC_API_BUDGET_PERCENT.',
  },
  request_limit: {
    what: 'Salesforce refused calls: the org’s daily API request limit is reached (REQUEST_LIMIT_EXCEEDED).',
    todo: 'LeadSync retries when Salesforce allows again. Ask Salesforce for a higher limit, or reduce other integrations’ use.',
  },
  reconnection_required: {
    what: 'Salesforce no longer accepts LeadSync’s access.',
    todo: 'Go to Settings › Integrations › Salesforce, click Deauthorize, then connect again. Waiting leads are kept.',
  },
  not_connected: { what: 'Salesforce is not connected.', todo: 'Connect it in Settings › Integrations › Salesforce. Waiting leads are kept.' },
};

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote every cell; a leading =, +, - or @ would be a formula in a spreadsheet.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

interface ErrorGroup {
  code: string;
  example: string;
  leads: { lead: Lead; log: LogItem | undefined }[];
}

export function SyncHealth() {
  const { params } = useRoute();
  const org = params.org;
  const status = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce/sync', { params: { path: { org } } })), [org]);
  const stats = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce/sync/stats', { params: { path: { org }, query: { hours: '24' } } })), [org]);
  const errorLog = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce/sync/log', { params: { path: { org }, query: { status: 'error', limit: '500' } } })), [org]);
  const errorLeads = useLoad(
    async (): Promise<Lead[]> => (await ok(api.GET('/api/v1/orgs/{org}/leads', { params: { path: { org }, query: { sync_status: 'error', limit: '500' } } }))).items,
    [org],
  );
  const refresh = async () => {
    await Promise.all([status.reload(), errorLeads.reload(), errorLog.reload()]);
  };
  usePoll(refresh, 2000, true);
  usePoll(stats.reload, 30000, true);
  const retry = useAction(async () => {
    await ok(api.POST('/api/v1/orgs/{org}/integrations/salesforce/sync/retry', { params: { path: { org } } }));
    await refresh();
  });
  const groups = useMemo(() => {
    const latest = new Map<string, LogItem>();
    for (const item of errorLog.data?.items ?? []) if (item.lead_id && !latest.has(item.lead_id)) latest.set(item.lead_id, item);
    const byCode = new Map<string, ErrorGroup>();
    for (const lead of errorLeads.data ?? []) {
      const log = latest.get(lead.id);
      const code = lead.sync.last_error?.code ?? log?.error_code ?? 'UNKNOWN';
      const group: ErrorGroup = byCode.get(code) ?? { code, example: lead.sync.last_error?.message ?? log?.message ?? '', leads: [] };
      group.leads.push({ lead, log });
      byCode.set(code, group);
    }
    return [...byCode.values()].sort((a, b) => b.leads.length - a.leads.length);
  }, [errorLog.data, errorLeads.data]);
  const csv = useMemo(() => {
    const lines = [['lead_id', 'email', 'code', 'message', 'at'].map(csvCell).join(',')];
    for (const g of groups) for (const { lead, log } of g.leads) lines.push([lead.id, lead.fields.email, g.code, lead.sync.last_error?.message ?? log?.message, log?.at].map(csvCell).join(','));
    return URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
  }, [groups]);
  return (
    <Page title="Sync Health" lead="How pushing to Salesforce is going: usage, throughput, pauses and errors.">
      <div class="grid two">
        <Card title="Queue and API usage">
          {status.error && <ErrorNotice error={status.error} />}
          {!status.data && !status.error && <Loading />}
          {status.data && <StatusFacts status={status.data} />}
        </Card>
        <Card title="Last 24 hours">
          <ErrorNotice error={stats.error} />
          {stats.data && <HourlyChart buckets={stats.data.buckets} />}
        </Card>
      </div>
      <Card
        title="Errors by code"
        id="errors"
        actions={
          <>
            <button type="button" class="primary" onClick={() => void retry.run()} disabled={retry.busy || groups.length === 0}>
              Retry
            </button>
            {groups.length > 0 ? (
              <a class="button" href={csv} download="leadsync-sync-errors.csv">
                Export errors (CSV)
              </a>
            ) : null}
          </>
        }
      >
        <ErrorNotice error={retry.error ?? errorLeads.error} />
        {errorLeads.data && groups.length === 0 && <p class="muted">No lead is in error.</p>}
        {groups.map((g) => (
          <div class="error-group" key={g.code}>
            <h3>
              <code>{g.code}</code> <span class="muted">· {g.leads.length} lead{g.leads.length === 1 ? '' : 's'}</span>
            </h3>
            {g.example && <p class="small">{g.example}</p>}
            <ul class="inline-list">
              {g.leads.slice(0, 20).map(({ lead }) => (
                <li key={lead.id}>
                  <a href={paths.lead(org, lead.id)}>{String(lead.fields.email ?? lead.id)}</a>
                </li>
              ))}
              {g.leads.length > 20 && <li class="muted">and {g.leads.length - 20} more</li>}
            </ul>
          </div>
        ))}
      </Card>
      <Card title="Backfill">
        <p class="muted">Queue every lead for a push, e.g. after adding a mapping, so existing leads get the new fields.</p>
        <Backfill org={org} onDone={refresh} />
      </Card>
      <Card title="Sync log">
        <SyncLog org={org} filters live />
      </Card>
    </Page>
  );
}

function StatusFacts({ status }: { status: SyncStatus }) {
  const usage = status.api_usage as (SyncStatus['api_usage'] & { budget?: number }) | null;
  const pause = status.pause_reason ? PAUSES[status.pause_reason] ?? { what: status.pause_reason, todo: '' } : undefined;
  return (
    <>
      {(pause || status.paused_until) && (
        <Notice kind="warning">
          <strong>Paused{status.paused_until ? <> until <Time at={status.paused_until} /></> : ''}.</strong> {pause?.what} {pause?.todo}
        </Notice>
      )}
      <dl class="facts stats">
        <dt>Pending</dt>
        <dd id="sync-pending">{status.pending}</dd>
        <dt>Being pushed</dt>
        <dd>{status.in_flight}</dd>
        <dt>Errors</dt>
        <dd id="sync-errors">{status.errors}</dd>
        <dt>Last run</dt>
        <dd>
          <Time at={status.last_run_at} />
        </dd>
      </dl>
      {usage ? (
        <div class="gauge">
          <label for="api-gauge">Salesforce API calls in the last 24 hours</label>
          <meter id="api-gauge" min={0} max={usage.max} value={usage.used} low={usage.budget ?? usage.max * 0.6} high={usage.budget ?? usage.max * 0.8} optimum={0} />
          <span class="small">
            {usage.used.toLocaleString()} used of Salesforce’s daily limit {usage.max.toLocaleString()}
            {usage.budget !== undefined ? ` (LeadSync’s budget: ${usage.budget.toLocaleString()})` : ' (LeadSync’s budget: LEADSYNC_API_BUDGET_PERCENT of it, 80% by default)'}
          </span>
        </div>
      ) : (
        <p class="muted">API usage appears after the first call to Salesforce.</p>
      )}
    </>
  );
}
