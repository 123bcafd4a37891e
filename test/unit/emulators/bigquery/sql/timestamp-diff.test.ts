// TIMESTAMP_DIFF (timestamp_functions#timestamp_diff): truncating counts of fixed parts, and week parts.
import { timestampDiffTruncates } from '../../../../../emulators/bigquery/sql/rewrites/timestamp-diff';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';

const apply = (sql: string): string => join(timestampDiffTruncates(tokenize(sql)));

describe('timestampDiffTruncates', () => {
  it('divides the microseconds between the two for fixed-length parts', () => {
    expect(apply('SELECT TIMESTAMP_DIFF(a, b, HOUR)')).toBe('SELECT DIV((UNIX_MICROS(a) - UNIX_MICROS(b)), 3600000000)');
  });

  it('counts WEEK, WEEK(<day>) and ISOWEEK on the dates, marked so TIMESTAMP arguments are refused at run time', () => {
    expect(apply('SELECT TIMESTAMP_DIFF(a, b, WEEK(SUNDAY)), TIMESTAMP_DIFF(a, b, ISOWEEK)')).toBe(
      'SELECT PF_TIMESTAMP_DIFF_WEEK(a, DATE_DIFF(DATE(DATETIME(a)), DATE(DATETIME(b)), WEEK(SUNDAY))), PF_TIMESTAMP_DIFF_WEEK(a, DATE_DIFF(DATE(DATETIME(a)), DATE(DATETIME(b)), ISOWEEK))',
    );
    expect(apply('SELECT TIMESTAMP_DIFF(a, b, MONTH)')).toBe('SELECT TIMESTAMP_DIFF(a, b, MONTH)');
  });
});
