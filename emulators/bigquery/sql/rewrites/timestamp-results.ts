// Date and time functions whose DuckDB translation answered another type or another text than
// BigQuery: polyglot turns TIMESTAMP_MILLIS / TIMESTAMP_MICROS / PARSE_TIMESTAMP /
// GENERATE_TIMESTAMP_ARRAY into DuckDB functions returning TIMESTAMP (BigQuery's DATETIME), drops
// PARSE_TIMESTAMP's and FORMAT_TIMESTAMP's time zone, and passes format strings to DuckDB's
// strftime, whose elements are not all BigQuery's. Marked before translation, expanded after.
import { unimplemented } from '../../errors';
import { unquoteString } from '../ddl';
import { type Token, quoteString } from '../tokens';
import { expandMarks, mapCalls, template } from './calls';

/** A string literal's value, or undefined for anything else. */
function literalText(arg: Token[]): string | undefined {
  return arg.length === 1 && arg[0].kind === 'string' && !/^[bB]|^[rR][bB]/.test(arg[0].text) ? unquoteString(arg[0].text) : undefined;
}

// --- TIMESTAMP_MILLIS / TIMESTAMP_MICROS / PARSE_TIMESTAMP / GENERATE_TIMESTAMP_ARRAY
// (https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions): TIMESTAMPs.
export function timestampResults(tokens: Token[]): Token[] {
  let out = tokens;
  for (const fn of ['TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS']) {
    out = mapCalls(out, fn, (args) => (args.length === 1 ? template(`PF_AS_TIMESTAMPTZ(${fn}(ARG0))`, args[0]) : undefined));
  }
  out = mapCalls(out, 'GENERATE_TIMESTAMP_ARRAY', (args) => (args.length === 3 ? template('PF_TIMESTAMP_SERIES(ARG0, ARG1, ARG2)', ...args) : undefined));
  return mapCalls(out, 'PARSE_TIMESTAMP', (args) => {
    if (args.length === 2) return template('PF_AS_TIMESTAMPTZ(PARSE_TIMESTAMP(ARG0, ARG1))', ...args);
    if (args.length !== 3) return undefined;
    // The civil time parsed, then placed in the zone; a pattern that carries its own offset is not.
    const pattern = literalText(args[0]);
    if (pattern === undefined || /%(E?z|Z|s)/.test(pattern)) throw unimplemented('PARSE_TIMESTAMP with a time zone and a pattern that is not a literal or holds %z, %Z or %s');
    return template('PF_TIMESTAMP_IN_ZONE(PARSE_DATETIME(ARG0, ARG1), ARG2)', ...args);
  });
}

// --- FORMAT_TIMESTAMP / FORMAT_DATETIME / FORMAT_DATE (https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements#format_elements_date_time)
// The pattern is rewritten into DuckDB strftime's elements where both mean the same text; any other
// element answers 501 naming it (DuckDB's %c, %e, %z… write other text than BigQuery's).
const SAME = new Set(['A', 'a', 'B', 'b', 'd', 'H', 'I', 'j', 'M', 'm', 'p', 'S', 'U', 'W', 'w', 'Y', 'y', '%']);
const SPELLED: Record<string, string> = { F: '%Y-%m-%d', T: '%H:%M:%S', D: '%m/%d/%y', R: '%H:%M', h: '%b', E4Y: '%Y', E3S: '%S.%g', E6S: '%S.%f' };
/** Elements naming the zone, for a TIMESTAMP formatted in UTC (no time zone argument). */
const UTC_ZONE: Record<string, string> = { z: '+0000', Ez: '+00:00', Z: 'UTC' };

export function strftimePattern(fn: string, pattern: string, utc: boolean): string {
  return pattern.replace(/%(E4Y|E\dS|E\*S|Ez|.?)/g, (whole, el: string) => {
    if (SAME.has(el)) return whole;
    if (SPELLED[el] !== undefined) return SPELLED[el];
    if (utc && UTC_ZONE[el] !== undefined) return UTC_ZONE[el];
    throw unimplemented(`${fn} format element %${el}${utc ? '' : ' with a time zone'}`);
  });
}

export function formatPatterns(tokens: Token[]): Token[] {
  let out = tokens;
  for (const fn of ['FORMAT_TIMESTAMP', 'FORMAT_DATETIME', 'FORMAT_DATE']) {
    out = mapCalls(out, fn, (args) => {
      if (args.length < 2) return undefined;
      const pattern = literalText(args[0]);
      if (pattern === undefined) throw unimplemented(`${fn} with a pattern that is not a string literal`);
      const utc = fn === 'FORMAT_TIMESTAMP' && args.length === 2;
      const literal: Token[] = [{ kind: 'string', text: quoteString(strftimePattern(fn, pattern, utc)) }];
      if (fn === 'FORMAT_TIMESTAMP' && args.length === 3) return template('PF_FORMAT_TIMESTAMP_IN_ZONE(ARG0, ARG1, ARG2)', literal, args[1], args[2]);
      if (args.length !== 2) throw unimplemented(`${fn} with a time zone`);
      return template(`${fn}(ARG0, ARG1)`, literal, args[1]);
    });
  }
  return out;
}

// --- PARSE_TIME (https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#parse_time)
export function parseTime(tokens: Token[]): Token[] {
  return mapCalls(tokens, 'PARSE_TIME', (args) => (args.length === 2 ? template('PF_PARSE_TIME(ARG0, ARG1)', ...args) : undefined));
}

const EXPANSIONS: Record<string, string> = {
  PF_AS_TIMESTAMPTZ: 'CAST(ARG0 AS TIMESTAMPTZ)',
  PF_TIMESTAMP_SERIES: 'GENERATE_SERIES(CAST(ARG0 AS TIMESTAMPTZ), CAST(ARG1 AS TIMESTAMPTZ), ARG2)',
  PF_TIMESTAMP_IN_ZONE: 'TIMEZONE(ARG1, CAST(ARG0 AS TIMESTAMP))',
  PF_FORMAT_TIMESTAMP_IN_ZONE: 'STRFTIME(TIMEZONE(ARG2, CAST(ARG1 AS TIMESTAMPTZ)), ARG0)',
  PF_PARSE_TIME: 'CAST(STRPTIME(ARG1, ARG0) AS TIME)',
};

export function expandTimestampResults(tokens: Token[]): Token[] {
  return expandMarks(tokens, EXPANSIONS);
}
