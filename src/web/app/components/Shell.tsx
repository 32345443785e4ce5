/** The frame of every signed-in page: brand, organization, navigation, "Sign out". */
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { api, ok } from '../api/client';
import { useLoad } from '../hooks';
import { paths, useSession } from '../session';

const NAV: { label: string; to: (org: string) => string; staff?: boolean }[] = [
  { label: 'Salesforce', to: paths.settings },
  { label: 'Leads', to: paths.leads },
  { label: 'Sync Health', to: paths.sync },
  { label: 'Workflows', to: paths.workflows },
  { label: 'Data Model', to: paths.dataModel },
  { label: 'Pull Rules', to: paths.pullRules, staff: true },
  { label: 'Outbox', to: paths.outbox },
];

export const orgInPath = (path: string): string | undefined => /^\/orgs\/([^/]+)/.exec(path)?.[1];

export function Shell({ children }: { children: ComponentChildren }) {
  const { session, signOut } = useSession();
  const { path } = useLocation();
  const org = orgInPath(path);
  const orgInfo = useLoad(async () => (org ? ok(api.GET('/api/v1/orgs/{org}', { params: { path: { org } } })).catch(() => undefined) : undefined), [org]);
  const staff = session.kind === 'staff';
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="top-row">
          <a href={session.org ? paths.settings(session.org.id) : '/'} class="brand">
            <img src="/favicon.svg" alt="" width="24" height="24" />
            LeadSync
          </a>
          <span class="who muted">
            {orgInfo.data?.name ?? session.org?.name ?? ''}
            {staff && <span class="badge badge-muted">staff</span>}
          </span>
          <button type="button" class="link signout" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
        {org && (
          <nav aria-label="Main">
            <ul>
              {NAV.filter((n) => !n.staff || staff).map((n) => {
                const href = n.to(org);
                const current = path === href || path.startsWith(href + '/');
                return (
                  <li key={n.label}>
                    <a href={href} aria-current={current ? 'page' : undefined}>
                      {n.label === 'Salesforce' ? (
                        <>
                          <span class="crumb">Settings › Integrations › </span>Salesforce
                        </>
                      ) : (
                        n.label
                      )}
                    </a>
                  </li>
                );
              })}
              {staff && (
                <li>
                  <a href="/">Organizations</a>
                </li>
              )}
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
