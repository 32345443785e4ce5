import { Page } from '../components/Page';
import { useSession, paths } from '../session';

export function NotFound() {
  const { session } = useSession();
  return (
    <Page title="Page not found">
      <div class="card">
        <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <p>
          <a href={session.org ? paths.settings(session.org.id) : '/'}>Go to the start page</a>
        </p>
      </div>
    </Page>
  );
}
