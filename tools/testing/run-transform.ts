// The Dataform project compiled with `vars` and run on a BigQuery endpoint, as the tests and
// fixtures run it: a failed run throws an error listing each failed action with its error (and, for
// an assertion, its sample rows), so a test's failure says which model or check broke.
import type { BigQuery } from '@google-cloud/bigquery';
import { compileProject, DataformRunError, runGraph, type RunReport } from '../dataform';

export async function runTransform(bigquery: BigQuery, options: { vars?: Record<string, string>; fullRefresh?: boolean } = {}): Promise<RunReport> {
  const graph = compileProject('dataform', { vars: options.vars ?? {} });
  try {
    return await runGraph({ bigquery, graph, fullRefresh: options.fullRefresh, concurrency: 2 });
  } catch (e) {
    if (e instanceof DataformRunError) {
      const failed = e.report.results.filter((r) => r.status === 'failed').map((r) => `${r.action}: ${r.error}${r.sampleRows?.length ? ` ${JSON.stringify(r.sampleRows)}` : ''}`);
      throw new Error(`dataform run failed:\n${failed.join('\n')}`, { cause: e });
    }
    throw e;
  }
}
