// The local executor as the transform port of `ops/reprocess`: compile the project with the run's
// vars, run it on the BigQuery endpoint, and hand back the run report (a failed run included).
import type { BigQuery } from '@google-cloud/bigquery';
import type { TransformRunner } from '../../ops/reprocess';
import { compileProject } from './compile';
import { DataformRunError, runGraph, type RunEvent, type RunReport } from './runner';

export interface LocalTransformOptions {
  bigquery: BigQuery;
  project: string;
  location?: string;
  /** Dataform project folder (default `dataform`). */
  projectDir?: string;
  includeAssertions?: boolean;
  concurrency?: number;
  onEvent?: (event: RunEvent) => void;
}

export function localTransformRunner(options: LocalTransformOptions): TransformRunner<RunReport> {
  return async ({ fullRefresh, vars }) => {
    const graph = compileProject(options.projectDir ?? 'dataform', { vars, defaultDatabase: options.project });
    try {
      const run = await runGraph({
        bigquery: options.bigquery,
        graph,
        project: options.project,
        location: options.location,
        fullRefresh,
        selection: { includeAssertions: options.includeAssertions ?? true },
        concurrency: options.concurrency,
        onEvent: options.onEvent,
      });
      return { run };
    } catch (e) {
      if (!(e instanceof DataformRunError)) throw e;
      return { run: e.report, failure: e };
    }
  };
}
