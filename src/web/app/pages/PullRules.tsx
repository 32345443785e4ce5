/** Pull Rules (staff only): per-object SOQL filters, enable, interval, "Run now" with live progress, past runs. */
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, ApiError, ok, type PullRule, type PullRun } from '../api/client';
import { Page } from '../components/Page';
import { Badge, Card, ErrorNotice, Loading, Notice, Progress, Table, Time } from '../components/ui';
import { useAction, useLoad, usePoll, useUnsavedWarning } from '../hooks';
import { useSession } from '../session';

export function PullRules() {
  const { params } = useRoute();
  const org = params.org;
  const { session } = useSession();
  if (session.kind !== 'staff')
    return (
      <Page title="Pull Rules">
        <Notice kind="info">Pull Rules are configured by your LeadSync customer success representative (the staff token).</Notice>
      </Page>
    );
  return <PullRulesEditor org={org} />;
}

const base = '/api/v1/orgs/{org}/integrations/salesforce' as const;
const pullRules = (org: string) => ok(api.GET(`${base}/pull-rules`, { params: { path: { org } } }));
const savePullRules = (org: string, rules: PullRule[]) => ok(api.PUT(`${base}/pull-rules`, { params: { path: { org } }, body: { rules } }));
const runPullRule = (org: string, rule: string) => ok(api.POST(`${base}/pull-rules/{rule}/run`, { params: { path: { org, rule } } }));
const pullRun = (org: string, run: string) => ok(api.GET(`${base}/pull-runs/{run}`, { params: { path: { org, run } } }));
const pullRuns = (org: string) => ok(api.GET(`${base}/pull-runs`, { params: { path: { org } } }));

const BLANK: PullRule = { name: '', object: 'Lead', filter: "LeadSource = 'Web'", enabled: true, interval_minutes: 60 };

function PullRulesEditor({ org }: { org: string }) {
  const rules = useLoad(() => pullRules(org), [org]);
  const runs = useLoad(() => pullRuns(org), [org]);
  const [draft, setDraft] = useState<PullRule[] | undefined>(undefined);
  // invalid_filter: `details.rules` maps "rules.{i}.filter" to the reason, shown under that rule's filter.
  const [problems, setProblems] = useState<Record<number, string>>({});
  const [saved, setSaved] = useState(false);
  const [activeRun, setActiveRun] = useState<PullRun | undefined>(undefined);
  useEffect(() => {
    if (rules.data) setDraft(structuredClone(rules.data.rules));
  }, [rules.data]);
  const dirty = !!draft && !!rules.data && JSON.stringify(draft) !== JSON.stringify(rules.data.rules);
  useUnsavedWarning(dirty);
  const save = useAction(async () => {
    if (!draft) return;
    setProblems({});
    setSaved(false);
    try {
      rules.setData(await savePullRules(org, draft));
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError) {
        const byRule: Record<number, string> = {};
        const entries = Object.entries({ ...((e.details?.rules as Record<string, string>) ?? {}), ...((e.details?.fields as Record<string, string>) ?? {}) });
        for (const [key, reason] of entries) {
          const m = /rules\.(\d+)\.(\w+)/.exec(key);
          if (m) byRule[Number(m[1])] = m[2] === 'filter' ? reason : `${m[2]} ${reason}`;
        }
        setProblems(byRule);
      }
      throw e;
    }
  });
  const run = useAction(async (ruleId: string) => {
    const { run_id } = await runPullRule(org, ruleId).catch(async (e) => {
      // Already running: follow that run.
      if (e instanceof ApiError && e.code === 'conflict' && typeof e.details?.run_id === 'string') return { run_id: e.details.run_id };
      throw e;
    });
    setActiveRun(await pullRun(org, run_id));
  });
  usePoll(
    async () => {
      if (!activeRun) return;
      const next = await pullRun(org, activeRun.id);
      setActiveRun(next);
      if (next.status !== 'running') await runs.reload();
    },
    700,
    activeRun?.status === 'running',
  );
  if (rules.error?.status === 404)
    return (
      <Page title="Pull Rules">
        <Notice kind="warning">
          This LeadSync has no Pull Rules API yet (GET …/integrations/salesforce/pull-rules answers 404). Pull Rules will be edited here once it does; until then leads come
          only from the API.
        </Notice>
      </Page>
    );
  if (rules.error) return <ErrorNotice error={rules.error} />;
  if (!draft) return <Loading what="Loading Pull Rules" />;
  const setRule = (i: number, change: Partial<PullRule>) => setDraft(draft.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <Page title="Pull Rules" lead="Import Salesforce records as leads: one SOQL condition (what follows WHERE) per rule, run on an interval or now.">
      <Card title="Rules">
        {draft.length === 0 && <p class="muted">No Pull Rules yet.</p>}
        {draft.map((r, i) => {
          const err = problems[i];
          return (
            <fieldset class={`pull-rule ${err ? 'has-error' : ''}`} key={r.id ?? `new-${i}`}>
              <legend>{r.name || `Rule ${i + 1}`}</legend>
              <div class="inline-form">
                <div>
                  <label for={`pr-name-${i}`}>Name</label>
                  <input id={`pr-name-${i}`} value={r.name} onInput={(e) => setRule(i, { name: e.currentTarget.value })} />
                </div>
                <div>
                  <label for={`pr-object-${i}`}>Object</label>
                  <select id={`pr-object-${i}`} value={r.object} onChange={(e) => setRule(i, { object: e.currentTarget.value as PullRule['object'] })}>
                    <option>Lead</option>
                    <option>Contact</option>
                  </select>
                </div>
                <div>
                  <label for={`pr-interval-${i}`}>Every (minutes)</label>
                  <input id={`pr-interval-${i}`} type="number" min={1} value={r.interval_minutes} onInput={(e) => setRule(i, { interval_minutes: Number(e.currentTarget.value) })} />
                </div>
                <label class="checkbox">
                  <input type="checkbox" checked={r.enabled} onChange={(e) => setRule(i, { enabled: e.currentTarget.checked })} /> Enabled
                </label>
              </div>
              <label for={`pr-filter-${i}`}>Filter (SOQL condition)</label>
              <textarea
                id={`pr-filter-${i}`}
                class="code"
                rows={3}
                spellcheck={false}
                value={r.filter}
                aria-invalid={err ? true : undefined}
                aria-describedby={err ? `pr-err-${i}` : undefined}
                onInput={(e) => setRule(i, { filter: e.currentTarget.value })}
              />
              {err && (
                <p class="field-error" id={`pr-err-${i}`} role="alert">
                  {err}
                </p>
              )}
              <div class="row-actions">
                <button type="button" class="primary" disabled={!r.id || dirty || run.busy || activeRun?.status === 'running'} onClick={() => r.id && void run.run(r.id)}>
                  Run now
                </button>
                <button type="button" class="link" onClick={() => setDraft(draft.filter((_, j) => j !== i))}>
                  Remove
                </button>
                {(!r.id || dirty) && <span class="muted small">Save before running.</span>}
              </div>
            </fieldset>
          );
        })}
        <div class="save-bar">
          <button type="button" onClick={() => setDraft([...draft, { ...BLANK }])}>
            Add rule
          </button>
          <button type="button" class="primary" disabled={!dirty || save.busy} onClick={() => void save.run()}>
            Save
          </button>
          <ErrorNotice error={save.error} />
          {saved && !dirty && <Notice kind="success">Saved.</Notice>}
        </div>
        <ErrorNotice error={run.error} />
        {activeRun && (
          <div class="run-progress" aria-live="polite">
            {activeRun.status === 'running' ? (
              <Progress label="Pull run" value={activeRun.processed} max={activeRun.total} />
            ) : activeRun.status === 'succeeded' ? (
              <Notice kind="success">
                Pull run finished: {activeRun.processed} processed, {activeRun.created} created, {activeRun.updated} updated, {activeRun.skipped} skipped, {activeRun.errors} errors.
              </Notice>
            ) : (
              <Notice kind="error">Pull run failed: {activeRun.error?.message ?? 'see past runs'}.</Notice>
            )}
          </div>
        )}
      </Card>
      <Card title="Past runs">
        <ErrorNotice error={runs.error} />
        {runs.data && runs.data.items.length === 0 && <p class="muted">No runs yet.</p>}
        {runs.data && runs.data.items.length > 0 && (
          <Table label="Past pull runs" columns={['Started', 'Rule', 'Status', 'Processed', 'Created', 'Updated', 'Skipped', 'Errors']}>
                {runs.data.items.map((r) => (
                  <tr key={r.id}>
                    <td class="nowrap">
                      <Time at={r.started_at} />
                    </td>
                    <td>{rules.data?.rules.find((x) => x.id === r.rule_id)?.name ?? r.rule_id}</td>
                    <td>
                      <Badge kind={r.status === 'succeeded' ? 'ok' : r.status === 'failed' ? 'bad' : 'warn'}>{r.status}</Badge>
                      {r.error && <span class="small"> {r.error.message}</span>}
                    </td>
                    <td>
                      {r.processed}
                      {r.total !== null ? ` / ${r.total}` : ''}
                    </td>
                    <td>{r.created}</td>
                    <td>{r.updated}</td>
                    <td>{r.skipped}</td>
                    <td>{r.errors}</td>
                  </tr>
                ))}
              </Table>
        )}
      </Card>
    </Page>
  );
}
