// What every handler needs: the store, the job registry, the logger and the server options.
import { Logger } from '../../lib/logger';
import { Store } from './store';
import { GoogleSqlChecker } from './googlesql/checker';

export interface Context {
  store: Store;
  log: Logger;
  /** Storage emulator endpoint for load jobs (STORAGE_EMULATOR_HOST form, e.g. http://localhost:9023). */
  storageHost?: string;
  tmpDir: string;
  /** Strict mode: ZetaSQL analyses every statement before DuckDB runs it. */
  googleSql?: GoogleSqlChecker;
}
