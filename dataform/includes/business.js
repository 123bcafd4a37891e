// Business constants and expressions shared by the models, named once.

/** Stores trade 10:00-23:00 local time, so a business day never crosses local midnight. */
const OPEN_HOUR = 10;

/** Store-local calendar date of a TIMESTAMP column, given the store's IANA time zone column. */
function localDate(timestampColumn, timezoneColumn) {
  return `date(datetime(${timestampColumn}, ${timezoneColumn}))`;
}

/** Store-local hour of day (0-23) of a TIMESTAMP column. */
function localHour(timestampColumn, timezoneColumn) {
  return `extract(hour from datetime(${timestampColumn}, ${timezoneColumn}))`;
}

/** Whole minutes and fractions between two timestamps, to the millisecond. */
function minutesBetween(fromColumn, toColumn) {
  return `timestamp_diff(${toColumn}, ${fromColumn}, millisecond) / 60000.0`;
}

/** 100 × numerator / denominator rounded to 2 decimals; null when the denominator is 0. */
function percent(numerator, denominator) {
  return `round(safe_divide(100 * ${numerator}, ${denominator}), 2)`;
}

module.exports = { OPEN_HOUR, localDate, localHour, minutesBetween, percent };
