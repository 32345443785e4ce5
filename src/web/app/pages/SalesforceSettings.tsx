/** Settings > Integrations > Salesforce: the connection, Push Rules and Data Model Sync (web-ui.md). */
import { Fragment } from 'preact';
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, ApiError, ok, type Field, type Integration, type MappingRow, type Settings } from '../api/client';
import { Backfill } from '../components/Backfill';
import { Page } from '../components/Page';
import { Card, Dialog, ErrorNotice, Loading, Notice, Switch, Table, Tabs, Time } from '../components/ui';
import { useAction, useLoad, useUnsavedWarning } from '../hooks';
import { offeredFields, rowErrors, type PushObject } from '../mapping';

const OBJECT_NAME: Record<PushObject, 'Lead' | 'Contact'> = { lead: 'Lead', contact: 'Contact' };

export function SalesforceSettings() {
  const { params } = useRoute();
  const org = params.org;
  const { url, route } = useLocation();
  const status = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce', { params: { path: { org } } })), [org]);
  // "?connected=1" is the OAuth callback's news: shown once, then dropped from the address.
  const [justConnected, setJustConnected] = useState(() => new URLSearchParams(url.split('?')[1] ?? '').has('connected'));
  useEffect(() => {
    if (url.includes('?')) route(url.split('?')[0], true);
  }, []);
  return (
    <Page title="Salesforce" lead="Connect your Salesforce org, choose what LeadSync writes to it, and map your fields.">
      {status.error && status.error.status !== 404 && <ErrorNotice error={status.error} />}
      {status.error?.status === 404 && <Notice kind="error">This organization does not exist, or your key cannot see it.</Notice>}
      {!status.data && !status.error && <Loading />}
      {status.data && (
        <>
          <Connection
            org={org}
            status={status.data}
            justConnected={justConnected && status.data.status === 'connected'}
            onChanged={async () => {
              setJustConnected(false);
              await status.reload();
            }}
          />
          <PushSettings org={org} connected={status.data.status === 'connected'} />
        </>
      )}
    </Page>
  );
}

type LoginHost = 'production' | 'sandbox' | 'mydomain';

function Connection(props: { org: string; status: Integration; justConnected: boolean; onChanged: () => Promise<void> }) {
  const { org, status } = props;
  const [host, setHost] = useState<LoginHost>('production');
  const [myDomain, setMyDomain] = useState('');
  const [ownApp, setOwnApp] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const loginUrl = () => (host === 'sandbox' ? 'https://test.salesforce.com' : host === 'mydomain' ? myDomain.trim().replace(/\/+$/, '') : undefined);
  const authorize = useAction(async () => {
    const login = loginUrl();
    const res = await ok(api.POST('/api/v1/orgs/{org}/integrations/salesforce/authorize', { params: { path: { org } }, body: login ? { login_url: login } : {} }));
    location.assign(res.authorization_url);
  });
  const deauthorize = useAction(async () => {
    await ok(api.POST('/api/v1/orgs/{org}/integrations/salesforce/deauthorize', { params: { path: { org } } }));
    setConfirming(false);
    setNotice('Salesforce is disconnected. Your Push Rules, mappings and Pull Rules are kept for when you connect again.');
    await props.onChanged();
  });
  const connected = status.status === 'connected';
  const reconnect = status.status === 'reconnection_required';
  const hostName = useId();
  return (
    <Card title="Connection" id="sf-card">
      {status.status === 'not_connected' && (
        <p class="status-line">
          <span class="dot dot-off" aria-hidden="true" />
          <strong id="sf-status">Not connected</strong>
          {(status as { disconnected_at?: string | null }).disconnected_at && (
            <span class="muted">
              {' '}
              · deauthorized <Time at={(status as { disconnected_at?: string | null }).disconnected_at} />
            </span>
          )}
        </p>
      )}
      {connected && (
        <>
          <p class="status-line">
            <span class="dot dot-on" aria-hidden="true" />
            <strong id="sf-status">
              Connected as <span id="sf-username">{status.username}</span>
            </strong>
          </p>
          <dl class="facts">
            <dt>Salesforce org id</dt>
            <dd>{status.salesforce_org_id}</dd>
            <dt>Instance</dt>
            <dd>
              <a href={status.instance_url ?? '#'} target="_blank" rel="noreferrer">
                {status.instance_url}
              </a>
            </dd>
            <dt>Connected since</dt>
            <dd>
              <Time at={status.connected_at} />
            </dd>
            <dt>How</dt>
            <dd>{status.auth_kind === 'client_credentials' ? 'Your own connected app' : 'Authorized by an admin (OAuth)'}</dd>
          </dl>
        </>
      )}
      {reconnect && (
        <Notice kind="warning">
          <strong id="sf-status">Reconnection required: {status.last_error ?? 'Salesforce no longer accepts LeadSync’s access.'}</strong>
          <br />
          LeadSync’s access to Salesforce has expired or was revoked. Click <strong>Deauthorize</strong>, then authorize again (or Reconnect). Leads waiting to sync are kept and resume once connected.
        </Notice>
      )}
      {props.justConnected && !notice && <Notice kind="success">Salesforce is connected.</Notice>}
      {notice && <Notice kind="success">{notice}</Notice>}

      {!connected && (
        <div class="connect">
          <fieldset>
            <legend>Log in at</legend>
            <div class="radios">
              {(
                [
                  ['production', 'Production'],
                  ['sandbox', 'Sandbox'],
                  ['mydomain', 'My Domain'],
                ] as [LoginHost, string][]
              ).map(([value, label]) => (
                <label key={value} class="radio">
                  <input type="radio" name={hostName} value={value} checked={host === value} onChange={() => setHost(value)} /> {label}
                </label>
              ))}
            </div>
            {host === 'mydomain' && (
              <>
                <label for="mydomain-url">My Domain URL</label>
                <input id="mydomain-url" type="url" placeholder="https://yourcompany.my.salesforce.com" value={myDomain} onInput={(e) => setMyDomain(e.currentTarget.value)} />
              </>
            )}
            {host === 'production' && <p class="muted hint">Production uses this LeadSync’s default login host.</p>}
          </fieldset>
          <div class="row-actions">
            <button type="button" class="primary" onClick={() => void authorize.run()} disabled={authorize.busy || (host === 'mydomain' && !myDomain.trim())}>
              {reconnect ? 'Reconnect' : 'Connect Salesforce'}
            </button>
            <button type="button" class="link" aria-expanded={ownApp} onClick={() => setOwnApp(!ownApp)}>
              Use your own connected app
            </button>
          </div>
          <ErrorNotice error={authorize.error} />
          {ownApp && <OwnApp org={org} loginUrl={loginUrl()} onConnected={props.onChanged} />}
        </div>
      )}
      {(connected || reconnect) && (
        <div class="row-actions">
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Deauthorize
          </button>
        </div>
      )}
      <Dialog open={confirming} title="Deauthorize Salesforce?" onClose={() => setConfirming(false)}>
        <p>LeadSync revokes its access token and stops syncing with this Salesforce org.</p>
        <p>Your Push Rules, Data Model Sync mappings and Pull Rules are kept, ready for when you connect again.</p>
        <ErrorNotice error={deauthorize.error} />
        <div class="row-actions end">
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button type="button" class="danger" onClick={() => void deauthorize.run()} disabled={deauthorize.busy}>
            Deauthorize
          </button>
        </div>
      </Dialog>
    </Card>
  );
}

function OwnApp(props: { org: string; loginUrl: string | undefined; onConnected: () => Promise<void> }) {
  const [loginUrl, setLoginUrl] = useState(props.loginUrl ?? '');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const connect = useAction(async () => {
    await ok(api.POST('/api/v1/orgs/{org}/integrations/salesforce/connect', { params: { path: { org: props.org } }, body: { login_url: loginUrl.trim(), client_id: clientId.trim(), client_secret: clientSecret } }));
    await props.onConnected();
  });
  return (
    <form
      class="own-app"
      onSubmit={(e) => {
        e.preventDefault();
        void connect.run();
      }}
    >
      <p class="muted">Connect with your own connected app’s client credentials (OAuth client-credentials flow). The secret is stored encrypted.</p>
      <label for="own-login">Login URL (your My Domain)</label>
      <input id="own-login" type="url" required placeholder="https://yourcompany.my.salesforce.com" value={loginUrl} onInput={(e) => setLoginUrl(e.currentTarget.value)} />
      <label for="own-id">Consumer key (client id)</label>
      <input id="own-id" required autocomplete="off" value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} />
      <label for="own-secret">Consumer secret (client secret)</label>
      <input id="own-secret" type="password" required autocomplete="off" value={clientSecret} onInput={(e) => setClientSecret(e.currentTarget.value)} />
      <ErrorNotice error={connect.error} />
      <button type="submit" class="primary" disabled={connect.busy}>
        Connect with this app
      </button>
    </form>
  );
}

const sameDoc = (a: Settings, b: Settings) => JSON.stringify([a.push, a.mappings]) === JSON.stringify([b.push, b.mappings]);
const rowKey = (r: MappingRow) => `${r.spara_field}→${r.salesforce_field.toLowerCase()}`;

function PushSettings({ org, connected }: { org: string; connected: boolean }) {
  const saved = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce/settings', { params: { path: { org } } })), [org]);
  const model = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/data-model/fields', { params: { path: { org } } })), [org]);
  const [draft, setDraft] = useState<Settings | undefined>(undefined);
  const [tab, setTab] = useState<PushObject>('lead');
  const [errors, setErrors] = useState<Record<PushObject, Record<number, string>>>({ lead: {}, contact: {} });
  const [savedNotice, setSavedNotice] = useState<'saved' | 'saved-new' | undefined>(undefined);
  useEffect(() => {
    if (saved.data) setDraft(structuredClone(saved.data));
  }, [saved.data]);
  const dirty = !!(draft && saved.data && !sameDoc(draft, saved.data));
  useUnsavedWarning(dirty);
  const save = useAction(async () => {
    if (!draft || !saved.data) return;
    const before = saved.data;
    setErrors({ lead: {}, contact: {} });
    try {
      const stored = await ok(api.PUT('/api/v1/orgs/{org}/integrations/salesforce/settings', { params: { path: { org } }, body: { push: draft.push, mappings: draft.mappings } }));
      const added = (['lead', 'contact'] as const).some((o) => stored.mappings[o].some((r) => !before.mappings[o].some((b) => rowKey(b) === rowKey(r))));
      saved.setData(stored);
      setSavedNotice(added ? 'saved-new' : 'saved');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'invalid_mapping') {
        const byRow = rowErrors(e.details);
        setErrors(byRow);
        const first = (['lead', 'contact'] as const).find((o) => Object.keys(byRow[o]).length > 0);
        if (first) setTab(first);
        throw new ApiError(e.status, e.code, 'Some mapping rows cannot be saved: see the rows marked below.', e.details);
      }
      throw e;
    }
  });
  if (saved.error) return <ErrorNotice error={saved.error} />;
  if (!draft || !model.data) return <Loading what="Loading Push Rules and mappings" />;
  const update = (change: (d: Settings) => void) => {
    const next = structuredClone(draft);
    change(next);
    setDraft(next);
    setSavedNotice(undefined);
  };
  const rule = draft.push[tab];
  const plural = tab === 'lead' ? 'Leads' : 'Contacts';
  const lower = tab === 'lead' ? 'leads' : 'contacts';
  const bothCreate = draft.push.lead.create_when_no_match && draft.push.contact.create_when_no_match;
  return (
    <Card title="Push Rules and Data Model Sync">
      <Tabs
        label="Salesforce object"
        tabs={[
          { key: 'contact', label: 'Contacts' },
          { key: 'lead', label: 'Leads' },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        <h3>Push Rules</h3>
        <Switch
          label={`Update existing Salesforce ${plural}`}
          checked={rule.update_existing}
          onChange={(on) =>
            update((d) => {
              d.push[tab].update_existing = on;
              if (!on) d.push[tab].create_when_no_match = false;
            })
          }
        />
        <Switch
          label={`Create ${lower} when no match is found`}
          checked={rule.create_when_no_match}
          disabled={!rule.update_existing}
          reason={rule.update_existing ? undefined : 'This option is only available when the update option is enabled.'}
          onChange={(on) => update((d) => void (d.push[tab].create_when_no_match = on))}
        />
        {bothCreate && (
          <Notice kind="info">
            Both create rules are on: a person who matches nothing in Salesforce becomes one Lead (not also a Contact), and nobody already held as a Lead or Contact gets a second record.
          </Notice>
        )}
        <h3>Data Model Sync</h3>
        <MappingTable
          object={tab}
          org={org}
          connected={connected}
          rows={draft.mappings[tab]}
          model={model.data.items}
          errors={errors[tab]}
          onChange={(rows) => {
            update((d) => void (d.mappings[tab] = rows));
            setErrors((e) => ({ ...e, [tab]: {} }));
          }}
        />
      </Tabs>
      <div class="save-bar">
        <button type="button" class="primary" disabled={!dirty || save.busy} onClick={() => void save.run()}>
          Save
        </button>
        {dirty && <span class="muted">Unsaved changes</span>}
        <ErrorNotice error={save.error} id="settings-error" />
        {savedNotice && (
          <Notice kind="success" id="settings-msg">
            Saved.
          </Notice>
        )}
      </div>
      {savedNotice === 'saved-new' && (
        <div class="backfill-offer">
          <p>New mappings apply to leads as they change. Apply them to the leads you already have now?</p>
          <Backfill org={org} />
        </div>
      )}
    </Card>
  );
}

function MappingTable(props: { object: PushObject; org: string; connected: boolean; rows: MappingRow[]; model: Field[]; errors: Record<number, string>; onChange: (rows: MappingRow[]) => void }) {
  const { object, rows } = props;
  const describe = useLoad(
    async () => (props.connected ? ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce/fields', { params: { path: { org: props.org }, query: { object: OBJECT_NAME[object] } } })) : undefined),
    [props.org, object, props.connected],
  );
  const writable = useMemo(() => props.model.filter((f) => !f.read_only || f.key === 'conversation'), [props.model]);
  const byKey = useMemo(() => new Map(props.model.map((f) => [f.key, f])), [props.model]);
  const set = (i: number, change: Partial<MappingRow>) => props.onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const listBase = useId();
  return (
    <>
      {!props.connected && <p class="muted">Connect Salesforce to choose Salesforce fields from your org; until then type their API names.</p>}
      {describe.error && <ErrorNotice error={describe.error} />}
      <Table label={`${OBJECT_NAME[object]} field mappings`} class="mappings" columns={['Spara field', 'Salesforce field', 'Write rule', <span class="sr-only">Remove</span>]}>
            {rows.map((row, i) => {
              const fixed = row.spara_field === 'email' && row.salesforce_field.toLowerCase() === 'email';
              const offered = offeredFields(byKey.get(row.spara_field), describe.data?.items ?? []);
              const chosen = describe.data?.items.find((f) => f.name.toLowerCase() === row.salesforce_field.toLowerCase());
              const listId = `${listBase}-${i}`;
              const error = props.errors[i] ?? (row.flagged ? `Salesforce no longer has this field: ${row.flagged}` : undefined);
              const errorId = `${listBase}-err-${i}`;
              return (
                <Fragment key={i}>
                  <tr class={error ? 'has-error' : ''}>
                    <td>
                      <select
                        aria-label={`Spara field, row ${i + 1}`}
                        value={row.spara_field}
                        disabled={fixed}
                        aria-describedby={error ? errorId : undefined}
                        onChange={(e) => set(i, { spara_field: e.currentTarget.value })}
                      >
                        {!byKey.has(row.spara_field) && <option value={row.spara_field}>{row.spara_field}</option>}
                        {row.spara_field === '' && <option value="">Choose a field…</option>}
                        {writable.map((f) => (
                          <option key={f.key} value={f.key}>
                            {f.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        aria-label={`Salesforce field, row ${i + 1}`}
                        list={describe.data ? listId : undefined}
                        value={row.salesforce_field}
                        disabled={fixed}
                        placeholder={describe.data ? 'Search by label or API name' : 'API name, e.g. Company'}
                        aria-describedby={error ? errorId : undefined}
                        autocomplete="off"
                        onInput={(e) => set(i, { salesforce_field: e.currentTarget.value })}
                      />
                      {describe.data && (
                        <datalist id={listId}>
                          {offered.map((f) => (
                            <option key={f.name} value={f.name}>
                              {f.label} · {f.type}
                              {f.length ? `(${f.length})` : ''}
                            </option>
                          ))}
                        </datalist>
                      )}
                      {chosen && (
                        <div class="muted small">
                          {chosen.label} · {chosen.type}
                        </div>
                      )}
                    </td>
                    <td>
                      <select aria-label={`Write rule, row ${i + 1}`} value={row.write_rule ?? 'overwrite'} disabled={fixed} onChange={(e) => set(i, { write_rule: e.currentTarget.value as MappingRow['write_rule'] })}>
                        <option value="overwrite">Overwrite</option>
                        <option value="if_empty">Only if empty</option>
                      </select>
                    </td>
                    <td>
                      {fixed ? (
                        <span class="muted small">Always mapped</span>
                      ) : (
                        <button type="button" class="link" aria-label={`Remove row ${i + 1}`} onClick={() => props.onChange(rows.filter((_, j) => j !== i))}>
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                  {error && (
                    <tr class="row-error">
                      <td colSpan={4} id={errorId} role="alert">
                        {error}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </Table>
      <button type="button" onClick={() => props.onChange([...rows, { spara_field: '', salesforce_field: '', write_rule: 'overwrite' }])}>
        Add mapping
      </button>
    </>
  );
}
