// FORMAT_* and PARSE_* date/time elements (format-elements#format_elements_date_time), as pure functions.
import { formatDateTime, parseDateTime, timestampString, timestampTruncWeek } from '../../../../../emulators/bigquery/udfs/datetime-format';

const us = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
const T = us('2008-12-25T15:30:12.345Z');

describe('formatDateTime', () => {
  it('writes every documented element of a TIMESTAMP in UTC', () => {
    expect(formatDateTime('%c|%x|%X|%D|%F|%T|%R|%r', T, 'TIMESTAMP')).toBe('Thu Dec 25 15:30:12 2008|12/25/08|15:30:12|12/25/08|2008-12-25|15:30:12|15:30|03:30:12 PM');
    expect(formatDateTime('%A %a %B %b %h %C %d %e %H %I %j %k %l %M %m %P %p %Q %S %s %u %w %Y %y %%', T, 'TIMESTAMP')).toBe(
      'Thursday Thu December Dec Dec 20 25 25 15 03 360 15  3 30 12 pm PM 4 12 1230219012 4 4 2008 08 %',
    );
    expect(formatDateTime('%E*S|%E3S|%E6S|%E1S|%E4Y|%Ez|%z|%Z|%n|%t', T, 'TIMESTAMP')).toBe('12.345|12.345|12.345000|12.3|2008|+00:00|+0000|UTC|\n|\t');
    expect(formatDateTime('%E*S', us('2008-12-25T15:30:12Z'), 'TIMESTAMP')).toBe('12');
  });

  it('writes FORMAT_DATE of every date element as BigQuery answered for 2024-02-07 (a published BigQuery run)', () => {
    expect(formatDateTime('%A,%a,%B,%b,%C,%D,%d,%e,%F,%G,%g,%h,%j,%m,%U,%u,%V,%W,%w,%x,%Y,%y,%t,%%', us('2024-02-07T00:00:00Z'), 'DATE')).toBe(
      'Wednesday,Wed,February,Feb,20,02/07/24,07, 7,2024-02-07,2024,24,Feb,038,02,05,3,06,06,3,02/07/24,2024,24,\t,%',
    );
  });

  it('writes ISO and week numbers: %G %g %V %U %W', () => {
    expect(formatDateTime('%G %g %V %U %W %u', us('2021-01-01T00:00:00Z'), 'TIMESTAMP')).toBe('2020 20 53 00 00 5');
    expect(formatDateTime('%G %V %U %W', us('2008-12-29T00:00:00Z'), 'TIMESTAMP')).toBe('2009 01 52 52');
  });

  it('writes a TIMESTAMP in an IANA zone or a fixed offset, %Z as UTC+n', () => {
    expect(formatDateTime('%F %T %Ez %z %Z', T, 'TIMESTAMP', 'America/Los_Angeles')).toBe('2008-12-25 07:30:12 -08:00 -0800 UTC-8');
    expect(formatDateTime('%H:%M %Z', T, 'TIMESTAMP', 'Asia/Kolkata')).toBe('21:00 UTC+0530');
    expect(formatDateTime('%H:%M %Ez', T, 'TIMESTAMP', '+03')).toBe('18:30 +03:00');
    expect(() => formatDateTime('%H', T, 'TIMESTAMP', 'Mars/Base')).toThrow('Invalid time zone: Mars/Base');
  });

  it("writes the elements a DATE, TIME or DATETIME does not have as themselves, as BigQuery does", () => {
    expect(formatDateTime('%x %H %Z', us('2008-12-25T00:00:00Z'), 'DATE')).toBe('12/25/08 %H %Z');
    expect(formatDateTime('%k %l %Y %E*S', us('1970-01-01T15:30:00Z'), 'TIME')).toBe('15  3 %Y 00');
    expect(formatDateTime('%c %z', us('2008-12-25T15:30:00Z'), 'DATETIME')).toBe('Thu Dec 25 15:30:00 2008 %z');
  });

  it('writes STRING(timestamp, zone) with 0, 3 or 6 fraction digits and a short offset', () => {
    expect(timestampString(us('2008-12-25T15:30:00Z'))).toBe('2008-12-25 15:30:00+00');
    expect(timestampString(T, 'Asia/Kolkata')).toBe('2008-12-25 21:00:12.345+05:30');
    expect(timestampString(T + 1n, 'America/Los_Angeles')).toBe('2008-12-25 07:30:12.345001-08');
  });
});

describe('parseDateTime', () => {
  it('reads numbers without padding, any run of spaces, leading and trailing spaces', () => {
    expect(parseDateTime('%m/%d/%Y  %H:%M:%S', '7/2/2020    09:24:28', 'TIMESTAMP')).toBe(us('2020-07-02T09:24:28Z'));
    expect(parseDateTime('%Y-%m-%d', '  2020-1-2 ', 'DATE')).toBe(us('2020-01-02T00:00:00Z'));
  });

  it('defaults missing parts to 1970-01-01 00:00:00', () => {
    expect(parseDateTime('%k', ' 9', 'TIMESTAMP')).toBe(us('1970-01-01T09:00:00Z'));
    expect(parseDateTime('%R', '14:30', 'TIME')).toBe(us('1970-01-01T14:30:00Z'));
  });

  it('reads 12-hour clocks with %p / %P, %Ez and %z offsets, %E*S fractions, %s, %j, %y', () => {
    expect(parseDateTime('%I%p', '12am', 'TIMESTAMP')).toBe(us('1970-01-01T00:00:00Z'));
    expect(parseDateTime('%l%p', ' 12pm', 'TIMESTAMP')).toBe(us('1970-01-01T12:00:00Z'));
    expect(parseDateTime('%I%p', '10PM', 'TIMESTAMP')).toBe(us('1970-01-01T22:00:00Z'));
    expect(parseDateTime('%Y-%m-%d %H:%M:%E*S%Ez', '2020-06-02 23:58:40.123+09:00', 'TIMESTAMP')).toBe(us('2020-06-02T14:58:40.123Z'));
    expect(parseDateTime('%F %T %z', '2020-06-02 23:58:40 -0130', 'TIMESTAMP')).toBe(us('2020-06-03T01:28:40Z'));
    expect(parseDateTime('%s', '1230219012', 'TIMESTAMP')).toBe(us('2008-12-25T15:30:12Z'));
    expect(parseDateTime('%y%j', '95033', 'DATE')).toBe(us('1995-02-02T00:00:00Z'));
    expect(parseDateTime('%y%j', '24120', 'DATE')).toBe(us('2024-04-29T00:00:00Z'));
    expect(parseDateTime('%A %b %e %Y', 'Thursday Dec 25 2008', 'DATE')).toBe(us('2008-12-25T00:00:00Z'));
  });

  it('reads day-of-year and week numbers with the rightmost element winning, ISO years with %J, refusing as BigQuery does', () => {
    expect(parseDateTime('%j %m/%d/%Y', '100 01/02/2020', 'DATE')).toBe(us('2020-01-02T00:00:00Z'));
    expect(parseDateTime('%m/%d/%Y %j', '01/02/2020 100', 'DATE')).toBe(us('2020-04-09T00:00:00Z'));
    expect(parseDateTime('%Y %W', '2024 01', 'DATE')).toBe(us('2024-01-01T00:00:00Z'));
    expect(parseDateTime('%Y %U', '2023 53', 'DATE')).toBe(us('2023-12-31T00:00:00Z'));
    expect(parseDateTime('%G %J', '2015 1', 'DATE')).toBe(us('2015-01-05T00:00:00Z'));
    expect(parseDateTime('%A', 'Monday', 'DATE')).toBe(us('1970-01-01T00:00:00Z'));
    expect(() => parseDateTime('%Y %U', '2023 00', 'DATE')).toThrow('Week number 0 is invalid for year 2023');
    expect(() => parseDateTime('%Y %U %a', '2024 05 Mon', 'DATE')).toThrow('Weekday parse elements are not supported yet');
    expect(() => parseDateTime('%G %V', '2020 10', 'DATE')).toThrow('ISO parse elements are not supported yet');
    expect(() => parseDateTime('%Y %j', '2023 366', 'DATE')).toThrow('Year 2023 has 365 days, but the specified day of year was 366');
  });

  it('places the civil time in the time zone (a skipped time takes the offset before the change)', () => {
    expect(parseDateTime('%F %T', '2008-12-25 07:30:00', 'TIMESTAMP', 'America/Los_Angeles')).toBe(us('2008-12-25T15:30:00Z'));
    expect(parseDateTime('%F %T', '2021-03-14 02:30:00', 'TIMESTAMP', 'America/Los_Angeles')).toBe(us('2021-03-14T10:30:00Z'));
  });

  it("fails as BigQuery does on text that does not match, out-of-range fields, and elements the type does not have", () => {
    expect(() => parseDateTime('%Y-%m-%d', '2020-13-01', 'DATE')).toThrow('Failed to parse input string "2020-13-01"');
    expect(() => parseDateTime('%Y-%m-%d', '2020-02-30', 'DATE')).toThrow('Out-of-range datetime field in parsing function');
    expect(() => parseDateTime('%Y/%m', '2020-01', 'DATE')).toThrow("Mismatch between format character '/' and string character '-'");
    expect(() => parseDateTime('%Y', '2020 x', 'DATE')).toThrow('Failed to parse input string');
    expect(() => parseDateTime('%H', '10', 'DATE')).toThrow('Invalid format: %H is not allowed for the DATE type.');
  });
});

describe('timestampTruncWeek', () => {
  const t = us('2017-11-05T12:00:00Z'); // 2017-11-06 01:00 in Auckland (NZDT), a Monday there
  it('goes back to the first day of the week or ISO year in the zone, at its midnight there', () => {
    expect(timestampTruncWeek(t, 'UTC', 'TRUNC WEEK(MONDAY)')).toBe(us('2017-10-30T00:00:00Z'));
    expect(timestampTruncWeek(t, 'Pacific/Auckland', 'TRUNC WEEK(MONDAY)')).toBe(us('2017-11-05T11:00:00Z'));
    expect(timestampTruncWeek(t, 'Pacific/Auckland', 'TRUNC WEEK')).toBe(us('2017-11-04T11:00:00Z'));
    expect(timestampTruncWeek(t, '+05:30', 'TRUNC ISOWEEK')).toBe(us('2017-10-29T18:30:00Z'));
    expect(timestampTruncWeek(us('2015-06-15T00:00:00Z'), 'America/Los_Angeles', 'TRUNC ISOYEAR')).toBe(us('2014-12-29T08:00:00Z'));
  });
});
