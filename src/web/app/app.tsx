/** The app: restores the session, then routes every page by its path (preact-iso). */
import { useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation, useRoute } from 'preact-iso';
import { api, ok, setCsrfToken, whenSignedOut, type Session } from './api/client';
import { Shell } from './components/Shell';
import { Loading } from './components/ui';
import { DataModel } from './pages/DataModel';
import { Home } from './pages/Home';
import { LeadPage } from './pages/LeadPage';
import { Leads } from './pages/Leads';
import { NotFound } from './pages/NotFound';
import { Outbox } from './pages/Outbox';
import { PullRules } from './pages/PullRules';
import { SalesforceSettings } from './pages/SalesforceSettings';
import { SignIn } from './pages/SignIn';
import { WorkflowEdit } from './pages/WorkflowEdit';
import { Workflows } from './pages/Workflows';
import { paths, SessionContext } from './session';

// Sync Health carries the chart library: loaded when first opened, not with the first page.
const SyncHealth = lazy(() => import('./pages/SyncHealth').then((m) => m.SyncHealth));

/** Older links (the OAuth callback's) to the settings page: same page, same query. */
function SettingsAlias() {
  const { params } = useRoute();
  const { route, url } = useLocation();
  useEffect(() => {
    const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    route(paths.settings(params.org) + query, true);
  }, [params.org]);
  return null;
}

function Routes() {
  return (
    <Shell>
      <ErrorBoundary>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/orgs/:org" component={SettingsAlias} />
          <Route path="/orgs/:org/settings/salesforce" component={SettingsAlias} />
          <Route path="/orgs/:org/settings/integrations/salesforce" component={SalesforceSettings} />
          <Route path="/orgs/:org/leads" component={Leads} />
          <Route path="/orgs/:org/leads/:id" component={LeadPage} />
          <Route path="/orgs/:org/sync" component={SyncHealth} />
          <Route path="/orgs/:org/workflows" component={Workflows} />
          <Route path="/orgs/:org/workflows/:id" component={WorkflowEdit} />
          <Route path="/orgs/:org/data-model" component={DataModel} />
          <Route path="/orgs/:org/pull-rules" component={PullRules} />
          <Route path="/orgs/:org/outbox" component={Outbox} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </Shell>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const accept = (s: Session | null) => {
    setCsrfToken(s?.csrf_token ?? null);
    setSession(s);
  };
  useEffect(() => {
    whenSignedOut(() => accept(null));
    ok(api.GET('/api/v1/session'))
      .then(accept)
      .catch(() => accept(null));
  }, []);
  const signOut = async () => {
    await ok(api.DELETE('/api/v1/session')).catch(() => undefined);
    // A fresh start at "/": nothing of the signed-in app stays in memory.
    location.assign('/');
  };
  if (session === undefined) return <Loading what="Opening LeadSync" />;
  return (
    <LocationProvider>
      {session ? (
        <SessionContext.Provider value={{ session, signOut }}>
          <Routes />
        </SessionContext.Provider>
      ) : (
        <SignIn onSignedIn={accept} />
      )}
    </LocationProvider>
  );
}
