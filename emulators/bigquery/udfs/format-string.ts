// FORMAT (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#format_string)
// for the patterns DuckDB's printf cannot write: %t and %T (any type, written as BigQuery writes a
// value or a literal of it) and the ' flag of %d. Each argument arrives as its DuckDB type (TYPEOF)
// and its value as JSON text (TO_JSON), so nested ARRAYs and STRUCTs keep their leaves' types.
import { FunctionError, type JsFunction } from './register';
import { timestampString } from './datetime-format';
import { formatInterval } from './interval';

const refuse = (what: string): FunctionError => new FunctionError(`${what} is not supported by the BigQuery emulator`);

// --- A DuckDB type name, read into a tree.
export type TypeTree = { kind: 'scalar'; name: string } | { kind: 'array'; element: TypeTree } | { kind: 'struct'; fields: { name: string; type: TypeTree }[] };

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(s.slice(start, k).trim());
      start = k + 1;
    }
  }
  parts.push(s.slice(start).trim());
  return parts;
}

export function parseType(type: string): TypeTree {
  const t = type.trim();
  if (t.endsWith('[]')) return { kind: 'array', element: parseType(t.slice(0, -2)) };
  const struct = /^STRUCT\((.*)\)$/s.exec(t);
  if (struct) {
    return {
      kind: 'struct',
      fields: splitTopLevel(struct[1]).map((f) => {
        const m = /^("(?:[^"]|"")*"|\S+)\s+(.*)$/s.exec(f);
        if (!m) throw refuse(`FORMAT of a value of type ${type}`);
        return { name: m[1], type: parseType(m[2]) };
      }),
    };
  }
  return { kind: 'scalar', name: t.toUpperCase() };
}

// --- JSON with numbers kept as their text.
type Json = null | boolean | string | { num: string } | Json[] | { obj: [string, Json][] };

export function parseJson(text: string): Json {
  let i = 0;
  const ws = (): void => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const value = (): Json => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const obj: [string, Json][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { obj };
      }
      for (;;) {
        ws();
        const key = value() as string;
        ws();
        i++; // ':'
        obj.push([key, value()]);
        ws();
        if (text[i++] === '}') return { obj };
      }
    }
    if (ch === '[') {
      i++;
      const arr: Json[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i++] === ']') return arr;
      }
    }
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, end + 1)) as string;
      i = end + 1;
      return s;
    }
    const m = /^(true|false|null|-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|NaN|Infinity|-Infinity))/.exec(text.slice(i));
    if (!m) throw refuse('FORMAT of this value');
    i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : { num: m[0] };
  };
  return value();
}

// --- Values as BigQuery writes them.
const INT_TYPES = /^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/;
const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const hex2 = (c: number): string => `\\x${c.toString(16).padStart(2, '0')}`;

/** A STRING literal: double quotes, unless the text holds " and no '; C escapes, other controls as \xNN. */
export function stringLiteral(s: string): string {
  const q = s.includes('"') && !s.includes("'") ? "'" : '"';
  let out = q;
  let lastHex = false;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    let hex = false;
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${ch}`;
    else if (c < 0x80 && (!isPrint(c) || (lastHex && /[0-9a-fA-F]/.test(ch)))) {
      out += hex2(c);
      hex = true;
    } else out += ch;
    lastHex = hex;
  }
  return out + q;
}

/** BYTES from DuckDB's \xNN-escaped text. */
function bytesOf(escaped: string): number[] {
  const bytes: number[] = [];
  for (let k = 0; k < escaped.length; k++) {
    if (escaped[k] === '\\' && escaped[k + 1] === 'x') {
      bytes.push(parseInt(escaped.slice(k + 2, k + 4), 16));
      k += 3;
    } else bytes.push(escaped.charCodeAt(k));
  }
  return bytes;
}

/** BYTES escaped as BigQuery does: unprintable bytes (\n too) as \xNN; \\; the quote (all quotes without one). */
function bytesText(bytes: number[], q: string): string {
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (!isPrint(b)) out += hex2(b);
    else if (ch === '\\') out += '\\\\';
    else if ((ch === "'" || ch === '"' || ch === '`') && (q === '' || ch === q)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function microsOfTimestamp(text: string): bigint {
  const m = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(\+00(?::00)?)?$/.exec(text);
  if (!m) throw refuse(`FORMAT of the TIMESTAMP ${text}`);
  const ms = Date.UTC(2000, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const d = new Date(ms);
  d.setUTCFullYear(Number(m[1]));
  return BigInt(d.getTime()) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0').slice(0, 6) || '0');
}

/** A DATETIME's or TIME's seconds with 0, 3 or 6 fraction digits, as BigQuery writes them. */
function civilText(text: string): string {
  const m = /^(.*?)(?:\.(\d+))?$/.exec(text)!;
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  if (/^0*$/.test(frac)) return m[1];
  return `${m[1]}.${frac.endsWith('000') ? frac.slice(0, 3) : frac}`;
}

function floatText(num: string, literal: boolean): string {
  if (num === 'NaN') return literal ? 'CAST("nan" AS FLOAT64)' : 'nan';
  if (num === 'Infinity') return literal ? 'CAST("inf" AS FLOAT64)' : 'inf';
  if (num === '-Infinity') return literal ? 'CAST("-inf" AS FLOAT64)' : '-inf';
  const x = Number(num);
  if (x !== 0 && (Math.abs(x) >= 1e15 || Math.abs(x) < 1e-4)) throw refuse('FORMAT %t / %T of a FLOAT64 this large or small');
  const s = String(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** A JSON value as BigQuery writes it: compact, object keys sorted (bytewise), numbers as read. */
function jsonText(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if ('num' in v) {
    // DuckDB writes numbers again after reading them; only those BigQuery writes the same way pass.
    const simple = /^-?\d{1,15}(\.\d+)?$/.test(v.num) && (!v.num.includes('.') || Number(v.num) === 0 || Math.abs(Number(v.num)) >= 1e-4);
    if (!simple || (v.num.includes('.') && String(Number(v.num)) !== v.num.replace(/\.0$/, ''))) throw refuse('FORMAT %t / %T of a JSON number like ' + v.num);
    return v.num;
  }
  const entries = [...v.obj].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
}

/** DuckDB's interval text ('1 year 2 months 3 days 04:05:06.789', '-3 days -00:00:01') as BigQuery's. */
function intervalText(text: string): string {
  let months = 0n;
  let days = 0n;
  let micros = 0n;
  for (const part of text.trim().split(/\s+(?=[-\d])/)) {
    const unit = /^(-?\d+) (years?|mons?|months?|days?)$/.exec(part);
    const time = /^(-?)(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(part);
    if (unit) {
      const n = BigInt(unit[1]);
      if (unit[2].startsWith('year')) months += 12n * n;
      else if (unit[2].startsWith('mon')) months += n;
      else days += n;
    } else if (time) {
      const us = ((BigInt(time[2]) * 60n + BigInt(time[3])) * 60n + BigInt(time[4])) * 1_000_000n + BigInt((time[5] ?? '').padEnd(6, '0') || '0');
      micros += time[1] === '-' ? -us : us;
    } else throw refuse(`FORMAT of the INTERVAL ${text}`);
  }
  return formatInterval({ months, days, micros });
}

export function valueText(type: TypeTree, v: Json, literal: boolean): string {
  if (v === null) return 'NULL';
  if (type.kind === 'array') return `[${(v as Json[]).map((e) => valueText(type.element, e, literal)).join(', ')}]`;
  if (type.kind === 'struct') {
    const values = (v as { obj: [string, Json][] }).obj;
    const fields = `(${type.fields.map((f, k) => valueText(f.type, values[k][1], literal)).join(', ')})`;
    return literal && type.fields.length <= 1 ? `STRUCT${fields}` : fields;
  }
  const name = type.name;
  if (name === 'VARCHAR') return literal ? stringLiteral(v as string) : (v as string);
  if (name === 'BLOB') {
    const bytes = bytesOf(v as string);
    const q = bytes.includes(34) && !bytes.includes(39) ? "'" : '"';
    return literal ? `b${q}${bytesText(bytes, q)}${q}` : bytesText(bytes, '');
  }
  if (name === 'BOOLEAN') return String(v);
  if (INT_TYPES.test(name)) return (v as { num: string }).num;
  if (name === 'DOUBLE' || name === 'FLOAT') return floatText((v as { num: string }).num, literal);
  if (name.startsWith('DECIMAL')) {
    const num = (v as { num: string }).num.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    // As schema.ts names the type: NUMERIC up to scale 9 and 29 integer digits, else BIGNUMERIC.
    const [width, scale] = (/^DECIMAL\((\d+),\s*(\d+)\)$/.exec(name) ?? ['', '38', '9']).slice(1).map(Number);
    const kind = scale <= 9 && width - scale <= 29 ? 'NUMERIC' : 'BIGNUMERIC';
    if (/e/i.test(num)) throw refuse('FORMAT of a NUMERIC in exponent form');
    return literal ? `${kind} "${num}"` : num;
  }
  if (name === 'DATE') return literal ? `DATE "${v as string}"` : (v as string);
  if (name === 'TIME') return literal ? `TIME "${civilText(v as string)}"` : civilText(v as string);
  if (name === 'TIMESTAMP') return literal ? `DATETIME "${civilText(v as string)}"` : civilText(v as string);
  if (name === 'TIMESTAMP WITH TIME ZONE') {
    const s = timestampString(microsOfTimestamp(v as string));
    return literal ? `TIMESTAMP "${s}"` : s;
  }
  if (name === 'JSON') {
    const text = jsonText(v);
    return literal ? `JSON ${stringLiteral(text)}` : text;
  }
  if (name === 'INTERVAL') return literal ? `INTERVAL "${intervalText(v as string)}" YEAR TO SECOND` : intervalText(v as string);
  throw refuse(`FORMAT %t / %T of a ${name} value`);
}

// --- The pattern.
const SPEC = /%([-+ #0']*)(\d*)(?:\.(\d+))?([a-zA-Z%]?)/g;

/** Whether DuckDB's printf cannot write the pattern (this module does). */
export function needsJsFormat(pattern: string): boolean {
  for (const m of pattern.matchAll(SPEC)) if (m[4] === 't' || m[4] === 'T' || m[1].includes("'")) return true;
  return false;
}

function pad(text: string, flags: string, width: string, zeroable: boolean): string {
  const w = Number(width || '0');
  if (text.length >= w) return text;
  if (flags.includes('-')) return text.padEnd(w, ' ');
  if (flags.includes('0') && zeroable) {
    const sign = /^[-+ ]/.test(text) ? text[0] : '';
    return sign + text.slice(sign.length).padStart(w - sign.length, '0');
  }
  return text.padStart(w, ' ');
}

/** FORMAT(pattern, args…): `args` holds each argument's DuckDB type and TO_JSON text, in turn. */
export function formatString(pattern: string, args: readonly (string | null)[]): string | null {
  let next = 0;
  let nullArgument = false;
  const text = pattern.replace(SPEC, (whole, flags: string, width: string, precision: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (next * 2 >= args.length) throw new FunctionError('Too few arguments to FORMAT for pattern ' + JSON.stringify(pattern));
    const type = parseType(args[next * 2] ?? 'VARCHAR');
    const json = args[next * 2 + 1];
    next++;
    const v = json === null ? null : parseJson(json);
    if (conv === 't' || conv === 'T') {
      if (precision !== undefined) throw refuse(`FORMAT specifier ${whole}`);
      return pad(valueText(type, v, conv === 'T'), flags, width, false);
    }
    if (v === null) {
      nullArgument = true; // NULL for any specifier but %t and %T makes the result NULL
      return '';
    }
    if (conv === 's' && type.kind === 'scalar' && type.name === 'VARCHAR' && precision === undefined && !flags.includes("'")) return pad(v as string, flags, width, false);
    if ((conv === 'd' || conv === 'i') && type.kind === 'scalar' && INT_TYPES.test(type.name) && precision === undefined) {
      let digits = (v as { num: string }).num;
      const sign = digits.startsWith('-') ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      digits = digits.replace(/^-/, '');
      if (flags.includes("'")) digits = digits.replace(/\B(?=(\d{3})+$)/g, ',');
      return pad(sign + digits, flags, width, !flags.includes("'"));
    }
    throw refuse(`FORMAT specifier ${whole} together with %t, %T or the ' flag`);
  });
  return nullArgument ? null : text;
}

export const FORMAT_STRING_FUNCTIONS: JsFunction[] = [
  { name: 'pf_format_string', parameters: ['string', 'strings'], returns: 'string', call: (p: string, args: (string | null)[]) => formatString(p, args) },
];
