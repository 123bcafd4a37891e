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
 * declare touched_from, open a transaction, then delete those partitions (the incremental query
 * inserts them again and the post_operations commit). Dataform sends an action's pre_operations, its
 * INSERT and its post_operations as one BigQuery script (the CLI's `publishTasks` concatenates them
 * into one task), so the DELETE and the INSERT are one atomic unit: a reader never sees a partition
 * emptied, and a failed INSERT rolls the DELETE back. One operation since a placeholder cannot emit
 * sqlx's `---` separator. Models call it as
 * `${when(incremental(), partitions.incrementalPreOps(self(), "<date column>", ref("touched_event_dates")))}`
 * and close it with `${when(incremental(), partitions.incrementalPostOps())}`.
 */
function incrementalPreOps(selfTable, dateColumn, touchedDatesTable, eventsOnly = false) {
  return [declareTouchedFrom(touchedDatesTable, eventsOnly), "begin transaction", deleteTouched(selfTable, dateColumn, touchedDatesTable, eventsOnly)].join(";\n");
}

/** The post_operations that commit what incrementalPreOps opened. */
function incrementalPostOps() {
  return "commit transaction";
}

/**
 * The pre_operations of a staging event table. An incremental run appends the raw rows that arrived
 * in this run's window (scan_from .. scan_to, constants BigQuery prunes raw's arrival partitions and
 * ingested_at clusters on) and are not yet in staging: the table is never rewritten, and one INSERT
 * is atomic on its own. A backfill has no window: it replaces its partitions like the other models.
 */
function stagingPreOps(selfTable, touchedDatesTable) {
  if (isBackfill()) return incrementalPreOps(selfTable, "event_date", touchedDatesTable, true);
  return `${declareTouchedFrom(touchedDatesTable, true)};\n${declareRawWindow(touchedDatesTable)}`;
}

/** Script variables scan_from and scan_to: the run's raw window, as touched_event_dates found it. */
function declareRawWindow(touchedDatesTable) {
  return [
    `declare scan_from timestamp default (select min(scan_from) from ${touchedDatesTable})`,
    `declare scan_to timestamp default (select max(new_watermark_at) from ${touchedDatesTable})`,
  ].join(";\n");
}

/** The post_operations of a staging event table (a backfill commits its replacement). */
function stagingPostOps() {
  return isBackfill() ? incrementalPostOps() : "";
}

/** Which raw rows a staging event table reads: the run's window, or (backfill, full build) by date. */
function stagingRawFilter(incremental, touchedDatesTable) {
  if (incremental && !isBackfill()) return "ingested_at >= scan_from and ingested_at <= scan_to";
  return rawArrivalFilter(incremental, touchedDatesTable);
}

/**
 * Keeps the rows of a staging event table's query that belong in this run. Incremental: rows whose
 * (merchant_id, event_id) is not in staging yet, an anti-join that reads only the two key columns
 * of the partitions the new rows fall in (a late copy of an old event is dropped, never counted
 * twice). Backfill: the rows of the backfilled partitions. Full build: everything.
 */
function stagingKeep(incremental, selfTable, alias, touchedDatesTable) {
  if (!incremental) return "true";
  if (isBackfill()) return inTouched(`date(${alias}.event_time)`, touchedDatesTable, true);
  return `not exists (
    select 1 from ${selfTable} as staged
    where ${inTouched("staged.event_date", touchedDatesTable, true)}
      and staged.merchant_id = ${alias}.merchant_id
      and staged.event_id = ${alias}.event_id
  )`;
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
  incrementalPostOps,
  stagingPreOps,
  declareRawWindow,
  stagingPostOps,
  stagingRawFilter,
  stagingKeep,
  inTouched,
  rawArrivalFilter,
  upstreamFilter,
};
