// ops.transform_runs (ops_<suffix>.transform_runs in a developer workspace; includes/control.js):
// columns and partitioning as the catalog derives them from contracts/transform-run.ts (transformRun).
/* global control */ // includes/control.js (eslint.config.js lists the older includes)
control.table({
  name: "transform_runs",
  description: "One row per successful transform run, written by record_transform_run (the release's table is created by the platform's Pulumi program).",
  columns: [
    { name: "run_id", type: "string not null", description: "The run's id (its lease holder)" },
    { name: "kind", type: "string not null", description: "incremental, full_refresh or backfill" },
    { name: "started_at", type: "timestamp not null", description: "When the run took the lease" },
    { name: "finished_at", type: "timestamp not null", description: "When every model and assertion had succeeded (partitioning column)" },
    { name: "previous_watermark_at", type: "timestamp", description: "The watermark the run started from" },
    { name: "watermark_at", type: "timestamp", description: "Newest raw ingested_at the run processed" },
    { name: "marts", type: "array<struct<mart string not null, newest_event_at timestamp>>", description: "Per mart, the newest event time it holds after the run" },
    { name: "touched_dates", type: "array<date>", description: "The event-date partitions the run rebuilt (the serving store publisher reads only these)" },
  ],
  partitionBy: "date(finished_at)",
});
