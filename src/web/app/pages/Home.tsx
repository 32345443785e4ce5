/** "/": an organization's admin goes to its Salesforce settings; staff open (or create) an organization. */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ok } from '../api/client';
import { Page } from '../components/Page';
import { Card, ErrorNotice, Notice } from '../components/ui';
import { useAction } from '../hooks';
import { paths, useSession } from '../session';

export function Home() {
  const { session } = useSession();
  const { route } = useLocation();
  useEffect(() => {
    if (session.org) route(paths.settings(session.org.id), true);
  }, [session.org?.id]);
  const [orgId, setOrgId] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ id: string; name: string; api_key: string } | undefined>(undefined);
  const open = useAction(async (id: string) => {
    const org = await ok(api.GET('/api/v1/orgs/{org}', { params: { path: { org: id.trim() } } }));
    route(paths.settings(org.id));
  });
  const create = useAction(async () => {
    setCreated(await ok(api.POST('/api/v1/orgs', { body: { name: name.trim() } })));
  });
  if (session.org) return null;
  return (
    <Page title="Organizations" lead="As staff you may act on every organization. Open one by its id, or create one.">
      <div class="grid two">
        <Card title="Open an organization">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void open.run(orgId);
            }}
          >
            <label for="org-id">Organization id</label>
            <input id="org-id" required value={orgId} onInput={(e) => setOrgId(e.currentTarget.value)} placeholder="e.g. 3f2c…" />
            <ErrorNotice error={open.error} />
            <button type="submit" class="primary" disabled={open.busy}>
              Open
            </button>
          </form>
        </Card>
        <Card title="Create an organization">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void create.run();
            }}
          >
            <label for="org-name">Name</label>
            <input id="org-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
            <ErrorNotice error={create.error} />
            {created && (
              <Notice kind="success">
                Created <a href={paths.settings(created.id)}>{created.name}</a>. Its API key, shown this once: <code class="secret">{created.api_key}</code>
              </Notice>
            )}
            <button type="submit" disabled={create.busy}>
              Create organization
            </button>
          </form>
        </Card>
      </div>
    </Page>
  );
}
