// CURRENT_* without their parentheses, and CURRENT_TIME / CURRENT_DATETIME as BigQuery's civil clock.
import { niladicCallsWithoutParentheses } from '../../../../../emulators/bigquery/sql/rewrites/niladic-calls';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';

const rewritten = (duckSql: string): string => join(niladicCallsWithoutParentheses(tokenize(duckSql)));

describe('niladicCallsWithoutParentheses', () => {
  it('drops the empty parentheses DuckDB does not take', () => {
    expect(rewritten('SELECT CURRENT_TIMESTAMP(), CURRENT_DATE(), CURRENT_DATETIME()')).toBe('SELECT CURRENT_TIMESTAMP, CURRENT_DATE, CAST(CURRENT_TIMESTAMP AS TIMESTAMP)');
  });

  it("answers CURRENT_TIME as a TIME of the UTC clock, not DuckDB's TIME WITH TIME ZONE", () => {
    expect(rewritten('SELECT CURRENT_TIME AS t')).toBe('SELECT CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIME) AS t');
  });

  it("answers CURRENT_TIME(zone) and CURRENT_DATETIME(zone) from the clock in that zone", () => {
    expect(rewritten("SELECT CURRENT_TIME('Asia/Tokyo'), CURRENT_DATETIME('Asia/Tokyo')")).toBe(
      "SELECT CAST(TIMEZONE('Asia/Tokyo', CURRENT_TIMESTAMP) AS TIME), TIMEZONE('Asia/Tokyo', CURRENT_TIMESTAMP)",
    );
  });
});
