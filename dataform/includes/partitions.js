// The incremental strategy, in one place (described in docs/transform.md): every incremental model
// replaces whole event-date partitions listed in touched_event_dates, and reads raw from a constant
// lower bound on ingested_at (a script variable) so BigQuery prunes raw's arrival partitions.

function vars() {
  return dataform.projectConfig.vars || {};
}

/** True when the run was asked to rebuild a date range (--vars=backfill_from=…,backfill_to=…). */
function isBackfill() {
  const v = vars();
  return Boolean(v.backfill_from) && Boolean(v.backfill_to);
}

function intVar(name, fallback) {
  const raw = vars()[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`var ${name} must be a non-negative integer, got ${raw}`);
  return n;
}

function dateVar(name) {
  const raw = vars()[name] || '';
  if (raw !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new Error(`var ${name} must be YYYY-MM-DD, got ${raw}`);
  return raw;
}

// Staging event tables are partitioned by the UTC date of event_time, so a new raw row touches
// exactly one of their partitions (`eventsOnly`); everything downstream rebuilds the widened set.
function touchedDates(touchedDatesTable, eventsOnly) {
  return `select event_date from ${touchedDatesTable}${eventsOnly ? " where has_new_events" : ""}`;
}

/** Script variable `touched_from`: the earliest partition this run rebuilds. */
function declareTouchedFrom(touchedDatesTable, eventsOnly = false) {
  return `declare touched_from date default (select coalesce(min(event_date), current_date()) from (${touchedDates(touchedDatesTable, eventsOnly)}))`;
}

/**
 * Deletes the partitions this run rebuilds; the incremental query then inserts them again. The
 * constant bound on touched_from lets BigQuery prune the target's older partitions (the semi-join
 * alone does not prune).
 */
function deleteTouched(selfTable, dateColumn, touchedDatesTable, eventsOnly = false) {
  return `delete from ${selfTable} where ${dateColumn} in (${touchedDates(touchedDatesTable, eventsOnly)}) and ${dateColumn} >= touched_from`;
}

/**
 * The pre_operations of an incremental model that rebuilds the touched partitions of `dateColumn`:
 * declare touched_from, then delete those partitions (the incremental query inserts them again).
 * Two statements of one BigQuery script, in one operation since a placeholder cannot emit sqlx's
 * `---` separator. Models call it as
 * `${when(incremental(), partitions.incrementalPreOps(self(), "<date column>", ref("touched_event_dates")))}`.
 */
function incrementalPreOps(selfTable, dateColumn, touchedDatesTable, eventsOnly = false) {
  return `${declareTouchedFrom(touchedDatesTable, eventsOnly)};\n${deleteTouched(selfTable, dateColumn, touchedDatesTable, eventsOnly)}`;
}

/**
 * Keeps the rows of the partitions this run rebuilds. On an upstream table partitioned by
 * `dateColumn`, the `>= touched_from` bound (a script variable) is what prunes its partitions.
 */
function inTouched(dateColumn, touchedDatesTable, eventsOnly = false) {
  return `${dateColumn} in (${touchedDates(touchedDatesTable, eventsOnly)}) and ${dateColumn} >= touched_from`;
}

/**
 * The raw arrival filter: an event is never ingested before it happened, so every copy of an event
 * whose UTC date is on or after touched_from arrived on or after that date. The upper bound is the
 * run's watermark (the newest arrival touched_event_dates saw): rows arriving while the run goes
 * are left to the next run, so staging and the reconciliation checks read the same snapshot of raw.
 * A backfill has no watermark and no upper bound.
 */
function rawArrivalFilter(incremental, touchedDatesTable) {
  const lower = incremental ? `ingested_at >= timestamp(touched_from)` : `ingested_at >= timestamp('${dateVar('history_start') || '2020-01-01'}')`;
  return `${lower} and ingested_at <= (select coalesce(max(new_watermark_at), timestamp '9999-12-31 23:59:59') from ${touchedDatesTable})`;
}

/** Lower bound on an event-dated upstream column for a rebuild of the touched partitions. */
function upstreamFilter(incremental, dateColumn, marginDays) {
  if (!incremental) return 'true';
  return `${dateColumn} >= date_sub(touched_from, interval ${marginDays} day)`;
}

module.exports = {
  vars,
  isBackfill,
  intVar,
  dateVar,
  declareTouchedFrom,
  deleteTouched,
  incrementalPreOps,
  inTouched,
  rawArrivalFilter,
  upstreamFilter,
};
