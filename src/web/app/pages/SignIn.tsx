/** The sign-in form shown on any path while signed out; the path is kept, so a pasted link opens after sign-in. */
import { useState } from 'preact/hooks';
import { ApiError, type Session } from '../api/client';
import { Notice } from '../components/ui';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // The token travels once, as a Bearer header; from then on the httpOnly cookie stands for it.
      const response = await fetch('/api/v1/session', { method: 'POST', headers: { authorization: `Bearer ${token.trim()}` }, credentials: 'same-origin' });
      const body = await response.json().catch(() => undefined);
      if (response.status === 401) throw new ApiError(401, 'unauthorized', 'That key was not accepted. Paste the whole organization API key or the staff token.');
      if (!response.ok) throw new ApiError(response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `LeadSync answered HTTP ${response.status}.`);
      onSignedIn(body as Session);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'LeadSync did not answer. Check that it is running.');
    } finally {
      setBusy(false);
    }
  };
  document.title = 'Sign in · LeadSync';
  return (
    <main id="main" class="signin">
      <div class="card signin-card">
        <h1>
          <img src="/favicon.svg" alt="" width="28" height="28" /> Sign in to LeadSync
        </h1>
        <p class="muted">
          Paste your organization's API key (<code>npm start</code> prints the demo organization's), or the staff token.
        </p>
        <form onSubmit={submit}>
          <label for="token">API key or staff token</label>
          <input id="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
          {error && (
            <Notice kind="error" id="signin-error">
              {error}
            </Notice>
          )}
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
