/** Workflows: the list, with a way to create one. */
import { useRoute } from 'preact-iso';
import { api, ok } from '../api/client';
import { Page } from '../components/Page';
import { Badge, Card, ErrorNotice, Loading, Pager, Table, Time } from '../components/ui';
import { useLoad, usePages } from '../hooks';
import { paths } from '../session';

const PAGE = 50;

export const TRIGGER_WORDS: Record<string, string> = {
  'lead.created': 'A lead is created',
  'lead.updated': 'A lead is updated',
  'lead.pulled': 'A lead is pulled from Salesforce',
  'message.created': 'A message is added',
};

export function Workflows() {
  const { params } = useRoute();
  const org = params.org;
  const pages = usePages();
  const list = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/workflows', { params: { path: { org }, query: { limit: String(PAGE), ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })), [org, pages.cursor]);
  return (
    <Page
      title="Workflows"
      lead="When something happens to a lead and the conditions hold, run actions: a webhook, an email, or setting a field."
      actions={
        <a class="button primary" href={paths.workflow(org, 'new')}>
          New workflow
        </a>
      }
    >
      <Card>
        <ErrorNotice error={list.error} />
        {!list.data && !list.error && <Loading />}
        {list.data && list.data.items.length === 0 && <p class="muted">No workflows yet. Create one to act on new leads, e.g. notify the assigned sales rep.</p>}
        {list.data && list.data.items.length > 0 && (
          <Table label="Workflows" columns={['Name', 'When', 'Actions', 'State', 'Created']}>
                {list.data.items.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <a href={paths.workflow(org, w.id)}>{w.name}</a>
                    </td>
                    <td>{TRIGGER_WORDS[w.trigger] ?? w.trigger}</td>
                    <td>{(w.actions as { type: string }[]).map((a) => a.type.replace('_', ' ')).join(', ')}</td>
                    <td>{w.enabled ? <Badge kind="ok">On</Badge> : <Badge kind="muted">Off</Badge>}</td>
                    <td class="nowrap">
                      <Time at={w.created_at} />
                    </td>
                  </tr>
                ))}
              </Table>
        )}
        {list.data && <Pager pages={pages} nextCursor={list.data.next_cursor} />}
      </Card>
    </Page>
  );
}
