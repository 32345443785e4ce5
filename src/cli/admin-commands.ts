import { createOrg } from '../db/orgs.ts';
import { boot } from './boot.ts';

export async function migrateCommand(options: { dataDir?: string }): Promise<void> {
  // boot() applies pending migrations under an advisory lock; this command just reports.
  const booted = await boot({ overrides: { LEADSYNC_DATA_DIR: options.dataDir, LOG_LEVEL: 'warn' } });
  const { rows } = await booted.db.query<{ name: string }>('select name from leadsync_migrations order by id');
  console.log(`Database is up to date (${rows.length} migrations: ${rows.map((r) => r.name).join(', ')}).`);
  await booted.shutdown();
}

export async function orgCreateCommand(name: string, options: { dataDir?: string }): Promise<void> {
  const booted = await boot({ overrides: { LEADSYNC_DATA_DIR: options.dataDir, LOG_LEVEL: 'warn' } });
  try {
    const { org, apiKey } = await createOrg(booted.db, name);
    console.log(`Organization "${org.name}" created.\n  id:      ${org.id}\n  API key: ${apiKey}\n(The API key is shown only now; LeadSync keeps only its hash.)`);
  } finally {
    await booted.shutdown();
  }
}
