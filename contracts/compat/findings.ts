// What the compatibility gate reports, and its rule table: one entry per rule, with the additive
// change that gets the same result without breaking producers, loaders or readers.

/** The rules a change can break. Rule 5 (storage layout) has one id for partitioning, one for clustering. */
export type BreakingRule = 'removed-field' | 'narrowed-type' | 'new-required-field' | 'required-column' | 'partitioning-changed' | 'clustering-changed';

/** A subject (contract or table) that has no released file yet: listed, not a failure. */
export type NewRule = 'new-subject';

export type RuleId = BreakingRule | NewRule;

export interface Finding {
  /** The released file's stem: `contract.<kind>` or `table.<dataset>.<table>`. */
  subject: string;
  /** Where: `$` is the record (or the table), `$.lines[].sku` a field, `$[event_type=order.placed]` one variant of a union. */
  path: string;
  rule: RuleId;
  breaking: boolean;
  message: string;
  /** The additive path that reaches the same goal. */
  fix: string;
}

export interface RuleInfo {
  /** One line for `pizzaflow contracts check` and docs/contracts.md. */
  title: string;
  breaking: boolean;
  fix: string;
}

export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  'removed-field': {
    title: 'a field, column, contract or table was removed (a rename is a removal plus an addition)',
    breaking: true,
    fix: 'keep the old field (optional or nullable, described as deprecated) and add the new one beside it; drop it only in a new contract version',
  },
  'narrowed-type': {
    title: 'a field accepts fewer values than before (type, enum, const, format, pattern, bounds, null, unknown fields; any BigQuery type or REPEATED change)',
    breaking: true,
    fix: 'widen instead: keep accepting every old value (a union of the old and new type, keep the enum value, keep the bound) and tighten producers first; for BigQuery, add a new column of the new type and keep the old one',
  },
  'new-required-field': {
    title: 'an object that existed before requires a field it did not require',
    breaking: true,
    fix: 'add the field as optional (`.optional()`, or `.nullable()` with producers sending null); make it required only in a new contract version',
  },
  'required-column': {
    title: 'a REQUIRED column was added to an existing table, or a NULLABLE column became REQUIRED',
    breaking: true,
    fix: 'add the column as NULLABLE: make the contract field optional or nullable (a column is REQUIRED only when every event type requires it)',
  },
  'partitioning-changed': {
    title: "a table's partitioning changed (type, column, required filter turned on, or a shorter expiration)",
    breaking: true,
    fix: 'BigQuery cannot re-partition a table in place: create a new table (for example `<name>_v2`) with the new layout, backfill it, move readers, then retire the old one',
  },
  'clustering-changed': {
    title: "a table's clustering columns changed",
    breaking: true,
    fix: 'keep the clustering; for a new layout create a new table (for example `<name>_v2`), backfill it and move readers',
  },
  'new-subject': {
    title: 'a contract or table with no released file yet',
    breaking: false,
    fix: 'nothing to fix: `pizzaflow contracts release` records it',
  },
};

/** A finding of `rule`; `fix` replaces the rule's generic fix when the comparator can be specific. */
export function finding(subject: string, path: string, rule: RuleId, message: string, fix?: string): Finding {
  const info = RULES[rule];
  return { subject, path, rule, breaking: info.breaking, message, fix: fix ?? info.fix };
}
