// Looker Studio Linking API URL opening the metric marts as BigQuery table data sources.
// Parameters: https://developers.google.com/looker-studio/integrate/linking-api

export interface LookerReportArgs {
  project: string;
  dataset: string;
  tables: readonly string[];
  reportName: string;
  /** Template report; Looker Studio's default blank template when absent. */
  templateReportId?: string;
}

/** Data source alias of a table: the alias the template report's data source must carry. */
export function lookerAlias(table: string): string {
  return table.replace(/^mart_/, '').replace(/[^A-Za-z0-9_]/g, '_');
}

export function lookerStudioReportUrl(args: LookerReportArgs): string {
  const params = new URLSearchParams();
  if (args.templateReportId) params.set('c.reportId', args.templateReportId);
  params.set('r.reportName', args.reportName);
  for (const table of args.tables) {
    const ds = `ds.${lookerAlias(table)}`;
    params.set(`${ds}.connector`, 'bigQuery');
    params.set(`${ds}.type`, 'TABLE');
    params.set(`${ds}.projectId`, args.project);
    params.set(`${ds}.datasetId`, args.dataset);
    params.set(`${ds}.tableId`, table);
    params.set(`${ds}.datasourceName`, table);
  }
  return `https://lookerstudio.google.com/reporting/create?${params.toString()}`;
}
