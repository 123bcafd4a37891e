// The run-control tables in ops (the lease and the run record), which follow the schema suffix so a
// developer workspace never takes the release's lease or writes the release's run record.
//
// Released (no suffix): a declaration of ops.<name>, the table the platform's Pulumi program creates
// from the catalog. Dataform's account holds dataEditor on those two tables only, not tables.create on
// ops, and BigQuery checks that permission before it looks whether a table exists, so the release
// runs no DDL there.
// A workspace (workspaceCompilationOverrides.schemaSuffix): an operation whose output is
// ops_<suffix>.<name> (Dataform suffixes an operation's dataset, never a declaration's), creating the
// table when it is missing, with the catalog's columns and partitioning. The program creates
// ops_<suffix> with dataEditor for that account.
//
// Either way the action is named <name> in schema ops, so ref("<name>") resolves to it.
// test/unit/dataform/run-control.test.ts compiles both ways and checks the DDL against the catalog.

const DATASET = "ops";

/** True when this compilation suffixes datasets: a developer workspace, never the release. */
function isSuffixed() {
  return Boolean(dataform.projectConfig.schemaSuffix);
}

/** `create table if not exists` with these columns ({name, type, description}) and partitioning. */
function createIfMissing(target, columns, partitionBy) {
  const lines = columns.map((c) => `  ${c.name} ${c.type}`).join(",\n");
  return `create table if not exists ${target} (\n${lines}\n)${partitionBy ? `\npartition by ${partitionBy}` : ""}`;
}

/**
 * One run-control table: `name` in ops, its `description`, `columns` ({name, type, description}, in
 * the catalog's order, type in GoogleSQL DDL) and optional `partitionBy` (a DDL expression).
 */
function table({ name, description, columns, partitionBy }) {
  if (!isSuffixed()) {
    declare({
      schema: DATASET,
      name,
      description,
      columns: Object.fromEntries(columns.map((c) => [c.name, c.description])),
    });
    return;
  }
  operate(name)
    .schema(DATASET)
    .hasOutput(true)
    .tags(["control"])
    .description(`${description} This workspace's own copy, created when missing.`)
    .columns(columns.map((c) => ({ path: [c.name], description: c.description })))
    .queries((ctx) => createIfMissing(ctx.self(), columns, partitionBy));
}

module.exports = {
  isSuffixed,
  createIfMissing,
  table,
};
