// The unique-key, non-null and row-condition checks of the large partitioned models, under the
// names Dataform gives built-in assertions. The rules live in includes/checks.js; the rows that
// break them are computed by staging.partition_checks over the partitions the run rebuilt, so these
// assertions read a few rows instead of every partition.
for (const rules of checks.MODEL_RULES) {
  for (const kind of checks.KINDS) {
    if (!rules[kind]) continue;
    const name = checks.assertionName(rules, kind);
    assert(name)
      .description(`${kind} of ${rules.schema}.${rules.model} over the partitions the run rebuilt (every partition in a full build)`)
      .query((ctx) => `select rule, detail, violating_rows from ${ctx.ref("partition_checks")} where assertion = '${name}'`);
  }
}
