// LeadSync web UI: a thin client over the public API (/api/v1). No build step, no framework.
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const TOKEN_KEY = 'leadsync.token';

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const token = () => sessionStorage.getItem(TOKEN_KEY);

async function api(method, path, body) {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    go('/');
  }
  return { status: res.status, ok: res.ok, data };
}

const errorText = (r) => (r.data && r.data.error ? r.data.error.message : `HTTP ${r.status}`);

function go(path) {
  history.pushState(null, '', path);
  route();
}

window.addEventListener('popstate', route);
document.getElementById('signout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  go('/');
});

async function route() {
  const path = location.pathname;
  const m = path.match(/^\/orgs\/([^/]+)\/(settings\/salesforce|leads|outbox)$/);
  if (!token() || !m) {
    nav.hidden = true;
    return signIn();
  }
  const [, org, page] = m;
  nav.hidden = false;
  for (const a of nav.querySelectorAll('a[data-nav]')) {
    const target = a.dataset.nav === 'settings' ? 'settings/salesforce' : a.dataset.nav;
    a.href = `/orgs/${org}/${target}`;
    a.classList.toggle('active', target === page);
    a.onclick = (e) => {
      e.preventDefault();
      go(a.href);
    };
  }
  if (page === 'leads') return leadsPage(org);
  if (page === 'outbox') return outboxPage(org);
  return settingsPage(org);
}

function signIn() {
  main.innerHTML = `
    <div class="card" style="max-width:520px;margin:4rem auto">
      <h2>Sign in to LeadSync</h2>
      <p class="muted">Paste your organization's API key (printed by <code>npm start</code> for the demo organization), or the staff token.</p>
      <form id="signin">
        <label><span>API key or staff token</span><input id="token" type="password" autocomplete="off" style="width:100%" required></label>
        <label id="orgrow" hidden><span>Organization id (staff)</span><input id="org" style="width:100%"></label>
        <p id="signin-error" class="error"></p>
        <button type="submit">Sign in</button>
      </form>
    </div>`;
  document.getElementById('signin').addEventListener('submit', async (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById('token').value.trim());
    const me = await api('GET', '/me');
    if (!me.ok) {
      sessionStorage.removeItem(TOKEN_KEY);
      document.getElementById('signin-error').textContent = 'That key was not accepted.';
      return;
    }
    if (me.data.kind === 'org') return go(`/orgs/${me.data.org.id}/settings/salesforce`);
    const orgRow = document.getElementById('orgrow');
    const orgId = document.getElementById('org').value.trim();
    if (orgRow.hidden || !orgId) {
      orgRow.hidden = false;
      document.getElementById('signin-error').textContent = 'Staff token accepted: enter the organization to open.';
      return;
    }
    go(`/orgs/${orgId}/settings/salesforce`);
  });
}

async function settingsPage(org) {
  const [status, sync, settings] = await Promise.all([
    api('GET', `/orgs/${org}/integrations/salesforce`),
    api('GET', `/orgs/${org}/integrations/salesforce/sync`),
    api('GET', `/orgs/${org}/integrations/salesforce/settings`),
  ]);
  if (status.status === 404 && status.data?.error?.message?.startsWith('Organization')) {
    main.innerHTML = `<div class="card"><h2>Organization not found</h2><p>Check the organization id, or sign in with its API key.</p></div>`;
    return;
  }
  const params = new URLSearchParams(location.search);
  const s = status.ok ? status.data : null;
  main.innerHTML = `
    ${params.get('connected') ? '<div class="notice">Salesforce is connected.</div>' : ''}
    ${Number(params.get('cleared_leads')) > 0 ? `<div class="notice">This is a different Salesforce org than before: the Salesforce ids of ${esc(Number(params.get('cleared_leads')))} leads were cleared (they named records of the old org).</div>` : ''}
    <div class="card" id="sf-card">
      <h2>Salesforce ${s ? `<span class="badge ${esc(s.status)}" id="sf-status">${esc(labelFor(s.status))}</span>` : ''}</h2>
      ${s ? connectionBody(s) : `<p class="error">${esc(errorText(status))}</p>`}
    </div>
    ${sync.ok ? syncCard(sync.data) : ''}
    ${settings.ok ? settingsCard() : ''}`;
  if (s) wireConnection(org);
  if (settings.ok) wireSettings(org, settings.data, s?.status === 'connected');
  const retry = document.getElementById('retry-errors');
  if (retry) {
    retry.onclick = async () => {
      const r = await api('POST', `/orgs/${org}/integrations/salesforce/sync/retry`);
      retry.textContent = r.ok ? `Re-queued ${r.data.requeued}` : errorText(r);
    };
  }
}

const labelFor = (status) => ({ connected: 'Connected', not_connected: 'Not connected', reconnection_required: 'Reconnection required' })[status] ?? status;

function connectionBody(s) {
  const connected = s.status === 'connected';
  return `
    ${s.status === 'reconnection_required' ? `<div class="notice"><strong>Reconnection required.</strong> LeadSync's access to Salesforce stopped working${s.last_error ? ` (${esc(s.last_error)})` : ''}. Pending changes are kept and will be pushed once you authorize again.</div>` : ''}
    ${s.instance_url ? `<dl><dt>Salesforce user</dt><dd id="sf-username">${esc(s.username)}</dd><dt>Salesforce org id</dt><dd>${esc(s.salesforce_org_id)}</dd><dt>Instance</dt><dd>${esc(s.instance_url)}</dd><dt>Connected</dt><dd>${esc(s.connected_at ? new Date(s.connected_at).toLocaleString() : '')}</dd></dl>` : '<p class="muted">Connect a Salesforce org to push leads and conversations, pull records, and read Account and Owner data.</p>'}
    <div class="row">
      <label><span>Login host</span>
        <select id="login-host">
          <option value="">Default</option>
          <option value="https://login.salesforce.com">Production (login.salesforce.com)</option>
          <option value="https://test.salesforce.com">Sandbox (test.salesforce.com)</option>
          <option value="custom">My Domain…</option>
        </select></label>
      <label id="custom-host" hidden><span>My Domain URL</span><input id="custom-url" placeholder="https://acme.my.salesforce.com"></label>
      <button id="connect">${connected ? 'Reconnect' : 'Connect Salesforce'}</button>
      ${connected || s.status === 'reconnection_required' ? '<button id="deauthorize" class="danger">Deauthorize</button>' : ''}
    </div>
    <p id="connect-error" class="error"></p>
    <details><summary>Use your own connected app (client credentials)</summary>
      <p class="muted">If authorization fails with an OAuth error, your Salesforce admin can create a connected app with API access (read/create/edit on Leads and Contacts) and enter it here.</p>
      <form id="own-app" class="row">
        <label><span>Login URL</span><input id="own-login" required placeholder="https://acme.my.salesforce.com"></label>
        <label><span>Consumer key</span><input id="own-id" required></label>
        <label><span>Consumer secret</span><input id="own-secret" type="password" required></label>
        <button type="submit" class="secondary">Connect</button>
      </form>
    </details>
    <p class="muted">Deauthorizing keeps your Push Rules, mappings and Pull Rules. Connecting a different Salesforce org clears the Salesforce ids stored on leads, since they belong to the old org.</p>`;
}

function wireConnection(org) {
  const host = document.getElementById('login-host');
  host.addEventListener('change', () => (document.getElementById('custom-host').hidden = host.value !== 'custom'));
  document.getElementById('connect').addEventListener('click', async () => {
    const loginUrl = host.value === 'custom' ? document.getElementById('custom-url').value.trim() : host.value;
    const r = await api('POST', `/orgs/${org}/integrations/salesforce/authorize`, loginUrl ? { login_url: loginUrl } : {});
    if (r.ok) location.href = r.data.authorization_url;
    else document.getElementById('connect-error').textContent = errorText(r);
  });
  const deauth = document.getElementById('deauthorize');
  if (deauth) {
    deauth.addEventListener('click', async () => {
      if (!confirm('Deauthorize Salesforce? Settings and mappings are kept.')) return;
      const r = await api('POST', `/orgs/${org}/integrations/salesforce/deauthorize`);
      if (r.ok) settingsPage(org);
      else document.getElementById('connect-error').textContent = errorText(r);
    });
  }
  document.getElementById('own-app').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api('POST', `/orgs/${org}/integrations/salesforce/connect`, {
      login_url: document.getElementById('own-login').value.trim(),
      client_id: document.getElementById('own-id').value.trim(),
      client_secret: document.getElementById('own-secret').value,
    });
    if (r.ok) settingsPage(org);
    else document.getElementById('connect-error').textContent = errorText(r);
  });
}

function syncCard(sync) {
  const usage = sync.api_usage ? `${sync.api_usage.used} / ${sync.api_usage.max}` : '—';
  return `<div class="card"><h2>Sync</h2><dl>
    <dt>Pending</dt><dd id="sync-pending">${esc(sync.pending)}</dd><dt>Being pushed</dt><dd>${esc(sync.in_flight)}</dd>
    <dt>Errors</dt><dd>${esc(sync.errors)}</dd><dt>Last run</dt><dd>${esc(sync.last_run_at ? new Date(sync.last_run_at).toLocaleString() : 'never')}</dd>
    <dt>Salesforce API calls today</dt><dd>${esc(usage)}</dd>
    ${sync.paused_until ? `<dt>Paused</dt><dd class="error">until ${esc(new Date(sync.paused_until).toLocaleString())} (${esc(sync.pause_reason)})</dd>` : ''}</dl>
    ${sync.errors > 0 ? '<button id="retry-errors" class="secondary">Retry failed leads</button>' : ''}</div>`;
}

function settingsCard() {
  return `<div class="card" id="push-settings"><h2>Push Rules and Data Model Sync</h2>
    <div class="tabs"><button data-tab="lead" class="active">Leads</button><button data-tab="contact" class="secondary">Contacts</button></div>
    <div id="tab-body"></div>
    <div class="row" style="margin-top:1rem"><button id="save-settings">Save</button><span id="settings-msg" class="muted"></span></div></div>`;
}

function wireSettings(org, settings, connected) {
  let tab = 'lead';
  // Suggestions for both columns: LeadSync's data model, and the Salesforce object's fields (describe).
  const lists = document.createElement('div');
  document.getElementById('push-settings').appendChild(lists);
  api('GET', `/orgs/${org}/data-model/fields`).then((r) => {
    if (r.ok) lists.insertAdjacentHTML('beforeend', `<datalist id="spara-fields">${r.data.items.filter((f) => !f.read_only || f.key === 'conversation').map((f) => `<option value="${esc(f.key)}">${esc(f.label)}</option>`).join('')}</datalist>`);
  });
  if (connected) {
    for (const [object, name] of [['lead', 'Lead'], ['contact', 'Contact']]) {
      api('GET', `/orgs/${org}/integrations/salesforce/fields?object=${name}`).then((r) => {
        if (r.ok) lists.insertAdjacentHTML('beforeend', `<datalist id="sf-fields-${object}">${r.data.items.filter((f) => f.createable || f.updateable).map((f) => `<option value="${esc(f.name)}">${esc(f.label)} (${esc(f.type)})</option>`).join('')}</datalist>`);
      });
    }
  }
  const draw = () => {
    const push = settings.push[tab];
    const rows = settings.mappings[tab];
    document.getElementById('tab-body').innerHTML = `
      <label><input type="checkbox" id="update-existing" ${push.update_existing ? 'checked' : ''}> Update existing Salesforce ${tab === 'lead' ? 'Leads' : 'Contacts'}</label>
      <label><input type="checkbox" id="create-missing" ${push.create_when_no_match ? 'checked' : ''} ${push.update_existing ? '' : 'disabled'}> Create ${tab === 'lead' ? 'leads' : 'contacts'} when no match is found</label>
      <table><thead><tr><th>LeadSync field</th><th>Salesforce field</th><th>Write rule</th><th></th></tr></thead><tbody>
      ${rows.map((r, i) => `<tr><td><input list="spara-fields" data-i="${i}" data-k="spara_field" value="${esc(r.spara_field)}" ${r.spara_field === 'email' ? 'readonly' : ''}></td>
        <td><input list="sf-fields-${tab}" data-i="${i}" data-k="salesforce_field" value="${esc(r.salesforce_field)}">${r.flagged ? `<div class="error">${esc(r.flagged)}</div>` : ''}</td>
        <td><select data-i="${i}" data-k="write_rule"><option value="overwrite" ${r.write_rule === 'overwrite' ? 'selected' : ''}>Overwrite existing value</option><option value="if_empty" ${r.write_rule === 'if_empty' ? 'selected' : ''}>Update if field is empty</option></select></td>
        <td>${r.spara_field === 'email' ? '' : `<button class="link" data-remove="${i}">Remove</button>`}</td></tr>`).join('')}
      </tbody></table>
      <button class="secondary" id="add-row" style="margin-top:.5rem">Add mapping</button>`;
    document.getElementById('update-existing').onchange = (e) => {
      push.update_existing = e.target.checked;
      if (!push.update_existing) push.create_when_no_match = false;
      draw();
    };
    document.getElementById('create-missing').onchange = (e) => (push.create_when_no_match = e.target.checked);
    for (const el of document.querySelectorAll('#tab-body [data-k]')) el.onchange = () => (rows[el.dataset.i][el.dataset.k] = el.value);
    for (const el of document.querySelectorAll('#tab-body [data-remove]')) el.onclick = () => (rows.splice(Number(el.dataset.remove), 1), draw());
    document.getElementById('add-row').onclick = () => (rows.push({ spara_field: '', salesforce_field: '', write_rule: 'overwrite' }), draw());
  };
  for (const b of document.querySelectorAll('[data-tab]')) {
    b.onclick = () => {
      tab = b.dataset.tab;
      for (const o of document.querySelectorAll('[data-tab]')) o.className = o === b ? 'active' : 'secondary';
      draw();
    };
  }
  document.getElementById('save-settings').onclick = async () => {
    const r = await api('PUT', `/orgs/${org}/integrations/salesforce/settings`, settings);
    const msg = document.getElementById('settings-msg');
    msg.className = r.ok ? 'muted' : 'error';
    msg.textContent = r.ok ? 'Saved.' : errorText(r);
    if (r.ok) {
      Object.assign(settings, r.data);
      draw();
    }
  };
  draw();
}

async function leadsPage(org) {
  const r = await api('GET', `/orgs/${org}/leads?limit=100`);
  if (!r.ok) return (main.innerHTML = `<div class="card"><p class="error">${esc(errorText(r))}</p></div>`);
  main.innerHTML = `<div class="card"><h2>Leads</h2>${r.data.items.length === 0 ? '<p class="muted">No leads yet. Create one with POST /api/v1/orgs/{org}/leads.</p>' : `
    <table id="leads"><thead><tr><th>Email</th><th>Name</th><th>Company</th><th>Sales rep</th><th>Sync</th></tr></thead><tbody>
    ${r.data.items.map((l) => `<tr><td>${esc(l.fields.email)}</td><td>${esc([l.fields.first_name, l.fields.last_name].filter(Boolean).join(' '))}</td><td>${esc(l.fields.company)}</td><td>${esc(l.fields.salesforce_assigned_sales_rep_name)}</td>
      <td><span class="badge ${esc(l.sync.status)}">${esc(l.sync.status)}</span>${l.sync.last_error ? `<div class="error">${esc(l.sync.last_error.message)}</div>` : ''}</td></tr>`).join('')}
    </tbody></table>`}</div>`;
}

async function outboxPage(org) {
  const r = await api('GET', `/orgs/${org}/outbox`);
  if (!r.ok) return (main.innerHTML = `<div class="card"><p class="error">${esc(errorText(r))}</p></div>`);
  main.innerHTML = `<div class="card"><h2>Workflow emails</h2><p class="muted">Without SMTP_URL, workflow emails are kept here instead of being sent.</p>
    ${r.data.items.length === 0 ? '<p class="muted">No emails yet.</p>' : `<table><thead><tr><th>To</th><th>Subject</th><th>Body</th><th>Status</th></tr></thead><tbody>
    ${r.data.items.map((m) => `<tr><td>${esc(m.to)}</td><td>${esc(m.subject)}</td><td>${esc(m.body)}</td><td>${esc(m.status)}</td></tr>`).join('')}</tbody></table>`}</div>`;
}

route();
