// One documented example of GoogleSQL for BigQuery: the query on a function reference page and the
// result table the page shows under it, written as data. Values are as the page displays them:
// INT64/FLOAT64 as numbers (or 'NaN', 'inf', '-inf'), BOOL as true/false, DATE 'YYYY-MM-DD',
// DATETIME 'YYYY-MM-DDTHH:MM:SS', TIMESTAMP '2008-12-25 15:30:00+00' (or '… UTC'), NUMERIC as
// decimal text or number, BYTES as base64, ARRAY as an array, STRUCT as an object, JSON as its text.
export const DOCS = 'https://cloud.google.com/bigquery/docs/reference/standard-sql/';

export interface DocumentedCase {
  /** `<page>#<function anchor>-<n>`, unique across the corpus. */
  id: string;
  /** The page and the function's anchor the example is on. */
  source: string;
  sql: string;
  /** The documented result rows (column name → displayed value). */
  rows: Record<string, unknown>[];
  /** Column types where the page states them (BigQuery's REST names: INTEGER, FLOAT, STRING, …). */
  types?: Record<string, string>;
  /** Rows compared in order; by default only when the query ends with ORDER BY. */
  ordered?: boolean;
}

/** Builds a family's cases: ids numbered per anchor, source from the page and anchor. */
export function family(page: string, entries: Entry[]): DocumentedCase[] {
  const seen = new Map<string, number>();
  return entries.map(([anchor, sql, rows, extra]) => {
    const n = (seen.get(anchor) ?? 0) + 1;
    seen.set(anchor, n);
    return { id: `${page}#${anchor}-${n}`, source: `${DOCS}${page}#${anchor}`, sql, rows, ...extra };
  });
}

type Entry = [anchor: string, sql: string, rows: Record<string, unknown>[], extra?: Partial<DocumentedCase>];

/** One documented expression and the value shown for it, as `SELECT <expr> AS r`. */
export function scalar(anchor: string, expr: string, value: unknown, type?: string): Entry {
  return [anchor, `SELECT ${expr} AS r`, [{ r: value }], type ? { types: { r: type } } : undefined];
}
