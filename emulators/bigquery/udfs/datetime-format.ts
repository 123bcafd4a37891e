// FORMAT_TIMESTAMP / FORMAT_DATETIME / FORMAT_DATE / FORMAT_TIME and PARSE_TIMESTAMP /
// PARSE_DATETIME / PARSE_DATE / PARSE_TIME with BigQuery's format elements
// (https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements#format_elements_date_time).
// Values travel as microseconds since 1970-01-01 00:00:00: a TIMESTAMP's instant, or a civil
// DATETIME / DATE / TIME read as if in UTC (a TIME on 1970-01-01). Time zones are IANA names
// (through Intl, no network) or fixed offsets like "+08", "-5:30", "UTC+3".
import { FunctionError, type JsFunction } from './register';

export type CivilKind = 'TIMESTAMP' | 'DATETIME' | 'DATE' | 'TIME';

const US_PER_SECOND = 1_000_000n;
const US_PER_DAY = 86_400_000_000n;
/** 0001-01-01 00:00:00 and 9999-12-31 23:59:59.999999 UTC, in microseconds. */
const MIN_US = -62_135_596_800_000_000n;
const MAX_US = 253_402_300_799_999_999n;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number; // 0-999999
}

// --- Civil calendar arithmetic (proleptic Gregorian, as BigQuery).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function civilFromMicros(us: bigint): Civil {
  const days = floorDiv(us, US_PER_DAY);
  const rest = Number(us - days * US_PER_DAY);
  const secs = Math.floor(rest / 1e6);
  return { ...civilFromDays(Number(days)), hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60, micros: rest % 1e6 };
}

export function microsFromCivil(c: Civil): bigint {
  const secs = daysFromCivil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
  return BigInt(secs) * US_PER_SECOND + BigInt(c.micros);
}

/** Weeks in an ISO year: 53 when it starts on a Thursday, or on a Wednesday in a leap year. */
function isoWeeksIn(isoYear: number): number {
  const p = (y: number): number => (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) % 7;
  return p(isoYear) === 4 || p(isoYear - 1) === 3 ? 53 : 52;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

// --- Time zones.
type Zone = { fixed: number } | { iana: string; format: Intl.DateTimeFormat };
const zones = new Map<string, Zone>();

/** A time zone argument: a fixed offset in seconds, or an IANA name; anything else fails as BigQuery does. */
export function zoneOf(name: string): Zone {
  const known = zones.get(name);
  if (known) return known;
  let zone: Zone;
  const fixed = /^(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(name);
  if (fixed) {
    const seconds = (Number(fixed[2]) * 60 + Number(fixed[3] ?? '0')) * 60;
    if (Number(fixed[2]) > 14 || Number(fixed[3] ?? '0') > 59 || seconds > 14 * 3600) throw new FunctionError(`Invalid time zone: ${name}`);
    zone = { fixed: fixed[1] === '-' ? -seconds : seconds };
  } else if (/^(UTC|Z)$/i.test(name)) {
    zone = { fixed: 0 };
  } else {
    try {
      const format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
      zone = { iana: name, format };
    } catch {
      throw new FunctionError(`Invalid time zone: ${name}`);
    }
  }
  if (zones.size > 1000) zones.clear();
  zones.set(name, zone);
  return zone;
}

/** The zone's UTC offset in seconds at the instant (whole seconds since the epoch). */
export function offsetAt(zone: Zone, epochSeconds: number): number {
  if ('fixed' in zone) return zone.fixed;
  const parts: Record<string, string> = {};
  for (const p of zone.format.formatToParts(new Date(epochSeconds * 1000))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const local = daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 + Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
  return local - epochSeconds;
}

/** The instant of a civil time in the zone; a skipped or repeated time takes the offset before the transition. */
function instantOf(zone: Zone, localSeconds: number): number {
  if ('fixed' in zone) return localSeconds - zone.fixed;
  const before = offsetAt(zone, localSeconds - 86400);
  const after = offsetAt(zone, localSeconds + 86400);
  if (offsetAt(zone, localSeconds - before) === before) return localSeconds - before;
  if (offsetAt(zone, localSeconds - after) === after) return localSeconds - after;
  return localSeconds - before;
}

// --- Formatting.
const pad = (n: number, width: number, fill = '0'): string => {
  const s = String(Math.abs(n)).padStart(width, fill);
  return n < 0 ? `-${s}` : s;
};

/** Elements each type writes as the two characters themselves (BigQuery's sanitizing of formats). */
const LITERAL_FOR: Record<Exclude<CivilKind, 'TIMESTAMP'>, string> = {
  DATE: 'cHIklMPpRrSsTXZz',
  TIME: 'AaBbhCcDdeFGgjmQsUuVWwxYyZz',
  DATETIME: 'Zz',
};

interface Moment extends Civil {
  weekday: number; // 0 = Sunday
  yearDay: number; // 1-366
  offset: number; // seconds east of UTC, whole minutes
  epochSeconds: bigint;
}

function isoWeek(m: Moment): { year: number; week: number } {
  const wday = (m.weekday + 6) % 7; // Monday = 0
  const thursday = daysFromCivil(m.year, m.month, m.day) - wday + 3;
  const year = civilFromDays(thursday).year;
  return { year, week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1 };
}

function fraction(micros: number, digits: number): string {
  if (digits === 0) return '';
  const six = pad(micros, 6);
  return `.${digits <= 6 ? six.slice(0, digits) : six + '0'.repeat(digits - 6)}`;
}

function offsetText(offset: number, colon: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  return `${sign}${pad(Math.floor(minutes / 60), 2)}${colon ? ':' : ''}${pad(minutes % 60, 2)}`;
}

/** %Z as BigQuery writes it: UTC, UTC+8, UTC-0530. */
function zoneText(offset: number): string {
  if (offset === 0) return 'UTC';
  const minutes = Math.abs(offset) / 60;
  const h = Math.floor(minutes / 60);
  return `UTC${offset < 0 ? '-' : '+'}${minutes % 60 === 0 ? String(h) : pad(h, 2) + pad(minutes % 60, 2)}`;
}

function element(el: string, m: Moment, fn: string): string {
  const hour12 = m.hour % 12 === 0 ? 12 : m.hour % 12;
  switch (el) {
    case 'A': return DAYS[m.weekday];
    case 'a': return DAYS[m.weekday].slice(0, 3);
    case 'B': return MONTHS[m.month - 1];
    case 'b': case 'h': return MONTHS[m.month - 1].slice(0, 3);
    case 'C': case 'EC': return pad(Math.floor(m.year / 100), 2);
    case 'c': case 'Ec': return `${element('a', m, fn)} ${element('b', m, fn)} ${element('e', m, fn)} ${element('T', m, fn)} ${m.year}`;
    case 'D': return `${pad(m.month, 2)}/${pad(m.day, 2)}/${pad(m.year % 100, 2)}`;
    case 'd': case 'Od': return pad(m.day, 2);
    case 'e': case 'Oe': return pad(m.day, 2, ' ');
    case 'F': return `${m.year}-${pad(m.month, 2)}-${pad(m.day, 2)}`;
    case 'G': return String(isoWeek(m).year);
    case 'g': return pad(isoWeek(m).year % 100, 2);
    case 'H': case 'OH': return pad(m.hour, 2);
    case 'I': case 'OI': return pad(hour12, 2);
    case 'j': return pad(m.yearDay, 3);
    case 'k': return pad(m.hour, 2, ' ');
    case 'l': return pad(hour12, 2, ' ');
    case 'M': case 'OM': return pad(m.minute, 2);
    case 'm': case 'Om': return pad(m.month, 2);
    case 'n': return '\n';
    case 'P': return m.hour < 12 ? 'am' : 'pm';
    case 'p': return m.hour < 12 ? 'AM' : 'PM';
    case 'Q': return String(Math.floor((m.month - 1) / 3) + 1);
    case 'R': return `${pad(m.hour, 2)}:${pad(m.minute, 2)}`;
    case 'r': return `${pad(hour12, 2)}:${pad(m.minute, 2)}:${pad(m.second, 2)} ${element('p', m, fn)}`;
    case 'S': case 'OS': return pad(m.second, 2);
    case 's': return String(m.epochSeconds);
    case 'T': case 'X': case 'EX': return `${pad(m.hour, 2)}:${pad(m.minute, 2)}:${pad(m.second, 2)}`;
    case 't': return '\t';
    case 'U': case 'OU': return pad(Math.floor((m.yearDay + 6 - m.weekday) / 7), 2);
    case 'u': case 'Ou': return String(m.weekday === 0 ? 7 : m.weekday);
    case 'V': case 'OV': return pad(isoWeek(m).week, 2);
    case 'W': case 'OW': return pad(Math.floor((m.yearDay + 6 - ((m.weekday + 6) % 7)) / 7), 2);
    case 'w': case 'Ow': return String(m.weekday);
    case 'x': case 'Ex': return element('D', m, fn);
    case 'Y': case 'EY': return String(m.year);
    case 'y': case 'Ey': case 'Oy': return pad(m.year % 100, 2);
    case 'Z': return zoneText(m.offset);
    case 'z': return offsetText(m.offset, false);
    case 'Ez': return offsetText(m.offset, true);
    case 'E4Y': return pad(m.year, 4);
    case 'E*S': {
      const digits = pad(m.micros, 6).replace(/0+$/, '');
      return pad(m.second, 2) + (digits ? `.${digits}` : '');
    }
    case '%': return '%';
    default: {
      const sub = /^E(\d+)S$/.exec(el);
      if (sub && Number(sub[1]) <= 12) return pad(m.second, 2) + fraction(m.micros, Number(sub[1]));
      throw new FunctionError(`${fn} format element %${el} is not supported by the BigQuery emulator`);
    }
  }
}

const ELEMENT = /%(E\*S|E\d+S|E4Y|Ez|E[cCxXyY]|O[deHImMSuUVwWy]|[^EO]|$)/g;

/**
 * FORMAT_<kind>(format, value[, zone]): `us` is the instant (TIMESTAMP) or the civil value read
 * in UTC; `zone` applies to TIMESTAMP only.
 */
export function formatDateTime(format: string, us: bigint, kind: CivilKind, zone = 'UTC'): string {
  const fn = `FORMAT_${kind}`;
  const z = kind === 'TIMESTAMP' ? zoneOf(zone) : { fixed: 0 };
  const epochSeconds = floorDiv(us, US_PER_SECOND);
  let offset = offsetAt(z, Number(epochSeconds));
  offset -= offset % 60; // BigQuery drops the seconds of an offset (LMT zones before 1900)
  const c = civilFromMicros(us + BigInt(offset) * US_PER_SECOND);
  const day = daysFromCivil(c.year, c.month, c.day);
  const m: Moment = { ...c, weekday: (((day + 4) % 7) + 7) % 7, yearDay: day - daysFromCivil(c.year, 1, 1) + 1, offset, epochSeconds };
  const literal = kind === 'TIMESTAMP' ? '' : LITERAL_FOR[kind];
  return format.replace(ELEMENT, (whole, el: string) => {
    if (el === '') return whole; // a lone % at the end is written as itself
    if (el !== '%' && literal.includes(el.length === 1 ? el : /^E[*\d]+S$/.test(el) ? 'S' : el === 'E4Y' ? 'Y' : el[1])) return whole;
    return element(el, m, fn);
  });
}

// --- Parsing.
/** BigQuery's elements that a type does not allow in a PARSE_ format. */
const INVALID_FOR: Record<Exclude<CivilKind, 'TIMESTAMP'>, string> = {
  DATE: 'cHIklMPpRrSsTXZz',
  TIME: 'AaBbhCcDdeFGgjmsUuVWwxYyZz',
  DATETIME: 'Zz',
};

/** Elements that stand for others when parsing. */
const PARSE_EXPANDS: Record<string, string> = {
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  x: '%m/%d/%y',
  Ex: '%m/%d/%y',
  R: '%H:%M',
  T: '%H:%M:%S',
  X: '%H:%M:%S',
  EX: '%H:%M:%S',
  r: '%I:%M:%S %p',
  c: '%a %b %e %H:%M:%S %Y',
  Ec: '%a %b %e %H:%M:%S %Y',
  n: ' ',
  t: ' ',
  h: '%b',
  EY: '%Y',
  Ey: '%y',
  EC: '%C',
  Od: '%d',
  Oe: '%e',
  OH: '%H',
  OI: '%I',
  Om: '%m',
  OM: '%M',
  OS: '%S',
  Oy: '%y',
};

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /^[ \t\n\v\f\r]$/.test(ch);

/** PARSE_<kind>(format, text[, zone]) as microseconds (the instant for TIMESTAMP, else the civil value in UTC). */
export function parseDateTime(format: string, text: string, kind: CivilKind, zone = 'UTC'): bigint {
  const fn = `PARSE_${kind}`;
  if (kind !== 'TIMESTAMP') {
    for (const m of format.matchAll(/%(E\*S|E\d+S|E4Y|[EO].|.)/g)) {
      const el = m[1];
      const key = el.length === 1 ? el : /^E[*\d]+S$/.test(el) ? 'S' : el === 'E4Y' ? 'Y' : el[1];
      if (el !== '%' && INVALID_FOR[kind].includes(key)) throw new FunctionError(`Invalid format: %${el} is not allowed for the ${kind} type.`);
    }
  }
  const failed = (): FunctionError => new FunctionError(`Failed to parse input string ${JSON.stringify(text)}`);
  const f = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, micros: 0 };
  let twelveHour = false;
  let afternoon = false;
  let century = 0;
  let useCentury = false;
  let explicitCentury = false;
  let offsetMinutes: number | undefined;
  let epochSeconds: bigint | undefined;
  let tz = zone;
  // Day-of-year, week and ISO elements (BigQuery's rules: the rightmost element of a date part wins).
  let position = 0;
  const last = { year: 0, month: 0, mday: 0 };
  let nonIso = false;
  let yearDay: { v: number; at: number } | undefined;
  let week: { v: number; el: string; at: number } | undefined;
  let weekdayAt = -1;
  let isoYear: number | undefined;
  let isoYearDay: number | undefined;
  let isoWeek: number | undefined;
  let pos = 0;
  while (pos < text.length && isSpace(text[pos])) pos++; // leading spaces are always allowed

  const int = (width: number, min: number, max: number): number | undefined => {
    let end = pos;
    if (text[end] === '-') return undefined;
    while (end < text.length && end - pos < width && /[0-9]/.test(text[end])) end++;
    if (end === pos) return undefined;
    const v = Number(text.slice(pos, end));
    if (v < min || v > max) return undefined;
    pos = end;
    return v;
  };
  const skipSpaces = (): void => {
    while (pos < text.length && isSpace(text[pos])) pos++;
  };
  const name = (names: string[]): number | undefined => {
    const rest = text.slice(pos).toLowerCase();
    for (let k = 0; k < names.length; k++) {
      for (const candidate of [names[k].toLowerCase(), names[k].slice(0, 3).toLowerCase()]) {
        if (rest.startsWith(candidate)) {
          pos += candidate.length;
          return k;
        }
      }
    }
    return undefined;
  };
  const subseconds = (digits: number): boolean => {
    if (text[pos] !== '.') return true;
    let end = pos + 1;
    while (end < text.length && /[0-9]/.test(text[end]) && (digits === 0 || end - pos - 1 < digits)) end++;
    const got = text.slice(pos + 1, end);
    if (got.length === 0) return false;
    if (got.length > 6 && /[1-9]/.test(got.slice(6))) throw failed(); // BigQuery keeps microseconds
    f.micros = Number(got.slice(0, 6).padEnd(6, '0'));
    pos = end;
    return true;
  };
  const offset = (colon: boolean): number | undefined => {
    const m = (colon ? /^([+-])(\d{2})(?::(\d{2}))?/ : /^([+-])(\d{2})(\d{2})?/).exec(text.slice(pos));
    if (!m) return undefined;
    pos += m[0].length;
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
    if (minutes > 14 * 60) throw new FunctionError(`Timezone offset out of valid range -14:00 to +14:00: ${m[0]}`);
    return m[1] === '-' ? -minutes : minutes;
  };

  // The format with composite elements spelled out.
  let fmt = format;
  for (let guard = 0; guard < 3; guard++) fmt = fmt.replace(/%%|%(E[cxXYyC]|O[deHImMSy]|[DFxRTXrcnth])/g, (whole, el: string | undefined) => (el === undefined ? whole : PARSE_EXPANDS[el]));

  let i = 0;
  while (pos < text.length && i < fmt.length) {
    const ch = fmt[i];
    if (isSpace(ch)) {
      skipSpaces();
      while (i < fmt.length && isSpace(fmt[i])) i++;
      continue;
    }
    if (ch !== '%') {
      if (text[pos] !== ch) {
        throw new FunctionError(`Mismatch between format character '${ch}' and string character '${text[pos]}' at string index: ${pos} with format: '${format}'`);
      }
      pos++;
      i++;
      continue;
    }
    if (i + 1 >= fmt.length) throw new FunctionError("Format string cannot end with a single '%'");
    const rest = fmt.slice(i + 1);
    const el = /^(E\*S|E\d+S|E4Y|Ez|.)/.exec(rest)![1];
    position++;
    if (/^([YCy]|E4Y|s)$/.test(el)) last.year = position;
    if (/^[mbBQs]$/.test(el)) last.month = position;
    if (/^[deQs]$/.test(el)) last.mday = position;
    if (/^([YCymdebBQsjUW]|E4Y)$/.test(el)) nonIso = true;
    i += 1 + el.length;
    let ok = true;
    let v: number | undefined;
    const next = fmt[i];
    switch (el) {
      case 'Y':
        v = int(next === '%' ? 4 : 5, 0, 10000);
        if (v !== undefined) f.year = v;
        useCentury = false;
        explicitCentury = false;
        break;
      case 'E4Y': {
        const start = pos;
        v = int(4, 0, 9999);
        if (v !== undefined && pos - start === 4) f.year = v;
        else ok = false;
        useCentury = false;
        break;
      }
      case 'C':
        v = int(next === '%' ? 2 : 3, 0, 100);
        if (v !== undefined) {
          if (!useCentury) f.year = 0;
          century = v;
        }
        useCentury = true;
        explicitCentury = true;
        break;
      case 'y':
        v = int(2, 0, 99);
        if (v !== undefined) {
          f.year = v;
          if (!explicitCentury) century = v < 69 ? 20 : 19;
        }
        useCentury = true;
        break;
      case 'm':
        v = int(2, 1, 12);
        if (v !== undefined) f.month = v;
        break;
      case 'd':
        v = int(2, 1, 31);
        if (v !== undefined) f.day = v;
        break;
      case 'e':
        skipSpaces();
        v = int(2, 1, 31);
        if (v !== undefined) f.day = v;
        break;
      case 'H':
        v = int(2, 0, 23);
        if (v !== undefined) f.hour = v;
        twelveHour = false;
        break;
      case 'k':
        skipSpaces();
        v = int(2, 0, 23);
        if (v !== undefined) f.hour = v;
        twelveHour = false;
        break;
      case 'I':
      case 'l':
        skipSpaces();
        v = int(2, 1, 12);
        if (v !== undefined) {
          f.hour = v % 12;
          twelveHour = true;
        }
        break;
      case 'M':
        v = int(2, 0, 59);
        if (v !== undefined) f.minute = v;
        break;
      case 'S':
        v = int(2, 0, 60);
        if (v !== undefined) f.second = v;
        break;
      case 'E*S':
        v = int(2, 0, 60);
        if (v !== undefined) {
          f.second = v;
          ok = subseconds(0);
        }
        break;
      case 'p':
      case 'P': {
        const ampm = text.slice(pos, pos + 2).toLowerCase();
        if (ampm === 'am' || ampm === 'pm') {
          afternoon = ampm === 'pm';
          pos += 2;
        } else ok = false;
        break;
      }
      case 'B':
      case 'b':
        v = name(MONTHS);
        if (v !== undefined) f.month = v + 1;
        break;
      case 'A':
      case 'a':
        v = name(DAYS); // the weekday only counts with a week number
        weekdayAt = position;
        break;
      case 'j':
        v = int(3, 1, 366);
        if (v !== undefined) yearDay = { v, at: position };
        break;
      case 'U':
      case 'W':
        v = int(2, 0, 53);
        if (v !== undefined) week = { v, el, at: position };
        break;
      case 'u':
        v = int(1, 1, 7);
        weekdayAt = position;
        break;
      case 'w':
        v = int(1, 0, 6);
        weekdayAt = position;
        break;
      case 'G':
        v = int(20, 0, 99999);
        if (v !== undefined) isoYear = v;
        break;
      case 'g':
        v = int(2, 0, 99);
        if (v !== undefined) isoYear = v + (v <= 68 ? 2000 : 1900);
        break;
      case 'J':
        v = int(3, 1, 371);
        if (v !== undefined) isoYearDay = v;
        break;
      case 'V':
        v = int(2, 1, 53);
        if (v !== undefined) isoWeek = v;
        break;
      case 'Q':
        v = int(1, 1, 4);
        if (v !== undefined) {
          f.month = (v - 1) * 3 + 1;
          f.day = 1;
        }
        break;
      case 's': {
        const m = /^-?\d{1,12}/.exec(text.slice(pos));
        if (m) {
          epochSeconds = BigInt(m[0]);
          pos += m[0].length;
        } else ok = false;
        break;
      }
      case 'z':
        offsetMinutes = offset(false);
        ok = offsetMinutes !== undefined;
        break;
      case 'Ez':
        if (text[pos] === 'Z') {
          offsetMinutes = 0;
          pos++;
        } else {
          offsetMinutes = offset(true);
          ok = offsetMinutes !== undefined;
        }
        break;
      case 'Z': {
        const m = /^\S+/.exec(text.slice(pos));
        if (!m) ok = false;
        else {
          tz = m[0];
          zoneOf(tz);
          offsetMinutes = undefined;
          pos += m[0].length;
        }
        break;
      }
      case '%':
        if (text[pos] === '%') pos++;
        else ok = false;
        break;
      default: {
        const sub = /^E(\d+)S$/.exec(el);
        if (sub && Number(sub[1]) <= 12) {
          v = int(2, 0, 60);
          if (v !== undefined) {
            f.second = v;
            ok = Number(sub[1]) === 0 || subseconds(Number(sub[1]));
          }
          break;
        }
        throw new FunctionError(`${fn} format element %${el} is not supported by the BigQuery emulator`);
      }
    }
    if (!ok || (v === undefined && /^([YCymdeHkIlMSjUWuwGgJV]|E\*S|E\d+S|[BbAaQ])$/.test(el))) throw failed();
  }
  if (twelveHour && afternoon) f.hour += 12;
  skipSpaces();
  // What is left of the format may only be spaces.
  while (i < fmt.length && isSpace(fmt[i])) i++;
  if (pos !== text.length || i !== fmt.length) throw failed();

  if (epochSeconds !== undefined) {
    const us = epochSeconds * US_PER_SECOND;
    if (us < MIN_US || us > MAX_US) throw new FunctionError('Invalid result from parsing function');
    return us;
  }
  const year = useCentury ? f.year + century * 100 : f.year;
  let second = f.second;
  let extra = 0n;
  if (second === 60) {
    second = 59;
    extra = US_PER_SECOND;
  }
  let y = year;
  if (isoYear !== undefined && !nonIso) {
    // An ISO year, with its ISO day of year (an ISO week BigQuery does not read yet).
    const weeks = isoWeeksIn(isoYear);
    if (isoWeek !== undefined) {
      if (isoWeek === 53 && weeks < 53) throw new FunctionError(`Invalid ISO week ${isoWeek} specified for ISO year ${isoYear}`);
      throw new FunctionError('ISO parse elements are not supported yet');
    }
    if (isoYearDay !== undefined && isoYearDay > weeks * 7) throw new FunctionError(`ISO Year ${isoYear} has ${weeks * 7} days, but the specified day of year was ${isoYearDay}`);
    const jan5 = daysFromCivil(isoYear, 1, 5);
    const date = civilFromDays(jan5 - ((((jan5 + 4) % 7) + 7 + 6) % 7) + (isoYearDay ?? 1) - 1);
    y = date.year;
    f.month = date.month;
    f.day = date.day;
  } else if (yearDay !== undefined || week !== undefined) {
    let date: { year: number; month: number; day: number };
    let at: number;
    if (yearDay !== undefined && (week === undefined || yearDay.at > week.at || weekdayAt < 0)) {
      if (yearDay.v === 366 && !isLeap(year)) throw new FunctionError(`Year ${year} has 365 days, but the specified day of year was 366`);
      date = civilFromDays(daysFromCivil(year, 1, 1) + yearDay.v - 1);
      at = yearDay.at;
    } else {
      const w = week!;
      const jan1 = daysFromCivil(year, 1, 1);
      const startDay = w.el === 'U' ? 0 : 1;
      const firstStart = jan1 + ((startDay - ((((jan1 + 4) % 7) + 7) % 7) + 7) % 7);
      const firstWeek = firstStart === jan1 ? 1 : 0;
      const lastWeek = (isLeap(year) ? 366 : 365) - (firstStart - jan1) > 364 ? 53 : 52;
      if (w.v < firstWeek || w.v > lastWeek) throw new FunctionError(`Week number ${w.v} is invalid for year ${year}`);
      if (weekdayAt >= 0) throw new FunctionError('Weekday parse elements are not supported yet');
      date = civilFromDays(firstStart + 7 * (w.v - 1));
      at = w.at;
    }
    if (last.year < at) y = date.year;
    if (last.month < at) f.month = date.month;
    if (last.mday < at) f.day = date.day;
    if (f.day > daysInMonth(y, f.month)) throw new FunctionError(`Out-of-range datetime field in parsing function; year: ${y}, month: ${f.month}, day: ${f.day}`);
  }
  if (f.day > daysInMonth(y, f.month)) throw new FunctionError('Out-of-range datetime field in parsing function');
  const civil = microsFromCivil({ ...f, year: y, second }) + extra;
  let us = civil;
  if (kind === 'TIMESTAMP') {
    if (offsetMinutes !== undefined) us = civil - BigInt(offsetMinutes * 60) * US_PER_SECOND;
    else {
      const local = floorDiv(civil, US_PER_SECOND);
      us = BigInt(instantOf(zoneOf(tz), Number(local))) * US_PER_SECOND + (civil - local * US_PER_SECOND);
    }
  }
  if (us < MIN_US || us > MAX_US) throw new FunctionError('Invalid result from parsing function');
  return us;
}

/** STRING(timestamp[, zone]) / CAST(timestamp AS STRING): 0, 3 or 6 fraction digits, the offset without ":00". */
export function timestampString(us: bigint, zone = 'UTC'): string {
  const micros = Number(us - floorDiv(us, US_PER_SECOND) * US_PER_SECOND);
  const seconds = micros === 0 ? '%S' : micros % 1000 === 0 ? '%E3S' : '%E6S';
  return formatDateTime(`%E4Y-%m-%d %H:%M:${seconds}%Ez`, us, 'TIMESTAMP', zone).replace(/:00$/, '');
}

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/**
 * TIMESTAMP_TRUNC(timestamp, part, zone) for WEEK, WEEK(<day>), ISOWEEK and ISOYEAR: the civil day in
 * the zone goes back to the week's (or ISO year's) first day, whose midnight in the zone is the answer.
 */
export function timestampTruncWeek(us: bigint, zone: string, part: string): bigint {
  const z = zoneOf(zone);
  const epochSeconds = floorDiv(us, US_PER_SECOND);
  const c = civilFromMicros(us + BigInt(offsetAt(z, Number(epochSeconds))) * US_PER_SECOND);
  const day = daysFromCivil(c.year, c.month, c.day);
  const weekday = (((day + 4) % 7) + 7) % 7;
  // The part comes as 'TRUNC <part>' (a bare 'ISOWEEK' string would be rewritten into DuckDB's name).
  const p = part.replace(/^TRUNC\s+/i, '').replace(/\s+/g, '').toUpperCase();
  let start: number;
  if (p === 'ISOYEAR') {
    const thursday = day - ((weekday + 6) % 7) + 3;
    const isoYear = civilFromDays(thursday).year;
    const jan4 = daysFromCivil(isoYear, 1, 4);
    start = jan4 - ((((jan4 + 4) % 7) + 7 + 6) % 7);
  } else {
    const first = p === 'ISOWEEK' ? 1 : p === 'WEEK' ? 0 : WEEKDAYS.indexOf(/^WEEK\((\w+)\)$/.exec(p)?.[1] ?? '');
    if (first < 0) throw new FunctionError(`TIMESTAMP_TRUNC to ${part} is not supported by the BigQuery emulator`);
    start = day - ((weekday - first + 7) % 7);
  }
  if (civilFromDays(start).year < 1) throw new FunctionError(`Truncating the timestamp to the nearest week causes overflow`);
  return BigInt(instantOf(z, start * 86400)) * US_PER_SECOND;
}

export const DATETIME_FORMAT_FUNCTIONS: JsFunction[] = [
  { name: 'pf_format_timestamp', parameters: ['string', 'int', 'string'], returns: 'string', call: (f: string, us: bigint, zone: string) => formatDateTime(f, us, 'TIMESTAMP', zone) },
  { name: 'pf_format_civil', parameters: ['string', 'int', 'string'], returns: 'string', call: (f: string, us: bigint, kind: string) => formatDateTime(f, us, kind as CivilKind) },
  { name: 'pf_timestamp_string', parameters: ['int', 'string'], returns: 'string', call: (us: bigint, zone: string) => timestampString(us, zone) },
  { name: 'pf_timestamp_trunc_week', parameters: ['int', 'string', 'string'], returns: 'int', call: (us: bigint, zone: string, part: string) => timestampTruncWeek(us, zone, part) },
  { name: 'pf_parse_timestamp', parameters: ['string', 'string', 'string'], returns: 'int', call: (f: string, s: string, zone: string) => parseDateTime(f, s, 'TIMESTAMP', zone) },
  { name: 'pf_parse_civil', parameters: ['string', 'string', 'string'], returns: 'int', call: (f: string, s: string, kind: string) => parseDateTime(f, s, kind as CivilKind) },
];
