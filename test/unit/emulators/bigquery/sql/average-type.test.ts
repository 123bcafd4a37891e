// AVG keeps NUMERIC as BigQuery does: calls become the typed macro pf_avg, except DISTINCT and windows.
import { averageKeepsNumeric } from '../../../../../emulators/bigquery/sql/rewrites/average-type';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';

const rewritten = (sql: string): string => join(averageKeepsNumeric(tokenize(sql)));

describe('averageKeepsNumeric', () => {
  it('calls the typed macro for a plain AVG, nested ones too', () => {
    expect(rewritten('SELECT AVG(x), avg(ROUND(y)) FROM t')).toBe('SELECT pf_avg(x), pf_avg(ROUND(y)) FROM t');
  });

  it("leaves AVG(DISTINCT …), AVG(…) OVER (…) and a column named avg to DuckDB", () => {
    expect(rewritten('SELECT AVG(DISTINCT x), AVG(x) OVER (PARTITION BY g), t.avg FROM t')).toBe('SELECT AVG(DISTINCT x), AVG(x) OVER (PARTITION BY g), t.avg FROM t');
  });
});
