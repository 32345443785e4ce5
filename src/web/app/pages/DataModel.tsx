/** Data Model: every field a lead can hold (built-in, custom, read-only Salesforce data), and adding a custom field. */
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, ok, type Body } from '../api/client';
import { Page } from '../components/Page';
import { Badge, Card, ErrorNotice, Loading, Notice, Table } from '../components/ui';
import { useAction, useLoad } from '../hooks';

type NewField = Body<'/api/v1/orgs/{org}/data-model/fields', 'post'>;
const TYPES: NewField['type'][] = ['string', 'text', 'email', 'phone', 'url', 'number', 'boolean', 'date', 'datetime'];

export function DataModel() {
  const { params } = useRoute();
  const org = params.org;
  const fields = useLoad(() => ok(api.GET('/api/v1/orgs/{org}/data-model/fields', { params: { path: { org } } })), [org]);
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<NewField['type']>('string');
  const [added, setAdded] = useState<string | undefined>(undefined);
  const add = useAction(async () => {
    const field = await ok(api.POST('/api/v1/orgs/{org}/data-model/fields', { params: { path: { org } }, body: { key: key.trim(), label: label.trim(), type } }));
    setAdded(field.label);
    setKey('');
    setLabel('');
    await fields.reload();
  });
  const problems = (add.error?.details?.fields ?? {}) as Record<string, string>;
  return (
    <Page title="Data Model" lead="Every field a lead can hold. Map them to Salesforce in Settings › Integrations › Salesforce; use them in workflow conditions and templates.">
      <Card title="Add a custom field">
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setAdded(undefined);
            void add.run();
          }}
        >
          <div>
            <label for="field-label">Label</label>
            <input id="field-label" required value={label} onInput={(e) => setLabel(e.currentTarget.value)} placeholder="Budget" />
          </div>
          <div>
            <label for="field-key">Key</label>
            <input
              id="field-key"
              required
              pattern="[a-z][a-z0-9_]{0,62}"
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
              placeholder="budget"
              aria-describedby="field-key-hint"
              aria-invalid={problems['body.key'] ? true : undefined}
            />
            <span class="muted small" id="field-key-hint">
              Lowercase letters, digits and _; starts with a letter.
            </span>
          </div>
          <div>
            <label for="field-type">Type</label>
            <select id="field-type" value={type} onChange={(e) => setType(e.currentTarget.value as NewField['type'])}>
              {TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </div>
          <button type="submit" class="primary" disabled={add.busy}>
            Add field
          </button>
        </form>
        <ErrorNotice error={add.error} />
        {added && <Notice kind="success">Added “{added}”.</Notice>}
      </Card>
      <Card title="Fields">
        <ErrorNotice error={fields.error} />
        {!fields.data && !fields.error && <Loading />}
        {fields.data && (
          <Table label="Data model fields" columns={['Label', 'Key', 'Type', 'Kind']}>
                {fields.data.items.map((f) => (
                  <tr key={f.key}>
                    <td>{f.label}</td>
                    <td>
                      <code>{f.key}</code>
                    </td>
                    <td>{f.type}</td>
                    <td>
                      {f.builtin ? <Badge kind="muted">built-in</Badge> : <Badge kind="ok">custom</Badge>} {f.read_only && <Badge kind="warn">read-only</Badge>}
                    </td>
                  </tr>
                ))}
              </Table>
        )}
      </Card>
    </Page>
  );
}
