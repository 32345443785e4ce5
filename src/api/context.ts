import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/engine.ts';
import type { SalesforceClients } from '../salesforce/client.ts';

/** What every route needs: the database, the configuration, a logger. */
export interface ApiContext {
  db: Database;
  config: Config;
  logger: Logger;
  /** Salesforce clients of this process (shared with the worker in `start`). */
  salesforce: SalesforceClients;
  /** Reports whether the background worker runs (for /readyz); absent in `serve`. */
  workerRunning?: () => boolean;
}
