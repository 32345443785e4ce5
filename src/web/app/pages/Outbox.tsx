/** Outbox: workflow emails kept here when no SMTP server is configured, newest first. */
import { useRoute } from 'preact-iso';
import { api, ok } from '../api/client';
import { Page } from '../components/Page';
import { Badge, Card, ErrorNotice, Loading, Pager, Time } from '../components/ui';
import { useLoad, usePages, usePoll } from '../hooks';

const PAGE = 25;

export function Outbox() {
  const { params } = useRoute();
  const org = params.org;
  const pages = usePages();
  const mail = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/outbox', { params: { path: { org }, query: { limit: String(PAGE), ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })), [org, pages.cursor]);
  // New mail arrives on the first page; later pages stay as they are.
  usePoll(mail.reload, 5000, pages.number === 1);
  const items = mail.data?.items ?? [];
  return (
    <Page title="Outbox" lead="Emails your workflows sent. Without SMTP_URL they are kept here instead of being sent.">
      <ErrorNotice error={mail.error} />
      {!mail.data && !mail.error && <Loading />}
      {mail.data && items.length === 0 && (
        <Card>
          <p class="muted">No workflow emails yet.</p>
        </Card>
      )}
      {items.map((m) => (
        <Card key={m.id} class="mail" title={m.subject || '(no subject)'}>
          <p class="small muted">
            To <strong>{m.to}</strong> · <Time at={m.created_at} /> · <Badge kind={m.status === 'sent' ? 'ok' : 'muted'}>{m.status}</Badge>
          </p>
          <pre class="mail-body">{m.body}</pre>
        </Card>
      ))}
      {mail.data && <Pager pages={pages} nextCursor={mail.data.next_cursor} />}
    </Page>
  );
}
