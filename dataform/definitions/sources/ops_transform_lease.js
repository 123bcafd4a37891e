// ops.transform_lease (ops_<suffix>.transform_lease in a developer workspace; includes/control.js):
// columns as the catalog derives them from contracts/transform-run.ts (transformLease).
/* global control */ // includes/control.js (eslint.config.js lists the older includes)
control.table({
  name: "transform_lease",
  description: "The lease a transform run holds while it runs (acquire_run_lease takes it, record_transform_run releases it).",
  columns: [
    { name: "lease", type: "string not null", description: "The lease's name" },
    { name: "holder", type: "string not null", description: "The run holding it" },
    { name: "acquired_at", type: "timestamp not null", description: "When the holder took it" },
    { name: "expires_at", type: "timestamp not null", description: "When another run may take it over" },
  ],
});
