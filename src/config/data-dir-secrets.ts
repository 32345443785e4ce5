import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Secrets the embedded start generates on first run and keeps in the data directory (mode 0600):
 * the token-encryption key and the staff token, unless the environment sets them, and the demo
 * organization's API key so that every start can print it.
 */
export interface DataDirSecrets {
  secretKey: string;
  staffToken: string;
  demoOrg?: { id: string; apiKey: string };
}

export async function loadOrCreateSecrets(dataDir: string): Promise<{ secrets: DataDirSecrets; created: boolean }> {
  const file = path.join(dataDir, 'secrets.json');
  try {
    return { secrets: JSON.parse(await readFile(file, 'utf8')) as DataDirSecrets, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: DataDirSecrets = {
    secretKey: randomBytes(32).toString('base64'),
    staffToken: `lss_${randomBytes(24).toString('base64url')}`,
  };
  await saveSecrets(dataDir, secrets);
  return { secrets, created: true };
}

export async function saveSecrets(dataDir: string, secrets: DataDirSecrets): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'secrets.json');
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  // `mode` applies only when the file is created: one written by an older version is tightened here.
  await chmod(file, 0o600);
}

/** The secrets file as it is, without creating it (admin commands that talk to a running process). */
export async function readSecrets(dataDir: string): Promise<DataDirSecrets | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')) as DataDirSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
