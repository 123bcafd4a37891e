// A small generated data set loaded into raw on the BigQuery emulator and transformed into the marts
// by the Dataform executor: the ground the serve tests stand on (same loader as the Dataform test).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery as start, type BigqueryEmulator as RunningEmulator } from '@pizzaflow/emulators';
import type { RunReport } from '../dataform';
import { generate } from '../generator';
import { createRawTables, insertRows, loadReference, rawRowsOf, type RawRow, type RawRows, type RawTable } from './raw-loader';
import { runTransform } from './run-transform';

export const PROJECT = 'pizzaflow-local';
export const START = '2026-11-23T00:00:00Z';
export const HOURS = 48;

export interface Fixture {
  emulator: RunningEmulator;
  bq: BigQuery;
  dir: string;
  rows: RawRows;
  /** Vars every run needs: freshness judged at the data set's newest arrival. */
  vars: Record<string, string>;
  run(options?: { fullRefresh?: boolean; vars?: Record<string, string> }): Promise<RunReport>;
  expected<T>(name: string): T[];
  close(): Promise<void>;
}

const arrival = (r: RawRow): number => Date.parse((r.ingested_at ?? r.rejected_at) as string);

export async function buildFixture(options: { stores?: number; seed?: number } = {}): Promise<Fixture> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-serve-'));
  await generate({ stores: options.stores ?? 4, hours: HOURS, start: START, seed: options.seed ?? 11, outDir: dir, faultRate: 0.02 });
  const rows = await rawRowsOf(dir);
  const newest = Math.max(...Object.values(rows).flat().map(arrival));
  const vars = { freshness_reference_at: new Date(newest + 10 * 60_000).toISOString(), freshness_max_minutes: '480' };
  // Strict GoogleSQL: ZetaSQL analyses every statement (the executor's, the API's, reprocess's
  // fingerprints), so SQL that only DuckDB would accept fails here rather than on BigQuery.
  const emulator = await start({ port: 0, logLevel: 'silent', strictGoogleSql: true });
  const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
  await createRawTables(bq);
  await loadReference(bq, dir);
  for (const table of Object.keys(rows) as RawTable[]) await insertRows(bq, table, rows[table]);
  const run = (o: { fullRefresh?: boolean; vars?: Record<string, string> } = {}): Promise<RunReport> => runTransform(bq, { vars: { ...vars, ...o.vars }, fullRefresh: o.fullRefresh });
  await run();
  return {
    emulator,
    bq,
    dir,
    rows,
    vars,
    run,
    expected: <T>(name: string): T[] => JSON.parse(readFileSync(join(dir, 'expected', `${name}.json`), 'utf8')) as T[],
    close: async () => {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
