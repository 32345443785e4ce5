/** A workflow's editor: trigger, conditions, actions with Liquid templates, a preview for a chosen lead, and its recent runs. */
import { useEffect, useId, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, ApiError, ok, type Field, type WorkflowBody } from '../api/client';
import { Page } from '../components/Page';
import { Badge, Card, ErrorNotice, Loading, Notice, Table, Time } from '../components/ui';
import { useAction, useLoad, usePoll, useUnsavedWarning } from '../hooks';
import { paths } from '../session';
import { TRIGGER_WORDS } from './Workflows';

type Op = 'equals' | 'not_equals' | 'contains' | 'starts_with' | 'in' | 'gt' | 'lt' | 'is_set' | 'is_not_set';
const OPS: [Op, string][] = [
  ['equals', 'equals'],
  ['not_equals', 'does not equal'],
  ['contains', 'contains'],
  ['starts_with', 'starts with'],
  ['in', 'is one of'],
  ['gt', 'is greater than'],
  ['lt', 'is less than'],
  ['is_set', 'is set'],
  ['is_not_set', 'is not set'],
];
interface ConditionDraft {
  field: string;
  op: Op;
  value: string;
}
type ActionDraft =
  | { type: 'webhook'; url: string; body_template: string }
  | { type: 'email'; to_template: string; subject_template: string; body_template: string }
  | { type: 'set_field'; field: string; value_template: string };
interface Draft {
  name: string;
  trigger: WorkflowBody['trigger'];
  enabled: boolean;
  match: 'all' | 'any';
  conditions: ConditionDraft[];
  actions: ActionDraft[];
}

const NEW: Draft = { name: '', trigger: 'lead.created', enabled: true, match: 'all', conditions: [], actions: [] };
const BLANK_ACTION: Record<ActionDraft['type'], ActionDraft> = {
  webhook: { type: 'webhook', url: '', body_template: '' },
  email: { type: 'email', to_template: '{{ salesforce_assigned_sales_rep_email }}', subject_template: 'New lead: {{ first_name }} {{ last_name }}', body_template: '' },
  set_field: { type: 'set_field', field: '', value_template: '' },
};
const TEMPLATE_LABEL: Record<string, string> = { url: 'URL', body_template: 'Body', to_template: 'To', subject_template: 'Subject', value_template: 'Value' };

/** A condition's value as the API wants it: a list for `in`, a number where the field is a number. */
function toValue(c: ConditionDraft, field: Field | undefined): unknown {
  if (c.op === 'is_set' || c.op === 'is_not_set') return undefined;
  const one = (s: string) => {
    const t = s.trim();
    if (field?.type === 'number' && t !== '' && Number.isFinite(Number(t))) return Number(t);
    if (field?.type === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
    return t;
  };
  return c.op === 'in' ? c.value.split(',').map(one).filter((v) => v !== '') : one(c.value);
}

function toBody(d: Draft, fields: Map<string, Field>): WorkflowBody {
  const conditions = d.conditions.map((c) => {
    const value = toValue(c, fields.get(c.field));
    return value === undefined ? { field: c.field, op: c.op } : { field: c.field, op: c.op, value };
  });
  const actions = d.actions.map((a) => (a.type === 'webhook' && !a.body_template ? { type: a.type, url: a.url } : a));
  return { name: d.name.trim(), trigger: d.trigger, enabled: d.enabled, conditions: (d.match === 'all' ? { all: conditions } : { any: conditions }) as WorkflowBody['conditions'], actions: actions as WorkflowBody['actions'] };
}

function fromWorkflow(w: { name: string; trigger: string; enabled: boolean; conditions: unknown; actions: unknown[] }): Draft {
  const c = (w.conditions ?? { all: [] }) as { all?: { field: string; op: Op; value?: unknown }[]; any?: { field: string; op: Op; value?: unknown }[] };
  const list = c.all ?? c.any ?? [];
  return {
    name: w.name,
    trigger: w.trigger as Draft['trigger'],
    enabled: w.enabled,
    match: c.any ? 'any' : 'all',
    conditions: list.map((x) => ({ field: x.field, op: x.op, value: Array.isArray(x.value) ? x.value.join(', ') : x.value === undefined || x.value === null ? '' : String(x.value) })),
    actions: (w.actions as ActionDraft[]).map((a) => ({ ...BLANK_ACTION[a.type], ...a }) as ActionDraft),
  };
}

export function WorkflowEdit() {
  const { params } = useRoute();
  const { org, id } = params;
  const isNew = id === 'new';
  const { route } = useLocation();
  const model = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/data-model/fields', { params: { path: { org } } })), [org]);
  const existing = useLoad(async () => (isNew ? undefined : ok(api.GET('/api/v1/orgs/{org}/workflows/{id}', { params: { path: { org, id } } }))), [org, id]);
  const [draft, setDraft] = useState<Draft>(NEW);
  const [savedDraft, setSavedDraft] = useState<Draft>(NEW);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | undefined>(undefined);
  useEffect(() => {
    const d = existing.data ? fromWorkflow(existing.data) : NEW;
    setDraft(d);
    setSavedDraft(d);
  }, [existing.data]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(savedDraft);
  useUnsavedWarning(dirty);
  const fields = new Map((model.data?.items ?? []).map((f) => [f.key, f]));
  const save = useAction(async () => {
    setProblems({});
    setNotice(undefined);
    const body = toBody(draft, fields);
    try {
      const saved = isNew
        ? await ok(api.POST('/api/v1/orgs/{org}/workflows', { params: { path: { org } }, body }))
        : await ok(api.PUT('/api/v1/orgs/{org}/workflows/{id}', { params: { path: { org, id } }, body }));
      setSavedDraft(draft);
      setNotice('Saved.');
      if (isNew) route(paths.workflow(org, saved.id), true);
      else existing.setData(saved);
    } catch (e) {
      if (e instanceof ApiError && e.details?.fields) {
        // "body.actions.0.url" / "actions.0.url" / a field key for unknown_field: shown where they are.
        const map: Record<string, string> = {};
        for (const [k, v] of Object.entries(e.details.fields as Record<string, string>)) map[k.replace(/^body\./, '')] = v === 'unknown_field' ? 'is not a field of the data model' : v;
        setProblems(map);
      }
      throw e;
    }
  });
  const remove = useAction(async () => {
    if (!window.confirm('Delete this workflow and its runs?')) return;
    await ok(api.DELETE('/api/v1/orgs/{org}/workflows/{id}', { params: { path: { org, id } } }));
    setSavedDraft(draft);
    route(paths.workflows(org));
  });
  if (existing.error?.status === 404) return <Notice kind="error">There is no such workflow.</Notice>;
  if (!model.data || (!isNew && !existing.data)) return <Loading what="Loading the workflow" />;
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const problem = (path: string) => problems[path];
  const conditionFieldProblem = (c: ConditionDraft) => (problems[c.field] ? `${c.field} ${problems[c.field]}` : undefined);
  return (
    <Page title={isNew ? 'New workflow' : draft.name || 'Workflow'} actions={<a href={paths.workflows(org)}>← All workflows</a>}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <Card title="When">
          <div class="inline-form">
            <div>
              <label for="wf-name">Name</label>
              <input id="wf-name" required value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
            </div>
            <div>
              <label for="wf-trigger">Trigger</label>
              <select id="wf-trigger" value={draft.trigger} onChange={(e) => set({ trigger: e.currentTarget.value as Draft['trigger'] })}>
                {Object.entries(TRIGGER_WORDS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            <label class="checkbox">
              <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> Enabled
            </label>
          </div>
        </Card>
        <Card title="Conditions">
          <div class="inline-form">
            <div>
              <label for="wf-match">Run when</label>
              <select id="wf-match" value={draft.match} onChange={(e) => set({ match: e.currentTarget.value as Draft['match'] })}>
                <option value="all">all conditions hold</option>
                <option value="any">any condition holds</option>
              </select>
            </div>
          </div>
          {draft.conditions.length === 0 && <p class="muted">No conditions: every event runs the actions.</p>}
          {draft.conditions.map((c, i) => {
            const path = `conditions.${draft.match}.${i}`;
            const err = problem(`${path}.value`) ?? problem(`${path}.field`) ?? problem(path) ?? conditionFieldProblem(c);
            const setC = (change: Partial<ConditionDraft>) => set({ conditions: draft.conditions.map((x, j) => (j === i ? { ...x, ...change } : x)) });
            return (
              <div class={`condition ${err ? 'has-error' : ''}`} key={i}>
                <select aria-label={`Condition ${i + 1} field`} value={c.field} onChange={(e) => setC({ field: e.currentTarget.value })}>
                  <option value="">Choose a field…</option>
                  {model.data!.items.map((f) => (
                    <option key={f.key} value={f.key}>
                      {f.label}
                    </option>
                  ))}
                </select>
                <select aria-label={`Condition ${i + 1} operator`} value={c.op} onChange={(e) => setC({ op: e.currentTarget.value as Op })}>
                  {OPS.map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
                {c.op !== 'is_set' && c.op !== 'is_not_set' && (
                  <input aria-label={`Condition ${i + 1} value`} value={c.value} placeholder={c.op === 'in' ? 'a, b, c' : 'value'} onInput={(e) => setC({ value: e.currentTarget.value })} />
                )}
                <button type="button" class="link" onClick={() => set({ conditions: draft.conditions.filter((_, j) => j !== i) })}>
                  Remove
                </button>
                {err && (
                  <p class="field-error" role="alert">
                    {err}
                  </p>
                )}
              </div>
            );
          })}
          <button type="button" onClick={() => set({ conditions: [...draft.conditions, { field: '', op: 'equals', value: '' }] })}>
            Add condition
          </button>
        </Card>
        <Card title="Actions">
          <p class="muted small">
            Templates use Liquid: every data-model field is a variable, e.g. <code>{'{{ first_name }}'}</code> or <code>{"{{ salesforce_assigned_sales_rep_name | default: 'our team' }}"}</code>.
          </p>
          {draft.actions.map((a, i) => (
            <ActionEditor
              key={i}
              index={i}
              action={a}
              fields={model.data!.items}
              problem={(k) => problem(`actions.${i}.${k}`)}
              onChange={(next) => set({ actions: draft.actions.map((x, j) => (j === i ? next : x)) })}
              onRemove={() => set({ actions: draft.actions.filter((_, j) => j !== i) })}
            />
          ))}
          <div class="row-actions">
            {(['webhook', 'email', 'set_field'] as const).map((t) => (
              <button type="button" key={t} onClick={() => set({ actions: [...draft.actions, { ...BLANK_ACTION[t] }] })}>
                Add {t === 'set_field' ? 'set field' : t}
              </button>
            ))}
          </div>
        </Card>
        <div class="save-bar">
          <button type="submit" class="primary" disabled={save.busy || (!dirty && !isNew)}>
            {isNew ? 'Create workflow' : 'Save'}
          </button>
          {!isNew && (
            <button type="button" class="danger" onClick={() => void remove.run()}>
              Delete
            </button>
          )}
          <ErrorNotice error={save.error ?? remove.error} id="workflow-error" />
          {notice && <Notice kind="success">{notice}</Notice>}
        </div>
      </form>
      <TemplatePreview org={org} draft={draft} />
      {!isNew && <Runs org={org} id={id} />}
    </Page>
  );
}

function ActionEditor(props: { index: number; action: ActionDraft; fields: Field[]; problem: (key: string) => string | undefined; onChange: (a: ActionDraft) => void; onRemove: () => void }) {
  const { action: a, index: i } = props;
  const base = useId();
  const input = (key: string, multiline = false) => {
    const value = (a as unknown as Record<string, string>)[key] ?? '';
    const err = props.problem(key);
    const id = `${base}-${key}`;
    const onInput = (v: string) => props.onChange({ ...a, [key]: v } as ActionDraft);
    return (
      <div class="field">
        <label for={id}>{TEMPLATE_LABEL[key] ?? key}</label>
        {multiline ? (
          <textarea id={id} rows={4} value={value} aria-invalid={err ? true : undefined} aria-describedby={err ? `${id}-err` : undefined} onInput={(e) => onInput(e.currentTarget.value)} />
        ) : (
          <input id={id} value={value} aria-invalid={err ? true : undefined} aria-describedby={err ? `${id}-err` : undefined} onInput={(e) => onInput(e.currentTarget.value)} />
        )}
        {err && (
          <p class="field-error" id={`${id}-err`} role="alert">
            {err}
          </p>
        )}
      </div>
    );
  };
  return (
    <fieldset class="action">
      <legend>
        Action {i + 1}: {a.type === 'set_field' ? 'set a field' : a.type === 'email' ? 'send an email' : 'call a webhook'}
      </legend>
      {a.type === 'webhook' && (
        <>
          {input('url')}
          {input('body_template', true)}
        </>
      )}
      {a.type === 'email' && (
        <>
          {input('to_template')}
          {input('subject_template')}
          {input('body_template', true)}
        </>
      )}
      {a.type === 'set_field' && (
        <>
          <div class="field">
            <label for={`${base}-field`}>Field</label>
            <select id={`${base}-field`} value={a.field} onChange={(e) => props.onChange({ ...a, field: e.currentTarget.value })}>
              <option value="">Choose a field…</option>
              {props.fields
                .filter((f) => !f.read_only)
                .map((f) => (
                  <option key={f.key} value={f.key}>
                    {f.label}
                  </option>
                ))}
            </select>
            {props.problem('field') && (
              <p class="field-error" role="alert">
                {props.problem('field')}
              </p>
            )}
          </div>
          {input('value_template')}
        </>
      )}
      <button type="button" class="link" onClick={props.onRemove}>
        Remove action
      </button>
    </fieldset>
  );
}

/** Renders one of the draft's templates for a chosen lead (POST /render), errors in place. */
function TemplatePreview({ org, draft }: { org: string; draft: Draft }) {
  const leads = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/leads', { params: { path: { org }, query: { limit: '100' } } })), [org]);
  const templates = draft.actions.flatMap((a, i) =>
    Object.entries(a)
      .filter(([k, v]) => k.endsWith('_template') && typeof v === 'string' && v !== '')
      .map(([k, v]) => ({ key: `${i}.${k}`, label: `Action ${i + 1} · ${TEMPLATE_LABEL[k]}`, template: v as string })),
  );
  const [leadId, setLeadId] = useState('');
  const [which, setWhich] = useState('');
  const [text, setText] = useState<string | undefined>(undefined);
  const chosen = templates.find((t) => t.key === which) ?? templates[0];
  const render = useAction(async () => {
    setText(undefined);
    const res = await ok(api.POST('/api/v1/orgs/{org}/render', { params: { path: { org } }, body: { lead_id: leadId || leads.data?.items[0]?.id || '', template: chosen?.template ?? '' } }));
    setText(res.text);
  });
  return (
    <Card title="Preview a template">
      {templates.length === 0 ? (
        <p class="muted">Add an action with a template to preview it here.</p>
      ) : (
        <>
          <div class="inline-form">
            <div>
              <label for="pv-template">Template</label>
              <select id="pv-template" value={chosen?.key} onChange={(e) => setWhich(e.currentTarget.value)}>
                {templates.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.label}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="pv-lead">For lead</label>
              <select id="pv-lead" value={leadId || leads.data?.items[0]?.id} onChange={(e) => setLeadId(e.currentTarget.value)}>
                {(leads.data?.items ?? []).map((l) => (
                  <option key={l.id} value={l.id}>
                    {String(l.fields.email ?? l.id)}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" onClick={() => void render.run()} disabled={render.busy || !leads.data?.items.length}>
              Render preview
            </button>
          </div>
          {leads.data && leads.data.items.length === 0 && <p class="muted">There are no leads to render for yet.</p>}
          <ErrorNotice error={render.error} />
          {text !== undefined && (
            <pre class="rendered" aria-live="polite" id="rendered">
              {text}
            </pre>
          )}
        </>
      )}
    </Card>
  );
}

/** An action's outcome in words: its fields (to, subject, status code, error…) without internal ids. */
function describeOutput(output: unknown): string {
  if (typeof output !== 'object' || output === null) return String(output);
  return Object.entries(output as Record<string, unknown>)
    .filter(([k, v]) => !k.endsWith('_id') && k !== 'attempts' && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

function Runs({ org, id }: { org: string; id: string }) {
  const runs = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/workflows/{id}/runs', { params: { path: { org, id }, query: { limit: '500' } } })), [org, id]);
  usePoll(runs.reload, 2000, true);
  const recent = [...(runs.data?.items ?? [])].reverse().slice(0, 25);
  return (
    <Card title="Recent runs" id="runs">
      <ErrorNotice error={runs.error} />
      {runs.data && recent.length === 0 && <p class="muted">No runs yet. Each event on this trigger is recorded here, matched or not.</p>}
      {recent.length > 0 && (
        <Table label="Recent runs" columns={['When', 'Lead', 'Conditions', 'Actions']}>
              {recent.map((r) => (
                <tr key={r.id}>
                  <td class="nowrap">
                    <Time at={r.at} />
                  </td>
                  <td>
                    <a href={paths.lead(org, r.lead_id)}>Open lead</a>
                  </td>
                  <td>{r.matched ? <Badge kind="ok">Matched</Badge> : <Badge kind="muted">Not matched</Badge>}</td>
                  <td class="wrap">
                    {r.actions.length === 0
                      ? '—'
                      : r.actions.map((a, j) => (
                          <div key={j}>
                            {a.type}: <Badge kind={a.status === 'succeeded' || a.status === 'sent' ? 'ok' : a.status === 'failed' ? 'bad' : 'muted'}>{a.status}</Badge>{' '}
                            {a.output ? <span class="small muted">{describeOutput(a.output)}</span> : null}
                          </div>
                        ))}
                  </td>
                </tr>
              ))}
            </Table>
      )}
    </Card>
  );
}
