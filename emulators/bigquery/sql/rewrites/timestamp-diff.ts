// TIMESTAMP_DIFF counts whole elapsed parts (truncating: 18:30 to 11:10 four days later is 112
// hours), but polyglot maps it to DuckDB's date_diff, which counts part boundaries (113). For the
// fixed-length parts it becomes a truncating division of the microseconds between the two.
import { type Token, join } from '../tokens';
import { callAt, template } from './calls';

const MICROS: Record<string, string> = {
  MICROSECOND: '1',
  MILLISECOND: '1000',
  SECOND: '1000000',
  MINUTE: '60000000',
  HOUR: '3600000000',
  DAY: '86400000000',
};

export function timestampDiffTruncates(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = callAt(tokens, i, 'TIMESTAMP_DIFF');
    const partText = call?.args.length === 3 ? join(call.args[2]).replace(/\s+/g, '').toUpperCase() : '';
    // By WEEK, WEEK(<day>) or ISOWEEK (DATETIME arguments): counted on the dates as DATETIME_DIFF does.
    if (call && /^(WEEK(\((SUNDAY|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY)\))?|ISOWEEK)$/.test(partText)) {
      out.push(...template('PF_TIMESTAMP_DIFF_WEEK(ARG0, DATE_DIFF(DATE(DATETIME(ARG0)), DATE(DATETIME(ARG1)), ARG2))', call.args[0], call.args[1], call.args[2]));
      i = call.close;
      continue;
    }
    const part = call?.args.length === 3 && call.args[2].length === 1 ? MICROS[call.args[2][0].text.toUpperCase()] : undefined;
    if (!call || !part) {
      out.push(tokens[i]);
      continue;
    }
    out.push(...template(`DIV((UNIX_MICROS(ARG0) - UNIX_MICROS(ARG1)), ${part})`, call.args[0], call.args[1]));
    i = call.close;
  }
  return out;
}
