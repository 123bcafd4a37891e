// Literals and casts BigQuery reads differently from polyglot/DuckDB (lexical, data-types,
// conversion_functions):
// - \ooo octal escapes in STRING literals (lexical#string_and_bytes_literals): exactly three octal
//   digits, one character (up to \377); polyglot kept '\101' as four characters. Decoded before
//   translation (a quote or backslash is written escaped, a control character as \xHH, which
//   polyglot reads); \4xx and above fail as BigQuery's "Illegal escape sequence". Raw and BYTES
//   literals keep their text (bytes-literals.ts reads BYTES escapes).
// - The RANGE type (data-types#range_type): RANGE<DATE> '[…)' literals have no DuckDB counterpart;
//   refused instead of failing with DuckDB's parser message.
// - CAST / TRY_CAST(x AS BOOLEAN) of a STRING (conversion_functions#cast_as_bool): only 'true' and
//   'false' (any case); DuckDB also read 'yes', '1', 't'. On DuckDB's tokens, the cast branches on
//   TYPEOF (folded when DuckDB binds) into pf_string_to_bool (udfs/casts.ts).
// - CAST(… AS … FORMAT …) (conversion_functions#format_clause_for_cast): polyglot turns it into STRPTIME,
//   right only for a STRING read as DATE, DATETIME or TIMESTAMP with the elements YYYY MM DD HH24
//   MI SS and separators; every other FORMAT clause (to STRING or BYTES, AM/PM, MON, FF, TZH, AT
//   TIME ZONE, …) is refused instead of failing with DuckDB's binder message or reading wrongly.
// - Time zone offsets in TIMESTAMP literals (data-types#time_zones): 'UTC+07:30', 'UTC+0730' and
//   '+5:30' are offsets of 7:30 and 5:30; DuckDB read 'UTC+07:30' as +07 and refused '+5:30'. The
//   literal (and a literal cast to TIMESTAMP) is given the offset as '+07:30'.
// - Named windows defined from other named windows (window-function-calls#def_use_named_window):
//   WINDOW a AS (PARTITION BY x), b AS (a ORDER BY y): DuckDB dropped a's PARTITION BY from b. Each
//   definition of a WINDOW clause is written out in full (its base's specification, then its own).
import { invalidQuery, unimplemented } from '../../errors';
import { unquoteString } from '../ddl';
import { type Token, isKeyword, matchClose, nextSignificant, prevSignificant } from '../tokens';
import { callAt, castParts, stringEscapesDecoded, template } from './calls';

/** The STRING literal token with its \ooo escapes decoded (other escapes untouched). */
export function octalEscapesDecoded(tokens: Token[]): Token[] {
  return stringEscapesDecoded(tokens, /\\[0-7]/, (after) => {
    const oct = /^[0-7]{3}/.exec(after);
    if (!oct) return undefined;
    const code = parseInt(oct[0], 8);
    if (code > 0o377) throw invalidQuery(`Illegal escape sequence: \\${oct[0]}`);
    const ch = String.fromCharCode(code);
    const text = ch === "'" || ch === '"' || ch === '\\' ? `\\${ch}` : code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
    return { text, read: 3 };
  });
}

/** RANGE<T> (a RANGE type or literal) is refused. */
export function rangeTypeRefused(tokens: Token[]): Token[] {
  tokens.forEach((t, i) => {
    if (isKeyword(t, 'RANGE') && tokens[nextSignificant(tokens, i + 1)]?.text === '<') throw unimplemented('The RANGE type');
  });
  return tokens;
}

function castToBoolean(call: { args: Token[][] }): Token[] | undefined {
  const parts = castParts(call);
  return parts && (parts.type === 'BOOLEAN' || parts.type === 'BOOL') ? parts.expr : undefined;
}

/** CAST / TRY_CAST(x AS BOOLEAN) on DuckDB's tokens: a STRING x is read as BigQuery reads it. */
export function boolCastsAsBigQuery(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const fn = ['CAST', 'TRY_CAST'].find((f) => isKeyword(tokens[i], f));
    const call = fn ? callAt(tokens, i, fn) : undefined;
    const expr = call ? castToBoolean(call) : undefined;
    if (!call || !expr) {
      out.push(tokens[i]);
      continue;
    }
    const fromString = fn === 'CAST' ? 'pf_string_to_bool' : 'pf_safe_string_to_bool';
    out.push(...template(`(CASE WHEN TYPEOF(ARG0) <> 'VARCHAR' THEN ${fn}(ARG0 AS BOOLEAN) ELSE ${fromString}(CAST(ARG0 AS VARCHAR)) END)`, boolCastsAsBigQuery(expr)));
    i = call.close;
  }
  return out;
}

/** WINDOW clauses whose definitions name earlier windows get those definitions written out. */
export function namedWindowsResolved(tokens: Token[]): Token[] {
  const out = [...tokens];
  for (let i = 0; i < out.length; i++) {
    if (!isKeyword(out[i], 'WINDOW')) continue;
    const specs = new Map<string, Token[]>();
    let k = nextSignificant(out, i + 1);
    while (out[k]?.kind === 'ident' && isKeyword(out[nextSignificant(out, k + 1)], 'AS')) {
      const name = out[k].text.toUpperCase();
      const at = nextSignificant(out, nextSignificant(out, k + 1) + 1);
      let inner: Token[];
      let end: number;
      if (out[at]?.text === '(') {
        end = matchClose(out, at);
        if (end < 0) return out;
        inner = out.slice(at + 1, end);
        const first = nextSignificant(inner, 0);
        const base = inner[first]?.kind === 'ident' ? specs.get(inner[first].text.toUpperCase()) : undefined;
        if (base) inner = [...base, ...inner.slice(first + 1)];
      } else if (out[at]?.kind === 'ident' && specs.has(out[at].text.toUpperCase())) {
        end = at;
        inner = specs.get(out[at].text.toUpperCase())!;
      } else break;
      specs.set(name, inner);
      out.splice(at, end - at + 1, { kind: 'punct', text: '(' }, ...inner, { kind: 'punct', text: ')' });
      const after = nextSignificant(out, at + inner.length + 2);
      if (out[after]?.text !== ',') break;
      k = nextSignificant(out, after + 1);
    }
  }
  return out;
}

const FORMAT_TARGETS = new Set(['DATE', 'DATETIME', 'TIMESTAMP']);

/** CAST / SAFE_CAST(… FORMAT …) outside the forms read exactly is refused. */
export function castFormatRefused(tokens: Token[]): Token[] {
  tokens.forEach((t, i) => {
    const fn = isKeyword(t, 'CAST') ? 'CAST' : isKeyword(t, 'SAFE_CAST') ? 'SAFE_CAST' : undefined;
    const call = fn ? callAt(tokens, i, fn) : undefined;
    if (!call || call.args.length !== 1) return;
    const arg = call.args[0];
    let depth = 0;
    let as = -1;
    let format = -1;
    arg.forEach((x, k) => {
      if (x.text === '(' || x.text === '[') depth++;
      else if (x.text === ')' || x.text === ']') depth--;
      else if (depth === 0 && isKeyword(x, 'AS') && format < 0) as = k;
      else if (depth === 0 && isKeyword(x, 'FORMAT') && as >= 0) format = k;
    });
    if (format < 0) return;
    const type = arg.slice(as + 1, format).filter((x) => x.kind !== 'ws' && x.kind !== 'comment');
    const rest = arg.slice(format + 1).filter((x) => x.kind !== 'ws' && x.kind !== 'comment');
    const target = type.length === 1 ? type[0].text.toUpperCase() : '';
    const pattern = rest.length === 1 && rest[0].kind === 'string' && !/^[rRbB]/.test(rest[0].text) ? unquoteString(rest[0].text) : undefined;
    if (!FORMAT_TARGETS.has(target) || pattern === undefined || !/^(YYYY|MM|DD|HH24|MI|SS|[-/:., ])*$/.test(pattern)) {
      throw unimplemented(`CAST AS ${target || type.map((x) => x.text).join(' ')} with this FORMAT clause`);
    }
  });
  return tokens;
}

/** A TIMESTAMP literal's text with its UTC±H[H][[:]MM] or ±H:MM offset written ±HH:MM. */
export function timestampOffsetNormalised(text: string): string {
  // Only after a time of day: '2014-12-1' (a one-digit day) has no offset.
  return text.replace(/(\d:\d\d(?::\d\d(?:\.\d+)?)?)(\s*(?:UTC)?)([+-])(\d{1,2})(?::?(\d{2}))?$/i, (whole: string, time: string, utc: string, sign: string, h: string, m: string | undefined) =>
    /UTC/i.test(utc) || h.length === 1 ? `${time}${sign}${h.padStart(2, '0')}:${m ?? '00'}` : whole,
  );
}

/** TIMESTAMP '…' literals and CAST('…' AS TIMESTAMP) of a literal with their offsets normalised. */
export function timestampLiteralOffsets(tokens: Token[]): Token[] {
  const fix = (t: Token): Token => {
    const m = /^(['"])(.*)\1$/s.exec(t.text);
    return m ? { kind: 'string', text: `${m[1]}${timestampOffsetNormalised(m[2])}${m[1]}` } : t;
  };
  return tokens.map((t, i) => {
    if (t.kind !== 'string' || !/^['"]/.test(t.text) || /^('''|""")/.test(t.text)) return t;
    const before = prevSignificant(tokens, i - 1);
    if (isKeyword(tokens[before], 'TIMESTAMP')) return fix(t);
    const as = nextSignificant(tokens, i + 1);
    const type = as >= 0 && isKeyword(tokens[as], 'AS') ? nextSignificant(tokens, as + 1) : -1;
    const cast = tokens[before]?.text === '(' && isKeyword(tokens[prevSignificant(tokens, before - 1)], 'CAST');
    return cast && type >= 0 && isKeyword(tokens[type], 'TIMESTAMP') ? fix(t) : t;
  });
}
