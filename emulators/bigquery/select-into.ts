// A SELECT with a destination table: the result lands in the table per the job's create and write
// dispositions, and the rows are still returned.
import { requireDataset, syncTable } from './catalog';
import { duplicate, notFound } from './errors';
import { guard } from './query-errors';
import { type QueryOutcome, type RunState } from './query-types';
import { type TableReference } from './resources';
import { shapeResult } from './result-shape';
import { tablePath } from './store';

/** Runs `duckSql` into `state.input.destination`; `bytes` is the statement's planned read. */
export async function selectInto(state: RunState, duckSql: string, bytes: bigint, hidePartitionTime: boolean): Promise<QueryOutcome> {
  const { ctx, input } = state;
  const dest = input.destination as TableReference;
  const destProject = dest.projectId ?? input.projectId;
  await requireDataset(ctx, destProject, dest.datasetId);
  const path = tablePath(destProject, dest.datasetId, dest.tableId);
  const existing = ctx.store.findTable(destProject, dest.datasetId, dest.tableId);
  const write = input.writeDisposition ?? 'WRITE_EMPTY';
  if (!existing && input.createDisposition === 'CREATE_NEVER') throw notFound(`Table ${destProject}:${dest.datasetId}.${dest.tableId}`);
  // The result is materialised once, so the rows returned are exactly the rows written.
  await guard(input.projectId, () => ctx.store.run(`CREATE OR REPLACE TEMP TABLE pf_query_result AS ${duckSql}`));
  try {
    const reader = await ctx.store.conn.runAndReadAll('SELECT * FROM temp.pf_query_result');
    const { schema, rows } = shapeResult(reader.columnNames(), reader.columnTypes(), reader.getRows(), hidePartitionTime);
    if (!existing) {
      await ctx.store.run(`CREATE TABLE ${path} AS SELECT * FROM temp.pf_query_result`);
      await syncTable(ctx, destProject, dest.datasetId, dest.tableId, {}, { kind: 'TABLE' });
    } else if (write === 'WRITE_TRUNCATE') {
      await ctx.store.run(`DELETE FROM ${path}`);
      await guard(input.projectId, () => ctx.store.run(`INSERT INTO ${path} BY NAME SELECT * FROM temp.pf_query_result`));
    } else {
      if (write === 'WRITE_EMPTY') {
        const n = await ctx.store.conn.runAndReadAll(`SELECT count(*) FROM ${path}`);
        if (Number(n.getRows()[0][0]) > 0) throw duplicate(`Table ${destProject}:${dest.datasetId}.${dest.tableId}`);
      }
      await guard(input.projectId, () => ctx.store.run(`INSERT INTO ${path} BY NAME SELECT * FROM temp.pf_query_result`));
    }
    return { schema, rows, statementType: 'SELECT', totalBytesProcessed: bytes };
  } finally {
    await ctx.store.run('DROP TABLE IF EXISTS temp.pf_query_result');
  }
}
