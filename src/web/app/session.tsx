/** Who is signed in (from GET /api/v1/session) and the sign-in / sign-out actions. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from './api/client';

export interface SessionState {
  session: Session;
  signOut: () => Promise<void>;
}
export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside a signed-in app');
  return state;
}

/** The organization's pages' paths, one place for every link. */
export const paths = {
  settings: (org: string) => `/orgs/${org}/settings/integrations/salesforce`,
  leads: (org: string) => `/orgs/${org}/leads`,
  lead: (org: string, id: string) => `/orgs/${org}/leads/${id}`,
  sync: (org: string) => `/orgs/${org}/sync`,
  workflows: (org: string) => `/orgs/${org}/workflows`,
  workflow: (org: string, id: string) => `/orgs/${org}/workflows/${id}`,
  dataModel: (org: string) => `/orgs/${org}/data-model`,
  pullRules: (org: string) => `/orgs/${org}/pull-rules`,
  outbox: (org: string) => `/orgs/${org}/outbox`,
};
