import { boot } from './boot.ts';
import { withAdminClient } from './admin-client.ts';

export async function migrateCommand(options: { dataDir?: string }): Promise<void> {
  // boot() applies pending migrations under an advisory lock; this command just reports.
  const booted = await boot({ overrides: { LEADSYNC_DATA_DIR: options.dataDir, LOG_LEVEL: 'warn' } });
  const { rows } = await booted.db.query<{ name: string }>('select name from leadsync_migrations order by id');
  console.log(`Database is up to date (${rows.length} migrations: ${rows.map((r) => r.name).join(', ')}).`);
  await booted.shutdown();
}

/** `leadsync org create NAME`: through the running process when one holds the data directory. */
export async function orgCreateCommand(name: string, options: { dataDir?: string }): Promise<void> {
  await withAdminClient({ dataDir: options.dataDir }, async (client) => {
    const org = await client.request<{ id: string; name: string; api_key: string }>('POST', '/api/v1/orgs', { name });
    console.log(`Organization "${org.name}" created.\n  id:      ${org.id}\n  API key: ${org.api_key}\n(The API key is shown only now; LeadSync keeps only its hash.)`);
  });
}
