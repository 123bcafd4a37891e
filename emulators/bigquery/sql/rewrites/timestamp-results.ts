// Date and time functions whose DuckDB translation answered another type or another text than
// BigQuery: polyglot turns TIMESTAMP_MILLIS / TIMESTAMP_MICROS / GENERATE_TIMESTAMP_ARRAY into
// DuckDB functions returning TIMESTAMP (BigQuery's DATETIME), and passes FORMAT_* / PARSE_*
// patterns to DuckDB's strftime / strptime, whose elements are not BigQuery's. FORMAT_* and PARSE_*
// become calls of the TypeScript functions in udfs/datetime-format.ts (every documented element,
// any time zone), given the value as microseconds since the epoch. Marked before translation,
// expanded after.
import { unimplemented } from '../../errors';
import { type Token } from '../tokens';
import { expandMarks, mapCalls, template } from './calls';

const WEEK_DIFF_REFUSED = unimplemented('TIMESTAMP_DIFF of TIMESTAMP values by WEEK, ISOWEEK, MONTH, QUARTER or YEAR').message;
const UTC: Token[] = [{ kind: 'string', text: "'UTC'" }];

// --- TIMESTAMP_MILLIS / TIMESTAMP_MICROS / GENERATE_TIMESTAMP_ARRAY
// (https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions): TIMESTAMPs.
// PARSE_TIMESTAMP / PARSE_DATETIME / PARSE_DATE (#parse_timestamp, datetime_functions#parse_datetime,
// date_functions#parse_date): BigQuery's parser (udfs/datetime-format.ts).
export function timestampResults(tokens: Token[]): Token[] {
  let out = tokens;
  for (const fn of ['TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS']) {
    out = mapCalls(out, fn, (args) => (args.length === 1 ? template(`PF_AS_TIMESTAMPTZ(${fn}(ARG0))`, args[0]) : undefined));
  }
  out = mapCalls(out, 'GENERATE_TIMESTAMP_ARRAY', (args) => (args.length === 3 ? template('PF_TIMESTAMP_SERIES(ARG0, ARG1, ARG2)', ...args) : undefined));
  out = mapCalls(out, 'PARSE_TIMESTAMP', (args) => (args.length === 2 || args.length === 3 ? template('PF_PARSE_TS(ARG0, ARG1, ARG2)', args[0], args[1], args[2] ?? UTC) : undefined));
  out = mapCalls(out, 'PARSE_DATETIME', (args) => (args.length === 2 ? template('PF_PARSE_DATETIME(ARG0, ARG1)', ...args) : undefined));
  return mapCalls(out, 'PARSE_DATE', (args) => (args.length === 2 ? template('PF_PARSE_DATE(ARG0, ARG1)', ...args) : undefined));
}

// --- FORMAT_TIMESTAMP / FORMAT_DATETIME / FORMAT_DATE / FORMAT_TIME (https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements#format_elements_date_time)
export function formatPatterns(tokens: Token[]): Token[] {
  let out = mapCalls(tokens, 'FORMAT_TIMESTAMP', (args) => (args.length === 2 || args.length === 3 ? template('PF_FORMAT_TS(ARG0, ARG1, ARG2)', args[0], args[1], args[2] ?? UTC) : undefined));
  for (const fn of ['FORMAT_DATETIME', 'FORMAT_DATE', 'FORMAT_TIME']) {
    out = mapCalls(out, fn, (args) => (args.length === 2 ? template(`PF_${fn}(ARG0, ARG1)`, args[0], args[1]) : undefined));
  }
  return out;
}

// --- PARSE_TIME (https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#parse_time)
export function parseTime(tokens: Token[]): Token[] {
  return mapCalls(tokens, 'PARSE_TIME', (args) => (args.length === 2 ? template('PF_PARSE_TIME_OF_DAY(ARG0, ARG1)', ...args) : undefined));
}

const EXPANSIONS: Record<string, string> = {
  PF_AS_TIMESTAMPTZ: 'CAST(ARG0 AS TIMESTAMPTZ)',
  PF_TIMESTAMP_SERIES: 'GENERATE_SERIES(CAST(ARG0 AS TIMESTAMPTZ), CAST(ARG1 AS TIMESTAMPTZ), ARG2)',
  PF_FORMAT_TS: 'pf_format_timestamp(ARG0, EPOCH_US(CAST(ARG1 AS TIMESTAMPTZ)), ARG2)',
  PF_FORMAT_DATETIME: "pf_format_civil(ARG0, EPOCH_US(CAST(ARG1 AS TIMESTAMP)), 'DATETIME')",
  PF_FORMAT_DATE: "pf_format_civil(ARG0, EPOCH_US(CAST(CAST(ARG1 AS DATE) AS TIMESTAMP)), 'DATE')",
  PF_FORMAT_TIME: "pf_format_civil(ARG0, EPOCH_US(DATE '1970-01-01' + CAST(ARG1 AS TIME)), 'TIME')",
  // STRING(timestamp, time_zone) (timestamp_functions#string).
  PF_TIMESTAMP_STRING: 'pf_timestamp_string(EPOCH_US(CAST(ARG0 AS TIMESTAMPTZ)), ARG1)',
  // TIMESTAMP_TRUNC by WEEK, WEEK(<day>), ISOWEEK or ISOYEAR in a time zone (timestamp_functions#timestamp_trunc).
  PF_TIMESTAMP_TRUNC_WEEK: "TIMEZONE('UTC', MAKE_TIMESTAMP(pf_timestamp_trunc_week(EPOCH_US(CAST(ARG0 AS TIMESTAMPTZ)), ARG2, ARG1)))",
  // TIMESTAMP_DIFF by a week part: of DATETIMEs, DATETIME_DIFF's count; TIMESTAMPs BigQuery refuses.
  PF_TIMESTAMP_DIFF_WEEK: `(CASE WHEN TYPEOF(ARG0) = 'TIMESTAMP WITH TIME ZONE' THEN CAST(CAST('${WEEK_DIFF_REFUSED}' AS INTEGER) AS BIGINT) ELSE ARG1 END)`,
  PF_PARSE_TS: "TIMEZONE('UTC', MAKE_TIMESTAMP(pf_parse_timestamp(ARG0, ARG1, ARG2)))",
  PF_PARSE_DATETIME: "MAKE_TIMESTAMP(pf_parse_civil(ARG0, ARG1, 'DATETIME'))",
  PF_PARSE_DATE: "CAST(MAKE_TIMESTAMP(pf_parse_civil(ARG0, ARG1, 'DATE')) AS DATE)",
  PF_PARSE_TIME_OF_DAY: "CAST(MAKE_TIMESTAMP(pf_parse_civil(ARG0, ARG1, 'TIME')) AS TIME)",
};

export function expandTimestampResults(tokens: Token[]): Token[] {
  return expandMarks(tokens, EXPANSIONS);
}
