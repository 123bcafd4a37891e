// What every handler needs: the store, the job registry, the logger and the server options.
import { type Logger } from '../lib/logger';
import { type Store } from './store';
import { type GoogleSqlChecker } from './googlesql/checker';
import type { TableScanBytes } from './bytes-processed';
import type { PlanCache } from './plan-cache';
import type { Lru } from './lru';

export interface Context {
  store: Store;
  log: Logger;
  /** Storage emulator endpoint for load jobs (STORAGE_EMULATOR_HOST form, e.g. http://localhost:9023). */
  storageHost?: string;
  tmpDir: string;
  /** What each statement scans, by statement, for the current catalog version. */
  plans: PlanCache<TableScanBytes[]>;
  /** Bytes of table scans measured, by table version (see logicalBytesOfScans). */
  scanBytes: Lru<bigint>;
  /** false: script statements are translated as they are, never through a template (sql/templates.ts). */
  translationTemplates?: boolean;
  /** Strict mode: ZetaSQL analyses every statement before DuckDB runs it. */
  googleSql?: GoogleSqlChecker;
}
