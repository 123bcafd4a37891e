// DuckDB macros the rewrites call where BigQuery's answer depends on an operand's type, which only
// DuckDB's binder knows: a macro's overloads are typed, DuckDB picks one when it binds the call and
// inlines it, so a macro costs nothing per row (the untyped overload is the plain DuckDB expression).
// Temporary macros live per connection: each connection of the store creates them.
import { type DuckDBConnection } from '@duckdb/node-api';

export const MACROS: readonly string[] = [
  // `a - b` (operators#date_arithmetics_operators): DATE - DATE is an INTERVAL of days in BigQuery
  // (a count of days in DuckDB); DATETIME - DATETIME and TIMESTAMP - TIMESTAMP an INTERVAL of
  // microseconds only ('0-0 0 36:34:56.789', where DuckDB carries whole days: '1 day 12:34:56.789').
  'CREATE OR REPLACE TEMP MACRO pf_minus(a DATE, b DATE) AS TO_DAYS(CAST(a - b AS INTEGER)), ' +
    '(a TIMESTAMP, b TIMESTAMP) AS TO_MICROSECONDS(EPOCH_US(a) - EPOCH_US(b)), ' +
    '(a TIMESTAMPTZ, b TIMESTAMPTZ) AS TO_MICROSECONDS(EPOCH_US(a) - EPOCH_US(b)), ' +
    '(a, b) AS a - b',
  // CAST(STRING AS INTERVAL) (conversion_functions#cast_as_interval): BigQuery's text forms (udfs/interval.ts).
  'CREATE OR REPLACE TEMP MACRO pf_cast_interval(a VARCHAR) AS CAST(pf_interval_from_text(a) AS INTERVAL), (a) AS CAST(a AS INTERVAL)',
  'CREATE OR REPLACE TEMP MACRO pf_try_cast_interval(a VARCHAR) AS CAST(pf_interval_from_text_or_null(a) AS INTERVAL), (a) AS TRY_CAST(a AS INTERVAL)',
  // CAST(INTERVAL AS STRING): BigQuery's canonical 'Y-M D H:M:S[.F]' (NULL for any other type: the caller's CASE picks it for intervals only).
  "CREATE OR REPLACE TEMP MACRO pf_interval_string(a INTERVAL) AS pf_interval_text(DATEPART('year', a) * 12 + DATEPART('month', a), DATEPART('day', a), " +
    "DATEPART('hour', a) * 3600000000 + DATEPART('minute', a) * 60000000 + DATEPART('microseconds', a)), (a) AS CAST(NULL AS VARCHAR)",
  // EXTRACT(MILLISECOND | MICROSECOND FROM x) (interval_functions#extract, date/time functions): the
  // fraction of the second only, of an INTERVAL as of a TIMESTAMP; DuckDB's counts the seconds too (6789 for 6.789 seconds).
  "CREATE OR REPLACE TEMP MACRO pf_extract_millisecond(a INTERVAL) AS DATEPART('millisecond', a) % 1000, (a) AS EXTRACT(MILLISECOND FROM a) % 1000",
  "CREATE OR REPLACE TEMP MACRO pf_extract_microsecond(a INTERVAL) AS DATEPART('microsecond', a) % 1000000, (a) AS EXTRACT(MICROSECOND FROM a) % 1000000",
  // CAST(STRING AS BIGNUMERIC) (conversion_functions#cast_bignumeric): exact, or refused beyond DECIMAL(38, 18) (udfs/numeric.ts).
  'CREATE OR REPLACE TEMP MACRO pf_cast_bignumeric_value(a VARCHAR) AS CAST(pf_cast_bignumeric(a) AS DECIMAL(38, 18)), (a) AS CAST(a AS DECIMAL(38, 18))',
  'CREATE OR REPLACE TEMP MACRO pf_try_cast_bignumeric_value(a VARCHAR) AS CAST(pf_cast_bignumeric_or_null(a) AS DECIMAL(38, 18)), (a) AS TRY_CAST(a AS DECIMAL(38, 18))',
  // AVG(x) (aggregate_functions#avg): NUMERIC for NUMERIC, exactly (udfs/numeric.ts decimalAverage);
  // FLOAT64 for INT64 and FLOAT64, as DuckDB's AVG. DuckDB cannot tell DECIMAL widths apart in
  // overloads: a BIGNUMERIC average is a NUMERIC (rounded to 9 places), as it was a FLOAT64 before.
  'CREATE OR REPLACE TEMP MACRO pf_avg(x BIGINT) AS AVG(x), (x INTEGER) AS AVG(x), (x DOUBLE) AS AVG(x), ' +
    '(x DECIMAL(38, 9)) AS CAST(pf_decimal_average(CAST(SUM(x) AS VARCHAR), COUNT(x)) AS DECIMAL(38, 9)), (x) AS AVG(x)',
  // PARSE_NUMERIC / PARSE_BIGNUMERIC (conversion_functions#parse_numeric), SAFE. ones NULL for bad text.
  'CREATE OR REPLACE TEMP MACRO pf_parse_numeric_value(a) AS CAST(pf_parse_numeric(a) AS DECIMAL(38, 9))',
  'CREATE OR REPLACE TEMP MACRO pf_safe_parse_numeric_value(a) AS CAST(pf_parse_numeric_or_null(a) AS DECIMAL(38, 9))',
  'CREATE OR REPLACE TEMP MACRO pf_parse_bignumeric_value(a) AS CAST(pf_parse_bignumeric(a) AS DECIMAL(38, 18))',
  'CREATE OR REPLACE TEMP MACRO pf_safe_parse_bignumeric_value(a) AS CAST(pf_parse_bignumeric_or_null(a) AS DECIMAL(38, 18))',
];

/** Creates the macros on one connection (after the functions they call are registered). */
export async function createMacros(conn: DuckDBConnection): Promise<void> {
  for (const sql of MACROS) await conn.run(sql);
}
